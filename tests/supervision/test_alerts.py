"""Alert rules on hand-made plans, surveys and valuations: raised once, acknowledged once."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from compensation.valuation import valuate
from config.roles import AUDITOR, ECOLOGY, OPERATOR
from pilots.models import OperatorAssignment, Region
from supervision.alerts import acknowledge, describe
from supervision.exceptions import AcknowledgementRefused
from supervision.models import Alert, AlertRule
from supervision.services import supervise
from tests.factories import UserFactory, add_cover, add_zone, albers_strips, plan_version, publish


def rule(kind, *, threshold="0", protected_kind="", region=None, notify=""):
    return AlertRule.objects.create(
        name=f"{kind} {protected_kind}".strip(),
        kind=kind,
        threshold=Decimal(threshold),
        protected_kind=protected_kind,
        region=region,
        notify=notify,
    )


def test_a_red_line_encroachment_raises_exactly_one_alert(huangshan, growing_town):
    watched = rule("encroachment", protected_kind="ecological_red_line")

    raised = supervise(huangshan)

    alert = Alert.objects.get()
    assert raised == [alert]
    assert alert.rule == watched
    assert alert.measured.quantize(Decimal("0.1")) == Decimal("50.0")
    assert alert.year == 2025
    assert alert.geometry.num_geom == 1
    assert describe(alert) == (
        f"{alert.facts['area']} ha of ecological red line in planning version 1 is developed "
        "land in version 2."
    )


def test_running_supervision_again_raises_no_duplicate(huangshan, growing_town):
    rule("encroachment", protected_kind="ecological_red_line")
    supervise(huangshan)

    assert supervise(huangshan) == []
    assert Alert.objects.count() == 1


def test_rules_on_other_kinds_or_above_the_threshold_stay_quiet(huangshan, growing_town):
    rule("encroachment", protected_kind="permanent_basic_farmland")
    rule("encroachment", protected_kind="ecological_red_line", threshold="60")

    assert supervise(huangshan) == []


def test_a_rule_of_another_region_does_not_apply(huangshan, growing_town):
    rule(
        "encroachment",
        protected_kind="ecological_red_line",
        region=Region.objects.get(code="340000"),
    )

    assert supervise(huangshan) == []


@pytest.fixture
def shrinking_sink(huangshan_pilot, huangshan, guangdong):
    """200 ha of red line; forest and cropland in 2023, a third of it built up by 2025."""
    plan = plan_version(huangshan, 1, 2021)
    add_zone(plan, "ecological_red_line", albers_strips(huangshan, 0, 1, 2, 3))
    publish(plan)
    add_cover(huangshan, "03", albers_strips(huangshan, 0, 1), year=2023)
    add_cover(huangshan, "01", albers_strips(huangshan, 2, 3), year=2023)
    add_cover(huangshan, "03", albers_strips(huangshan, 0), year=2025)
    add_cover(huangshan, "20", albers_strips(huangshan, 1, 2), year=2025)
    add_cover(huangshan, "01", albers_strips(huangshan, 3), year=2025)
    for year in (2024, 2025):
        valuate(programme=huangshan_pilot, year=year, methodology_version=guangdong, market="CEA")


def test_a_sink_decline_beyond_the_threshold_raises_an_alert(huangshan, shrinking_sink):
    rule("sink_decline", threshold="10")

    supervise(huangshan)

    alert = Alert.objects.get()
    # 2024: 100 ha x 3.9 + 100 ha x -0.1 = 380 t; 2025: 50 x 3.9 + 100 x -0.6 + 50 x -0.1 = 130 t
    assert alert.facts["before"] == "380.000"
    assert alert.facts["after"] == "130.000"
    assert alert.measured == Decimal("65.7900")  # (380 - 130) / 380, in percent
    assert alert.year == 2025
    assert "fell by 65.79% from 380.000 tCO2e in 2024" in describe(alert)


def test_a_smaller_sink_decline_raises_nothing(huangshan, shrinking_sink):
    rule("sink_decline", threshold="66")

    assert supervise(huangshan) == []


def test_farmland_below_its_quota_raises_an_alert(huangshan):
    plan = plan_version(huangshan, 1, 2021)
    add_zone(plan, "permanent_basic_farmland", albers_strips(huangshan, 0, 1))
    publish(plan)
    rule("farmland_quota", threshold="150", region=huangshan)
    rule("farmland_quota", threshold="50", region=huangshan)

    supervise(huangshan)

    alert = Alert.objects.get()
    assert alert.measured.quantize(Decimal("0.1")) == Decimal("100.0")
    assert alert.facts["quota"] == "150"


def test_a_quota_rule_needs_a_region_and_an_encroachment_rule_a_kind(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        rule("farmland_quota", threshold="100")
    with pytest.raises(IntegrityError), transaction.atomic():
        rule("encroachment")
    assert AlertRule.objects.count() == 0


def test_the_rule_s_recipients_get_one_email(
    huangshan, growing_town, django_capture_on_commit_callbacks
):
    rule(
        "encroachment",
        protected_kind="ecological_red_line",
        notify="ecology@example.org\n\nwatch@example.org",
    )

    with django_capture_on_commit_callbacks(execute=True):
        supervise(huangshan)
    with django_capture_on_commit_callbacks(execute=True):
        supervise(huangshan)

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ecology@example.org", "watch@example.org"]
    assert "encroachment ecological_red_line" in mail.outbox[0].subject


@pytest.fixture
def alert(huangshan, growing_town):
    rule("encroachment", protected_kind="ecological_red_line")
    return supervise(huangshan)[0]


def operator_of(code, name):
    user = UserFactory(username=name, group=OPERATOR)
    OperatorAssignment.objects.create(user=user, region=Region.objects.get(code=code))
    return user


def test_an_ecology_official_acknowledges_with_a_comment(alert):
    official = UserFactory(username="ecology", group=ECOLOGY)

    done = acknowledge(alert=alert, user=official, comment="  Site visited; permit checked. ")

    assert done.acknowledged_by == official
    assert done.comment == "Site visited; permit checked."
    with pytest.raises(AcknowledgementRefused, match="already acknowledged by ecology"):
        acknowledge(alert=alert, user=official, comment="again")


def test_the_region_s_operator_may_acknowledge_but_not_another_region_s(alert):
    stranger = operator_of("340000", "anhui-operator")
    own = operator_of("341000", "huangshan-operator")

    with pytest.raises(AcknowledgementRefused, match="may not acknowledge"):
        acknowledge(alert=alert, user=stranger, comment="not mine")
    assert acknowledge(alert=alert, user=own, comment="Reported to the county.").acknowledged


def test_auditors_cannot_acknowledge_and_a_comment_is_required(alert):
    with pytest.raises(AcknowledgementRefused, match="may not acknowledge"):
        acknowledge(
            alert=alert, user=UserFactory(username="auditor", group=AUDITOR), comment="looked"
        )
    with pytest.raises(AcknowledgementRefused, match="a comment is required"):
        acknowledge(alert=alert, user=UserFactory(username="ecology", group=ECOLOGY), comment="   ")
    alert.refresh_from_db()
    assert not alert.acknowledged


def test_the_database_refuses_an_acknowledgement_without_a_comment(alert):
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE supervision_alert SET acknowledged_at = now(), acknowledged_by_id = %s "
            "WHERE id = %s",
            [UserFactory(username="ecology", group=ECOLOGY).pk, alert.pk],
        )


def test_the_database_refuses_the_same_alert_twice(alert):
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO supervision_alert (rule_id, region_id, fingerprint, year, measured, "
            "facts, raised_at, comment) SELECT rule_id, region_id, fingerprint, year, measured, "
            "facts, now(), '' FROM supervision_alert WHERE id = %s",
            [alert.pk],
        )


def test_the_supervise_command_reports_new_alerts_once(huangshan, growing_town):
    rule("encroachment", protected_kind="ecological_red_line")
    first, second = StringIO(), StringIO()

    call_command("supervise", "341000", stdout=first)
    call_command("supervise", "341000", stdout=second)

    assert "341000 黄山市: 1 new alerts" in first.getvalue()
    assert "ha of ecological red line in planning version 1" in first.getvalue()
    assert "341000 黄山市: 0 new alerts" in second.getvalue()


def test_a_rule_refuses_notification_lines_that_are_not_addresses(db):
    wrong = AlertRule(
        name="watch",
        kind="sink_decline",
        threshold=Decimal(5),
        notify="ecology@example.org\n\nnot-an-address\n<script>@x",
    )

    with pytest.raises(ValidationError, match="not-an-address, <script>@x"):
        wrong.full_clean()
    assert AlertRule.objects.count() == 0
