"""Who an account code belongs to, named as a reader knows them.

    labels(codes) -> {account code: label}

A region is its name (黄山市), the central government 中央财政, a horizontal
agreement's pooled fund 「name」资金池, a credit holder its name. Labels are in
the active language. Codes compensation does not book into keep their code.
One query per kind of party, whatever the number of codes.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from compensation import accounts
from compensation.models import Agreement, CreditHolder
from pilots.models import Region


def labels(codes) -> dict[str, str]:
    codes = list(codes)
    parties = {}
    for code in set(codes):
        try:
            parties[code] = accounts.party_of(code)
        except ValueError:
            continue
    keys = {
        kind: {key for k, key in parties.values() if k == kind}
        for kind in ("region", "agreement", "holder")
    }
    regions = dict(Region.objects.filter(code__in=keys["region"]).values_list("code", "name"))
    agreements = {
        str(pk): name
        for pk, name in Agreement.objects.filter(pk__in=keys["agreement"]).values_list("pk", "name")
    }
    holders = {
        str(pk): name
        for pk, name in CreditHolder.objects.filter(pk__in=keys["holder"]).values_list("pk", "name")
    }
    named = {}
    for code in codes:
        kind, key = parties.get(code, ("", ""))
        if kind == "region":
            named[code] = regions.get(key, key)
        elif kind == "central":
            named[code] = _("central government")
        elif kind == "agreement":
            named[code] = _("%(agreement)s pooled fund") % {"agreement": agreements.get(key, key)}
        elif kind == "holder":
            named[code] = holders.get(key) or _("credit holder %(id)s") % {"id": key}
        else:
            named[code] = code
    return named


# What a tonne account of a region's vintage holds (compensation.accounts.TONNE_BUCKETS;
# claimed:<channel> is named with its channel).
TONNE_BUCKETS = {
    "verified": gettext_lazy("verified"),
    "available": gettext_lazy("available"),
    "buffer": gettext_lazy("buffer pool"),
    "retired": gettext_lazy("retired"),
    "cancelled": gettext_lazy("cancelled"),
}


def account_names(codes) -> dict[str, str]:
    """Account code -> its party and purpose in the active language, for the ledger's pages
    (registered with ledger.naming): 黄山市 · 纵向补偿资金, 安徽省 · 纵向转拨资金,
    中央财政 · 纵向拨款, a buyer · 碳信用购买支出, a pooled fund, 黄山市 · 2024 年碳汇 · 可用.
    Codes compensation does not book into are left out."""
    party = labels(codes)
    named = {}
    for code in codes:
        match code.split(":"):
            case ["cny", "region", _region, channel] if channel in accounts.CHANNELS:
                purpose = _("%(channel)s compensation") % {"channel": _channel(channel)}
            case ["cny", "region", _region, "vertical", "pass"]:
                purpose = _("vertical pass-through")
            case ["cny", "central", channel] if channel in accounts.CHANNELS:
                purpose = _("%(channel)s funding") % {"channel": _channel(channel)}
            case ["cny", "holder", _holder, "market"]:
                purpose = _("credit purchases")
            case ["cny", "agreement", _agreement, "fund"]:
                named[code] = party[code]
                continue
            case ["t", "region", _region, vintage, "claimed", channel] if (
                channel in accounts.CHANNELS
            ):
                purpose = _("%(vintage)s sink: claimed by the %(channel)s channel") % {
                    "vintage": vintage,
                    "channel": _channel(channel),
                }
            case ["t", "region", _region, vintage, bucket] if bucket in TONNE_BUCKETS:
                purpose = _("%(vintage)s sink: %(bucket)s") % {
                    "vintage": vintage,
                    "bucket": TONNE_BUCKETS[bucket],
                }
            case _:
                continue
        named[code] = f"{party[code]} · {purpose}"
    return named


def _channel(channel: str) -> str:
    return str(accounts.CHANNEL_LABELS[channel])


def entry_descriptions(entries) -> dict[int, str]:
    """Ledger entry id -> what it books, in the active language, for the entries
    compensation posted (registered with ledger.naming): a settlement transfer by channel,
    payer and payee (纵向：中央财政 → 黄山市), a sink verification by region and year, a
    credit operation by its kind, project, vintage and units."""
    from compensation.models import CreditOperation, RunTransfer, Valuation

    by_cause: dict[str, list] = {}
    for entry in entries:
        kind, _sep, key = entry.cause.partition(":")
        by_cause.setdefault(kind, []).append((entry, key))
    described = {}
    transfers = RunTransfer.objects.filter(
        entry_id__in=[e.pk for e, _key in by_cause.get("settlement-run", [])]
    )
    transfers = list(transfers.only("entry_id", "channel", "payer", "payee"))
    party = labels([code for t in transfers for code in (t.payer, t.payee)])
    for transfer in transfers:
        described[transfer.entry_id] = _("%(channel)s: %(payer)s to %(payee)s") % {
            "channel": transfer.get_channel_display(),
            "payer": party[transfer.payer],
            "payee": party[transfer.payee],
        }
    verified = by_cause.get("valuation", [])
    years = dict(
        Valuation.objects.filter(pk__in=[int(k) for _e, k in verified if k.isdigit()]).values_list(
            "pk", "year"
        )
    )
    verified_regions = {}  # entry id -> region code, from keys sink:verify:<valuation>:<region>
    for entry, key in verified:
        parts = entry.idempotency_key.split(":")
        if parts[:2] == ["sink", "verify"] and len(parts) == 4 and key.isdigit():
            verified_regions[entry.pk] = parts[3]
    regions = dict(
        Region.objects.filter(code__in=set(verified_regions.values())).values_list("code", "name")
    )
    for entry, key in verified:
        if entry.pk in verified_regions:
            code = verified_regions[entry.pk]
            described[entry.pk] = _("Verified sink of %(region)s, %(year)s") % {
                "region": regions.get(code, code),
                "year": years.get(int(key), ""),
            }
    credit = by_cause.get("credit-operation", [])
    operations = CreditOperation.objects.select_related("batch__project").in_bulk(
        [int(k) for _e, k in credit if k.isdigit()]
    )
    for entry, key in credit:
        operation = operations.get(int(key)) if key.isdigit() else None
        if operation is not None:
            kind = operation.get_kind_display()
            if entry.idempotency_key.endswith(":buffer"):  # an issue's units put aside
                kind = f"{kind} · {TONNE_BUCKETS['buffer']}"
            described[entry.pk] = _(
                "Credits %(project)s %(vintage)s: %(operation)s, units %(first)s–%(last)s"
            ) % {
                "project": operation.batch.project.code,
                "vintage": operation.batch.vintage,
                "operation": kind,
                "first": operation.first_unit,
                "last": operation.last_unit,
            }
    return described
