"""Supervision in the demo: alert rules, a second (synthetic) year for 黄山市, and what it shows.

黄山市 gets plan v2 (2025) whose town takes red line and farmland, and a 2025
survey with that land built up; the pilot is valued for 2025; then every
region is supervised, which raises the encroachment, sink and quota alerts.
"""

from decimal import ROUND_CEILING, Decimal

from django.db.models import Sum

from compensation.valuation import valuate
from pilots.demo import load_second_year
from pilots.models import Region, Zone
from supervision.models import AlertRule
from supervision.services import supervise

GROWING_REGION = "341000"
NOTIFY = "ecology-office@example.org"


def load_supervision_demo(*, programme, methodology_version, market: str) -> None:
    """Idempotent: rules by name, the second year once, alerts once."""
    region = Region.objects.get(code=GROWING_REGION)
    _rules(region)
    load_second_year(region)
    valuate(programme=programme, year=2025, methodology_version=methodology_version, market=market)
    # Valuing and importing already queued the same supervision (run in-process in the demo);
    # running it here too makes the demo independent of how tasks are run. It is idempotent.
    for member in programme.regions.order_by("code"):
        supervise(member)


def _rules(region: Region) -> None:
    first_plan_farmland = Zone.objects.filter(
        region=region, planning_version__version=1, kind=Zone.Kind.PERMANENT_BASIC_FARMLAND
    ).aggregate(km2=Sum("area_km2"))["km2"] or Decimal(0)
    rules = [
        ("生态保护红线占用", "encroachment", "ecological_red_line", None, 0),
        (
            "永久基本农田占用",
            "encroachment",
            "permanent_basic_farmland",
            None,
            0,
        ),
        ("碳汇同比下降超过5%", "sink_decline", "", None, 5),
        ("补偿资金截留", "withheld", "", None, 0),
        ("补偿资金未足额支付", "partial", "", None, 0),
        ("补偿资金逾期支付", "late", "", None, 0),
        ("补偿资金付给他人", "paid_elsewhere", "", None, 0),
        (
            f"{region.name}永久基本农田保有量",
            "farmland_quota",
            "",
            region,
            (first_plan_farmland * 100).quantize(Decimal(1), ROUND_CEILING),
        ),
    ]
    for name, kind, protected_kind, scope, threshold in rules:
        AlertRule.objects.get_or_create(
            name=name,
            defaults={
                "kind": kind,
                "protected_kind": protected_kind,
                "region": scope,
                "threshold": threshold,
                "notify": NOTIFY,
            },
        )
