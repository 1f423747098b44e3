"""Project-level pages that draw on several apps (the apps themselves never import upwards)."""

import redis
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from allegations.models import Allegation, Status
from allegations.querysets import IS_OPEN
from core.crypto import keyring
from core.models import Mission
from core.roles import ADMINISTRATOR, user_roles
from core.tasks import heartbeat_age
from referrals.models import Referral
from sea_cases.work import work_queue
from victims.models import AgeGroup, AssistanceNeed, Victim


@require_safe
@login_required
def home(request: HttpRequest) -> HttpResponse:
    allegations = Allegation.objects.visible_to(request.user)
    counts = allegations.aggregate(
        total=Count("pk"),
        open=Count("pk", filter=IS_OPEN),
        urgent_open=Count("pk", filter=IS_OPEN & Q(children_involved=True)),
        **{status: Count("pk", filter=Q(status=status)) for status in Status.values},
    )
    return render(
        request,
        "home.html",
        {
            "work": work_queue(request.user),
            "counts": counts,
            "status_counts": [(s, counts[s.value]) for s in Status],
            "missions": Mission.objects.visible_to(request.user).select_related("country"),
            "can_record": Mission.objects.editable_by(request.user).exists()
            and request.user.has_perm("allegations.add_allegation"),
            "urgent": allegations.open().filter(children_involved=True)
            .select_related("mission")[:5],
            "recent": allegations.select_related("mission").order_by("-created_at")[:5],
            "is_administrator": ADMINISTRATOR in user_roles(request.user),
            "overdue_followups": AssistanceNeed.objects.visible_to(request.user).follow_up_overdue().count()
            if request.user.has_perm("victims.view_assistanceneed") else None,
            "overdue_referrals": Referral.objects.visible_to(request.user).overdue().count()
            if request.user.has_perm("referrals.view_referral") else None,
            "victim_counts": Victim.objects.visible_to(request.user).aggregate(
                total=Count("pk"), children=Count("pk", filter=Q(age_group=AgeGroup.CHILD))
            ) if request.user.has_perm("victims.view_victim") else None,
        },
    )


@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers and monitoring. 503 when this process cannot serve (database, keys,
    broker); "degraded" (still 200) when no worker has run the heartbeat lately: pages work, but
    reminders and exports wait. Names of failures only, never their details."""
    report = health_report()
    return JsonResponse(report, status=503 if report["status"] == "error" else 200)


def health_report(*, database_failed: bool = False) -> dict[str, object]:
    """The checks behind /healthz. `database_failed`: the request already failed on the database
    before reaching the view (a session cookie makes the middleware read it; sea_cases.errors), so
    the report says so rather than waiting on the database a second time."""
    checks = {"database": "error" if database_failed else _check(_database_answers), "keys": _check(_keys_work)}
    if settings.REDIS_URL:
        checks["broker"] = _check(lambda: redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2).ping())
        try:
            age = heartbeat_age(settings.REDIS_URL)
            checks["worker"] = "ok" if age is not None and age < settings.SEA_HEARTBEAT_MAX_AGE_SECONDS else "stale"
        except Exception:  # noqa: BLE001 - reported as the broker's failure
            checks["worker"] = "error"
    else:
        checks["broker"] = checks["worker"] = "in-process"
    failed = any(v == "error" for v in checks.values())
    status = "error" if failed else "degraded" if "stale" in checks.values() else "ok"
    return {"status": status, "checks": checks}


def _check(probe) -> str:
    try:
        probe()
    except Exception:  # noqa: BLE001 - any failure means unhealthy; details stay out of the response
        return "error"
    return "ok"


def _database_answers() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _keys_work() -> None:
    """The configured keys load and seal and open a value (wrong length, bad base64 or none at all fail)."""
    ring = keyring()
    if ring.decrypt(ring.encrypt("healthz", b"healthz"), b"healthz") != "healthz":
        raise ValueError("round trip")
