"""What a request gets while the database is unreachable: 503 with Retry-After, never a 500.

Django turns every exception nothing else handled into a response in one place: the 500 handler
(`handler500` in sea_cases/urls.py). That is also where the failures of the session and
authentication middleware end up: Django wraps each middleware in convert_exception_to_response, so
an exception raised while the middleware reads the session never reaches a middleware further out
(nor process_exception, which sees view exceptions only). Handling it here covers views, middleware
and the 404/403 pages alike (their templates read the user, hence the database, too).

The answer by path: /healthz its usual JSON, /api/ DRF's error shape, every other path the product's
"temporarily unavailable" page, rendered without the request's context: the context processors and
`user` would query the database again and fail in turn.
"""

from __future__ import annotations

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.template import loader
from django.utils.translation import gettext as _
from django.views import defaults

from sea_cases.views import health_report

logger = logging.getLogger("sea.outage")

# A PostgreSQL restart or failover takes seconds; clients and proxies may try again after this.
RETRY_AFTER_SECONDS = 30
# Django's wrappers of the driver's errors: connection refused or lost ("server closed the
# connection", "terminating connection due to administrator command"), or a connection that
# Django already knows is closed.
DATABASE_ERRORS = (OperationalError, InterfaceError)
_LOGGED = "_sea_outage_logged"

# Last resort if even the template cannot be rendered: nothing in it can fail.
FALLBACK_PAGE = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Temporarily unavailable · SEA Cases</title>'
    '</head><body><main><h1>Temporarily unavailable</h1><p>SEA Cases cannot reach its database. Try again in a '
    "minute.</p></main></body></html>"
)


def server_error(request: HttpRequest, template_name: str = "500.html") -> HttpResponse:
    """handler500: the product's 503 for a database failure, Django's own 500 page for anything else."""
    failure = database_failure(sys.exc_info()[1])
    if failure is None:
        return defaults.server_error(request, template_name=template_name)
    return database_unavailable(request, failure)


def database_failure(exc: BaseException | None) -> BaseException | None:
    """The database error behind `exc`, if any (also when something raised again while handling it)."""
    for _depth in range(5):
        if exc is None or isinstance(exc, DATABASE_ERRORS):
            return exc
        exc = exc.__cause__ or exc.__context__
    return None


def database_unavailable(request: HttpRequest, failure: BaseException) -> HttpResponse:
    _log_once(request, failure)
    if request.path_info == "/healthz":
        response: HttpResponse = JsonResponse(health_report(database_failed=True), status=503)
    elif request.path_info.startswith("/api/"):
        # The shape of DRF's own errors ({"detail": ...}), in the request's language.
        response = JsonResponse({"detail": _("The service is temporarily unavailable. Try again in a minute.")},
                                status=503)
    else:
        response = HttpResponse(_unavailable_page(request), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    # Logged above, once and without the request: stops Django's own "Service Unavailable" log
    # line (with a traceback) for the same response.
    response._has_been_logged = True  # noqa: SLF001 - django.utils.log.log_response's marker
    return response


def _unavailable_page(request: HttpRequest) -> str:
    try:
        # A plain context, not the request's: only what base.html needs without the database (the
        # language switcher's CSRF token comes from the cookie, not the session).
        return loader.render_to_string("503.html", {"csrf_token": get_token(request)})
    except Exception:  # noqa: BLE001 - a broken page must not turn the 503 into a 500
        logger.exception("the 503 page could not be rendered")
        return FALLBACK_PAGE


def _log_once(request: HttpRequest, failure: BaseException) -> None:
    """One line per request (the session middleware may fail a second time on the way out): method,
    path and the driver's error class and SQLSTATE. No query string, user, session or message text:
    those can carry what a user typed."""
    if getattr(request, _LOGGED, False):
        return
    setattr(request, _LOGGED, True)
    cause = failure.__cause__ or failure
    logger.error("database unavailable: %s %s answered 503 (%s.%s, sqlstate %s)", request.method, request.path,
                 type(cause).__module__, type(cause).__qualname__, getattr(cause, "sqlstate", None) or "none",
                 extra={"status_code": 503})
