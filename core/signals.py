"""Authentication events go to the audit trail (Django only offers them as signals)."""

from django.contrib.auth.signals import (
    user_logged_in,
    user_logged_out,
    user_login_failed,
)
from django.dispatch import receiver

from core.audit import audit_record
from core.models import AuditEvent


@receiver(user_logged_in)
def _audit_login(sender, request, user, **kwargs) -> None:
    audit_record(action="login", actor=user, request=request)


@receiver(user_logged_out)
def _audit_logout(sender, request, user, **kwargs) -> None:
    audit_record(action="logout", actor=user, request=request)


@receiver(user_login_failed)
def _audit_failed_login(sender, credentials, request=None, **kwargs) -> None:
    # Django has already masked the password; keep only the attempted username.
    audit_record(
        action="login_failed",
        request=request,
        actor=None,
        outcome=AuditEvent.Outcome.FAILURE,
        detail={"username": str(credentials.get("username", ""))[:150]},
    )
