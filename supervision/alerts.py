"""Alert rules evaluated against a region's detections and valuations (预警).

Each rule kind yields candidates with a fingerprint naming what they are
about (a pair of planning versions, a year, a plan); the unique constraint on
(rule, region, fingerprint) makes evaluating again raise nothing new, even
when two workers evaluate at once.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.contrib.gis.geos import MultiPolygon
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from compensation.quantities import hectares
from config.roles import may
from formats.numbers import grouped
from passthrough import obligations
from passthrough.recipients import masked_account
from pilots.access import can_view_region
from pilots.geometry import STORAGE_SRID, area_m2
from pilots.models import Region, Zone
from supervision.changes import latest_plan
from supervision.evaluation import positions_by_year
from supervision.exceptions import AcknowledgementRefused
from supervision.models import Alert, AlertRule, ChangeDetection

PERCENT = Decimal("0.01")


@dataclass
class Candidate:
    fingerprint: str
    year: int
    measured: Decimal
    facts: dict
    detection: ChangeDetection | None = None
    geometry: MultiPolygon | None = field(default=None, repr=False)


def evaluate_rules(region: Region) -> list[Alert]:
    """Raise the alerts the region's data calls for; returns only the newly raised ones."""
    rules = AlertRule.objects.filter(active=True).filter(Q(region=region) | Q(region__isnull=True))
    raised = []
    for rule in rules.order_by("pk"):
        for candidate in CHECKS[rule.kind](rule, region):
            alert = _raise(rule, region, candidate)
            if alert is not None:
                raised.append(alert)
    return raised


# Facts that are amounts, areas or tonnes: shown grouped by thousands, their places kept.
FIGURES = {"amount", "paid", "owed", "area", "before", "after", "quota"}


def describe(alert: Alert) -> str:
    """The alert in the reader's language, from the facts stored with it; amounts, areas
    and tonnes grouped by thousands (693,084,000.00), as every page prints them."""
    facts = {k: grouped(v) if k in FIGURES else v for k, v in alert.facts.items()}
    if alert.rule.kind == AlertRule.Kind.ENCROACHMENT:
        return _(
            "%(area)s ha of %(kind)s in planning version %(before)s is developed land in "
            "version %(after)s."
        ) % {**facts, "kind": Zone.Kind(facts["kind"]).label}
    if alert.rule.kind == AlertRule.Kind.SINK_DECLINE:
        return (
            _(
                "The protected sink fell by %(percent)s%% from %(before)s tCO2e in %(year_before)s "
                "to %(after)s tCO2e in %(year)s; the rule allows %(threshold)s%%."
            )
            % facts
        )
    if alert.rule.kind in PASS_THROUGH_TEXTS:
        return PASS_THROUGH_TEXTS[alert.rule.kind]() % facts
    return (
        _(
            "Permanent basic farmland covers %(area)s ha in planning version %(plan)s, below the "
            "quota of %(quota)s ha."
        )
        % facts
    )


PASS_THROUGH_TEXTS = {
    AlertRule.Kind.WITHHELD: lambda: _(
        "%(amount)s CNY due to %(recipient)s on %(due)s has not been paid (withheld)."
    ),
    AlertRule.Kind.PARTIAL: lambda: _(
        "Of %(amount)s CNY due to %(recipient)s on %(due)s, %(paid)s CNY was paid; "
        "%(owed)s CNY is outstanding."
    ),
    AlertRule.Kind.LATE: lambda: _(
        "%(amount)s CNY due to %(recipient)s on %(due)s was paid in full only on %(last_paid)s."
    ),
    AlertRule.Kind.PAID_ELSEWHERE: lambda: _(
        "Payment %(reference)s of %(amount)s CNY on %(paid_on)s went to %(payee)s, who is not a "
        "recipient of the region."
    ),
}


def acknowledge(*, alert: Alert, user, comment: str) -> Alert:
    """Record who looked at the alert and what they found; once, with a comment."""
    comment = comment.strip()
    if not may(user, "acknowledge_alert") or not can_view_region(user, alert.region.code):
        raise AcknowledgementRefused(_("You may not acknowledge alerts of this region."))
    if not comment:
        raise AcknowledgementRefused(_("Say what was found or done: a comment is required."))
    if "\x00" in comment:
        raise AcknowledgementRefused(_("The comment contains a NUL character; remove it."))
    with transaction.atomic():
        locked = Alert.objects.select_for_update().get(pk=alert.pk)
        if locked.acknowledged:
            raise AcknowledgementRefused(
                _("This alert was already acknowledged by %(user)s.")
                % {"user": locked.acknowledged_by}
            )
        locked.acknowledged_at = timezone.now()
        locked.acknowledged_by = user
        locked.comment = comment
        locked.full_clean()
        locked.save(update_fields=["acknowledged_at", "acknowledged_by", "comment"])
    return locked


def plain(value: Decimal) -> str:
    """5.0000 -> "5", 12.5000 -> "12.5", 10 -> "10" (never "1E+1")."""
    return f"{value.normalize():f}"


def _raise(rule: AlertRule, region: Region, candidate: Candidate) -> Alert | None:
    try:
        with transaction.atomic():
            alert, created = Alert.objects.get_or_create(
                rule=rule,
                region=region,
                fingerprint=candidate.fingerprint,
                defaults={
                    "year": candidate.year,
                    "measured": candidate.measured,
                    "facts": candidate.facts,
                    "detection": candidate.detection,
                    "geometry": candidate.geometry,
                },
            )
    except IntegrityError:  # raised by a concurrent evaluation a moment ago
        return None
    if not created:
        return None
    if rule.recipients:
        transaction.on_commit(lambda: _notify(alert))
    return alert


