import os

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import INSECURE_DEV_SECRET_KEY, check_production_safety, env_bool
from tests.processes import manage

GOOD_KEY = "q7Lr2vX9pN4sT8wZ1mB6cF3hJ5kD0gY-aE_uR7iO2lP9nS4tV8xC1zQ6bM3fH5j"


def _check(**overrides):
    config = {
        "environment": "production",
        "secret_key": GOOD_KEY,
        "debug": False,
        "allowed_hosts": ["tanhui.example.org"],
    }
    check_production_safety(**(config | overrides))


def test_safe_production_config_is_accepted():
    _check()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"secret_key": ""}, "SECRET_KEY is unset or the development default"),
        ({"secret_key": INSECURE_DEV_SECRET_KEY}, "SECRET_KEY is unset or the development default"),
        ({"secret_key": "short"}, "SECRET_KEY is weak"),
        ({"secret_key": "ab" * 40}, "SECRET_KEY is weak"),
        ({"secret_key": "django-insecure-" + GOOD_KEY}, "SECRET_KEY is weak"),
        ({"debug": True}, "DEBUG is on"),
        ({"allowed_hosts": []}, "ALLOWED_HOSTS is empty or '*'"),
        ({"allowed_hosts": ["*"]}, "ALLOWED_HOSTS is empty or '*'"),
    ],
)
def test_unsafe_production_config_is_refused(overrides, message):
    with pytest.raises(ImproperlyConfigured, match="Refusing to start in production mode") as info:
        _check(**overrides)

    assert message in str(info.value)


def test_development_accepts_the_default_key_and_debug():
    _check(environment="development", secret_key=INSECURE_DEV_SECRET_KEY, debug=True)


def test_unknown_environment_is_refused():
    with pytest.raises(ImproperlyConfigured, match="TANHUI_ENV='staging' is unknown"):
        _check(environment="staging")


def test_garbage_boolean_is_refused(monkeypatch):
    monkeypatch.setenv("DEBUG", "maybe")

    with pytest.raises(ImproperlyConfigured, match="DEBUG='maybe' is not a boolean"):
        env_bool("DEBUG", default=False)


def _manage(*args, **env):
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    return manage(clean | env, *args, check=False)


def test_production_start_without_secret_key_fails_before_serving():
    result = _manage("check", TANHUI_ENV="production", ALLOWED_HOSTS="tanhui.example.org")

    assert result.returncode != 0
    assert "Refusing to start in production mode" in result.stderr
    assert "SECRET_KEY is unset" in result.stderr


def test_production_start_with_debug_on_fails():
    result = _manage(
        "check",
        TANHUI_ENV="production",
        ALLOWED_HOSTS="tanhui.example.org",
        SECRET_KEY=GOOD_KEY,
        DEBUG="1",
    )

    assert result.returncode != 0
    assert "DEBUG is on" in result.stderr


def test_safe_production_config_passes_the_deploy_checks():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        TANHUI_ENV="production",
        ALLOWED_HOSTS="tanhui.example.org",
        SECRET_KEY=GOOD_KEY,
    )

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_cookies_are_secure_host_only_and_short_lived():
    script = (
        "from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_NAME, "
        "s.CSRF_COOKIE_NAME, s.SESSION_COOKIE_AGE, s.SESSION_EXPIRE_AT_BROWSER_CLOSE, "
        "s.SECURE_HSTS_SECONDS, s.SECURE_SSL_REDIRECT)"
    )
    result = _manage(
        "shell",
        "-c",
        script,
        TANHUI_ENV="production",
        ALLOWED_HOSTS="tanhui.example.org",
        SECRET_KEY=GOOD_KEY,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-8:] == [
        "True",
        "True",
        "__Host-sessionid",
        "__Host-csrftoken",
        "28800",
        "True",
        "31536000",
        "True",
    ]
