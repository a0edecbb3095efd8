"""Pages of lists: cursors for the long, append-only lists; limit/offset for the rest.

Page parameters are checked like bodies: `?limit=AAA`, `?offset=-1` or `?page_size=0.5`
is a 400 naming the parameter, never silently the default.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination, LimitOffsetPagination
from rest_framework_gis.pagination import GeoJsonPagination


def whole_parameter(request, name, *, least, most):
    """The integer `?name=` in least..most, None when absent; else a 400 naming it."""
    text = request.query_params.get(name)
    if text is None:
        return None
    if not (len(text) <= 19 and text.isascii() and text.isdigit() and least <= int(text) <= most):
        raise ValidationError(
            {
                name: [
                    _("Give a whole number from %(least)s to %(most)s.")
                    % {"least": least, "most": most}
                ]
            }
        )
    return int(text)


class Pages(LimitOffsetPagination):
    default_limit = 100
    max_limit = 1000

    def get_limit(self, request):
        limit = whole_parameter(request, self.limit_query_param, least=1, most=self.max_limit)
        return self.default_limit if limit is None else limit

    def get_offset(self, request):
        offset = whole_parameter(request, self.offset_query_param, least=0, most=2**31 - 1)
        return offset or 0


class _CheckedPageSize:
    def get_page_size(self, request):
        if self.page_size_query_param:
            size = whole_parameter(
                request, self.page_size_query_param, least=1, most=self.max_page_size
            )
            if size is not None:
                return size
        return self.page_size


class ByIdCursor(CursorPagination):
    ordering = "-id"
    page_size = 100


class ByCodeCursor(CursorPagination):
    ordering = "code"
    page_size = 100


class BySequenceCursor(_CheckedPageSize, CursorPagination):
    """Journal entries newest first; a cursor never skips or repeats an entry."""

    ordering = "-sequence"
    page_size = 100
    max_page_size = 1000
    page_size_query_param = "page_size"


class PostingCursor(_CheckedPageSize, CursorPagination):
    ordering = "-id"
    page_size = 100
    max_page_size = 1000
    page_size_query_param = "page_size"


class GeoPages(_CheckedPageSize, GeoJsonPagination):
    """GeoJSON FeatureCollections by page; the schema requires what is sent (features, not results).

    Zones and land-cover polygons carry their full geometry: 100 a page by default
    (`?page_size=` up to 1,000), never the whole table in one response."""

    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000

    def get_paginated_response_schema(self, schema):
        paginated = super().get_paginated_response_schema(schema)
        paginated["properties"]["type"]["example"] = "FeatureCollection"
        paginated["required"] = ["type", "count", "next", "previous", "features"]  # no "results"
        if isinstance(schema, dict):  # else a placeholder drf-spectacular builds examples with
            # `schema` is the FeatureCollection (ZoneList); a page sends its features, an array.
            feature = {"$ref": schema["$ref"].removesuffix("List")}
            paginated["properties"]["features"] = {"type": "array", "items": feature}
        return paginated
