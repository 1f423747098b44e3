"""Session lifetimes: signed out after SEA_SESSION_IDLE_MINUTES without a request, and
SEA_SESSION_MAX_HOURS after sign-in however active; an account that is disabled loses its
sessions at once."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.sessions.models import Session
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

LOGIN_AT_KEY = "sea_login_at"
SEEN_AT_KEY = "sea_seen_at"
# Activity is written back at most this often: saving the session on every request would add
# a write to every page (and to every API call) for one minute of precision.
SEEN_RESOLUTION_SECONDS = 60


def session_mark_login(request: HttpRequest) -> None:
    if hasattr(request, "session"):
        now = timezone.now().timestamp()
        request.session[LOGIN_AT_KEY] = request.session[SEEN_AT_KEY] = now


def session_expired(request: HttpRequest) -> bool:
    now = timezone.now().timestamp()
    started, seen = request.session.get(LOGIN_AT_KEY), request.session.get(SEEN_AT_KEY)
    if started is None or seen is None:
        return True  # a session from before these rules, or made without a sign-in: start again
    return (now - started > settings.SEA_SESSION_MAX_HOURS * 3600
            or now - seen > settings.SEA_SESSION_IDLE_MINUTES * 60)


def user_sessions_end(*, user: AbstractBaseUser) -> int:
    """Delete every live session of this user (database sessions; the user id is inside the
    signed data, so each live session is decoded: few live at once with short lifetimes)."""
    ended = 0
    user_pk = str(user.pk)
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == user_pk:
            session.delete()
            ended += 1
    return ended


class SessionLifetimeMiddleware:
    """Signs out an idle or too old session before the request reaches any page or endpoint."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            if session_expired(request):
                logout(request)
                if request.path_info.startswith("/api/"):
                    return JsonResponse({"detail": "Session expired."}, status=403)
                return redirect(f"{reverse('login')}?{urlencode({'next': request.get_full_path()})}")
            now = timezone.now().timestamp()
            if now - request.session[SEEN_AT_KEY] >= SEEN_RESOLUTION_SECONDS:
                request.session[SEEN_AT_KEY] = now
        return self.get_response(request)
