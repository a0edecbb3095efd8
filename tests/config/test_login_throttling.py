"""Repeated failed logins lock the username out, even with the right password afterwards."""

import pytest
from django.contrib.auth.models import User

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"
PASSWORD = "a-long-passphrase-1"


@pytest.fixture
def official(db):
    return User.objects.create_user("official", password=PASSWORD, is_staff=True)


def _login(client, password):
    return client.post(
        LOGIN,
        {"username": "official", "password": password, "next": "/admin/"},
        headers={"accept-language": "en"},
    )


def test_the_right_password_logs_in(client, official):
    assert _login(client, PASSWORD).status_code == 302


def test_five_failures_lock_the_account_out(client, official, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _login(client, "wrong").status_code == 200
    assert _login(client, "wrong").status_code == 429

    locked = _login(client, PASSWORD)

    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    assert "Account locked: too many login attempts" in locked.content.decode()
    # django-axes ships no Chinese; our catalogue carries its message.
    in_chinese = client.post(
        LOGIN,
        {"username": "official", "password": PASSWORD, "next": "/admin/"},
        headers={"accept-language": "zh-hans"},
    )
    assert in_chinese.status_code == 429
    assert "账户已锁定：登录失败次数过多" in in_chinese.content.decode()


def test_a_success_before_the_limit_resets_the_count(client, official, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _login(client, "wrong")
    assert _login(client, PASSWORD).status_code == 302
    client.logout()

    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _login(client, "wrong")

    assert _login(client, PASSWORD).status_code == 302
