"""Reading configuration from environment variables.

One place that turns strings from the environment into typed settings, and
the one rule that stops an unsafe production start.
"""

import os

from django.core.exceptions import ImproperlyConfigured

INSECURE_DEV_SECRET_KEY = "django-insecure-tanhui-development-key-do-not-use-in-production"  # noqa: S105

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean: use 1/0, true/false, yes/no.")


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def check_production_safety(*, environment: str, secret_key: str, debug: bool, allowed_hosts):
    """Refuse to run in production with development defaults.

    Called by the settings module at import time, so a misconfigured server
    fails before it answers a single request.
    """
    if environment not in {"development", "production"}:
        raise ImproperlyConfigured(
            f"TANHUI_ENV={environment!r} is unknown: use 'development' or 'production'."
        )
    if environment != "production":
        return
    problems = []
    if not secret_key or secret_key == INSECURE_DEV_SECRET_KEY:
        problems.append("SECRET_KEY is unset or the development default: set a long random value")
    elif (
        len(secret_key) < 50
        or len(set(secret_key)) < 5
        or secret_key.startswith("django-insecure-")
    ):
        problems.append("SECRET_KEY is weak: use at least 50 random characters")
    if debug:
        problems.append("DEBUG is on: set DEBUG=0")
    if not allowed_hosts or "*" in allowed_hosts:
        problems.append("ALLOWED_HOSTS is empty or '*': list the host names this server answers")
    if problems:
        raise ImproperlyConfigured(
            "Refusing to start in production mode (TANHUI_ENV=production): "
            + "; ".join(problems)
            + "."
        )
