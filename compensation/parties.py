"""Who an account code belongs to, named as a reader knows them.

    labels(codes) -> {account code: label}

A region is its name (黄山市), the central government 中央财政, a horizontal
agreement's pooled fund 「name」资金池, a credit holder its name. Labels are in
the active language. Codes compensation does not book into keep their code.
One query per kind of party, whatever the number of codes.
"""

from django.utils.translation import gettext as _

from compensation import accounts
from compensation.models import Agreement, CreditHolder
from pilots.models import Region


def labels(codes) -> dict[str, str]:
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
