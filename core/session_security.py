"""Session lifetimes: idle expiry is the cookie age (renewed on each request); this adds the
absolute limit from sign-in, and ends the sessions of an account that is disabled."""

from __future__ import annotations

import datetime
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


def session_mark_login(request: HttpRequest) -> None:
    if hasattr(request, "session"):
        request.session[LOGIN_AT_KEY] = timezone.now().timestamp()


def session_too_old(request: HttpRequest) -> bool:
    started = request.session.get(LOGIN_AT_KEY)
    if started is None:
        return True  # a session from before this rule, or forged without a sign-in: start again
    age = timezone.now() - datetime.datetime.fromtimestamp(started, tz=datetime.UTC)
    return age > datetime.timedelta(hours=settings.SEA_SESSION_MAX_HOURS)


def user_sessions_end(*, user: AbstractBaseUser) -> int:
    """Delete every live session of this user (database sessions; ids are in the signed data,
    so each live session is decoded: few live at once with a 30-minute idle expiry)."""
    ended = 0
    user_pk = str(user.pk)
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == user_pk:
            session.delete()
            ended += 1
    return ended


class SessionLifetimeMiddleware:
    """Signs out a session older than SEA_SESSION_MAX_HOURS, however active it has been."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and session_too_old(request):
            logout(request)
            if request.path_info.startswith("/api/"):
                return JsonResponse({"detail": "Session expired."}, status=403)
            return redirect(f"{reverse('login')}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
