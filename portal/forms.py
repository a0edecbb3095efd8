from django import forms
from django.utils.translation import gettext_lazy as _

from compensation.models import Agreement

MAX_UPLOAD = 5 * 1024 * 1024


class MonitoringUploadForm(forms.Form):
    agreement = forms.ModelChoiceField(Agreement.objects.none(), label=_("agreement"))
    file = forms.FileField(
        label=_("annual means (CSV)"),
        help_text=_("Columns: section, year, pollutant, mean_mg_per_l (UTF-8 or GBK)."),
    )

    def __init__(self, *args, agreements, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agreement"].queryset = agreements

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        return upload
