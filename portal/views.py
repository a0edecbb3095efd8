"""Pages: a dashboard per pilot for officials, and a page per region for its operators."""

import csv
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from compensation.accounts import CHANNEL_LABELS
from compensation.imports import TEMPLATE_HEADER, import_monitoring
from compensation.maps import svg_map
from compensation.models import Agreement
from formats.numbers import yuan_summary
from graphics import charts
from graphics.charts import CHANNEL_COLOURS
from passthrough import obligations, reports
from passthrough.models import Recipient
from pilots.access import region_codes_of, region_or_404, sees_every_region
from pilots.imports import ImportRejected
from pilots.models import PilotProgramme, Region
from pilots.styles import ZONE_COLOURS
from pilots.synthetic import synthetic_codes
from portal import selectors
from portal.forms import MonitoringUploadForm, ReconciliationForm, ReportForm
from supervision.selectors import supervision_overview

# Who reads a region's pass-through reports: the view permission on plan lines (officials,
# auditors, the region's operators; config.roles), then the region (pilots.access).
REPORTS_NEED = "passthrough.view_suballocationline"
REPORT_TYPES = {
    "pdf": "application/pdf",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
SURPLUS, DEFICIT, NEUTRAL = "#2e7d32", "#c62828", "#bdbdbd"
POSITION_LEGEND = [
    (gettext_lazy("surplus (protector)"), SURPLUS),
    (gettext_lazy("deficit (beneficiary)"), DEFICIT),
    (gettext_lazy("balanced (net zero)"), NEUTRAL),
]


@login_required
def home(request):
    codes = region_codes_of(request.user)
    if codes is None:
        programmes = PilotProgramme.objects.order_by("name")
        return render(request, "portal/home.html", {"programmes": programmes})
    regions = Region.objects.filter(code__in=codes).order_by("code")
    if len(regions) == 1:
        return redirect("portal:region", code=regions[0].code)
    return render(request, "portal/home.html", {"regions": regions})


@login_required
def dashboard(request, pk: int):
    if not sees_every_region(request.user):
        raise Http404
    programme = get_object_or_404(PilotProgramme, pk=pk)
    valuation = selectors.current_valuation(programme)
    runs = selectors.posted_runs(programme)
    run = runs.filter(pk=request.GET.get("run")).first() if request.GET.get("run") else None
    run = run or runs.first()
    positions = selectors.positions(valuation) if valuation else []
    top = max((abs(p.net_tco2e) for p in positions), default=Decimal(1)) or Decimal(1)
    context = {
        "programme": programme,
        "synthetic": bool(synthetic_codes(programme.regions.values_list("code", flat=True))),
        "valuation": valuation,
        "positions": positions,
        "position_legend": POSITION_LEGEND,
        "channel_legend": [(CHANNEL_LABELS[c], CHANNEL_COLOURS[c]) for c in CHANNEL_COLOURS],
        "runs": runs,
        "run": run,
        "position_map": svg_map(
            [
                (
                    p.region.geometry,
                    _shade(p.net_tco2e, top),
                    f"{p.region.name}: {p.net_tco2e:,} tCO2e",
                )
                for p in positions
            ],
            label=_("Regions by net carbon position"),
        )
        if positions
        else "",
        "flows": charts.sankey(
            selectors.money_flows(run),
            title=_("Money between regions and channels"),
            names=CHANNEL_LABELS,
            amount=yuan_summary,
            other=_("%(n)s other regions"),
        )
        if run
        else "",
        "balances": charts.line_chart(
            selectors.balances_over_time(programme.regions.order_by("code")),
            title=_("Balances over time (CNY)"),
            amount=yuan_summary,
        ),
        "breakdown": charts.bar_chart(
            selectors.valuation_breakdown(valuation),
            title=_("Sink by land-use class (tCO2e)"),
            unit="tCO2e",
        )
        if valuation
        else "",
    }
    return render(request, "portal/dashboard.html", context)


def _shade(net: Decimal, top: Decimal) -> str:
    """Green for a surplus, red for a deficit, stronger the larger it is."""
    if net == 0:
        return NEUTRAL
    strength = min(float(abs(net) / top), 1.0)
    base = SURPLUS if net > 0 else DEFICIT
    alpha = int(64 + 191 * strength)
    return f"{base}{alpha:02x}"


@login_required
def region_page(request, code: str):
    region = region_or_404(request.user, code)
    zones = selectors.region_zones(region)
    overview = selectors.region_overview(region)
    agreements = Agreement.objects.filter(parties__region=region).distinct()
    context = {
        "region": region,
        "synthetic": bool(synthetic_codes([region.code])),
        "zones": zones,
        "zone_map": svg_map(
            ((z.geometry, ZONE_COLOURS[z.kind], f"{z.get_kind_display()} {z.name}") for z in zones),
            label=_("Zones of %(region)s") % {"region": region.name},
        )
        if zones
        else "",
        "zone_colours": [(kind.label, ZONE_COLOURS[kind]) for kind in ZONE_COLOURS],
        "can_submit": agreements.exists()
        and request.user.has_perm("compensation.add_monitoringrecord"),
        **overview,
        **supervision_overview(region, request.user),
        **_pass_through(request.user, region),
    }
    return render(request, "portal/region.html", context)


def _pass_through(user, region) -> dict:
    """The region's recipients with what they were due, paid and owed, for those who see it."""
    if not user.has_perm(REPORTS_NEED):
        return {"pass_through": None}
    today = timezone.localdate()
    return {
        "pass_through": obligations.by_recipient(region),
        "report_formats": list(REPORT_TYPES),
        "reconciliation_form": ReconciliationForm(
            initial={"format": "pdf", "start": today.replace(month=1, day=1), "end": today},
            auto_id="reconciliation_%s",
        ),
    }


def _report(request, region, form, title, content_of) -> HttpResponse:
    """The report `content_of(cleaned data)` as the file its form asks for; a bad form is
    answered 400 with the form and what is wrong (200 when nothing was asked yet)."""
    if not form.is_valid():
        return render(
            request,
            "portal/report_form.html",
            {"region": region, "form": form, "title": title},
            status=400 if request.GET else 200,
        )
    content, fmt = content_of(form.cleaned_data), form.cleaned_data["format"]
    response = HttpResponse(reports.render(content, fmt), content_type=REPORT_TYPES[fmt])
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=reports.file_name(content, fmt)
    )
    return response


