"""Where: administrative regions (and, as they arrive, pilots, zones and land cover)."""

from decimal import Decimal

from django.conf import settings
from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from pilots.geometry import STORAGE_SRID
from pilots.third_survey import FIELD_RIDGE, suffix_of
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


class PilotProgramme(models.Model):
    """A pilot compensation programme (试点) over a period, with its member regions."""

    class Frequency(models.TextChoices):
        MONTHLY = "monthly", _("monthly")
        QUARTERLY = "quarterly", _("quarterly")
        YEARLY = "yearly", _("yearly")

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("pilot status", "draft")
        ACTIVE = "active", pgettext_lazy("pilot status", "active")
        CLOSED = "closed", pgettext_lazy("pilot status", "closed")

    name = models.CharField(_("name"), max_length=200, unique=True)
    description = models.TextField(_("description"), blank=True)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    vertical = models.BooleanField(_("vertical channel"), default=True)
    horizontal = models.BooleanField(_("horizontal channel"), default=True)
    market = models.BooleanField(_("market channel"), default=False)
    settlement_frequency = models.CharField(
        _("settlement frequency"),
        max_length=10,
        choices=Frequency.choices,
        default=Frequency.YEARLY,
    )
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.DRAFT
    )
    regions = models.ManyToManyField(
        Region, through="PilotMembership", related_name="pilots", verbose_name=_("regions")
    )

    class Meta:
        verbose_name = _("pilot programme")
        verbose_name_plural = _("pilot programmes")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gt=models.F("start_date")),
                name="pilots_programme_ends_after_start",
            ),
        ]

    def __str__(self):
        return self.name


class PilotMembership(models.Model):
    """A region's part in a programme: protector (保护者), beneficiary (受益者) or both.

    The role is derived from the region's net carbon position once valuations
    exist; an official may override it, and must say why.
    """

    class Role(models.TextChoices):
        UNDETERMINED = "undetermined", _("undetermined")
        PROTECTOR = "protector", _("protector")
        BENEFICIARY = "beneficiary", _("beneficiary")
        BOTH = "both", _("both")

    programme = models.ForeignKey(
        PilotProgramme, models.CASCADE, related_name="memberships", verbose_name=_("programme")
    )
    region = models.ForeignKey(
        Region, models.PROTECT, related_name="memberships", verbose_name=_("region")
    )
    derived_role = models.CharField(
        _("derived role"),
        max_length=12,
        choices=Role.choices,
        default=Role.UNDETERMINED,
        editable=False,
    )
    role_override = models.CharField(
        _("role override"), max_length=12, choices=Role.choices, blank=True
    )
    override_reason = models.TextField(_("reason for the override"), blank=True)

    class Meta:
        verbose_name = _("pilot membership")
        verbose_name_plural = _("pilot memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "region"], name="pilots_membership_once_per_region"
            ),
            models.CheckConstraint(
                condition=models.Q(role_override="") | ~models.Q(override_reason=""),
                name="pilots_membership_override_needs_reason",
                violation_error_message=_("An overridden role needs a reason."),
            ),
        ]

    def __str__(self):
        return f"{self.programme} · {self.region} ({self.get_role_display()})"

    @property
    def role(self) -> str:
        return self.role_override or self.derived_role

    def get_role_display(self):
        return self.Role(self.role).label


class PlanningVersion(models.Model):
    """One version of a region's territorial spatial plan (国土空间规划).

    Zones hang off a version. A change to the plan is a new version with its
    own effective date; published versions are never edited, so supervisors
    can compare how zones changed over time.
    """

    region = models.ForeignKey(
        Region, models.PROTECT, related_name="planning_versions", verbose_name=_("region")
    )
    name = models.CharField(_("name"), max_length=200)
    version = models.PositiveIntegerField(_("version"))
    effective_from = models.DateField(_("effective from"))
    published = models.BooleanField(_("published"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("planning version")
        verbose_name_plural = _("planning versions")
        ordering = ["region", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "version"], name="pilots_planning_version_unique"
            ),
        ]

    def __str__(self):
        return f"{self.region.name} {self.name} v{self.version}"


