"""Horizontal channel: agreements between regions, settled once a year.

Three rules, each data-driven (compensation.models.horizontal):

water quality (the Xin'an River template)
    P = K0 × Σ K_i × (C_i / C_i0) over the round's pollutants at the boundary
    section. P ≤ 1: the downstream party pays the upstream party its stake;
    P > 1: the upstream party pays the downstream party. A central top-up, if
    the round has one, goes upstream.
pooled fund (the 赤水河 template)
    the parties pay the round's amount into the fund by contribution ratios and
    the fund (plus any central top-up) is shared by allocation ratios; each
    side adds up to the fen. Ratios are whole parts (1:5:4) or shares adding
    up to exactly 1 (0.3/0.4/0.3); shares adding up to 1.1 are a mistake.
carbon
    beneficiaries (net emitters) pay protectors (net sinks) for tonnes: each
    beneficiary pays for its deficit × the agreement's share, the total capped
    by the protectors' surplus; tonnes × price × adjustment is split among the
    protectors by surplus, and the protectors' tonnes are claimed.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Context, Decimal

from django.conf import settings
from django.utils.translation import gettext as _

from compensation import accounts, sinks
from compensation.channels.base import Pinned, pin, price_rows, valuation_rows
from compensation.channels.base import members as members_of
from compensation.exceptions import ChannelInputError, PriceGap
from compensation.models import (
    Agreement,
    AgreementParty,
    AgreementRound,
    IndexWeight,
    MonitoringRecord,
    Valuation,
)
from compensation.overrides import NO_OVERRIDES, Overrides
from compensation.periods import Period
from compensation.quantities import FEN, TONNES, cny, tonnes
from compensation.splitting import largest_remainder
from compensation.transfers import ProposedTransfer
from pilots.models import PilotMembership

CHANNEL = "horizontal"
ONE = Decimal(1)
P_PLACES = Decimal("0.0001")
_WIDE = Context(prec=50)
Side = AgreementParty.Side


def water_quality_index(*, k0: Decimal, terms) -> Decimal:
    """P = K0 × Σ K_i × C_i / C_i0, exactly (50 digits), from (K_i, C_i, C_i0) triples."""
    total = Decimal(0)
    for weight, concentration, baseline in terms:
        total = _WIDE.add(total, _WIDE.divide(_WIDE.multiply(weight, concentration), baseline))
    return _WIDE.multiply(k0, total)


def plan(programme, period: Period, overrides: Overrides = NO_OVERRIDES) -> list[list[int]]:
    """Slices of the agreements the period settles, their ids in id order
    (SETTLEMENT_CHUNK_SIZE each, as vertical slices regions).

    One agreement a chunk made the chunks grow with the agreements, and each chunk
    checks every input of the channel: calculation grew with their square.
    """
    if not programme.horizontal or period.settled_year is None:
        return []
    found = list(
        Agreement.objects.filter(programme=programme).order_by("pk").values_list("pk", flat=True)
    )
    size = settings.SETTLEMENT_CHUNK_SIZE
    return [found[i : i + size] for i in range(0, len(found), size)]


def compute(
    programme, period: Period, overrides: Overrides, scope: list[int]
) -> list[ProposedTransfer]:
    """Transfers of the programme's agreements with ids `scope`."""
    year = period.settled_year
    if not programme.horizontal or year is None:
        return []
    members = set(
        PilotMembership.objects.filter(programme=programme).values_list("region__code", flat=True)
    )
    transfers, problems = [], []
    found = Agreement.objects.filter(programme=programme, pk__in=list(scope))
    for agreement in found.select_related("carbon_market").order_by("pk"):
        parties = list(agreement.parties.select_related("region").order_by("id"))
        strangers = sorted(p.region.code for p in parties if p.region.code not in members)
        if strangers:
            problems.append(
                _("%(agreement)s: parties outside the programme: %(codes)s.")
                % {"agreement": agreement, "codes": ", ".join(strangers)}
            )
            continue
        rule = {
            Agreement.Rule.WATER_QUALITY: _water_quality,
            Agreement.Rule.POOLED_FUND: _pooled_fund,
            Agreement.Rule.CARBON: _carbon,
        }[agreement.rule]
        problems_found: list[str] = []
        proposed = rule(agreement, parties, year, problems_found, overrides)
        problems.extend(f"{agreement}: {problem}" for problem in problems_found)
        transfers.extend(proposed)
    if problems:
        raise ChannelInputError(" ".join(problems))
    return transfers


def finish(
    programme, period: Period, overrides: Overrides, transfers: list[ProposedTransfer]
) -> list[ProposedTransfer]:
    """Agreements settle independently: nothing to do once all are computed."""
    return transfers


