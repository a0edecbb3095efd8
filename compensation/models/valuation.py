"""What it is worth: methodologies, carbon prices, valuations with their provenance."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ledger.fields import MoneyField, TonnesField
from pilots.fields import HectaresField
from pilots.models import LandUseClass, PilotProgramme, Region, Zone


class Methodology(models.Model):
    """A named way of estimating carbon sinks from land use, e.g. a published coefficient set."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("methodology")
        verbose_name_plural = _("methodologies")
        ordering = ["name"]

    def __str__(self):
        return self.name


class MethodologyVersion(models.Model):
    """One cited version of a methodology's coefficients; published versions never change."""

    class Unit(models.TextChoices):
        TONNES_C = "tC/ha/yr", _("t C per hectare per year")
        TONNES_CO2E = "tCO2e/ha/yr", _("t CO2e per hectare per year")

    methodology = models.ForeignKey(
        Methodology, models.PROTECT, related_name="versions", verbose_name=_("methodology")
    )
    version = models.PositiveIntegerField(_("version"))
    scheme = models.CharField(
        _("land-use scheme"), max_length=16, choices=LandUseClass.Scheme.choices
    )
    unit = models.CharField(_("unit"), max_length=12, choices=Unit.choices)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    citation = models.TextField(_("source"), help_text=_("Paper, standard or table cited."))
    url = models.URLField(_("source URL"), blank=True)
    published = models.BooleanField(_("published"), default=False)

    class Meta:
        verbose_name = _("methodology version")
        verbose_name_plural = _("methodology versions")
        ordering = ["methodology", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["methodology", "version"], name="compensation_methodology_version_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True)
                | models.Q(valid_to__gt=models.F("valid_from")),
                name="compensation_methodology_valid_range",
                violation_error_message=_("The end of validity must come after its start."),
            ),
        ]

    def __str__(self):
        return f"{self.methodology} v{self.version}"


class SinkCoefficient(models.Model):
    """Sink (positive) or source (negative) per hectare and year for one land-use class."""

    version = models.ForeignKey(
        MethodologyVersion,
        models.CASCADE,
        related_name="coefficients",
        verbose_name=_("methodology version"),
    )
    land_use_code = models.CharField(_("land-use code"), max_length=4)
    value = models.DecimalField(
        _("coefficient"),
        max_digits=10,
        decimal_places=4,
        help_text=_("In the version's unit; sinks positive, sources negative."),
    )

    class Meta:
        verbose_name = _("sink coefficient")
        verbose_name_plural = _("sink coefficients")
        ordering = ["version", "land_use_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "land_use_code"], name="compensation_coefficient_once_per_class"
            ),
        ]

    def __str__(self):
        return f"{self.land_use_code}: {self.value} {self.version.unit}"


