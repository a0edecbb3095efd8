"""What-if scenario overrides (Overrides) and the carbon price a calculation used (PriceUsed)."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from django.apps import apps
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from compensation.exceptions import ChannelInputError
from compensation.prices import price_in_force


@dataclass(frozen=True)
class PriceUsed:
    """The carbon price a calculation used: from the dated series, or a scenario's override."""

    market: str
    price: Decimal
    date: date
    source: str


@dataclass(frozen=True)
class Overrides:
    """What a what-if scenario changes; the empty default changes nothing.

    carbon_prices       market code -> price per tCO2e
    budget              the vertical budget
    carbon_weight       the vertical carbon term's weight
    coefficient_factor  multiplies every subsidy-tier coefficient
    ratios              agreement id -> region code -> (contribution, allocation)
    deficit_cap_share   the carbon rule's share of each deficit
    cascade_methods     vertical cascade tier id -> allocation method id (a draft may be tried)
    """

    carbon_prices: Mapping[str, Decimal] = field(default_factory=dict)
    budget: Decimal | None = None
    carbon_weight: Decimal | None = None
    coefficient_factor: Decimal | None = None
    ratios: Mapping[int, Mapping[str, tuple[Decimal, Decimal]]] = field(default_factory=dict)
    deficit_cap_share: Decimal | None = None
    cascade_methods: Mapping[int, int] = field(default_factory=dict)

    def price(self, market: str, on: date) -> PriceUsed:
        if market in self.carbon_prices:
            return PriceUsed(market, self.carbon_prices[market], on, "scenario")
        found = price_in_force(market=market, on=on)
        return PriceUsed(market, found.price, found.date, found.source)

    @classmethod
    def from_json(cls, data) -> "Overrides":
        """Parse a scenario's overrides (a JSON object) and check every value.

        Numbers are decimal strings or integers, zero or more, within the digits and
        places of the column the value stands in for (COLUMNS); `ratios` maps an
        agreement id (integer digits) to an object of region code -> [contribution,
        allocation]. Raises ChannelInputError naming the first value that is wrong.
        """
        _object(data, "overrides")
        unknown = sorted(set(data) - set(COLUMNS))
        if unknown:
            raise ChannelInputError(
                _("Unknown overrides %(unknown)s; known: %(known)s.")
                % {"unknown": ", ".join(map(str, unknown)), "known": ", ".join(sorted(COLUMNS))}
            )
        prices = {
            str(market): _non_negative(value, f"carbon_prices.{market}", "carbon_prices")
            for market, value in _object(data.get("carbon_prices") or {}, "carbon_prices").items()
        }
        ratios = {}
        for agreement, parties in _object(data.get("ratios") or {}, "ratios").items():
            name = f"ratios.{agreement}"
            if not (str(agreement).isascii() and str(agreement).isdigit()):
                raise ChannelInputError(
                    _("%(name)s: an agreement is named by its id (digits).") % {"name": name}
                )
            ratios[int(agreement)] = {
                str(code): _ratio_pair(pair, f"{name}.{code}")
                for code, pair in _object(parties, name).items()
            }

        methods = {
            _id(tier, f"cascade_methods.{tier}"): _id(method, f"cascade_methods.{tier}")
            for tier, method in _object(
                data.get("cascade_methods") or {}, "cascade_methods"
            ).items()
        }

        def optional(name):
            return _non_negative(data[name], name, name) if data.get(name) is not None else None

        return cls(
            carbon_prices=prices,
            budget=optional("budget"),
            carbon_weight=optional("carbon_weight"),
            coefficient_factor=optional("coefficient_factor"),
            ratios=ratios,
            deficit_cap_share=optional("deficit_cap_share"),
            cascade_methods=methods,
        )


NO_OVERRIDES = Overrides()

# The column each override stands in for: its digits and places bound the value.
COLUMNS = {
    "carbon_prices": ("compensation.CarbonPrice", "price"),
    "budget": ("compensation.VerticalParameters", "budget"),
    "carbon_weight": ("compensation.VerticalParameters", "carbon_weight"),
    "coefficient_factor": ("compensation.SubsidyTier", "coefficient"),
    "ratios": ("compensation.AgreementParty", "contribution_ratio"),
    "deficit_cap_share": ("compensation.Agreement", "deficit_cap_share"),
    "cascade_methods": ("compensation.CascadeTier", "method"),
}


def _object(value, name) -> Mapping:
    if not isinstance(value, Mapping):
        raise ChannelInputError(_("%(name)s must be a JSON object.") % {"name": name})
    return value


def _id(value, name) -> int:
    """A row id given as digits (a JSON key) or a positive integer."""
    text = str(value)
    if (
        isinstance(value, bool)
        or not isinstance(value, str | int)
        or not (text.isascii() and text.isdigit())
        or int(text) == 0
    ):
        raise ChannelInputError(
            _("%(name)s: a tier or a method is named by its id (digits).") % {"name": name}
        )
    return int(text)


def _ratio_pair(pair, name) -> tuple[Decimal, Decimal]:
    if not isinstance(pair, list | tuple) or len(pair) != 2:
        raise ChannelInputError(
            _("%(name)s must be a pair [contribution, allocation].") % {"name": name}
        )
    return (
        _non_negative(pair[0], f"{name}[0]", "ratios"),
        _non_negative(pair[1], f"{name}[1]", "ratios"),
    )


def _non_negative(value, name, override) -> Decimal:
    if isinstance(value, float):
        raise ChannelInputError(
            _("%(name)s: give %(value)r as a decimal string, not a float.")
            % {"name": name, "value": value}
        )
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ChannelInputError(
            _('%(name)s: give %(value)r as a decimal string, such as "12.5".')
            % {"name": name, "value": value}
        )
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise ChannelInputError(
            _("%(name)s: %(value)r is not a number.") % {"name": name, "value": value}
        ) from None
    if not number.is_finite() or number < 0:
        raise ChannelInputError(
            _("%(name)s: %(value)r must be zero or more.") % {"name": name, "value": value}
        )
    model, column = COLUMNS[override]
    try:
        apps.get_model(model)._meta.get_field(column).run_validators(number)
    except ValidationError as exc:
        raise ChannelInputError(
            _("%(name)s: %(problem)s") % {"name": name, "problem": " ".join(exc.messages)}
        ) from None
    return number
