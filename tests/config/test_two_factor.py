"""Optional two-factor sign-in: password alone without a device, password and code with one."""

import re
import time

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

PASSWORD = "a-long-passphrase-2026"


@pytest.fixture
def official(db):
    return User.objects.create_user("official", password=PASSWORD, is_staff=True)


def code(device, *, steps_ahead=0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def log_in(client, **extra):
    return client.post(
        reverse("admin:login"),
        {"username": "official", "password": PASSWORD, "next": "/admin/", **extra},
        HTTP_ACCEPT_LANGUAGE="en",
    )


def test_without_a_device_the_password_is_enough(client, official):
    response = log_in(client)

    assert response.status_code == 302
    assert response.url == "/admin/"


@pytest.fixture
def device(official):
    return TOTPDevice.objects.create(user=official, name="phone", confirmed=True)


def test_with_a_device_the_code_is_required(client, device):
    response = log_in(client)

    assert response.status_code == 200
    assert "This account uses two-factor sign-in" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_wrong_code_is_refused(client, device):
    wrong = f"{(int(code(device)) + 1) % 1_000_000:06d}"

    response = log_in(client, otp_token=wrong)

    assert "The authentication code is wrong or has expired" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_current_code_signs_in_verified(client, device, official):
    response = log_in(client, otp_token=code(device))

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(official.pk)
    assert client.session["otp_device_id"] == device.persistent_id


def test_wrong_codes_slow_down_guessing(client, official):
    client.force_login(official)
    client.get(reverse("two_factor"))
    pending = TOTPDevice.objects.get(user=official, confirmed=False)
    wrong = f"{(int(code(pending)) + 1) % 1_000_000:06d}"

    client.post(reverse("two_factor"), {"code": wrong})
    response = client.post(
        reverse("two_factor"), {"code": code(pending)}, follow=True, HTTP_ACCEPT_LANGUAGE="en"
    )

    assert "Too many wrong codes" in response.content.decode()
    assert not TOTPDevice.objects.get(pk=pending.pk).confirmed


@pytest.fixture
def no_delay(settings):
    """django-otp waits 2^n seconds after n wrong codes; these tests retry at once."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


def test_turning_it_on_needs_a_code_from_the_scanned_key(client, official, no_delay):
    client.force_login(official)
    page = client.get(reverse("two_factor"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    pending = TOTPDevice.objects.get(user=official, confirmed=False)
    assert "<svg" in page
    assert re.search(r"<code>[A-Z2-7]{32}</code>", page)

    client.post(reverse("two_factor"), {"code": f"{(int(code(pending)) + 1) % 1_000_000:06d}"})
    assert not TOTPDevice.objects.filter(user=official, confirmed=True).exists()
    client.post(reverse("two_factor"), {"code": code(pending)})

    assert TOTPDevice.objects.get(user=official).confirmed
    assert client.session["otp_device_id"] == pending.persistent_id


def test_turning_it_off_needs_a_current_code(client, device, official, no_delay):
    client.force_login(official)

    client.post(reverse("two_factor"), {"code": "12345"})
    assert TOTPDevice.objects.filter(user=official).exists()
    client.post(reverse("two_factor"), {"code": code(device)})

    assert not TOTPDevice.objects.filter(user=official).exists()
    assert log_in(client).status_code == 302