class Zone(models.Model):
    """A protected (保护性区域) or developed (开发性区域) zone of one planning version."""

    class Kind(models.TextChoices):
        ECOLOGICAL_RED_LINE = "ecological_red_line", _("ecological red line")
        ECOLOGICAL_FUNCTION_AREA = "ecological_function_area", _("ecological function area")
        PERMANENT_BASIC_FARMLAND = "permanent_basic_farmland", _("permanent basic farmland")
        GRAIN_PRODUCING_AREA = "grain_producing_area", _("grain-producing area")
        URBAN_DEVELOPMENT_BOUNDARY = "urban_development_boundary", _("urban development boundary")
        URBANISED_AREA = "urbanised_area", _("urbanised area")

    PROTECTED_KINDS = frozenset(
        {
            Kind.ECOLOGICAL_RED_LINE,
            Kind.ECOLOGICAL_FUNCTION_AREA,
            Kind.PERMANENT_BASIC_FARMLAND,
            Kind.GRAIN_PRODUCING_AREA,
        }
    )

    planning_version = models.ForeignKey(
        PlanningVersion, models.PROTECT, related_name="zones", verbose_name=_("planning version")
    )
    region = models.ForeignKey(
        Region, models.PROTECT, related_name="zones", verbose_name=_("region")
    )
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    # Derived by the database from the kind, so no writer can get it wrong.
    protected = models.GeneratedField(
        expression=models.ExpressionWrapper(
            models.Q(kind__in=sorted(PROTECTED_KINDS)), output_field=models.BooleanField()
        ),
        output_field=models.BooleanField(),
        db_persist=True,
        verbose_name=_("protected"),
    )
    name = models.CharField(_("name"), max_length=200, blank=True)
    geometry = models.MultiPolygonField(_("geometry"), srid=STORAGE_SRID)
    area_km2 = models.DecimalField(_("area (km²)"), max_digits=15, decimal_places=6)
    import_batch = models.ForeignKey(
        "ImportBatch",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="zones",
        verbose_name=_("import batch"),
    )
    feature_index = models.PositiveIntegerField(
        _("feature number in the file"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("zone")
        verbose_name_plural = _("zones")
        ordering = ["planning_version", "kind", "id"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.name}".strip()

    @property
    def is_protected_kind(self) -> bool:
        """Whether the kind is protective, before the database has derived `protected`."""
        return self.kind in self.PROTECTED_KINDS


class LandUseClass(models.Model):
    """A land-use class of a classification scheme, e.g. GB/T 21010-2017 03 forest (林地)."""

    class Scheme(models.TextChoices):
        GBT_21010_2017 = "gbt21010-2017", _("GB/T 21010-2017 first level")
        THIRD_SURVEY = "third-survey", _("Third National Land Survey working classes")

    scheme = models.CharField(_("scheme"), max_length=16, choices=Scheme.choices)
    code = models.CharField(_("code"), max_length=4)
    name_zh = models.CharField(_("Chinese name"), max_length=50)
    name_en = models.CharField(_("English name"), max_length=80)

    class Meta:
        verbose_name = _("land-use class")
        verbose_name_plural = _("land-use classes")
        ordering = ["scheme", "code"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "code"], name="pilots_landuse_unique"),
        ]

    def __str__(self):
        return f"{self.code} {self.name_zh}"


