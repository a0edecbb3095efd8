"""Admin for the channels' inputs: vertical parameter tables, EI, agreements, monitoring data."""

from django.contrib import admin, messages
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from compensation.channels import compute_period, horizontal, vertical
from compensation.exceptions import CompensationError
from compensation.models import (
    Agreement,
    AgreementParty,
    AgreementRound,
    AssessmentRule,
    EcologicalIndex,
    IndexWeight,
    MonitoringRecord,
    RegionFiscalData,
    SubsidyTier,
    VerticalParameters,
)
from compensation.parameters import copy_vertical_parameters
from compensation.periods import Period
from config.admin import CheckedAutocompleteMixin, RoleActionsAdminMixin, role_action
from pilots.access import scoped
from pilots.admin_mixins import RegionScopedAdminMixin


def transfers_table(channel: str, programme, year):
    """The transfers `channel` would propose for a year (the path a run takes:
    channels.compute_period), or the error that stops it."""
    try:
        transfers = compute_period(channel, programme, Period.year(year))
    except CompensationError as exc:
        return format_html('<p class="errornote">{}</p>', exc)
    if not transfers:
        return _("No transfers.")
    return format_html(
        "<table><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>{}</table>",
        pgettext_lazy("transfer", "from"),
        pgettext_lazy("transfer", "to"),
        _("amount"),
        _("commodity"),
        format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (t.payer_account.code, t.payee_account.code, t.amount, t.commodity)
                for t in sorted(transfers, key=lambda t: (t.commodity, t.key))
            ),
        ),
    )


class TierInline(admin.TabularInline):
    model = SubsidyTier
    extra = 0


class FiscalDataInline(CheckedAutocompleteMixin, admin.TabularInline):
    model = RegionFiscalData
    extra = 0
    autocomplete_fields = ["region"]


class AssessmentInline(admin.TabularInline):
    model = AssessmentRule
    extra = 0


@admin.register(VerticalParameters)
class VerticalParametersAdmin(RoleActionsAdminMixin, admin.ModelAdmin):
    list_display = ["programme", "year", "budget", "carbon_market", "carbon_weight"]
    list_filter = ["programme", "year"]
    search_fields = ["programme__name", "source"]
    readonly_fields = ["proposed_transfers"]
    inlines = [TierInline, FiscalDataInline, AssessmentInline]
    actions = ["copy_to_next_year"]

    @role_action("copy_parameters", description=_("Copy to the next year (then edit)"))
    def copy_to_next_year(self, request, queryset):
        for parameters in queryset.select_related("programme").order_by("year"):
            try:
                copy = copy_vertical_parameters(parameters, year=parameters.year + 1)
            except CompensationError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(
                    request,
                    _("%(copy)s: copied from %(year)s; update its figures before settling.")
                    % {"copy": copy, "year": parameters.year},
                )

    @admin.display(description=_("proposed transfers (preview, nothing is posted)"))
    def proposed_transfers(self, parameters):
        if parameters.pk is None:
            return "-"
        return transfers_table(vertical.CHANNEL, parameters.programme, parameters.year)


@admin.register(EcologicalIndex)
class EcologicalIndexAdmin(CheckedAutocompleteMixin, RegionScopedAdminMixin, admin.ModelAdmin):
    list_display = ["region", "year", "value", "grade", "source"]
    list_filter = ["year"]
    search_fields = ["region__code", "region__name", "source"]
    autocomplete_fields = ["region"]

    @admin.display(description=_("grade (HJ 192-2015)"))
    def grade(self, index):
        return vertical.EI_GRADES[vertical.ei_grade(index.value)]


class PartyInline(CheckedAutocompleteMixin, admin.TabularInline):
    model = AgreementParty
    extra = 0
    autocomplete_fields = ["region"]


class RoundInline(admin.TabularInline):
    model = AgreementRound
    extra = 0
    show_change_link = True


@admin.register(Agreement)
class AgreementAdmin(admin.ModelAdmin):
    list_display = ["name", "programme", "rule"]
    list_filter = ["rule", "programme"]
    search_fields = ["name", "description", "parties__region__name"]
    readonly_fields = ["proposed_transfers"]
    inlines = [PartyInline, RoundInline]

    @admin.display(description=_("proposed transfers of the latest monitored year (preview)"))
    def proposed_transfers(self, agreement):
        if agreement.pk is None:
            return "-"
        years = agreement.monitoring.order_by("-year").values_list("year", flat=True)
        rounds = agreement.rounds.order_by("-end_year").values_list("end_year", flat=True)
        year = next(iter(years), None) or next(iter(rounds), None)
        if year is None:
            return _("No round yet.")
        return format_html(
            "<p>{}</p>{}",
            year,
            transfers_table(horizontal.CHANNEL, agreement.programme, year),
        )


class WeightInline(admin.TabularInline):
    model = IndexWeight
    extra = 0


@admin.register(AgreementRound)
class AgreementRoundAdmin(admin.ModelAdmin):
    list_display = ["agreement", "name", "start_year", "end_year", "amount", "central_top_up"]
    list_filter = ["agreement__programme", "agreement"]
    search_fields = ["agreement__name", "name"]
    inlines = [WeightInline]


@admin.register(MonitoringRecord)
class MonitoringRecordAdmin(RegionScopedAdminMixin, admin.ModelAdmin):
    region_paths = ("agreement__parties__region__code",)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        """Operators record data only for agreements their regions are party to."""
        if db_field.name == "agreement":
            kwargs["queryset"] = scoped(
                Agreement.objects.all(), request.user, "parties__region__code"
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    list_display = ["agreement", "year", "section", "pollutant", "value", "unit", "source"]
    list_filter = ["agreement__programme", "agreement", "year", "pollutant", "section"]
    search_fields = ["agreement__name", "section", "source"]
