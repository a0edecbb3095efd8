"""Supervision of one region, the step every trigger (task, command) runs."""

from pilots.models import Region
from supervision.alerts import evaluate_rules
from supervision.changes import detect_latest_changes
from supervision.models import Alert


def supervise(region: Region) -> list[Alert]:
    """Compare the latest plans and surveys, then raise what the rules call for.

    Both steps are idempotent: a comparison already stored is reused and an
    alert already raised is not raised again, so running this twice is safe.
    """
    detect_latest_changes(region)
    return evaluate_rules(region)
