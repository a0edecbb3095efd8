"""Admin for releases to the public: propose, then another official approves or rejects.

Releases change only through disclosure.services; an approved release is history.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from compensation.models import Agreement, SettlementRun
from compensation.selectors import run_wide
from config.admin import ReadOnlyAdminMixin, role_view
from config.roles import may
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
class ReleaseAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
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
    change_form_template = "admin/disclosure/release/change_form.html"
    change_list_template = "admin/disclosure/release/change_list.html"

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

    def get_urls(self):
        return [
            path(
                "propose/",
                role_view(self, "propose_release", self.propose_view),
                name="disclosure_release_propose",
            ),
            path(
                "<int:release_id>/decide/",
                role_view(self, "approve_release", self.decide_view),
                name="disclosure_release_decide",
            ),
            *super().get_urls(),
        ]

    def propose_view(self, request):
        """Propose releasing (or withdrawing) a pilot's data, a posted run or an agreement."""
        form = ProposeReleaseForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                release = services.propose_release(by=request.user, **form.cleaned_data)
            except ReleaseRefused as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request,
                    _("Release %(id)s proposed; another official approves it.")
                    % {"id": release.pk},
                )
                return redirect("admin:disclosure_release_change", release.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Propose a release"),
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/disclosure/release/propose.html", context)

    def decide_view(self, request, release_id):
        """One button on a release's page: approve (publishes) or reject."""
        release = get_object_or_404(self.get_queryset(request), pk=release_id)
        if request.method != "POST":
            return redirect("admin:disclosure_release_change", release.pk)
        action = request.POST.get("action")
        reason = request.POST.get("reason", "")
        try:
            if action == "approve":
                services.approve_release(release, by=request.user)
            elif action == "reject":
                services.reject_release(release, by=request.user, reason=reason)
            else:
                raise PermissionDenied
        except ReleaseRefused as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Done."))
        return redirect("admin:disclosure_release_change", release.pk)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        release = self.get_object(request, object_id)
        buttons = []
        if (
            release is not None
            and release.status == Release.Status.PROPOSED
            and may(request.user, "approve_release")
        ):
            buttons = [("approve", _("Approve and publish")), ("reject", _("Reject"))]
        extra = {**(extra_context or {}), "decision_buttons": buttons}
        return super().change_view(request, object_id, form_url, extra_context=extra)
