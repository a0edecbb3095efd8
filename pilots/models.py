"""Where: administrative regions (and, as they arrive, pilots, zones and land cover)."""

from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _

from pilots.geometry import STORAGE_SRID
from pilots.validators import validate_division_code


class Region(models.Model):
    """An administrative division (行政区划) by its GB/T 2260 code, with its real boundary."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("province")
        CITY = "city", _("city")
        COUNTY = "county", _("county")

    code = models.CharField(
        _("code"), max_length=6, unique=True, validators=[validate_division_code]
    )
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    level = models.CharField(_("level"), max_length=8, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent"),
    )
    geometry = models.MultiPolygonField(_("boundary"), srid=STORAGE_SRID)
    area_km2 = models.DecimalField(
        _("area (km²)"),
        max_digits=12,
        decimal_places=3,
        help_text=_("Measured in an Albers equal-area projection."),
    )
    source = models.CharField(_("source"), max_length=200)
    source_digest = models.CharField(
        _("source digest"),
        max_length=64,
        editable=False,
        help_text=_(
            "SHA-256 of the boundary file it was loaded from; unchanged files are skipped."
        ),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(code__regex=r"^[0-9]{6}$"), name="pilots_region_code_six_digits"
            ),
            models.CheckConstraint(
                condition=models.Q(area_km2__gt=0), name="pilots_region_area_positive"
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"
