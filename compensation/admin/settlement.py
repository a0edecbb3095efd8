"""Admin for settlement runs: start, follow progress, approve (maker-checker), post, compare.

Runs change only through compensation.settlement; the buttons on a run's page come
from its transitions table (states.actions_for), and each asks for the reason that
goes into the run's transition history.
"""

from decimal import Decimal

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from compensation import parties
from compensation.accounts import CHANNEL_LABELS
from compensation.exceptions import CompensationError
from compensation.models import RunChunk, RunTransfer, RunTransition, SettlementRun
from compensation.overrides import Overrides
from compensation.periods import parse_period
from compensation.selectors import run_wide
from compensation.settlement import planning, posting, reports, states
from compensation.statements.inputs import labelled_inputs
from compensation.tasks import issue_statements
from config.admin import PageReadsMixin, ReadOnlyAdminMixin, ReadOnlyInlineMixin, role_view
from config.roles import may
from formats.numbers import grouped, quantity
from pilots.admin_mixins import RegionScopedAdminMixin
from pilots.models import PilotProgramme, Region

RunStatus = SettlementRun.Status
REGION_ROWS = 50


def _net(channels: dict) -> Decimal:
    """A region's net CNY over its channels in a run's summary ({channel: {"net": "1.00"}})."""
    return sum((Decimal(v["net"]) for v in channels.values()), Decimal(0))


def _status_label(value: str) -> str:
    return RunStatus(value).label if value in RunStatus.values else value or "-"


class TransitionInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = RunTransition
    fields = ["at", "from_label", "to_label", "by", "reason"]
    readonly_fields = fields

    @admin.display(description=pgettext_lazy("run status", "from"))
    def from_label(self, transition):
        return _status_label(transition.from_status)

    @admin.display(description=pgettext_lazy("run status", "to"))
    def to_label(self, transition):
        return _status_label(transition.to_status)


class ChunkInline(ReadOnlyInlineMixin, admin.TabularInline):
    """The chunks still pending or failed: what an official follows or acts on. Done chunks
    are counted in the run's progress (a national run has hundreds)."""

    model = RunChunk
    fields = ["channel_label", "number", "status", "finished_at", "error"]
    readonly_fields = fields
    verbose_name_plural = _("unfinished calculation chunks")

    def get_queryset(self, request):
        return super().get_queryset(request).exclude(status=RunChunk.Status.DONE).defer("scope")

    @admin.display(description=_("channel"))
    def channel_label(self, chunk):
        return CHANNEL_LABELS.get(chunk.channel, chunk.channel)


class OptionalJSONField(forms.JSONField):
    """A JSON box that shows nothing, not `null`, when it holds nothing."""

    def prepare_value(self, value):
        return "" if value is None else super().prepare_value(value)