def _report_region(request, code: str):
    """The region `code`, if the user may read its pass-through reports; else not found."""
    region = region_or_404(request.user, code)
    if not request.user.has_perm(REPORTS_NEED):
        raise Http404
    return region


@login_required
def reconciliation(request, code: str):
    """The region's reconciliation for a period (booked vs evidenced) as PDF, CSV or XLSX."""
    region = _report_region(request, code)
    return _report(
        request,
        region,
        ReconciliationForm(request.GET or None),
        _("Reconciliation report"),
        lambda data: reports.reconciliation_content(
            region, start=data["start"], end=data["end"], as_of=data["as_of"]
        ),
    )


@login_required
def recipient_statement(request, code: str, pk: int):
    """One recipient's statement (due, paid, outstanding) as PDF, CSV or XLSX."""
    region = _report_region(request, code)
    recipient = get_object_or_404(Recipient, pk=pk, region=region)
    return _report(
        request,
        region,
        ReportForm(request.GET or None),
        _("Recipient statement"),
        lambda data: reports.recipient_content(recipient, as_of=data["as_of"]),
    )


@login_required
def submit_monitoring(request, code: str):
    region = region_or_404(request.user, code)
    if not request.user.has_perm("compensation.add_monitoringrecord"):
        raise Http404
    agreements = Agreement.objects.filter(parties__region=region).distinct()
    form = MonitoringUploadForm(request.POST or None, request.FILES or None, agreements=agreements)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            records = import_monitoring(
                agreement=form.cleaned_data["agreement"],
                name=upload.name,
                data=upload.read(),
                sheet=form.cleaned_data["sheet"],
            )
        except ImportRejected as exc:
            report = exc.report
        else:
            messages.success(
                request,
                _("%(n)s annual means recorded; nothing else changed.") % {"n": len(records)},
            )
            return redirect("portal:region", code=region.code)
    # A refused file is a client error: 400, with the form and the report on the page.
    return render(
        request,
        "portal/monitoring.html",
        {"region": region, "form": form, "report": report},
        status=400 if form.errors or report else 200,
    )


@login_required
def monitoring_template(request, code: str):
    """An empty CSV with the Chinese headers the importer reads (UTF-8 with a BOM, for Excel)."""
    region_or_404(request.user, code)
    if not request.user.has_perm("compensation.add_monitoringrecord"):
        raise Http404
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename="annual-means-template.csv"
    )
    response.write("\ufeff")
    csv.writer(response).writerow(TEMPLATE_HEADER)
    return response
