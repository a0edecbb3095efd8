"""What the write endpoints accept; validation of shape only, business rules stay in services."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from api.fields import Flag, Id, Text, Whole
from compensation.exceptions import CompensationError
from compensation.models import Agreement, CreditHolder, Valuation
from compensation.overrides import Overrides
from compensation.periods import parse_period
from pilots.models import PilotProgramme, Region

MAX_UPLOAD = 5 * 1024 * 1024
SHEET_NAME_LENGTH = 31  # Excel's limit
REASON_LENGTH = 2000  # reasons are text columns without a limit; a reason is a few sentences


class StartRunSerializer(serializers.Serializer):
    programme = Id(queryset=PilotProgramme.objects.all())
    period = Text(max_length=10, help_text=_("2024, 2024H1, 2024Q1 or 2024-03"))
    scenario = Flag(default=False)
    name = Text(max_length=200, required=False, default="", allow_blank=True)
    overrides = serializers.DictField(required=False, default=dict)
    reason = Text(max_length=REASON_LENGTH, required=False, default="", allow_blank=True)

    def validate_period(self, text):
        try:
            return parse_period(text)
        except CompensationError as exc:
            raise serializers.ValidationError(str(exc)) from None

    def validate_overrides(self, data):
        try:
            Overrides.from_json(data)
        except CompensationError as exc:
            raise serializers.ValidationError(str(exc)) from None
        return data


class RequestVerificationSerializer(serializers.Serializer):
    valuation = Id(queryset=Valuation.objects.all())
    region = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Region.objects.all(),
        required=False,
        default=None,
        allow_null=True,
        help_text=_("GB/T 2260 code; omitted: every region of the valuation."),
    )
    reason = Text(max_length=REASON_LENGTH, required=False, default="", allow_blank=True)


class ReasonSerializer(serializers.Serializer):
    reason = Text(max_length=REASON_LENGTH, required=False, default="", allow_blank=True)


class IssueSerializer(serializers.Serializer):
    vintage = Whole(min_value=1990, max_value=2100)
    on = serializers.DateField(help_text=_("The issuance date booked in the ledger."))


class UnitRangeSerializer(serializers.Serializer):
    first_unit = Whole(min_value=1, max_value=2_000_000_000)
    last_unit = Whole(min_value=1, max_value=2_000_000_000)
    on = serializers.DateField()


class TransferUnitsSerializer(UnitRangeSerializer):
    from_holder = Id(queryset=CreditHolder.objects.all())
    to_holder = Id(queryset=CreditHolder.objects.all())


class RetireUnitsSerializer(UnitRangeSerializer):
    holder = Id(queryset=CreditHolder.objects.all())
    beneficiary = Text(max_length=200)
    reason = Text(max_length=REASON_LENGTH)
    publish_beneficiary = Flag(
        required=False,
        default=False,
        help_text=_(
            "true: the public credit lookup shows the beneficiary; false (default): only "
            "that the units are retired."
        ),
    )


class MonitoringUploadSerializer(serializers.Serializer):
    agreement = Id(queryset=Agreement.objects.none())
    file = serializers.FileField(
        help_text=_(
            "CSV (UTF-8 or GBK) or XLSX workbook; columns: section, year, pollutant, "
            "mean_mg_per_l, or in Chinese 断面, 年份, 污染物, 年均值(mg/L)."
        )
    )
    sheet = Text(
        max_length=SHEET_NAME_LENGTH,
        required=False,
        default="",
        allow_blank=True,
        help_text=_(
            "The sheet to read from a workbook with several; by default the one named like "
            "年均值, else the only one with the expected header."
        ),
    )

    def __init__(self, *args, agreements=None, **kwargs):
        """`agreements`: those the caller may record data for (pilots.access)."""
        super().__init__(*args, **kwargs)
        if agreements is not None:
            self.fields["agreement"].queryset = agreements

    def validate_file(self, upload):
        if upload.size > MAX_UPLOAD:
            raise serializers.ValidationError(_("The file is larger than 5 MB."))
        return upload
