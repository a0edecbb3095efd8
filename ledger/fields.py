"""Model fields for amounts of a commodity, typed once: places come from `ledger.commodities`.

`MoneyField` holds CNY (2 places, 16 digits unless a column is narrower),
`TonnesField` holds tCO2e (3 places, 14 digits unless wider), `AmountField`
holds an amount of either commodity beside a commodity column (the finest
places of all commodities, 20 digits); a model with an `AmountField` keeps a
check constraint that each row has no more places than its commodity
(`amount_places_constraint`). The places are not an argument: a field that
needs other places is not money or tonnes.
"""

from django.db import models
from django.db.models.functions import Round
from django.utils.translation import gettext_lazy as _

from ledger.commodities import CNY, FINEST, PLACES, TCO2E


class _PlacesFromTable(models.DecimalField):
    places: int
    default_max_digits: int

    def __init__(self, *args, **kwargs):
        if "decimal_places" in kwargs:
            raise TypeError(
                f"{type(self).__name__} takes its places from ledger.commodities.PLACES."
            )
        kwargs.setdefault("max_digits", self.default_max_digits)
        super().__init__(*args, decimal_places=self.places, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        del kwargs["decimal_places"]
        if kwargs["max_digits"] == self.default_max_digits:
            del kwargs["max_digits"]
        return name, path, args, kwargs


class MoneyField(_PlacesFromTable):
    """Renminbi (CNY), to the fen: numeric(16, 2) unless `max_digits` says otherwise."""

    places = PLACES[CNY]
    default_max_digits = 16


class TonnesField(_PlacesFromTable):
    """Tonnes CO2 equivalent (tCO2e), to the kilogram: numeric(14, 3) unless `max_digits` says."""

    places = PLACES[TCO2E]
    default_max_digits = 14


class AmountField(_PlacesFromTable):
    """An amount of the commodity named in a column beside it: numeric(20, finest places).

    The column allows the finest commodity's places; pair it with
    `amount_places_constraint` so that a CNY row cannot hold a third decimal.
    """

    places = FINEST
    default_max_digits = 20


def amount_places_constraint(*, amount: str, commodity: str, name: str) -> models.CheckConstraint:
    """A check that the row's commodity is in PLACES and its amount has no more places than it.

    `amount` and `commodity` name the columns; the database refuses, for
    example, 0.005 CNY (it would be 0.01 or 0.00 once rounded) and an unknown
    commodity code.
    """
    condition = models.Q()
    for code, places in PLACES.items():
        condition |= models.Q(**{commodity: code, amount: Round(amount, places)})
    return models.CheckConstraint(
        condition=condition,
        name=name,
        violation_error_message=_(
            "The amount has more decimal places than its unit allows (CNY 2, tCO2e 3)."
        ),
    )
