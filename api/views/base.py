from rest_framework import viewsets
from rest_framework.filters import OrderingFilter

from api.filters import StrictFilters
from pilots.access import scoped, sees_every_region

# What a path may name: ids are 1 to 18 digits (within bigint), region codes 6 digits
# (GB/T 2260), account codes printable text up to their column's length. Anything else
# matches no route and is a problem+json 404 (api.errors.not_found).
ID_IN_PATH = r"[0-9]{1,18}"
REGION_CODE_IN_PATH = r"[0-9]{6}"
ACCOUNT_CODE_IN_PATH = r"[^/\x00-\x1f\x7f]{1,128}"


class ScopedReadViewSet(viewsets.ReadOnlyModelViewSet):
    """Rows limited to the caller's regions, exactly as the admin and the pages limit them.

    `region_paths` name a row's region code(s); a view without any serves data
    that spans regions (a run, a valuation), which only officials see.
    """

    region_paths: tuple[str, ...] = ()
    lookup_value_regex = ID_IN_PATH
    filter_backends = [StrictFilters, OrderingFilter]

    def get_queryset(self):
        rows = self.queryset.all()
        if not self.region_paths:
            return rows if sees_every_region(self.request.user) else rows.none()
        return scoped(rows, self.request.user, *self.region_paths)