def inputs(programme, period: Period, overrides: Overrides = NO_OVERRIDES) -> dict[str, Pinned]:
    """The rows compute() reads, pinned (see channels.base.pin)."""
    year = period.settled_year
    if not programme.horizontal or year is None:
        return {}
    agreements = Agreement.objects.filter(programme=programme)
    pinned = {
        "agreements": pin(
            _("the agreements of %(programme)s") % {"programme": programme},
            agreements,
            AgreementParty.objects.filter(agreement__in=agreements),
            AgreementRound.objects.filter(agreement__in=agreements),
            IndexWeight.objects.filter(round__agreement__in=agreements),
        ),
        "monitoring": pin(
            _("the %(year)s monitoring data") % {"year": year},
            MonitoringRecord.objects.filter(agreement__in=agreements, year=year),
        ),
        "members": pin(
            _("the members of %(programme)s") % {"programme": programme},
            members_of(programme),
        ),
    }
    markets = sorted(
        set(
            agreements.filter(rule=Agreement.Rule.CARBON)
            .exclude(carbon_market=None)
            .values_list("carbon_market__code", flat=True)
        )
    )
    if markets:
        pinned["valuation"] = pin(
            _("the %(year)s valuation") % {"year": year}, *valuation_rows(programme, year)
        )
    for market in markets:
        pinned[f"carbon_price:{market}"] = pin(
            _("the %(market)s price in force on %(date)s")
            % {"market": market, "date": date(year, 12, 31)},
            price_rows(market, date(year, 12, 31), overrides),
        )
    return pinned


def _round(agreement, year, problems):
    found = agreement.rounds.filter(start_year__lte=year, end_year__gte=year).first()
    if found is None:
        problems.append(_("no round covers %(year)s.") % {"year": year})
    return found


def _one(parties, side, problems):
    matching = [p for p in parties if p.side == side]
    if len(matching) != 1:
        problems.append(
            _("needs exactly one %(side)s party, has %(count)s.")
            % {"side": Side(side).label, "count": len(matching)}
        )
        return None
    return matching[0]


def _money(
    agreement, year, payer, payee, amount, suffix, inputs, *, payer_region="", payee_region=""
):
    return ProposedTransfer(
        channel=CHANNEL,
        key=f"{agreement.pk}:{year}:{suffix}",
        payer_account=payer,
        payee_account=payee,
        amount=amount,
        description=f"{agreement.name} {year}: {suffix}",
        payer_region=payer_region,
        payee_region=payee_region,
        inputs=inputs,
    )


@dataclass(frozen=True)
class Assessment:
    """A water-quality agreement's assessment for a year at its boundary section.

    terms: (IndexWeight, measured C_i in mg/L) per pollutant of the round; p: the
    compensation index P = K0 × Σ K_i × C_i / C_i0 (exact, 50 digits); met: P ≤ 1.
    """

    round: AgreementRound
    section: str
    terms: list
    p: Decimal

    @property
    def met(self) -> bool:
        return self.p <= ONE

    @property
    def p_shown(self) -> str:
        """P to 4 places, as inputs and statements print it."""
        return str(self.p.quantize(P_PLACES))

    def inputs(self) -> dict:
        """The round, K0, each pollutant's K_i, C_i and C_i0, and P to 4 places."""
        return {
            "round": self.round.name,
            "section": self.section,
            "K0": str(self.round.stability_coefficient),
            "terms": [
                {
                    "pollutant": weight.pollutant,
                    "K_i": str(weight.weight),
                    "C_i": str(measured),
                    "C_i0": str(weight.baseline_mg_l),
                }
                for weight, measured in self.terms
            ],
            "P": self.p_shown,
        }


def assess(agreement, parties, year: int, problems: list) -> Assessment | None:
    """The water-quality assessment of `agreement` (rule water-quality) in `year`, or None
    with each missing input appended to `problems`: a round covering the year with K0 and
    pollutant weights, one upstream and one downstream party, a named section, and the
    year's annual mean of every weighted pollutant there (MonitoringRecord).

    The one place P is computed: the horizontal transfer and the vertical cascade's
    water-quality factor (compensation.channels.cascade) both read it.
    """
    round_ = _round(agreement, year, problems)
    upstream = _one(parties, Side.UPSTREAM, problems)
    downstream = _one(parties, Side.DOWNSTREAM, problems)
    if round_ is None or upstream is None or downstream is None:
        return None
    if round_.stability_coefficient is None:
        problems.append(_("round %(round)s has no stability coefficient K0.") % {"round": round_})
    weights = list(round_.weights.all())
    if not weights:
        problems.append(_("round %(round)s has no pollutant weights.") % {"round": round_})
    section = upstream.section or downstream.section
    if not section:
        problems.append(_("no monitoring section is named for the boundary."))
    if problems:
        return None
    records = {
        r.pollutant: r
        for r in MonitoringRecord.objects.filter(agreement=agreement, year=year, section=section)
    }
    missing = [w.pollutant for w in weights if w.pollutant not in records]
    if missing:
        problems.append(
            _("no %(year)s annual mean at %(section)s for %(pollutants)s.")
            % {"year": year, "section": section, "pollutants": ", ".join(missing)}
        )
        return None
    terms = [(w, records[w.pollutant].mg_l) for w in weights]
    p = water_quality_index(
        k0=round_.stability_coefficient,
        terms=[(w.weight, measured, w.baseline_mg_l) for w, measured in terms],
    )
    return Assessment(round=round_, section=section, terms=terms, p=p)


