from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.handlers.exception import response_for_exception
from django.http import Http404
from django.shortcuts import render
from django.utils.cache import patch_cache_control

from core.errors import Conflict, NotFound, NotPermitted


class NoStoreMiddleware:
    """Case data must not linger in shared or browser caches: every dynamic response is no-store, but
    what the office has published for everyone (a view marks its response with `mark_published`)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # A published page that sets a cookie on its way out (a signed-in reader's session being
        # refreshed) is that reader's alone: no shared cache may keep it with their cookie.
        if not getattr(response, PUBLISHED_ATTRIBUTE, False) or response.cookies:
            patch_cache_control(response, no_store=True, private=True)
        return response


PUBLISHED_ATTRIBUTE = "sea_published"


def mark_published(response, *, max_age: int):
    """This response is public and the same for everyone: browsers and proxies may keep it."""
    setattr(response, PUBLISHED_ATTRIBUTE, True)
    patch_cache_control(response, public=True, max_age=max_age)
    return response


class PermissionsPolicyMiddleware:
    """Switch off browser features no page uses (camera, microphone, location...): settings.PERMISSIONS_POLICY."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = getattr(settings, "PERMISSIONS_POLICY", "")

    def __call__(self, request):
        response = self.get_response(request)
        if self.policy:
            response.headers.setdefault("Permissions-Policy", self.policy)
        return response


class DomainErrorMiddleware:
    """A refusal no view handled becomes the page it stands for: `NotFound` the 404 page,
    `NotPermitted` the 403 page (both through Django's handlers), `Conflict` a 409. Views that keep
    the user's input on a stale edit catch `StaleEditError` themselves; this is the fallback."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, NotFound):
            return response_for_exception(request, Http404(str(exception)))
        if isinstance(exception, NotPermitted):
            return response_for_exception(request, PermissionDenied(str(exception)))
        if isinstance(exception, Conflict):
            return render(request, "409.html", {"message": str(exception)}, status=409)
        return None
