"""Admin for sink verification (碳汇核证): request, then approve or reject (maker-checker).

Verifications change only through compensation.sinks; approving posts the
verified tonnes to the ledger. An operator sees those touching their regions;
any other verification is "not found".
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from compensation import sinks
from compensation.exceptions import CompensationError
from compensation.models import SinkVerification, Valuation
from config.admin import ReadOnlyAdminMixin, role_view
from config.roles import may
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
class SinkVerificationAdmin(RegionScopedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
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
    change_form_template = "admin/compensation/sinkverification/change_form.html"
    change_list_template = "admin/compensation/sinkverification/change_list.html"

    def get_queryset(self, request):
        """compensation.sinks decides which verifications touch the user's regions."""
        return sinks.verifications_visible_to(request.user)

    def get_urls(self):
        return [
            path(
                "request/",
                role_view(self, "request_sink_verification", self.request_view),
                name="compensation_sinkverification_request",
            ),
            path(
                "<int:verification_id>/decide/",
                role_view(self, "decide_sink_verification", self.decide_view),
                name="compensation_sinkverification_decide",
            ),
            *super().get_urls(),
        ]

    def request_view(self, request):
        """Request verification of a current valuation's sink (ecology officials)."""
        form = RequestVerificationForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                verification = sinks.request_verification(by=request.user, **form.cleaned_data)
            except CompensationError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request,
                    _("Verification %(id)s requested; another ecology official approves it.")
                    % {"id": verification.pk},
                )
                return redirect("admin:compensation_sinkverification_change", verification.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Request sink verification"),
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(
            request, "admin/compensation/sinkverification/request.html", context
        )

    def decide_view(self, request, verification_id):
        """One button on a verification's page: approve (posts the tonnes) or reject."""
        verification = get_object_or_404(self.get_queryset(request), pk=verification_id)
        if request.method != "POST":
            return redirect("admin:compensation_sinkverification_change", verification.pk)
        reason = request.POST.get("reason", "").strip()
        decide = {
            "approve": sinks.approve_verification,
            "reject": sinks.reject_verification,
        }.get(request.POST.get("action"))
        if decide is None:
            raise PermissionDenied
        try:
            decide(verification, by=request.user, reason=reason)
        except CompensationError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Done."))
        return redirect("admin:compensation_sinkverification_change", verification.pk)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        verification = self.get_object(request, object_id)
        buttons = []
        if (
            verification is not None
            and verification.status == Status.REQUESTED
            and may(request.user, "decide_sink_verification")
        ):
            buttons = [("approve", _("Approve and post")), ("reject", _("Reject"))]
        extra = {**(extra_context or {}), "decision_buttons": buttons}
        return super().change_view(request, object_id, form_url, extra_context=extra)