def _notify(alert: Alert) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        send_mail(
            subject=_("Tanhui alert: %(rule)s, %(region)s")
            % {"rule": alert.rule.name, "region": alert.region.name},
            message=describe(alert),
            from_email=None,
            recipient_list=alert.rule.recipients,
        )


def _encroachment(rule: AlertRule, region: Region):
    detections = ChangeDetection.objects.filter(
        region=region, subject=ChangeDetection.Subject.PLANNING
    ).select_related("before_version", "after_version")
    for detection in detections.order_by("pk"):
        pieces = list(detection.encroachments.filter(protected_kind=rule.protected_kind))
        area = sum((p.area_ha for p in pieces), Decimal(0))
        if not pieces or area < rule.threshold:
            continue
        yield Candidate(
            fingerprint=f"plan:{detection.before_version_id}:{detection.after_version_id}",
            year=detection.after_version.effective_from.year,
            measured=area,
            facts={
                "area": str(area),
                "kind": rule.protected_kind,
                "before": detection.before_version.version,
                "after": detection.after_version.version,
                "pieces": len(pieces),
            },
            detection=detection,
            geometry=_merged(p.geometry for p in pieces),
        )


def _sink_decline(rule: AlertRule, region: Region):
    by_year = positions_by_year(region)
    for year, after in sorted(by_year.items()):
        before = by_year.get(year - 1)
        if before is None or before.sink_tco2e <= 0:
            continue
        decline = ((before.sink_tco2e - after.sink_tco2e) * 100 / before.sink_tco2e).quantize(
            PERCENT
        )
        if decline <= rule.threshold:
            continue
        yield Candidate(
            fingerprint=f"sink:{year}",
            year=year,
            measured=decline,
            facts={
                "percent": str(decline),
                "before": str(before.sink_tco2e),
                "after": str(after.sink_tco2e),
                "year_before": year - 1,
                "year": year,
                "threshold": plain(rule.threshold),
            },
        )


def _farmland_quota(rule: AlertRule, region: Region):
    plan = latest_plan(region)
    if plan is None:
        return
    farmland = list(plan.zones.filter(kind=Zone.Kind.PERMANENT_BASIC_FARMLAND))
    area = hectares(sum(area_m2(z.geometry) for z in farmland))
    if area >= rule.threshold:
        return
    yield Candidate(
        fingerprint=f"quota:{plan.pk}",
        year=plan.effective_from.year,
        measured=area,
        facts={"area": str(area), "plan": plan.version, "quota": plain(rule.threshold)},
        geometry=_merged(z.geometry for z in farmland) if farmland else None,
    )


def _merged(geometries) -> MultiPolygon:
    return MultiPolygon(*[part for g in geometries for part in g], srid=STORAGE_SRID)


def _overdue(kind: str):
    """A check raising one alert per plan line of `kind` (passthrough.obligations), as of today.

    The rule's threshold is days of grace: withheld and partially paid lines are
    raised once more than `threshold` days have passed since the due date, lines
    paid late once the last payment came more than `threshold` days after it
    (0: any day).
    """

    def check(rule: AlertRule, region: Region):
        today = timezone.localdate()
        for line in obligations.overdue(region, on=today):
            if line.kind != kind:
                continue
            until = line.last_paid_on if kind == obligations.LATE else today
            days = (until - line.due_date).days
            if days <= rule.threshold:
                continue
            yield Candidate(
                fingerprint=f"line:{line.line_id}",
                year=line.due_date.year,
                measured=line.owed if kind != obligations.LATE else line.amount,
                facts={
                    "recipient": line.recipient_code,
                    "due": line.due_date.isoformat(),
                    "amount": str(line.amount),
                    "paid": str(line.paid),
                    "owed": str(line.owed),
                    "last_paid": line.last_paid_on.isoformat() if line.last_paid_on else "",
                    "days": days,
                    "threshold": plain(rule.threshold),
                },
            )

    return check


def _paid_elsewhere(rule: AlertRule, region: Region):
    """One alert per payment to nobody of the region above `threshold` CNY (元; 0: any)."""
    for payment in obligations.paid_elsewhere(region):
        if payment.amount <= rule.threshold:
            continue
        yield Candidate(
            fingerprint=f"payment:{payment.pk}",
            year=payment.paid_on.year,
            measured=payment.amount,
            facts={
                "reference": payment.reference,
                "paid_on": payment.paid_on.isoformat(),
                "amount": str(payment.amount),
                # Alerts are read by every role and mailed: an account only masked.
                "payee": payment.payee_code or masked_account(payment.payee_account),
                "threshold": plain(rule.threshold),
            },
        )


CHECKS = {
    AlertRule.Kind.ENCROACHMENT: _encroachment,
    AlertRule.Kind.SINK_DECLINE: _sink_decline,
    AlertRule.Kind.FARMLAND_QUOTA: _farmland_quota,
    AlertRule.Kind.WITHHELD: _overdue(obligations.WITHHELD),
    AlertRule.Kind.PARTIAL: _overdue(obligations.PARTIAL),
    AlertRule.Kind.LATE: _overdue(obligations.LATE),
    AlertRule.Kind.PAID_ELSEWHERE: _paid_elsewhere,
}
