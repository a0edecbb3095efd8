"""What the public side reads, and the content a release freezes.

`*_content` build the JSON a release publishes (plain types: amounts as strings with
their commodity's places), read from compensation and pilots at approval time and never
again: the public pages and files show the frozen content only. Nothing in it names a
user, and nothing is below the region: market proceeds are summed per region, never per
buyer; statement digests are published, not statements (they name officials).
"""

from collections import defaultdict
from decimal import Decimal

from django.db.models import Q
from django.db.models.fields.json import KT

from compensation import accounts
from compensation.models import (
    Agreement,
    RunTransfer,
    SettlementRun,
    Statement,
    Valuation,
)
from compensation.selectors import run_wide
from disclosure.models import Release
from pilots.models import PilotMembership, PilotProgramme, Region

FORMAT = "tanhui-public/1"
POSTED = (SettlementRun.Status.POSTED, SettlementRun.Status.STATEMENTS_ISSUED)
ZERO = Decimal("0.00")


def _party(code: str, names: dict) -> dict:
    """An account's public party: a region (code, name), the centre, a fund or the market."""
    kind, key = accounts.party_of(code)
    if kind == "region":
        return {"kind": "region", "code": key, "name": names.get(key, key)}
    return {"kind": kind, "code": "", "name": ""}


def pilot_content(programme: PilotProgramme) -> dict:
    """The pilot page's content: programme, its current valuation's methodology (coefficients
    and source), price basis, and every member region's net position (tCO2e, CNY)."""
    valuation = (
        Valuation.objects.filter(programme=programme, current=True)
        .select_related("methodology_version__methodology", "price__market")
        .order_by("-year")
        .first()
    )
    roles = {m.region_id: m.role for m in PilotMembership.objects.filter(programme=programme)}
    regions = []
    method = None
    if valuation is not None:
        version = valuation.methodology_version
        method = {
            "year": valuation.year,
            "methodology": version.methodology.name,
            "version": version.version,
            "unit": version.unit,
            "scheme": version.scheme,
            "source": version.citation,
            "source_url": version.url,
            "coefficients": [
                {"land_use_code": c.land_use_code, "value": str(c.value)}
                for c in version.coefficients.order_by("land_use_code")
            ],
            "price": {
                "market": valuation.price.market.code,
                "market_name": valuation.price.market.name,
                "date": valuation.price.date.isoformat(),
                "price": str(valuation.price.price),
                "currency": valuation.price.market.currency,
                "source": valuation.price.source,
            },
            "input_hash": valuation.input_hash,
        }
        for p in valuation.positions.select_related("region").order_by("region__code"):
            regions.append(
                {
                    "code": p.region.code,
                    "name": p.region.name,
                    "name_en": p.region.name_en,
                    "sink_tco2e": str(p.sink_tco2e),
                    "emission_tco2e": str(p.emission_tco2e),
                    "net_tco2e": str(p.net_tco2e),
                    "value_cny": str(p.value_cny),
                    "role": roles.get(p.region_id, ""),
                }
            )
    return {
        "format": FORMAT,
        "kind": Release.Kind.PILOT,
        "pilot": {
            "id": programme.pk,
            "name": programme.name,
            "description": programme.description,
            "start_date": programme.start_date.isoformat(),
            "end_date": programme.end_date.isoformat(),
            "channels": [c for c in accounts.CHANNELS if getattr(programme, c)],
        },
        "valuation": method,
        "regions": regions,
    }


