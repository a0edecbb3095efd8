from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from compensation.models import Agreement

MAX_UPLOAD = 5 * 1024 * 1024
SHEET_NAME_LENGTH = 31  # Excel's limit
UPLOAD_TYPES = (
    ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
)


class MonitoringUploadForm(forms.Form):
    agreement = forms.ModelChoiceField(Agreement.objects.none(), label=_("agreement"))
    file = forms.FileField(
        label=_("annual means (CSV or XLSX)"),
        help_text=_(
            "Columns: section, year, pollutant, mean_mg_per_l (the Chinese headers of the "
            "template are read too); CSV in UTF-8 or GBK, or an Excel workbook (.xlsx)."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": UPLOAD_TYPES}),
    )
    sheet = forms.CharField(
        label=_("sheet"),
        max_length=SHEET_NAME_LENGTH,
        required=False,
        help_text=_(
            "Only for a workbook with several sheets; by default the one named like 年均值, "
            "else the only one with the expected header."
        ),
    )

    def __init__(self, *args, agreements, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agreement"].queryset = agreements

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        return upload


FORMAT_CHOICES = [("pdf", "PDF"), ("csv", "CSV"), ("xlsx", "XLSX")]


def _day(**kwargs) -> forms.DateField:
    """A date as the browser's date picker sends it (YYYY-MM-DD)."""
    return forms.DateField(
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), **kwargs
    )


class ReportForm(forms.Form):
    """A pass-through report's date (as of) and file format, from the query string."""

    as_of = _day(
        label=_("as of"),
        required=False,
        help_text=_("Read as the books and evidence stood at the end of this day; today if empty."),
    )
    format = forms.ChoiceField(label=_("format"), choices=FORMAT_CHOICES)

    def clean_as_of(self):
        today = timezone.localdate()
        as_of = self.cleaned_data["as_of"] or today
        if as_of > today:
            raise forms.ValidationError(
                _("Give today or an earlier day: a later one is not known yet.")
            )
        return as_of


class ReconciliationForm(ReportForm):
    """A reconciliation's period (first and last day) besides its date and format."""

    start = _day(label=_("first day"))
    end = _day(label=_("last day"))
    field_order = ["start", "end", "as_of", "format"]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            raise forms.ValidationError(_("A period's first day comes before its last day."))
        return cleaned
