"""Yearly parameter tables carried into a new year: copy, then edit what changed.

    copy_vertical_parameters(parameters, year=2025) -> VerticalParameters

A vertical table (budget, prohibited-development rates, carbon term) is
copied with its subsidy tiers, its regional fiscal rows (standard revenue and
expenditure, prohibited areas, guiding subsidy) and its EI assessment rules,
in one transaction. The copy's source says where it came from, so nobody
takes last year's figures for this year's without seeing it. Raises
CompensationError when the programme already has a table for `year`.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from compensation.exceptions import CompensationError
from compensation.models import AssessmentRule, RegionFiscalData, SubsidyTier, VerticalParameters


def copy_vertical_parameters(parameters: VerticalParameters, *, year: int) -> VerticalParameters:
    with transaction.atomic():
        if VerticalParameters.objects.filter(programme=parameters.programme, year=year).exists():
            raise CompensationError(
                _("%(programme)s already has vertical parameters for %(year)s.")
                % {"programme": parameters.programme, "year": year}
            )
        source = _("Copied from %(year)s; update before settling: %(source)s") % {
            "year": parameters.year,
            "source": parameters.source,
        }
        copy = VerticalParameters.objects.create(
            programme=parameters.programme,
            year=year,
            budget=parameters.budget,
            prohibited_subsidy_per_km2=parameters.prohibited_subsidy_per_km2,
            prohibited_subsidy_per_area=parameters.prohibited_subsidy_per_area,
            carbon_market=parameters.carbon_market,
            carbon_weight=parameters.carbon_weight,
            source=source[: VerticalParameters._meta.get_field("source").max_length],
        )
        SubsidyTier.objects.bulk_create(
            SubsidyTier(parameters=copy, min_gap=t.min_gap, coefficient=t.coefficient)
            for t in parameters.tiers.all()
        )
        RegionFiscalData.objects.bulk_create(
            RegionFiscalData(
                parameters=copy,
                region_id=r.region_id,
                standard_revenue=r.standard_revenue,
                standard_expenditure=r.standard_expenditure,
                prohibited_area_km2=r.prohibited_area_km2,
                prohibited_areas=r.prohibited_areas,
                guiding_subsidy=r.guiding_subsidy,
            )
            for r in parameters.regions.all()
        )
        AssessmentRule.objects.bulk_create(
            AssessmentRule(parameters=copy, change=a.change, percent=a.percent)
            for a in parameters.assessment.all()
        )
        return copy
