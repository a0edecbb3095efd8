"""Pages of lists: cursors for the long, append-only lists; limit/offset for the rest."""

from rest_framework.pagination import CursorPagination, LimitOffsetPagination
from rest_framework_gis.pagination import GeoJsonPagination


class Pages(LimitOffsetPagination):
    default_limit = 100
    max_limit = 1000


class ByIdCursor(CursorPagination):
    ordering = "-id"
    page_size = 100


class ByCodeCursor(CursorPagination):
    ordering = "code"
    page_size = 100


class BySequenceCursor(CursorPagination):
    """Journal entries newest first; a cursor never skips or repeats an entry."""

    ordering = "-sequence"
    page_size = 100
    max_page_size = 1000
    page_size_query_param = "page_size"


class PostingCursor(CursorPagination):
    ordering = "-id"
    page_size = 100
    max_page_size = 1000
    page_size_query_param = "page_size"


class GeoPages(GeoJsonPagination):
    """GeoJSON FeatureCollections by page, with an example value the schema's examples can use.

    Zones and land-cover polygons carry their full geometry: 100 a page by default
    (`?page_size=` up to 1,000), never the whole table in one response."""

    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000

    def get_paginated_response_schema(self, schema):
        paginated = super().get_paginated_response_schema(schema)
        paginated["properties"]["type"]["example"] = "FeatureCollection"
        return paginated
