"""Statement downloads: role and region checked for every file, never served as plain media."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404

from compensation.models import Statement
from pilots.access import can_view_region

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@login_required
def statement_file(request, pk: int, fmt: str):
    if fmt not in CONTENT_TYPES:
        raise Http404
    statement = get_object_or_404(
        Statement.objects.select_related("region"), pk=pk, status=Statement.Status.ISSUED
    )
    region = statement.region.code if statement.region_id else None
    # Another region's statement is "not found", so its existence is not revealed either.
    if not request.user.has_perm("compensation.view_statement") or not can_view_region(
        request.user, region
    ):
        raise Http404
    return FileResponse(
        getattr(statement, fmt).open("rb"),
        as_attachment=True,
        filename=f"{statement.stem}.{fmt}",
        content_type=CONTENT_TYPES[fmt],
    )