class LandCover(models.Model):
    """A land-cover polygon from a survey: class, year and source."""

    region = models.ForeignKey(
        Region, models.PROTECT, related_name="land_cover", verbose_name=_("region")
    )
    land_use = models.ForeignKey(LandUseClass, models.PROTECT, verbose_name=_("land-use class"))
    survey_year = models.PositiveSmallIntegerField(_("survey year"))
    source = models.CharField(_("source"), max_length=200)
    synthetic = models.BooleanField(
        _("synthetic"),
        default=False,
        help_text=_("Generated for the demo, not surveyed: never use for real settlement."),
    )
    geometry = models.MultiPolygonField(_("geometry"), srid=STORAGE_SRID)
    area_km2 = models.DecimalField(
        _("area (km²)"),
        max_digits=15,
        decimal_places=6,
        help_text=_("Of the geometry, on the CGCS2000 ellipsoid (Albers equal-area), to 1 m²."),
    )
    # What a Third National Land Survey (三调) DLTB layer says of the parcel, as given.
    survey_code = models.CharField(
        _("land-use code as surveyed (DLBM)"),
        max_length=8,
        blank=True,
        help_text=_("e.g. 0201K; the class above is its working class (pilots/third_survey.py)."),
    )
    identifier = models.CharField(_("parcel identifier (BSM)"), max_length=30, blank=True)
    located_in = models.CharField(_("located in (ZLDWDM)"), max_length=19, blank=True)
    owned_by = models.CharField(_("owned by (QSDWDM)"), max_length=19, blank=True)
    official_area_m2 = models.DecimalField(
        _("official parcel area TBMJ (m²)"),
        max_digits=15,
        decimal_places=2,
        null=True,
        blank=True,
    )
    deduction_code = models.CharField(_("deducted class (KCDLBM)"), max_length=8, blank=True)
    deduction_rate = models.DecimalField(
        _("deduction coefficient (KCXS)"), max_digits=7, decimal_places=4, null=True, blank=True
    )
    deduction_m2 = models.DecimalField(
        _("deducted area KCMJ (m²)"), max_digits=15, decimal_places=2, null=True, blank=True
    )
    import_batch = models.ForeignKey(
        "ImportBatch",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="land_cover",
        verbose_name=_("import batch"),
    )
    feature_index = models.PositiveIntegerField(
        _("feature number in the file"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("land cover")
        verbose_name_plural = _("land cover")
        indexes = [
            models.Index(fields=["region", "survey_year"], name="pilots_landcover_region_year")
        ]

    def __str__(self):
        return f"{self.region.name} {self.survey_year} {self.land_use}"

    @property
    def field_ridge_share(self) -> Decimal:
        """Share of the parcel booked as 1203 田坎 rather than its own class, as 三调 does.

        KCMJ / TBMJ where both are given, else KCXS, when KCDLBM is 1203; else 0.
        The valuation SQL (compensation/valuation.py AREAS_SQL) applies the same rule.
        """
        if self.deduction_code != FIELD_RIDGE:
            return Decimal(0)
        if self.deduction_m2 is not None and self.official_area_m2:
            return self.deduction_m2 / self.official_area_m2
        return self.deduction_rate or Decimal(0)

    @property
    def survey_code_suffix(self) -> str:
        """The suffix of the surveyed code: K (可调整, restorable to cropland), A, or ""."""
        return suffix_of(self.survey_code)


class ImportBatch(models.Model):
    """One uploaded file and what became of it: accepted whole, or rejected with a report."""

    class Kind(models.TextChoices):
        ZONES = "zones", _("zones")
        LAND_COVER = "land_cover", _("land cover")

    class Status(models.TextChoices):
        ACCEPTED = "accepted", _("accepted")
        REJECTED = "rejected", _("rejected")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    file_name = models.CharField(_("file name"), max_length=255)
    file_sha256 = models.CharField(_("file SHA-256"), max_length=64, db_index=True)
    target = models.CharField(
        _("target"),
        max_length=100,
        help_text=_("Planning version or region the file was imported into."),
    )
    status = models.CharField(_("status"), max_length=8, choices=Status.choices)
    features = models.PositiveIntegerField(_("features"), default=0)
    report = models.JSONField(_("report"), default=dict)
    overlaps_checked = models.BooleanField(
        _("overlaps checked at import"),
        default=False,
        help_text=_(
            "Land cover: its parcels were checked against each other and against every parcel "
            "stored for their region and survey year, and no other file was accepted for the "
            "region in between. Valuation checks again only parcels without this."
        ),
    )
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("imported by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("import batch")
        verbose_name_plural = _("import batches")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "file_sha256", "target"],
                condition=models.Q(status="accepted"),
                name="pilots_import_accepted_once",
                violation_error_message=_("This file was already imported into this target."),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.file_name} ({self.get_status_display()})"


class OperatorAssignment(models.Model):
    """A pilot-region operator's access to one region: they see and submit data for it only."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="region_assignments",
        verbose_name=_("user"),
    )
    region = models.ForeignKey(Region, models.PROTECT, verbose_name=_("region"))
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("granted by"),
    )
    granted_at = models.DateTimeField(_("granted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("operator assignment")
        verbose_name_plural = _("operator assignments")
        ordering = ["user", "region"]
        constraints = [
            models.UniqueConstraint(fields=["user", "region"], name="pilots_assignment_once"),
        ]

    def __str__(self):
        return f"{self.user} → {self.region}"
