"""Admin for recipients and sub-allocation plans, scoped to the user's regions.

Recipients: operators keep their own regions', finance officials every
region's; the personal details are on the form and list only for users who may
`see_recipient_details`. Plans change only through passthrough.plans: an
operator proposes on a page of its own, a finance official approves (posts)
or rejects on the plan's page.
"""

from datetime import date
from decimal import Decimal, InvalidOperation

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from compensation.models import SettlementRun
from compensation.settlement.states import POSTED
from config.admin import (
    CheckedAutocompleteMixin,
    DraftOnlyInline,
    MakerCheckerAdminMixin,
    ReadOnlyAdminMixin,
    role_view,
)
from passthrough import payments, plans, recipients
from passthrough.exceptions import PassThroughError
from passthrough.models import (
    LocalRule,
    LocalRuleShare,
    Payment,
    PaymentMatch,
    Recipient,
    SubAllocationLine,
    SubAllocationPlan,
)
from pilots.access import can_view_region, scoped
from pilots.admin_mixins import RegionScopedAdminMixin
from pilots.imports import ImportRejected
from pilots.models import Region

MAX_LINES = 2000
MAX_PAYMENT_FILE = 20 * 1024 * 1024


class RecipientForm(forms.ModelForm):
    class Meta:
        model = Recipient
        fields = ["region", "kind", "code", "name", "zones", "active", *recipients.PERSONAL_FIELDS]

    def clean(self):
        cleaned = super().clean()
        try:
            recipients.check_recipient(
                user=self.user, region=cleaned.get("region"), zones=cleaned.get("zones") or ()
            )
        except PassThroughError as exc:
            raise ValidationError(str(exc)) from None
        return cleaned


@admin.register(Recipient)
class RecipientAdmin(RegionScopedAdminMixin, admin.ModelAdmin):
    form = RecipientForm
    list_display = ["code", "kind", "name", "region", "active"]
    list_filter = ["kind", "region", "active"]
    search_fields = ["code", "name"]

    def get_fields(self, request, obj=None):
        fields = ["region", "kind", "code", "name", "zones", "active"]
        if recipients.shows_details(request.user):
            fields += list(recipients.PERSONAL_FIELDS)
        return fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.user = request.user
        return form


