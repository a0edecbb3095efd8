"""Admin for sink verification (碳汇核证): request, then approve or reject (maker-checker).

Verifications change only through compensation.sinks; approving posts the
verified tonnes to the ledger. An operator sees those touching their regions;
any other verification is "not found".
"""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from compensation import sinks
from compensation.exceptions import CompensationError
from compensation.models import SinkVerification, Valuation
from config.admin import MakerCheckerAdminMixin, ReadOnlyAdminMixin
from pilots.admin_mixins import RegionScopedAdminMixin
from pilots.models import Region

Status = SinkVerification.Status


class RequestVerificationForm(forms.Form):
    valuation = forms.ModelChoiceField(
        Valuation.objects.filter(current=True).select_related("programme", "methodology_version"),
        label=_("valuation"),
        help_text=_("Only a current valuation is verified."),
    )
    region = forms.ModelChoiceField(
        Region.objects.all(),
        label=_("region"),
        required=False,
        help_text=_("Empty: every region of the valuation."),
    )
    reason = forms.CharField(
        label=_("reason"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


@admin.register(SinkVerification)
class SinkVerificationAdmin(
    MakerCheckerAdminMixin, RegionScopedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin
):
    # The times are on each verification's page; without them the list fits 1280 px.
    list_display = ["__str__", "status", "requested_by", "decided_by", "entries"]
    list_filter = ["status", "valuation__year"]
    search_fields = ["valuation__programme__name", "region__code", "region__name", "reason"]
    fields = [
        "valuation",
        "region",
        "status",
        "requested_by",
        "requested_at",
        "reason",
        "decided_by",
        "decided_at",
        "decision_reason",
        "entries",
    ]
    readonly_fields = fields
    propose_button = "request_sink_verification"
    propose_suffix = "request"
    decide_button = "decide_sink_verification"
    propose_form = RequestVerificationForm
    propose_title = _("Request sink verification")
    proposed_message = _("Verification %(id)s requested; another ecology official approves it.")
    form_id = "request-verification"
    submit_label = _("Request verification")
    decide_labels = {"approve": _("Approve and post"), "reject": _("Reject")}
    refused = (CompensationError,)

    def get_queryset(self, request):
        """compensation.sinks decides which verifications touch the user's regions."""
        return sinks.verifications_visible_to(request.user)

    def propose(self, request, cleaned_data):
        """Request verification of a current valuation's sink (ecology officials)."""
        return sinks.request_verification(by=request.user, **cleaned_data)

    def decide(self, record, action, by, reason):
        """Approve (posts the tonnes) or reject."""
        decide = sinks.approve_verification if action == "approve" else sinks.reject_verification
        decide(record, by=by, reason=reason)

    def is_open(self, record):
        return record.status == Status.REQUESTED
