"""Admin for releases to the public: propose, then another official approves or rejects.

Releases change only through disclosure.services; an approved release is history.
"""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from compensation.models import Agreement, SettlementRun
from compensation.selectors import run_wide
from config.admin import MakerCheckerAdminMixin, ReadOnlyAdminMixin
from disclosure import services
from disclosure.exceptions import ReleaseRefused
from disclosure.models import Release
from disclosure.selectors import POSTED
from pilots.models import PilotProgramme


class ProposeReleaseForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=Release.Kind.choices)
    action = forms.ChoiceField(label=_("action"), choices=Release.Action.choices)
    programme = forms.ModelChoiceField(PilotProgramme.objects.all(), label=_("programme"))
    run = forms.ModelChoiceField(
        SettlementRun.objects.filter(status__in=POSTED).select_related("programme"),
        label=pgettext_lazy("release target", "run"),
        required=False,
        help_text=_("Settlement run releases only: a posted run of the programme."),
    )
    agreement = forms.ModelChoiceField(
        Agreement.objects.select_related("programme"),
        label=_("agreement"),
        required=False,
        help_text=_("Agreement releases only."),
    )
    reason = forms.CharField(
        label=_("reason"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


@admin.register(Release)
class ReleaseAdmin(MakerCheckerAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "kind", "status", "office_label", "decided_at", "sha256"]
    list_filter = ["kind", "action", "status"]
    search_fields = ["programme__name", "sha256", "reason"]
    fields = [
        "kind",
        "action",
        "status",
        "programme",
        "run",
        "agreement",
        "reason",
        "proposed_by",
        "proposed_at",
        "approved_by",
        "decided_at",
        "office_label",
        "sha256",
        "content",
    ]
    readonly_fields = fields
    propose_button = "propose_release"
    decide_button = "approve_release"
    propose_form = ProposeReleaseForm
    propose_title = _("Propose a release")
    proposed_message = _("Release %(id)s proposed; another official approves it.")
    form_id = "propose-release"
    submit_label = _("Propose")
    decide_labels = {"approve": _("Approve and publish"), "reject": _("Reject")}
    refused = (ReleaseRefused,)

    def get_queryset(self, request):
        # The list shows neither the frozen content nor the run's summary; a release's page
        # reads its content on use.
        return (
            super()
            .get_queryset(request)
            .select_related("programme", "run", "agreement")
            .defer("content", *run_wide())
        )

    @admin.display(description=_("releasing office"))
    def office_label(self, release):
        return release.office_display

    def propose(self, request, cleaned_data):
        """Propose releasing (or withdrawing) a pilot's data, a posted run or an agreement."""
        return services.propose_release(by=request.user, **cleaned_data)

    def decide(self, record, action, by, reason):
        """Approve (publishes) or reject (saying why)."""
        if action == "approve":
            services.approve_release(record, by=by)
        else:
            services.reject_release(record, by=by, reason=reason)

    def is_open(self, record):
        return record.status == Release.Status.PROPOSED