def _water_quality(agreement, parties, year, problems, overrides):
    assessment = assess(agreement, parties, year, problems)
    if assessment is None:
        return []
    upstream = _one(parties, Side.UPSTREAM, problems)
    downstream = _one(parties, Side.DOWNSTREAM, problems)
    round_ = assessment.round
    met = assessment.met
    inputs = {
        "year": year,
        **assessment.inputs(),
        "standard_met": met,
        "stake": str(round_.amount),
    }
    payer, payee = (downstream, upstream) if met else (upstream, downstream)
    transfers = []
    if round_.amount > 0:
        transfers.append(
            _money(
                agreement,
                year,
                accounts.region_cny(payer.region.code, CHANNEL),
                accounts.region_cny(payee.region.code, CHANNEL),
                round_.amount,
                f"{payer.region.code}->{payee.region.code}",
                inputs,
                payer_region=payer.region.code,
                payee_region=payee.region.code,
            )
        )
    if round_.central_top_up > 0:
        transfers.append(
            _money(
                agreement,
                year,
                accounts.central_cny(CHANNEL),
                accounts.region_cny(upstream.region.code, CHANNEL),
                round_.central_top_up,
                f"central->{upstream.region.code}",
                {**inputs, "central_top_up": str(round_.central_top_up)},
                payee_region=upstream.region.code,
            )
        )
    return transfers


def ratio_problem(values) -> str | None:
    """Why ratios cannot split an amount, or None: whole parts (1:5:4) or shares summing to 1."""
    values = list(values)
    if not values:
        return _("there are no ratios.")
    if any(v < 0 for v in values):
        return _("a ratio is negative.")
    total = sum(values, Decimal(0))
    if all(v == v.to_integral_value() for v in values):
        return None if total > 0 else _("the ratios add up to zero.")
    if total != ONE:
        return _(
            "the ratios %(ratios)s add up to %(total)s: give shares that add up to 1 "
            "or whole-number parts such as 1:5:4."
        ) % {"ratios": " / ".join(str(v.normalize()) for v in values), "total": total.normalize()}
    return None


def _ratios_valid(parties, field, problems) -> bool:
    problem = ratio_problem(getattr(p, field) for p in parties)
    if problem:
        label = AgreementParty._meta.get_field(field).verbose_name
        problems.append(f"{label}: {problem}")
    return problem is None


def _pooled_fund(agreement, parties, year, problems, overrides):
    round_ = _round(agreement, year, problems)
    members = [p for p in parties if p.side == Side.MEMBER]
    changed = overrides.ratios.get(agreement.pk, {})
    for party in members:
        if party.region.code in changed:
            party.contribution_ratio, party.allocation_ratio = changed[party.region.code]
    if len(members) < 2:
        problems.append(_("a pooled fund needs at least two member parties."))
    ok = _ratios_valid(members, "contribution_ratio", problems)
    ok = _ratios_valid(members, "allocation_ratio", problems) and ok
    if round_ is None or len(members) < 2 or not ok:
        return []
    fund = accounts.agreement_fund(agreement.pk)
    shared = round_.amount + round_.central_top_up
    paid = largest_remainder(round_.amount, [p.contribution_ratio for p in members], FEN)
    received = largest_remainder(shared, [p.allocation_ratio for p in members], FEN)
    inputs = {
        "year": year,
        "round": round_.name,
        "fund": str(round_.amount),
        "central_top_up": str(round_.central_top_up),
        "contribution_ratios": {p.region.code: str(p.contribution_ratio) for p in members},
        "allocation_ratios": {p.region.code: str(p.allocation_ratio) for p in members},
    }
    transfers = []
    if round_.central_top_up > 0:
        transfers.append(
            _money(
                agreement,
                year,
                accounts.central_cny(CHANNEL),
                fund,
                round_.central_top_up,
                "central->fund",
                inputs,
            )
        )
    for party, amount in zip(members, paid, strict=True):
        code = party.region.code
        if amount > 0:
            transfers.append(
                _money(
                    agreement,
                    year,
                    accounts.region_cny(code, CHANNEL),
                    fund,
                    amount,
                    f"{code}->fund",
                    {**inputs, "ratio": str(party.contribution_ratio)},
                    payer_region=code,
                )
            )
    for party, amount in zip(members, received, strict=True):
        code = party.region.code
        if amount > 0:
            transfers.append(
                _money(
                    agreement,
                    year,
                    fund,
                    accounts.region_cny(code, CHANNEL),
                    amount,
                    f"fund->{code}",
                    {**inputs, "ratio": str(party.allocation_ratio)},
                    payee_region=code,
                )
            )
    return transfers