class StartRunForm(forms.Form):
    programme = forms.ModelChoiceField(PilotProgramme.objects.all(), label=_("programme"))
    period = forms.CharField(
        label=_("period"), help_text=_("2024, 2024H1, 2024Q1 or 2024-03"), max_length=10
    )
    scenario = forms.BooleanField(label=_("what-if scenario"), required=False)
    name = forms.CharField(label=_("name"), required=False, max_length=200)
    overrides = OptionalJSONField(
        label=_("overrides"),
        required=False,
        help_text=_(
            'Scenarios only, e.g. {"budget": "3000000.00", "carbon_prices": {"CEA": "120"}}'
        ),
    )
    reason = forms.CharField(
        label=_("reason"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean_period(self):
        try:
            return parse_period(self.cleaned_data["period"])
        except CompensationError as exc:
            raise forms.ValidationError(str(exc)) from None

    def clean_overrides(self):
        """The overrides as a scenario reads them, so that a wrong shape is this field's error."""
        overrides = self.cleaned_data["overrides"]
        if overrides not in (None, {}):
            try:
                Overrides.from_json(overrides)
            except CompensationError as exc:
                raise forms.ValidationError(str(exc)) from None
        return overrides


def _say_outcome(request, run, done: str) -> None:
    """What became of the run, in the colour it deserves: a failure is an error that says
    why and what to do next, a calculation on the workers is news, the rest is done."""
    run.refresh_from_db()
    if run.status == RunStatus.FAILED:
        messages.error(
            request,
            _("Run %(run)s failed: %(error)s Supply what is missing, then recalculate.")
            % {"run": run.pk, "error": run.error},
        )
    elif run.status == RunStatus.CALCULATING:
        messages.info(
            request,
            _("Run %(run)s is being calculated on the workers; this page shows its progress.")
            % {"run": run.pk},
        )
    else:
        messages.success(request, done)


@admin.register(SettlementRun)
class SettlementRunAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "__str__",
        "kind",
        "status",
        "progress",
        "started_by",
        "approved_by",
        "created_at",
    ]
    list_filter = ["status", "kind", "programme", "period_start"]
    search_fields = ["programme__name", "name", "error"]
    fields = [
        "programme",
        "period_start",
        "period_end",
        "kind",
        "name",
        "corrects",
        "overrides",
        "status",
        "progress",
        "error",
        "started_by",
        "approved_by",
        "posted_at",
        "totals",
        "regions",
        "comparison",
        "transfer_list",
    ]
    readonly_fields = fields
    inlines = [TransitionInline, ChunkInline]
    change_form_template = "admin/compensation/settlementrun/change_form.html"
    change_list_template = "admin/compensation/settlementrun/change_list.html"

    def get_queryset(self, request):
        # The list shows no summary; a run's page reads it once, on first use.
        return super().get_queryset(request).defer(*run_wide(""))

    def get_urls(self):
        return [
            path(
                "start/",
                role_view(self, "start_run", self.start_view),
                name="compensation_settlementrun_start",
            ),
            path(
                "<int:run_id>/move/",
                role_view(self, "move_run", self.move_view),
                name="compensation_settlementrun_move",
            ),
            *super().get_urls(),
        ]

    @admin.display(description=_("progress"))
    def progress(self, run):
        if not run.chunks_total:
            return "-"
        return f"{run.chunks_done}/{run.chunks_total}"

    @admin.display(description=_("totals per channel"))
    def totals(self, run):
        channels = run.summary.get("channels", {})
        return (
            format_html_join(
                "",
                "<div>{}: {}</div>",
                (
                    (
                        CHANNEL_LABELS.get(channel, channel),
                        "，".join(quantity(v, k) for k, v in sorted(amounts.items())),
                    )
                    for channel, amounts in sorted(channels.items())
                ),
            )
            or "-"
        )

    @admin.display(description=_("net CNY per region and channel (against the previous period)"))
    def regions(self, run):
        """The REGION_ROWS regions with the largest net (either sign, all channels), by code;
        a national run's other regions are in its summary statement and transfers."""
        rows = run.summary.get("regions", {})
        if not rows:
            return "-"
        shown = sorted(sorted(rows, key=lambda code: (-abs(_net(rows[code])), code))[:REGION_ROWS])
        names = dict(Region.objects.filter(code__in=shown).values_list("code", "name"))
        rest = (
            format_html(
                "<p>{}</p>",
                _(
                    "The %(shown)s regions with the largest net amounts of %(all)s; every "
                    "region is in the run's summary statement and its transfers."
                )
                % {"shown": len(shown), "all": len(rows)},
            )
            if len(shown) < len(rows)
            else ""
        )
        return format_html(
            "{}<table><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>{}</table>",
            rest,
            _("region"),
            _("channel"),
            _("net"),
            _("previous"),
            _("difference"),
            format_html_join(
                "",
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                (
                    (
                        f"{names.get(code, code)}（{code}）",
                        CHANNEL_LABELS.get(channel, channel),
                        grouped(v["net"]),
                        grouped(v["previous"]) if v["previous"] else "-",
                        grouped(v["difference"]) if v["difference"] else "-",
                    )
                    for code in shown
                    for channel, v in sorted(rows[code].items())
                ),
            ),
        )

    @admin.display(description=_("comparison"))
    def comparison(self, run):
        """A scenario side by side with the regular run of its period, if there is one."""
        if run.kind != SettlementRun.Kind.SCENARIO:
            return "-"
        base = planning.regular_run(run.programme, planning.period_of(run))
        if base is None or run.status != RunStatus.CALCULATED:
            return _("No calculated regular run of this period to compare with.")
        return format_html(
            "<p>{} #{}</p><table><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>"
            "{}</table>",
            _("against run"),
            base.pk,
            _("region"),
            _("channel"),
            _("regular run"),
            _("scenario"),
            _("difference"),
            format_html_join(
                "",
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                (
                    (row.region, row.channel, row.first, row.second, row.difference)
                    for row in reports.compare(base, run)
                ),
            ),
        )

    @admin.display(description=_("transfers"))
    def transfer_list(self, run):
        url = reverse("admin:compensation_runtransfer_changelist") + f"?run__id__exact={run.pk}"
        return format_html('<a href="{}">{} {}</a>', url, run.transfers.count(), _("transfers"))

    def start_view(self, request):
        form = StartRunForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                run = planning.start_and_calculate(
                    programme=data["programme"],
                    period=data["period"],
                    by=request.user,
                    kind=SettlementRun.Kind.SCENARIO
                    if data["scenario"]
                    else SettlementRun.Kind.REGULAR,
                    overrides=data["overrides"] or None,
                    name=data["name"],
                    reason=data["reason"],
                )
            except CompensationError as exc:
                form.add_error(None, str(exc))
            else:
                _say_outcome(request, run, _("Run %(run)s started.") % {"run": run.pk})
                return redirect("admin:compensation_settlementrun_change", run.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Start a settlement run"),
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/compensation/settlementrun/start.html", context)

    def move_view(self, request, run_id):
        """One button on a run's page: calculate (or resume), approve, post or cancel."""
        if request.method != "POST":
            return redirect("admin:compensation_settlementrun_change", run_id)
        run = get_object_or_404(SettlementRun, pk=run_id)
        action = request.POST.get("action")
        reason = request.POST.get("reason", "").strip()
        button = states.button_of(action)
        if button is None or not may(request.user, button):
            raise PermissionDenied
        if action == "post" and request.POST.get("confirmed") != "yes":
            return self._confirm_post(request, run, reason)
        try:
            if action == "calculate":
                run = planning.calculate(run, by=request.user, reason=reason)
            elif action == "approve":
                run = states.approve(run, by=request.user, reason=reason)
            elif action == "post":
                run = posting.post_or_queue(run, by=request.user, reason=reason)[0]
            elif action == "issue":
                transaction.on_commit(lambda: issue_statements.delay(run.pk))
            else:
                run = states.cancel(run, by=request.user, reason=reason)
        except CompensationError as exc:
            messages.error(request, str(exc))
        else:
            _say_outcome(request, run, _("Done."))
        return redirect("admin:compensation_settlementrun_change", run_id)

    def _confirm_post(self, request, run, reason):
        """Posting books money for good: say what will be booked and ask once more."""
        context = {
            **self.admin_site.each_context(request),
            "title": _("Post run %(run)s to the ledger?") % {"run": run.pk},
            "run": run,
            "reason": reason,
            "totals": run.summary.get("channels", {}),
            "transfers": run.transfers.count(),
            "opts": self.model._meta,
        }
        return TemplateResponse(
            request, "admin/compensation/settlementrun/confirm_post.html", context
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        run = self.get_object(request, object_id)
        buttons = states.actions_for(run, request.user) if run is not None else []
        extra = {**(extra_context or {}), "run_buttons": buttons}
        return super().change_view(request, object_id, form_url, extra_context=extra)


@admin.register(RunTransfer)
class RunTransferAdmin(
    RegionScopedAdminMixin, PageReadsMixin, ReadOnlyAdminMixin, admin.ModelAdmin
):
    """A run's transfers as an official reads them: channel by its name, payer and payee by
    theirs (黄山市, 中央财政) with the account code after, amounts with their unit and
    separators, formula inputs as labelled lines in the reader's language."""

    region_paths = ("payer_region", "payee_region")
    list_display = ["run", "channel", "payer_party", "payee_party", "quantity", "entry_number"]
    fields = [
        "run",
        "chunk",
        "channel",
        "key",
        "payer_party",
        "payee_party",
        "quantity",
        "formula_inputs",
        "entry_number",
    ]
    readonly_fields = ["payer_party", "payee_party", "quantity", "formula_inputs", "entry_number"]
    list_filter = ["channel", "commodity", "run"]
    search_fields = ["payer", "payee", "payer_region", "payee_region", "key", "description"]
    list_select_related = ["run__programme", "entry"]
    show_full_result_count = False

    def get_queryset(self, request):
        return super().get_queryset(request).defer(*run_wide())

    def read_rows(self, rows):
        """Names every payer and payee of the page with one query per kind of party."""
        names = parties.labels([code for t in rows for code in (t.payer, t.payee)])
        for transfer in rows:
            transfer.party_names = names

    def _party(self, transfer, code):
        name = self.page_read(transfer, "party_names").get(code, code)
        return code if name == code else format_html("{}<br><small>{}</small>", name, code)

    @admin.display(description=_("payer"), ordering="payer")
    def payer_party(self, transfer):
        return self._party(transfer, transfer.payer)

    @admin.display(description=_("payee"), ordering="payee")
    def payee_party(self, transfer):
        return self._party(transfer, transfer.payee)

    @admin.display(description=_("amount"), ordering="amount")
    def quantity(self, transfer):
        """The amount with its commodity's places (RunTransfer.from_db) and unit, grouped."""
        return quantity(transfer.amount, transfer.commodity)

    @admin.display(description=_("ledger entry"), ordering="entry__sequence")
    def entry_number(self, transfer):
        return f"#{transfer.entry.sequence}" if transfer.entry_id else "—"

    @admin.display(description=_("formula inputs"))
    def formula_inputs(self, transfer):
        lines = labelled_inputs(transfer.inputs, get_language() or "zh-hans")
        return format_html_join(mark_safe("<br>"), "{}：{}", lines) or "—"
