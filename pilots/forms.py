"""The admin's upload form for zone and land-cover files."""

from django import forms
from django.utils.translation import gettext_lazy as _

from pilots.crs import srid_choices
from pilots.models import ImportBatch, LandUseClass, PlanningVersion, Region

MAX_UPLOAD_BYTES = 200 * 1024 * 1024


class SpatialUploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("what the file holds"), choices=ImportBatch.Kind.choices)
    file = forms.FileField(
        label=_("file"),
        help_text=_(
            "GeoJSON, CSV with a WKT column, zipped Shapefile or File Geodatabase, or GeoPackage."
        ),
    )
    planning_version = forms.ModelChoiceField(
        label=_("planning version (zones)"),
        required=False,
        queryset=PlanningVersion.objects.filter(published=False).select_related("region"),
    )
    region = forms.ModelChoiceField(
        label=_("region (land cover)"), required=False, queryset=Region.objects.all()
    )
    srid = forms.TypedChoiceField(
        label=_("coordinate system, if the file does not declare one"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=srid_choices,
    )
    layer = forms.CharField(
        label=_("layer, if the file has several"),
        required=False,
        max_length=200,
        help_text=_(
            "A GeoPackage, File Geodatabase or zip of several Shapefiles lists its layers."
        ),
    )
    encoding = forms.ChoiceField(
        label=_("text encoding, if the file declares none or a wrong one"),
        required=False,
        choices=[("", "-"), ("utf-8", "UTF-8"), ("gb18030", "GBK / GB18030")],
    )
    scheme = forms.ChoiceField(
        label=_("land-use scheme, if not in the file"),
        required=False,
        choices=[("", "-"), *LandUseClass.Scheme.choices],
    )
    survey_year = forms.IntegerField(label=_("survey year, if not in the file"), required=False)
    field_map = forms.CharField(
        label=_("field mapping"),
        required=False,
        help_text=_("One OURS=THEIRS per line, e.g. kind=ZONE_TYPE."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    make_valid = forms.BooleanField(
        label=_("repair invalid polygons and report each repair"), required=False
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 200 MB."))
        return upload

    def clean_field_map(self):
        mapping = {}
        for line in self.cleaned_data["field_map"].splitlines():
            if not line.strip():
                continue
            ours, sep, theirs = line.strip().partition("=")
            if not sep or not ours.strip() or not theirs.strip():
                raise forms.ValidationError(
                    _("%(line)s: write OURS=THEIRS, e.g. kind=ZONE_TYPE."), params={"line": line}
                )
            mapping[ours.strip()] = theirs.strip()
        return mapping

    def clean(self):
        data = super().clean()
        if data.get("kind") == ImportBatch.Kind.ZONES and not data.get("planning_version"):
            self.add_error("planning_version", _("Choose the planning version to import into."))
        if data.get("kind") == ImportBatch.Kind.LAND_COVER and not data.get("region"):
            self.add_error("region", _("Choose the region the land cover belongs to."))
        return data
