"""Finding what a command's arguments name: a pilot, a user, a run."""

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from compensation.models import SettlementRun
from config.roles import may
from pilots.models import PilotProgramme


def programme_named(pilot: str) -> PilotProgramme:
    found = PilotProgramme.objects.filter(
        **({"pk": int(pilot)} if pilot.isascii() and pilot.isdigit() else {"name": pilot})
    ).first()
    if found is None:
        raise CommandError(f"No pilot programme {pilot!r}.")
    return found


def user_named(username: str | None, *, button: str):
    """The active user `username` (None for None: the system acts), allowed to press
    `button` of config.roles.BUTTONS as on the admin page and the API; CommandError if not."""
    if username is None:
        return None
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(f"No active user {username!r}.")
    if not may(user, button):
        raise CommandError(f"User {username!r} may not do this ({button}; see config.roles).")
    return user


def run_numbered(run_id: int) -> SettlementRun:
    run = SettlementRun.objects.select_related("programme").filter(pk=run_id).first()
    if run is None:
        raise CommandError(f"No settlement run {run_id}.")
    return run


def progress_bar(done: int, total: int, width: int = 30) -> str:
    filled = width * done // total if total else width
    return f"[{'#' * filled}{'.' * (width - filled)}] {done}/{total}"
