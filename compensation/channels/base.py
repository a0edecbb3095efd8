"""What a channel is (Channel) and how it pins the inputs it reads (pin, Pinned).

A channel is a module with these names (compensation.channels.REGISTRY lists them):

    CHANNEL                                   its name: "vertical", "horizontal", "market"
    plan(programme, period, overrides)        -> list of scopes (JSON lists: region codes,
                                                 agreement ids, []); one chunk of a run each
    compute(programme, period, overrides, scope)
                                              -> list[ProposedTransfer] of one scope
    finish(programme, period, overrides, transfers)
                                              -> the period's transfers once every scope is
                                                 computed (amounts and inputs may change,
                                                 transfers may be dropped, none added)
    inputs(programme, period, overrides)      -> dict input name -> Pinned: every row the
                                                 channel reads, to freeze a run's inputs

Each raises ChannelInputError (a CompensationError) for inputs it cannot use.
"""

import hashlib
import json
from typing import Protocol, TypedDict

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import QuerySet

from compensation.models import CarbonPrice, RegionPosition, Valuation
from compensation.overrides import Overrides
from compensation.periods import Period
from compensation.transfers import ProposedTransfer
from pilots.models import PilotMembership


class Pinned(TypedDict):
    """One input of a run as planned: what it is called, its rows' ids per model, a digest."""

    label: str
    ids: dict[str, list[int]]
    digest: str


class Channel(Protocol):
    CHANNEL: str

    def plan(self, programme, period: Period, overrides: Overrides) -> list[list]: ...

    def compute(
        self, programme, period: Period, overrides: Overrides, scope: list
    ) -> list[ProposedTransfer]: ...

    def finish(
        self, programme, period: Period, overrides: Overrides, transfers: list[ProposedTransfer]
    ) -> list[ProposedTransfer]: ...

    def inputs(self, programme, period: Period, overrides: Overrides) -> dict[str, Pinned]: ...


def pin(label: str, *querysets: QuerySet) -> Pinned:
    """The ids and a SHA-256 digest of every column of the rows of `querysets`, in id order.

    Any edit, added or deleted row changes the digest; `label` names the input to a person
    (translated, e.g. "2025年纵向参数"). Every chunk of a run pins its channel's inputs
    again to compare, so on PostgreSQL the database digests the rows (`_rows`).
    """
    digest = hashlib.sha256()
    ids: dict[str, list[int]] = {}
    for queryset in querysets:
        ids[queryset.model._meta.label_lower], rows_digest = _rows(queryset)
        digest.update(rows_digest)
    return {"label": str(label), "ids": ids, "digest": digest.hexdigest()}


# The ids of a query's rows in id order and the SHA-256 of their JSON (row_to_json), one
# line each: one round trip and no row in Python, where values() and json.dumps of a
# national pilot's 2,844 rows per input, in every chunk, made calculating grow with the
# square of the regions.
_ROWS_SQL = """
SELECT coalesce(array_agg(t.id ORDER BY t.id), '{{}}'),
       sha256(convert_to(coalesce(string_agg(row_to_json(t)::text, E'\\n' ORDER BY t.id), ''),
                         'UTF8'))
  FROM ({query}) t
"""


def _rows(queryset: QuerySet) -> tuple[list[int], bytes]:
    """(ids in id order, bytes that change with any column of any row) of `queryset`."""
    if connection.vendor == "postgresql":
        try:
            query, parameters = queryset.order_by().values().query.sql_with_params()
        except EmptyResultSet:  # a filter no row can match (`__in=[]`): what no rows give
            return [], hashlib.sha256(b"").digest()
        with connection.cursor() as cursor:
            cursor.execute(_ROWS_SQL.format(query=query), parameters)
            ids, digest = cursor.fetchone()
        return ids, bytes(digest)
    rows = list(queryset.order_by("pk").values())
    return [row["id"] for row in rows], json.dumps(rows, default=str, sort_keys=True).encode()


def members(programme) -> QuerySet:
    """The programme's memberships: which regions a channel may pay."""
    return PilotMembership.objects.filter(programme=programme)


def valuation_rows(programme, year: int) -> tuple[QuerySet, QuerySet]:
    """The current valuation of the programme's year and its regions' positions."""
    valuation = Valuation.objects.filter(programme=programme, year=year, current=True)
    return valuation, RegionPosition.objects.filter(valuation__in=valuation)


def price_rows(market_code: str, on, overrides: Overrides) -> QuerySet:
    """The price row in force for `market_code` on `on` (none when a scenario overrides it)."""
    if market_code in overrides.carbon_prices:
        return CarbonPrice.objects.none()
    found = (
        CarbonPrice.objects.filter(market__code=market_code, date__lte=on)
        .order_by("-date")
        .values_list("pk", flat=True)[:1]
    )
    return CarbonPrice.objects.filter(pk__in=list(found))