def run_content(run: SettlementRun) -> dict:
    """A posted run's content: totals per channel, each region's net per channel (CNY), the
    allocation inputs (vertical formula per region, horizontal terms and monitoring figures,
    market proceeds summed per region) and the digests of its issued statements."""
    transfers = list(
        RunTransfer.objects.filter(run=run, commodity=accounts.CNY).order_by("channel", "key")
    )
    codes = {c for t in transfers for c in (t.payer_region, t.payee_region) if c}
    codes |= set(run.summary.get("regions", {}))
    names = dict(Region.objects.filter(code__in=codes).values_list("code", "name"))
    regions = []
    for code, channels in sorted(run.summary.get("regions", {}).items()):
        nets = {channel: channels.get(channel, {}).get("net", "0.00") for channel in channels}
        regions.append(
            {
                "code": code,
                "name": names.get(code, code),
                "channels": nets,
                "total": str(sum((Decimal(v) for v in nets.values()), ZERO)),
            }
        )
    vertical, horizontal = [], []
    market: dict[str, dict] = defaultdict(lambda: {"units": 0, "proceeds": ZERO})
    for t in transfers:
        if t.channel == "vertical":
            vertical.append(
                {
                    "payer": _party(t.payer, names),
                    "payee": _party(t.payee, names),
                    "amount": str(t.amount),
                    "inputs": t.inputs,
                }
            )
        elif t.channel == "horizontal":
            horizontal.append(
                {
                    "payer": _party(t.payer, names),
                    "payee": _party(t.payee, names),
                    "amount": str(t.amount),
                    "inputs": t.inputs,
                }
            )
        elif t.channel == "market" and t.payee_region:
            market[t.payee_region]["units"] += int(t.inputs.get("units", 0))
            market[t.payee_region]["proceeds"] += t.amount
    statements = [
        {
            "region": s.region.code if s.region_id else "",
            "region_name": s.region.name if s.region_id else "",
            "digest": s.digest,
            "pdf_sha256": s.pdf_sha256,
            "csv_sha256": s.csv_sha256,
            "xlsx_sha256": s.xlsx_sha256,
        }
        for s in Statement.objects.filter(run=run, status=Statement.Status.ISSUED)
        .select_related("region")
        .order_by("region__code")
    ]
    return {
        "format": FORMAT,
        "kind": Release.Kind.RUN,
        "run": {
            "id": run.pk,
            "pilot": run.programme.name,
            "pilot_id": run.programme_id,
            "kind": run.kind,
            "period_start": run.period_start.isoformat(),
            "period_end": run.period_end.isoformat(),
            "corrects": run.corrects_id,
            "posted_at": run.posted_at.date().isoformat() if run.posted_at else "",
        },
        "totals": run.summary.get("channels", {}),
        "regions": regions,
        "vertical": vertical,
        "horizontal": horizontal,
        "market": [
            {
                "code": code,
                "name": names.get(code, code),
                "units": row["units"],
                "proceeds": str(row["proceeds"]),
            }
            for code, row in sorted(market.items())
        ],
        "statements": statements,
    }


def agreement_content(agreement: Agreement) -> dict:
    """An agreement's content: parties, terms, rounds with their index weights, and the yearly
    outcomes (P index, who paid whom, CNY) of runs already released to the public."""
    released_runs = {
        r.run_id
        for r in current_releases(Release.Kind.RUN)
        if r.programme_id == agreement.programme_id
    }
    rows = (
        RunTransfer.objects.filter(
            run_id__in=released_runs,
            channel="horizontal",
            commodity=accounts.CNY,
            key__startswith=f"{agreement.pk}:",
        )
        .select_related("run")
        .defer(*run_wide())
        .order_by("run__period_end", "key")
    )
    names = dict(
        Region.objects.filter(
            Q(code__in=[r.payer_region for r in rows]) | Q(code__in=[r.payee_region for r in rows])
        ).values_list("code", "name")
    )
    return {
        "format": FORMAT,
        "kind": Release.Kind.AGREEMENT,
        "agreement": {
            "id": agreement.pk,
            "pilot": agreement.programme.name,
            "pilot_id": agreement.programme_id,
            "name": agreement.name,
            "rule": agreement.rule,
            "description": agreement.description,
            "carbon_adjustment": str(agreement.carbon_adjustment),
            "deficit_cap_share": str(agreement.deficit_cap_share),
        },
        "parties": [
            {
                "code": p.region.code,
                "name": p.region.name,
                "side": p.side,
                "contribution_ratio": str(p.contribution_ratio),
                "allocation_ratio": str(p.allocation_ratio),
                "section": p.section,
            }
            for p in agreement.parties.select_related("region").order_by("side", "region__code")
        ],
        "rounds": [
            {
                "name": r.name,
                "start_year": r.start_year,
                "end_year": r.end_year,
                "amount": str(r.amount),
                "central_top_up": str(r.central_top_up),
                "stability_coefficient": str(r.stability_coefficient),
                "weights": [
                    {
                        "pollutant": w.pollutant,
                        "weight": str(w.weight),
                        "baseline_mg_l": str(w.baseline_mg_l),
                    }
                    for w in r.weights.order_by("pollutant")
                ],
            }
            for r in agreement.rounds.order_by("start_year")
        ],
        "outcomes": [
            {
                "run": r.run_id,
                "year": r.inputs.get("year"),
                "P": r.inputs.get("P", ""),
                "standard_met": r.inputs.get("standard_met"),
                "payer": _party(r.payer, names),
                "payee": _party(r.payee, names),
                "amount": str(r.amount),
            }
            for r in rows
        ],
    }