class LineInline(admin.TabularInline):
    model = SubAllocationLine
    fields = ["recipient", "zone", "weight", "amount", "due_date", "account"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


def _parse_lines(text: str, region: Region) -> list[plans.LineSpec]:
    """Lines "code; due date (YYYY-MM-DD); share or parcel zone id", one recipient a line."""
    known = {r.code: r for r in Recipient.objects.filter(region=region)}
    rows = [row for row in text.splitlines() if row.strip()]
    if len(rows) > MAX_LINES:
        raise ValidationError(_("At most %(n)s lines.") % {"n": MAX_LINES})
    specs, errors = [], []
    for number, row in enumerate(rows, start=1):
        parts = [part.strip() for part in row.split(";")]
        recipient = known.get(parts[0])
        try:
            due = date.fromisoformat(parts[1]) if len(parts) > 1 else None
        except ValueError:
            due = None
        extra = parts[2] if len(parts) > 2 else ""
        if recipient is None or due is None or len(parts) > 3:
            errors.append(
                _(
                    "Line %(n)s: write a recipient code of the region; a date YYYY-MM-DD; "
                    "then a share or a parcel's zone id."
                )
                % {"n": number}
            )
            continue
        weight = zone = None
        if extra:
            try:
                weight = Decimal(extra)
            except InvalidOperation:
                errors.append(
                    _("Line %(n)s: %(value)s is not a number.") % {"n": number, "value": extra[:20]}
                )
                continue
            if not weight.is_finite() or abs(weight) >= Decimal("1e14"):
                errors.append(_("Line %(n)s: the share is out of range.") % {"n": number})
                continue
            zone = recipient.zones.filter(pk=int(weight)).first() if weight == int(weight) else None
        specs.append(plans.LineSpec(recipient=recipient, due_date=due, weight=weight, zone=zone))
    if errors:
        raise ValidationError(errors)
    return specs


class ShareInline(DraftOnlyInline):
    model = LocalRuleShare
    fields = ["kind", "weight"]


@admin.register(LocalRule)
class LocalRuleAdmin(CheckedAutocompleteMixin, RegionScopedAdminMixin, admin.ModelAdmin):
    """A draft is edited freely; published by ticking "published", it is what plans cite and
    is no longer edited: a new version is a new rule with the next version number."""

    list_display = ["__str__", "region", "basis", "published"]
    list_filter = ["published", "region"]
    search_fields = ["name", "source"]
    autocomplete_fields = ["region"]
    fields = ["region", "name", "version", "source", "basis", "published"]
    inlines = [ShareInline]

    def get_readonly_fields(self, request, obj=None):
        return list(self.fields) if obj is not None and obj.published else []

    def has_delete_permission(self, request, obj=None):
        return (obj is None or not obj.published) and super().has_delete_permission(request, obj)


class ProposePlanForm(forms.Form):
    run = forms.ModelChoiceField(
        # A run a posted correction reversed has no receipts left to pass on.
        SettlementRun.objects.filter(status__in=POSTED).exclude(corrections__status__in=POSTED),
        label=_("posted run"),
    )
    region = forms.ModelChoiceField(Region.objects.none(), label=_("region"))
    method = forms.ChoiceField(choices=SubAllocationPlan.Method.choices, label=_("method"))
    rule = forms.ModelChoiceField(
        LocalRule.objects.none(),
        required=False,
        label=_("local rule"),
        help_text=_("By a published local rule: which one (its version is kept with the plan)."),
    )
    lines = forms.CharField(
        label=_("lines"),
        max_length=200_000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "One recipient a line: code; due date (YYYY-MM-DD); the share (fixed shares) "
            "or the parcel's zone id (by parcel)."
        ),
    )
    reason = forms.CharField(
        label=_("reason"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = scoped(Region.objects.all(), user, "code")
        self.fields["rule"].queryset = scoped(
            LocalRule.objects.filter(published=True), user, "region__code"
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("region") is not None and cleaned.get("lines"):
            cleaned["lines"] = _parse_lines(cleaned["lines"], cleaned["region"])
        return cleaned


@admin.register(SubAllocationPlan)
class SubAllocationPlanAdmin(
    MakerCheckerAdminMixin, RegionScopedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin
):
    list_display = ["__str__", "method", "status", "total", "proposed_by", "decided_by"]
    list_filter = ["status", "method", "region"]
    fields = [
        "run",
        "region",
        "method",
        "status",
        "rule",
        "total",
        "proposed_by",
        "proposed_at",
        "reason",
        "decided_by",
        "decided_at",
        "decision_reason",
        "entry",
        "reversed_by",
        "reversed_at",
        "reversal_reason",
        "reversal",
    ]
    readonly_fields = fields
    inlines = [LineInline]
    propose_button = "propose_sub_allocation"
    decide_button = "decide_sub_allocation"
    propose_form = ProposePlanForm
    form_takes_user = True
    propose_title = _("Propose a sub-allocation plan")
    proposed_message = _("Plan %(id)s proposed; a finance official approves it.")
    form_id = "propose-plan"
    submit_label = _("Propose the plan")
    decide_labels = {
        "approve": _("Approve and post"),
        "reject": _("Reject"),
        "reverse": _("Reverse the posted plan"),
    }
    refused = (PassThroughError,)

    def propose(self, request, cleaned_data):
        """How a posted run's receipts of one of the user's regions are passed on."""
        return plans.propose_plan(by=request.user, **cleaned_data)

    def decide(self, record, action, by, reason):
        """Approve (posts the plan), reject (with a reason) or reverse a posted plan."""
        decide = {
            "approve": plans.approve_plan,
            "reject": plans.reject_plan,
            "reverse": plans.reverse_plan,
        }[action]
        decide(record, by=by, reason=reason)

    def open_actions(self, record):
        """A proposed plan is approved or rejected; a posted one may be reversed."""
        return {
            SubAllocationPlan.Status.PROPOSED: ["approve", "reject"],
            SubAllocationPlan.Status.POSTED: ["reverse"],
        }.get(record.status, [])


class PaymentForm(forms.ModelForm):
    class Meta:
        model = Payment
        fields = [
            "region",
            "kind",
            "reference",
            "paid_on",
            "amount",
            "payee_code",
            "payee_account",
        ]

    def clean(self):
        cleaned = super().clean()
        region = cleaned.get("region")
        if region is not None and not can_view_region(self.user, region.code):
            raise ValidationError(_("You may record payments of your own regions only."))
        return cleaned


class PaymentImportForm(forms.Form):
    region = forms.ModelChoiceField(Region.objects.none(), label=_("region"))
    file = forms.FileField(label=_("file"), help_text=_("CSV (UTF-8 or GBK) or XLSX."))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = scoped(Region.objects.all(), user, "code")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_PAYMENT_FILE:
            raise ValidationError(_("The file is larger than 20 MB."))
        return upload


class MatchInline(admin.TabularInline):
    model = PaymentMatch
    fields = ["line", "amount", "matched_by", "matched_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Payment)
class PaymentAdmin(RegionScopedAdminMixin, admin.ModelAdmin):
    """Evidence is added (and matched if unambiguous) through passthrough.payments, never edited."""

    form = PaymentForm
    list_display = ["reference", "kind", "region", "paid_on", "amount", "matched", "source"]
    list_filter = ["kind", "region"]
    search_fields = ["reference", "payee_code"]
    inlines = [MatchInline]
    change_list_template = "admin/passthrough/payment/change_list.html"

    def get_queryset(self, request):
        return payments.payments_visible_to(request.user)

    @admin.display(description=_("matched (CNY)"))
    def matched(self, payment):
        return payment.matched

    def get_fields(self, request, obj=None):
        """The payee's account is a personal detail: only for those who see recipients'."""
        fields = list(PaymentForm.Meta.fields)
        if not recipients.shows_details(request.user):
            fields.remove("payee_account")
        return fields

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj) if obj is not None else []

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.user = request.user
        return form

    def save_model(self, request, obj, form, change):
        fields = {
            name: form.cleaned_data[name]
            for name in PaymentForm.Meta.fields
            if name in form.cleaned_data
        }
        saved = payments.record_payment(by=request.user, **fields)
        obj.pk = saved.pk

    def get_urls(self):
        return [
            path(
                "import/",
                role_view(self, "record_payments", self.import_view),
                name="passthrough_payment_import",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request):
        """Import vouchers and bank receipts; the per-row report when the file is refused."""
        form = PaymentImportForm(request.POST or None, request.FILES or None, user=request.user)
        report = None
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                imported = payments.import_payments(
                    by=request.user,
                    region=form.cleaned_data["region"],
                    name=upload.name,
                    data=upload.read(),
                )
            except ImportRejected as exc:
                report = exc.report
                messages.error(request, _("The file was rejected; nothing was imported."))
            except PassThroughError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request,
                    _("Imported %(count)d payment(s); %(matched)d matched automatically.")
                    % {"count": len(imported.payments), "matched": imported.matched},
                )
                return redirect("admin:passthrough_payment_changelist")
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "report": report,
            "title": _("Import vouchers and bank receipts"),
            "opts": self.model._meta,
        }
        status = 400 if form.errors or report else 200
        return TemplateResponse(
            request, "admin/passthrough/payment/import.html", context, status=status
        )


class MatchForm(forms.ModelForm):
    class Meta:
        model = PaymentMatch
        fields = ["payment", "line", "amount"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("payment") is not None:
            try:
                payments.check_match(
                    payment=cleaned["payment"],
                    line=cleaned.get("line"),
                    amount=cleaned.get("amount"),
                    by=self.user,
                )
            except PassThroughError as exc:
                raise ValidationError(str(exc)) from None
        return cleaned


@admin.register(PaymentMatch)
class PaymentMatchAdmin(RegionScopedAdminMixin, admin.ModelAdmin):
    """Matches are made by hand here (or automatically on entry), never changed or deleted."""

    form = MatchForm
    region_paths = ("payment__region__code",)
    list_display = ["__str__", "payment", "line", "amount", "matched_by", "matched_at"]
    raw_id_fields = ["payment", "line"]

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.user = request.user
        return form

    def save_model(self, request, obj, form, change):
        saved = payments.match_manually(
            payment=obj.payment, line=obj.line, amount=obj.amount, by=request.user
        )
        obj.pk = saved.pk
