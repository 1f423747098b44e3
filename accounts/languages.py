"""The interface language a person chose, remembered on their account and applied at every request."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import translation

from accounts.models import UserPreference
from core.audit import AuditContext, audit_record

# (user id, language code) cached in the session so the preference costs one query per session, not per page.
SESSION_KEY = "sea_user_language"


def user_set_language(*, actor, language: str, audit: AuditContext | None = None) -> bool:
    """Store `language` as the actor's interface language. Returns False (and stores nothing) for an
    unknown code; the page then copies the choice into its session (`remember_language_in_session`)."""
    if language not in dict(settings.LANGUAGES):
        return False
    with transaction.atomic():
        pref, _created = UserPreference.objects.select_for_update().get_or_create(user=actor)
        if pref.language != language:
            pref.language = language
            pref.save(update_fields=["language"])
            audit_record(action="language_change", actor=actor, audit=audit, obj=actor,
                         detail={"language": language})
    return True


def remember_language_in_session(request: HttpRequest, user) -> None:
    """Copies the stored choice into the session: at sign-in, and when the user changes it."""
    language = UserPreference.objects.filter(user=user).values_list("language", flat=True).first() or ""
    request.session[SESSION_KEY] = [user.pk, language]


def preferred_language(user) -> str:
    """The language to write to `user` in when there is no request (e-mails from tasks)."""
    stored = UserPreference.objects.filter(user=user).values_list("language", flat=True).first()
    return stored or settings.LANGUAGE_CODE


def user_language(request: HttpRequest) -> str:
    """The signed-in user's chosen language as copied into the session at sign-in, or ""."""
    cached = request.session.get(SESSION_KEY)
    if cached and cached[0] == request.user.pk:
        return cached[1]
    return ""


class UserLanguageMiddleware:
    """After LocaleMiddleware and authentication: a signed-in user's own choice beats the browser's
    cookie and Accept-Language, so the next person on a shared laptop gets their language, not ours."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            language = user_language(request)
            if language:
                translation.activate(language)
                request.LANGUAGE_CODE = language
        return self.get_response(request)
