"""Authentication events go to the audit trail (Django only offers them as signals)."""

from django.conf import settings
from django.contrib.auth.signals import (
    user_logged_in,
    user_logged_out,
    user_login_failed,
)
from django.db.models.signals import post_save
from django.dispatch import receiver

from accounts.languages import remember_language_in_session
from core.audit import audit_context, audit_record
from core.models import AuditEvent


@receiver(user_logged_in)
def _audit_login(sender, request, user, **kwargs) -> None:
    audit_record(action="login", actor=user, audit=audit_context(request))
    if request is not None and hasattr(request, "session"):
        remember_language_in_session(request, user)  # once per sign-in, so pages need no query for it


@receiver(user_logged_out)
def _audit_logout(sender, request, user, **kwargs) -> None:
    audit_record(action="logout", actor=user, audit=audit_context(request))


@receiver(user_login_failed)
def _audit_failed_login(sender, credentials, request=None, **kwargs) -> None:
    # Django has already masked the password; keep only the attempted username.
    audit_record(
        action="login_failed",
        actor=None,
        audit=audit_context(request),
        outcome=AuditEvent.Outcome.FAILURE,
        detail={"username": str(credentials.get("username", ""))[:150]},
    )


@receiver(user_logged_in)
def _stamp_login_time(sender, request, user, **kwargs) -> None:
    # The absolute session limit counts from here (accounts/session_security.py).
    from accounts.session_security import session_mark_login

    session_mark_login(request)


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def _end_sessions_of_disabled_user(sender, instance, **kwargs) -> None:
    # Disabling an account ends its sessions at once, however it was disabled.
    if not instance.is_active:
        from accounts.session_security import user_sessions_end

        user_sessions_end(user=instance)
