from django import forms
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
            "Columns: section, year, pollutant, mean_mg_per_l, or in Chinese 断面, 年份, "
            "污染物, 年均值(mg/L); CSV in UTF-8 or GBK, or an Excel workbook (.xlsx)."
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
