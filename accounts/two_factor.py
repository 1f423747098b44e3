"""Two-factor authentication (TOTP with one-time backup codes) on top of django-otp.

When `SEA_REQUIRE_2FA` is on, a session signed in with the password alone reaches only the
sign-in, sign-out and two-factor pages; the API answers it 403. Requests authenticated by an
API token carry no session flag and are left to DRF (`TwoFactorVerified` checks the rest).
"""

from __future__ import annotations

import io
from urllib.parse import urlencode

import django_otp
import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authentication import BasicAuthentication, SessionAuthentication
from rest_framework.permissions import BasePermission

from core.audit import AuditContext, audit_record
from core.models import AuditEvent

TOTP_NAME = "Authenticator app"
BACKUP_NAME = "Backup codes"
REQUIRED_MESSAGE = "Two-factor authentication required."


# --- state --------------------------------------------------------------------------------

def two_factor_required() -> bool:
    return bool(getattr(settings, "SEA_REQUIRE_2FA", False))


def is_verified(user) -> bool:
    """True when this session passed a second factor (OTPMiddleware reads it from the session)."""
    check = getattr(user, "is_verified", None)
    return bool(check and check())


def has_confirmed_totp(user: AbstractBaseUser) -> bool:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).exists()


def backup_codes_left(user: AbstractBaseUser) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def totp_qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// URI as an inline SVG (no script, no outside service sees the secret)."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode()
    return svg[svg.index("<svg"):]  # drop the XML declaration: it is not valid inside HTML


def totp_secret_text(device: TOTPDevice) -> str:
    """The base32 secret in groups of four, for typing into an app by hand."""
    from base64 import b32encode

    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def normalise_code(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


# --- services -----------------------------------------------------------------------------

def totp_device_pending(*, user: AbstractBaseUser) -> TOTPDevice:
    """The unconfirmed device an enrolment shows; the same secret until it is confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    return device or TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)


def backup_codes_generate(*, actor: AbstractBaseUser, audit: AuditContext | None = None) -> list[str]:
    """A fresh set of the actor's one-time codes, replacing any earlier set; returned once for display."""
    with transaction.atomic():
        device, _ = StaticDevice.objects.get_or_create(user=actor, name=BACKUP_NAME, defaults={"confirmed": True})
        device.token_set.all().delete()
        # 16 base32 characters = 80 random bits each (django-otp's default is 40).
        codes = [(StaticToken.random_token() + StaticToken.random_token()) for _ in range(settings.SEA_BACKUP_CODES)]
        StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
        audit_record(action="2fa_backup_codes", actor=actor, audit=audit, obj=actor,
                     detail={"count": len(codes)})
    return codes


def totp_device_confirm(*, actor: AbstractBaseUser, device: TOTPDevice, code: str,
                        audit: AuditContext | None = None) -> list[str] | None:
    """Confirm the actor's enrolment with a first code and return the backup codes (shown once);
    None when the code is wrong. The caller then marks its session verified (`session_mark_verified`)."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=actor, confirmed=False)
        if not device.verify_token(normalise_code(code)):
            audit_record(action="2fa_enrol", actor=actor, audit=audit, obj=actor,
                         outcome=AuditEvent.Outcome.FAILURE)
            return None
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        # Only one authenticator per account: an older one (if any) goes.
        TOTPDevice.objects.filter(user=actor).exclude(pk=device.pk).delete()
        audit_record(action="2fa_enrol", actor=actor, audit=audit, obj=actor)
        return backup_codes_generate(actor=actor, audit=audit)


def two_factor_verify(*, actor: AbstractBaseUser, code: str, audit: AuditContext | None = None) -> Device | None:
    """The actor's device that accepts a TOTP or backup code, or None; the caller then marks its
    session verified with it (`session_mark_verified`).

    A TOTP code is accepted once (the device's last_t), a backup code is deleted when used,
    and each device slows down repeated failures (django-otp throttling)."""
    token = normalise_code(code)
    with transaction.atomic():
        device = None
        if token:
            # Locked rows: two requests racing with the same code cannot both succeed.
            for candidate in django_otp.devices_for_user(actor, confirmed=True, for_verify=True):
                if candidate.verify_token(token):
                    device = candidate
                    break
        if device is None:
            audit_record(action="2fa_verify", actor=actor, audit=audit, obj=actor,
                         outcome=AuditEvent.Outcome.FAILURE)
            return None
        detail = {"method": "backup_code" if isinstance(device, StaticDevice) else "totp"}
        if isinstance(device, StaticDevice):
            detail["backup_codes_left"] = device.token_set.count()
        audit_record(action="2fa_verify", actor=actor, audit=audit, obj=actor, detail=detail)
    return device


def two_factor_reset(*, actor: AbstractBaseUser, user: AbstractBaseUser, audit: AuditContext | None = None) -> None:
    """An administrator removes a user's devices (lost phone): the user enrols again at next sign-in."""
    from accounts.session_security import user_sessions_end
    from accounts.tokens import api_tokens_revoke_all

    with transaction.atomic():
        removed = sum(model.objects.filter(user=user).delete()[1].get(model._meta.label, 0)
                      for model in (TOTPDevice, StaticDevice))
        audit_record(action="2fa_reset", actor=actor, audit=audit, obj=user, detail={"devices_removed": removed})
        api_tokens_revoke_all(actor=actor, user=user, reason="2fa_reset", audit=audit)
    # A session verified with the old device must not outlive the reset.
    user_sessions_end(user=user)


# --- the session (the page's part, after a service above accepted a code) -------------------

def session_mark_verified(request: HttpRequest, device: Device) -> None:
    """This session passed the second factor with `device`."""
    # New session key at the privilege change, as at sign-in (session fixation).
    request.session.cycle_key()
    django_otp.login(request, device)


# --- enforcement --------------------------------------------------------------------------

def _exempt_prefixes() -> tuple[str, ...]:
    return (
        reverse("login"),
        reverse("logout"),
        "/accounts/2fa/",
        settings.STATIC_URL,
        reverse("healthz"),
        "/i18n/",
    )


class TwoFactorRequiredMiddleware:
    """Sends a password-only session to enrolment or verification before anything else.

    Acts only on the session's user (set by AuthenticationMiddleware, then OTPMiddleware):
    an API request carrying `Authorization: Token ...` is DRF's to authenticate and check.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if two_factor_required() and not self._may_pass(request):
            return self._refuse(request)
        return self.get_response(request)

    def _may_pass(self, request: HttpRequest) -> bool:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or is_verified(user):
            return True
        path = request.path_info
        if path.startswith("/api/") and request.META.get("HTTP_AUTHORIZATION", "").startswith("Token "):
            return True  # TwoFactorVerified refuses it if DRF ends up using the session anyway
        return path.startswith(_exempt_prefixes())

    def _refuse(self, request: HttpRequest) -> HttpResponse:
        if request.path_info.startswith("/api/"):
            return JsonResponse({"detail": REQUIRED_MESSAGE}, status=403)
        target = "two_factor_verify" if has_confirmed_totp(request.user) else "two_factor_setup"
        return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")


class TwoFactorVerified(BasePermission):
    """DRF's half of the rule: a request authenticated by the session (or a password) must
    come from a session that passed the second factor. Token-authenticated requests pass."""

    message = REQUIRED_MESSAGE

    def has_permission(self, request, view) -> bool:
        if not two_factor_required():
            return True
        if isinstance(request.successful_authenticator, (SessionAuthentication, BasicAuthentication)):
            return is_verified(request.user)
        return True