def _carbon(agreement, parties, year, problems, overrides):
    beneficiaries = [p for p in parties if p.side == Side.BENEFICIARY]
    protectors = [p for p in parties if p.side == Side.PROTECTOR]
    if not beneficiaries or not protectors:
        problems.append(_("the carbon rule needs at least one beneficiary and one protector."))
        return []
    if agreement.carbon_market is None:
        problems.append(_("the carbon rule needs a carbon price market."))
        return []
    try:
        price = overrides.price(agreement.carbon_market.code, date(year, 12, 31))
    except PriceGap as exc:
        problems.append(str(exc))
        return []
    valuation = Valuation.objects.filter(
        programme=agreement.programme, year=year, current=True
    ).first()
    if valuation is None:
        problems.append(_("no valuation for %(year)s; run valuate.") % {"year": year})
        return []
    net = dict(valuation.positions.values_list("region__code", "net_tco2e"))
    for party in beneficiaries:
        value = net.get(party.region.code)
        if value is None or value >= 0:
            problems.append(
                _("beneficiary %(region)s has no deficit in %(year)s (net %(net)s tCO2e).")
                % {"region": party.region, "year": year, "net": value}
            )
    for party in protectors:
        value = net.get(party.region.code)
        if value is None or value <= 0:
            problems.append(
                _("protector %(region)s has no surplus in %(year)s (net %(net)s tCO2e).")
                % {"region": party.region, "year": year, "net": value}
            )
    if problems:
        return []
    surplus = [net[p.region.code] for p in protectors]
    share = (
        overrides.deficit_cap_share
        if overrides.deficit_cap_share is not None
        else agreement.deficit_cap_share
    )
    demand = [tonnes(-net[p.region.code] * share) for p in beneficiaries]
    supply = sum(surplus, Decimal(0))
    capped = sum(demand, Decimal(0)) > supply
    if capped:
        demand = largest_remainder(supply, demand, TONNES)
    unit_price = price.price * agreement.carbon_adjustment
    base_inputs = {
        "year": year,
        "valuation": valuation.pk,
        "carbon_market": price.market,
        "carbon_price": str(price.price),
        "carbon_price_date": price.date.isoformat(),
        "adjustment": str(agreement.carbon_adjustment),
        "deficit_cap_share": str(share),
        "capped_by_surplus": capped,
    }
    transfers, claimed = [], defaultdict(Decimal)
    for beneficiary, bought in zip(beneficiaries, demand, strict=True):
        if bought <= 0:
            continue
        payer_code = beneficiary.region.code
        money = cny(bought * unit_price)
        for protector, t, amount in zip(
            protectors,
            largest_remainder(bought, surplus, TONNES),
            largest_remainder(money, surplus, FEN),
            strict=True,
        ):
            payee_code = protector.region.code
            claimed[payee_code] += t
            if amount <= 0:
                continue
            transfers.append(
                _money(
                    agreement,
                    year,
                    accounts.region_cny(payer_code, CHANNEL),
                    accounts.region_cny(payee_code, CHANNEL),
                    amount,
                    f"{payer_code}->{payee_code}",
                    {
                        **base_inputs,
                        "deficit_tco2e": str(-net[payer_code]),
                        "surplus_tco2e": str(net[payee_code]),
                        "tonnes": str(t),
                    },
                    payer_region=payer_code,
                    payee_region=payee_code,
                )
            )
    for protector in protectors:
        code = protector.region.code
        if claimed[code] > 0:
            transfers.append(
                sinks.claim(
                    channel=CHANNEL,
                    key=f"{agreement.pk}:{year}:{code}:tco2e",
                    region_code=code,
                    vintage=year,
                    tonnes=claimed[code],
                    inputs={**base_inputs, "surplus_tco2e": str(net[code])},
                )
            )
    return transfers
