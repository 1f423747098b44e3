"""Personal API tokens: created and revoked through services, checked by the API's authentication."""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import ApiToken
from core.audit import AuditContext, audit_record

# Writing last_used_at on every request would turn each API read into a write.
_LAST_USED_RESOLUTION = datetime.timedelta(minutes=5)


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, actor, name: str, days: int | None = None,
                     audit: AuditContext | None = None) -> tuple[ApiToken, str]:
    """The actor's new token and its secret, which is returned this once and never stored."""
    days = settings.SEA_API_TOKEN_DAYS if days is None else days
    errors: dict[str, list[str]] = {}
    if not name.strip():
        errors["name"] = [_("Say what the token is for.")]
    if not 1 <= days <= settings.SEA_API_TOKEN_MAX_DAYS:
        errors["days"] = [_("A token lasts between 1 and %(max)d days.") % {"max": settings.SEA_API_TOKEN_MAX_DAYS}]
    if errors:
        raise ValidationError(errors)
    key = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=actor, name=name.strip()[:80], prefix=key[:8], key_hash=_digest(key),
                                    expires_at=timezone.now() + datetime.timedelta(days=days))
    audit_record(action="api_token_create", actor=actor, audit=audit, obj=token,
                 detail={"prefix": token.prefix, "expires": token.expires_at.isoformat()})
    return token, key


@transaction.atomic
def api_token_revoke(*, actor, token: ApiToken, audit: AuditContext | None = None) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(action="api_token_revoke", actor=actor, audit=audit, obj=token,
                     detail={"prefix": token.prefix, "owner": token.user.get_username()})
    return token


def api_tokens_revoke_all(*, actor, user, reason: str, audit: AuditContext | None = None) -> int:
    """A lost phone or a changed password may mean a stolen credential: the tokens made with it go too."""
    live = ApiToken.objects.filter(user=user, revoked_at__isnull=True)
    count = live.update(revoked_at=timezone.now())
    if count:
        audit_record(action="api_tokens_revoke_all", actor=actor, audit=audit, obj=user,
                     detail={"tokens": count, "reason": reason})
    return count


def api_token_user(key: str):
    """The active user a presented token belongs to, or None (unknown, expired, revoked, disabled)."""
    token = ApiToken.objects.select_related("user").filter(key_hash=_digest(key)).first()
    if token is None or not token.is_usable:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > _LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def tokens_of(user):
    return ApiToken.objects.filter(user=user)
