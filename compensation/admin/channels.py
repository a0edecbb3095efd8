"""Admin for the channels' inputs: vertical parameter tables, EI, agreements, monitoring data."""

from django.contrib import admin
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from compensation.channels import horizontal, vertical
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
from compensation.periods import Period
from config.admin import CheckedAutocompleteMixin
from pilots.access import scoped
from pilots.admin_mixins import RegionScopedAdminMixin


def transfers_table(compute, programme, year):
    """The transfers a channel would propose for a year, or the error that stops it."""
    try:
        transfers = compute(programme, Period.year(year))
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
                (t.payer.code, t.payee.code, t.amount, t.commodity)
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
class VerticalParametersAdmin(admin.ModelAdmin):
    list_display = ["programme", "year", "budget", "carbon_market", "carbon_weight"]
    list_filter = ["programme", "year"]
    search_fields = ["programme__name", "source"]
    readonly_fields = ["proposed_transfers"]
    inlines = [TierInline, FiscalDataInline, AssessmentInline]

    @admin.display(description=_("proposed transfers (preview, nothing is posted)"))
    def proposed_transfers(self, parameters):
        if parameters.pk is None:
            return "-"
        return transfers_table(vertical.compute, parameters.programme, parameters.year)


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
            transfers_table(horizontal.compute, agreement.programme, year),
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