class CarbonMarket(models.Model):
    """A market or scheme that prices carbon: national ETS (CEA), CCER, local forestry, shadow."""

    code = models.CharField(_("code"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=200)
    currency = models.CharField(_("currency"), max_length=3, default="CNY")

    class Meta:
        verbose_name = _("carbon market")
        verbose_name_plural = _("carbon markets")
        ordering = ["code"]

    def __str__(self):
        return self.code


class CarbonPrice(models.Model):
    """A dated price per tonne CO2e in one market, with where the figure comes from."""

    market = models.ForeignKey(
        CarbonMarket, models.PROTECT, related_name="prices", verbose_name=_("market")
    )
    date = models.DateField(_("date"))
    price = MoneyField(_("price per tCO2e"), max_digits=12)
    source = models.CharField(_("source"), max_length=300)

    class Meta:
        verbose_name = _("carbon price")
        verbose_name_plural = _("carbon prices")
        ordering = ["market", "-date"]
        constraints = [
            models.UniqueConstraint(fields=["market", "date"], name="compensation_price_per_day"),
            models.CheckConstraint(
                condition=models.Q(price__gt=0), name="compensation_price_positive"
            ),
        ]

    def __str__(self):
        return f"{self.market} {self.date} {self.price} {self.market.currency}"


class EmissionInventory(models.Model):
    """A region's reported emissions for a year; replaces the land-based estimate if present."""

    region = models.ForeignKey(Region, models.PROTECT, verbose_name=_("region"))
    year = models.PositiveSmallIntegerField(_("year"))
    tco2e = TonnesField(_("emissions (tCO2e)"))
    source = models.CharField(_("source"), max_length=300)

    class Meta:
        verbose_name = _("emission inventory")
        verbose_name_plural = _("emission inventories")
        constraints = [
            models.UniqueConstraint(
                fields=["region", "year"], name="compensation_inventory_per_year"
            ),
            models.CheckConstraint(
                condition=models.Q(tco2e__gte=0), name="compensation_inventory_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.region} {self.year}: {self.tco2e} tCO2e"


class Valuation(models.Model):
    """The carbon-sink valuation of a pilot for one year, with everything it was computed from.

    The same inputs give the same `input_hash` and are not stored twice; new
    inputs give a new current valuation that supersedes the previous one, which is
    kept (no longer current).
    """

    programme = models.ForeignKey(
        PilotProgramme, models.PROTECT, related_name="valuations", verbose_name=_("programme")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    methodology_version = models.ForeignKey(
        MethodologyVersion, models.PROTECT, verbose_name=_("methodology version")
    )
    price = models.ForeignKey(CarbonPrice, models.PROTECT, verbose_name=_("price used"))
    adjustment = models.DecimalField(
        _("adjustment coefficient"), max_digits=6, decimal_places=4, default=1
    )
    inputs = models.JSONField(
        _("inputs"), help_text=_("Planning versions and land-cover surveys used, per region.")
    )
    code_version = models.CharField(_("code version"), max_length=100)
    input_hash = models.CharField(_("input SHA-256"), max_length=64)
    current = models.BooleanField(_("current"), default=True)
    supersedes = models.OneToOneField(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
        verbose_name=_("supersedes"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("valuation")
        verbose_name_plural = _("valuations")
        ordering = ["programme", "-year", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "year", "input_hash"],
                name="compensation_valuation_once_per_inputs",
            ),
            models.UniqueConstraint(
                fields=["programme", "year"],
                condition=models.Q(current=True),
                name="compensation_one_current_valuation",
            ),
        ]

    def __str__(self):
        return f"{self.programme} {self.year} ({self.methodology_version})"


class ValuationLine(models.Model):
    """Area, tonnes and value of one land-use class attributed to one zone.

    Where zones of one planning version overlap, each hectare is attributed to
    one of them (`compensation.valuation.ATTRIBUTION_ORDER`), so a zone's lines
    hold only its attributed area, not its full drawn area, and the lines of a
    region add up to the union of its zones. `ZoneOverlap` says what went where.
    """

    valuation = models.ForeignKey(
        Valuation, models.CASCADE, related_name="lines", verbose_name=_("valuation")
    )
    zone = models.ForeignKey(Zone, models.PROTECT, verbose_name=_("zone"))
    region = models.ForeignKey(Region, models.PROTECT, verbose_name=_("region"))
    protected = models.BooleanField(_("protected"))
    land_use_code = models.CharField(_("land-use code"), max_length=4)
    area_ha = HectaresField(_("area (ha)"))
    coefficient_tco2e = models.DecimalField(
        _("coefficient (tCO2e/ha/yr)"), max_digits=20, decimal_places=10
    )
    tco2e = TonnesField(_("tCO2e"))

    class Meta:
        verbose_name = _("valuation line")
        verbose_name_plural = _("valuation lines")
        ordering = ["valuation", "region", "zone", "land_use_code"]

    def __str__(self):
        return f"{self.zone} {self.land_use_code}: {self.tco2e} tCO2e"


class ZoneOverlap(models.Model):
    """Hectares of a zone counted in another, higher-priority zone of the same planning version.

    Written by `valuate` for every pair of overlapping zones: `zone` lies partly
    (or wholly) under `counted_in`, and `area_ha` (4 places, Albers equal-area,
    the zones' drawn geometry whatever the land cover) of it was attributed to
    `counted_in` instead of being counted twice. The areas of one zone's rows
    do not overlap each other; they add up to the part of the zone not valued
    as that zone.
    """

    valuation = models.ForeignKey(
        Valuation, models.CASCADE, related_name="overlaps", verbose_name=_("valuation")
    )
    region = models.ForeignKey(Region, models.PROTECT, verbose_name=_("region"))
    zone = models.ForeignKey(
        Zone, models.PROTECT, related_name="+", verbose_name=_("lower-priority zone")
    )
    counted_in = models.ForeignKey(
        Zone, models.PROTECT, related_name="+", verbose_name=_("counted in zone")
    )
    area_ha = HectaresField(_("area (ha)"))

    class Meta:
        verbose_name = _("resolved zone overlap")
        verbose_name_plural = _("resolved zone overlaps")
        ordering = ["valuation", "region", "zone", "counted_in"]
        constraints = [
            models.UniqueConstraint(
                fields=["valuation", "zone", "counted_in"],
                name="compensation_overlap_once_per_pair",
            ),
        ]

    def __str__(self):
        return f"{self.zone} → {self.counted_in}: {self.area_ha} ha"


class RegionPosition(models.Model):
    """A region's net carbon position in a valuation: protector if it sinks more than it emits."""

    valuation = models.ForeignKey(
        Valuation, models.CASCADE, related_name="positions", verbose_name=_("valuation")
    )
    region = models.ForeignKey(Region, models.PROTECT, verbose_name=_("region"))
    sink_tco2e = TonnesField(_("sink (tCO2e)"))
    emission_tco2e = TonnesField(_("emissions (tCO2e)"))
    emission_reported = models.BooleanField(_("emissions from an inventory"), default=False)
    net_tco2e = TonnesField(_("net (tCO2e)"))
    increment_tco2e = TonnesField(
        _("sink increment (tCO2e)"),
        null=True,
        blank=True,
        help_text=_("Sink against the previous year's valuation (the addition)."),
    )
    value_cny = MoneyField(_("value (CNY)"))

    class Meta:
        verbose_name = _("region position")
        verbose_name_plural = _("region positions")
        ordering = ["valuation", "region"]
        constraints = [
            models.UniqueConstraint(
                fields=["valuation", "region"], name="compensation_position_once_per_region"
            ),
        ]

    def __str__(self):
        return f"{self.region}: net {self.net_tco2e} tCO2e"

    @property
    def role(self) -> str:
        return "protector" if self.net_tco2e > 0 else "beneficiary"
