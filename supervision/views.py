"""The evaluation report (page and PDF), data exports and acknowledging alerts.

Every view asks pilots.access for the region first: an operator gets "not
found" for another region's report, export or alert.
"""

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from graphics import charts
from pilots.access import can_view_region, region_or_404
from pilots.synthetic import synthetic_codes
from supervision import exchange
from supervision.alerts import acknowledge, describe
from supervision.evaluation import YEARS, evaluate
from supervision.exceptions import AcknowledgementRefused
from supervision.maps import change_map
from supervision.models import Alert

logger = logging.getLogger(__name__)


def _context(request, code: str, year: int) -> dict:
    if year not in YEARS:
        raise Http404
    region = region_or_404(request.user, code)
    report = evaluate(region=region, year=year)
    for alert in report.alerts:
        alert.text = describe(alert)
    encroachments = [e for d in report.detections for e in d.encroachments.all()]
    return {
        "report": report,
        "region": region,
        "synthetic": bool(synthetic_codes([region.code])),
        "changes_map": change_map(
            region,
            [
                (e.geometry, f"{e.get_protected_kind_display()} {e.area_ha} ha")
                for e in encroachments
            ],
        ),
        "trend": charts.bar_chart(
            [(str(y), net) for y, net in report.trend],
            title=_("Net position by year (tCO2e)"),
            unit="tCO2e",
        )
        if report.trend
        else "",
    }


@login_required
def evaluation_page(request, code: str, year: int):
    return render(request, "supervision/evaluation.html", _context(request, code, year))


@login_required
def evaluation_pdf(request, code: str, year: int):
    from weasyprint import HTML

    html = render_to_string("supervision/evaluation_pdf.html", _context(request, code, year))
    response = HttpResponse(HTML(string=html).write_pdf(), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="evaluation-{code}-{year}.pdf"'
    return response


@login_required
def export_geojson(request, code: str, layer: str):
    region = region_or_404(request.user, code)
    if layer not in exchange.LAYERS:
        raise Http404
    response = HttpResponse(
        exchange.geojson_bytes(region, layer), content_type="application/geo+json"
    )
    response["Content-Disposition"] = f'attachment; filename="{code}-{layer}.geojson"'
    return response


@login_required
def export_geopackage(request, code: str):
    region = region_or_404(request.user, code)
    try:
        payload = exchange.geopackage_bytes(region)
    except exchange.ExportFailed as exc:
        logger.error("GeoPackage export of region %s failed: %s", code, exc)
        messages.error(request, str(exc))
        return redirect("portal:region", code=code)
    response = HttpResponse(payload, content_type="application/geopackage+sqlite3")
    response["Content-Disposition"] = f'attachment; filename="{code}.gpkg"'
    return response


@login_required
@require_POST
def acknowledge_alert(request, pk: int):
    alert = get_object_or_404(Alert.objects.select_related("region"), pk=pk)
    if not can_view_region(request.user, alert.region.code):
        raise Http404
    try:
        acknowledge(alert=alert, user=request.user, comment=request.POST.get("comment", ""))
    except AcknowledgementRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Alert acknowledged."))
    back = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return redirect(back)
    return redirect("portal:region", code=alert.region.code)
