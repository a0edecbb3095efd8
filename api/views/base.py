from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import viewsets
from rest_framework.filters import OrderingFilter

from config.access import scoped, sees_every_region


class ScopedReadViewSet(viewsets.ReadOnlyModelViewSet):
    """Rows limited to the caller's regions, exactly as the admin and the pages limit them.

    `region_paths` name a row's region code(s); a view without any serves data
    that spans regions (a run, a valuation), which only officials see.
    """

    region_paths: tuple[str, ...] = ()
    filter_backends = [DjangoFilterBackend, OrderingFilter]

    def get_queryset(self):
        rows = self.queryset.all()
        if not self.region_paths:
            return rows if sees_every_region(self.request.user) else rows.none()
        return scoped(rows, self.request.user, *self.region_paths)
