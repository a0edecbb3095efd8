"""Optional two-factor sign-in (TOTP, RFC 6238) with django-otp.

Anyone may turn it on for their own account at /account/two-factor/ by
scanning a QR code into an authenticator app and confirming one code. From
then on the login form asks for a current code after the password; without
a confirmed device, the password alone signs in, so two-factor stays
optional. django-otp throttles wrong codes per device, on top of
django-axes' lockout after wrong passwords.
"""

import base64
import io

from django import forms
from django.contrib import messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.qr import write_qrcode_image

DEVICE_NAME = "authenticator app"


class TwoFactorLoginForm(AdminAuthenticationForm):
    otp_token = forms.CharField(
        label=gettext_lazy("Authentication code"),
        required=False,
        max_length=8,
        help_text=gettext_lazy(
            "Only if you turned on two-factor sign-in: the 6-digit code in your authenticator app."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not TOTPDevice.objects.devices_for_user(user, confirmed=True).exists():
            return
        token = (self.cleaned_data.get("otp_token") or "").strip()
        if not token:
            raise ValidationError(
                _("This account uses two-factor sign-in: enter the code from your app."),
                code="otp_required",
            )
        device = match_token(user, token)
        if device is None:
            raise ValidationError(
                _("The authentication code is wrong or has expired; enter the current one."),
                code="otp_invalid",
            )
        user.otp_device = device  # django-otp records it in the session at login


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code from your authenticator app"),
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


@login_required
def two_factor(request):
    confirmed = TOTPDevice.objects.devices_for_user(request.user, confirmed=True).first()
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"].strip()
        if confirmed is not None:
            return _turn_off(request, code)
        return _turn_on(request, code)
    if confirmed is not None:
        return render(request, "twofactor/two_factor.html", {"enabled": True, "form": form})
    device = _pending_device(request.user)
    return render(
        request,
        "twofactor/two_factor.html",
        {
            "enabled": False,
            "form": form,
            "qr": _qr_svg(device.config_url),
            "secret": base64.b32encode(device.bin_key).decode(),
        },
    )


def _pending_device(user) -> TOTPDevice:
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def _turn_on(request, code):
    with transaction.atomic():
        device = _pending_device(request.user)
        if not device.verify_is_allowed()[0]:
            messages.error(request, _("Too many wrong codes: wait a minute, then try again."))
            return redirect("two_factor")
        if not device.verify_token(code):
            messages.error(request, _("That code did not match; try the current one."))
            return redirect("two_factor")
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    otp_login(request, device)
    messages.success(request, _("Two-factor sign-in is on: the next login asks for a code."))
    return redirect("two_factor")


def _turn_off(request, code):
    if match_token(request.user, code) is None:
        messages.error(request, _("That code did not match; two-factor sign-in stays on."))
        return redirect("two_factor")
    TOTPDevice.objects.filter(user=request.user).delete()
    messages.success(request, _("Two-factor sign-in is off."))
    return redirect("two_factor")


def _qr_svg(data: str) -> str:
    out = io.BytesIO()
    write_qrcode_image(data, out)
    svg = out.getvalue().decode()
    # Generated from our own otpauth:// URL, never from user input.
    return mark_safe(svg[svg.index("<svg") :])  # noqa: S308
