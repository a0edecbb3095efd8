"""Per-pilot settlement schedules, kept in the database by django-celery-beat."""

import json

from django.db import transaction
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from compensation.exceptions import ChannelInputError

# minute hour day-of-month month-of-year day-of-week, at 02:00 Beijing time after a period ends.
CRON_FOR = {
    "monthly": "0 2 1 * *",
    "quarterly": "0 2 1 1,4,7,10 *",
    "yearly": "0 2 1 1 *",
}
TASK = "compensation.scheduled_settlement"


def task_name(programme) -> str:
    return f"settle pilot {programme.pk}"


def schedule_settlement(programme, *, cron: str | None = None, enabled: bool = True):
    """Create or update the pilot's schedule: its settlement frequency, or a cron expression."""
    expression = cron or CRON_FOR[programme.settlement_frequency]
    fields = expression.split()
    if len(fields) != 5:
        raise ChannelInputError(
            f"Cron {expression!r} needs five fields: minute hour day-of-month month day-of-week."
        )
    minute, hour, day_of_month, month_of_year, day_of_week = fields
    with transaction.atomic():
        crontab, _ = CrontabSchedule.objects.get_or_create(
            minute=minute,
            hour=hour,
            day_of_month=day_of_month,
            month_of_year=month_of_year,
            day_of_week=day_of_week,
            timezone="Asia/Shanghai",
        )
        task, _ = PeriodicTask.objects.update_or_create(
            name=task_name(programme),
            defaults={
                "task": TASK,
                "crontab": crontab,
                "interval": None,
                "args": json.dumps([programme.pk]),
                "enabled": enabled,
            },
        )
        return task