CONTENT = {
    Release.Kind.PILOT: lambda release: pilot_content(release.programme),
    Release.Kind.RUN: lambda release: run_content(release.run),
    Release.Kind.AGREEMENT: lambda release: agreement_content(release.agreement),
}


def same_target(release: Release):
    """Releases (any status) of `release`'s kind and target."""
    return Release.objects.filter(
        kind=release.kind,
        programme_id=release.programme_id,
        run_id=release.run_id,
        agreement_id=release.agreement_id,
    )


def publication_log():
    """Every approved release and withdrawal, newest first (time, office, kind, target, SHA-256).

    The frozen content and the run's run-wide JSON are left out (read on use): the log and
    the lists show neither, and a national run's content is megabytes. What the lists name a
    release by comes out of the content in the database, as text: `pilot_name` (a pilot
    release), `run_pilot`, `run_start`, `run_end` (ISO dates, a run release) and
    `agreement_name` (an agreement release); None where the kind has no such key."""
    return (
        Release.objects.filter(status=Release.Status.APPROVED)
        .select_related("programme", "run", "agreement")
        .defer("content", *run_wide())
        .annotate(
            pilot_name=KT("content__pilot__name"),
            run_pilot=KT("content__run__pilot"),
            run_start=KT("content__run__period_start"),
            run_end=KT("content__run__period_end"),
            agreement_name=KT("content__agreement__name"),
        )
    )


def target_key(release: Release) -> tuple:
    return (release.kind, release.programme_id, release.run_id, release.agreement_id)


def current_releases(kind: str | None = None) -> list[Release]:
    """Approved releases (action release) whose target has no later approved act (a
    withdrawal or a newer release): what the public pages show, oldest target first.

    Releases are few (one per run, agreement and pilot update), so the latest act per
    target is picked in Python."""
    latest = {}
    for release in publication_log().order_by("decided_at", "id"):
        latest[target_key(release)] = release
    return [
        r
        for r in latest.values()
        if r.action == Release.Action.RELEASE and (kind is None or r.kind == kind)
    ]


def published(release_id: int) -> Release | None:
    """The release `release_id` if the public may see it: approved, a release, not withdrawn.

    A release superseded by a newer one of the same target stays readable at its own URL."""
    release = (
        Release.objects.filter(
            pk=release_id, status=Release.Status.APPROVED, action=Release.Action.RELEASE
        )
        .select_related("programme", "run", "agreement")
        .defer(*run_wide())
        .first()
    )
    if release is None:
        return None
    withdrawn = same_target(release).filter(
        status=Release.Status.APPROVED,
        action=Release.Action.WITHDRAW,
        decided_at__gt=release.decided_at,
    )
    return None if withdrawn.exists() else release


def current_for(kind: str, **target) -> Release | None:
    """The release the public sees for a target: `programme`, `run` or `agreement` as an id."""
    wanted = {f"{name}_id": value for name, value in target.items()}
    return next(
        (
            r
            for r in current_releases(kind)
            if all(getattr(r, name) == value for name, value in wanted.items())
        ),
        None,
    )
