"""What a region's page shows of supervision: its alerts, with maps, and its report years."""

from config.roles import may
from passthrough import obligations
from supervision.alerts import describe
from supervision.evaluation import YEARS, positions_by_year
from supervision.exchange import LAYERS
from supervision.maps import change_map
from supervision.models import Alert, ChangeDetection

SHOWN_ALERTS = 20


def supervision_overview(region, user) -> dict:
    alerts = list(
        Alert.objects.filter(region=region)
        .select_related("rule", "acknowledged_by")
        .order_by("acknowledged_at", "-raised_at")[:SHOWN_ALERTS]
    )
    for alert in alerts:
        alert.text = describe(alert)
        alert.map = change_map(region, [(alert.geometry, alert.text)])
    return {
        "alerts": alerts,
        "can_acknowledge": may(user, "acknowledge_alert"),
        "evaluation_years": report_years(region),
        "export_layers": LAYERS,
    }


def report_years(region) -> list[int]:
    """Years with a valuation position, a detected change or pass-through lines due, latest
    first."""
    years = set(positions_by_year(region)) | obligations.due_years(region)
    for detection in ChangeDetection.objects.filter(region=region).select_related("after_version"):
        years.add(detection.year)
    return sorted((year for year in years if year in YEARS), reverse=True)
