"""A broker outage never turns a saved action into an error page (core.queue)."""

import pytest

from referrals.models import Referral, ReferralStatus
from referrals.services import referral_draft
from reporting.models import ExportJob

pytestmark = pytest.mark.django_db


@pytest.fixture
def broker_down():
    """Tasks really published, to a Redis port where nothing listens."""
    from sea_cases.celery import app

    previous = app.conf.task_always_eager, app.conf.broker_url
    app.conf.task_always_eager, app.conf.broker_url = False, "redis://127.0.0.1:9/0"
    forget_connections(app)
    yield app
    app.conf.task_always_eager, app.conf.broker_url = previous
    forget_connections(app)


def forget_connections(app) -> None:
    # The connection and producer pools were made for the previous broker URL.
    app._pool = None
    app.amqp._producer_pool = None


def test_approving_with_the_broker_down_saves_the_approval_and_answers_a_page(
        client, officer, chief, credible, france, broker_down, django_capture_on_commit_callbacks):
    draft = referral_draft(actor=officer, allegation=credible, member_state=france)
    client.force_login(chief)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/referrals/{draft.pk}/approve/", {"version": draft.version}, follow=True)
    assert response.status_code == 200
    assert "Approved" in response.content.decode()
    assert Referral.objects.get(pk=draft.pk).status == ReferralStatus.APPROVED  # the sweep sends it later


def test_a_background_export_asked_for_with_the_broker_down_waits_and_is_queued_again(
        client, analyst, settings, broker_down, django_capture_on_commit_callbacks):
    import datetime

    from django.utils import timezone

    from reporting.tasks import requeue_stalled_exports
    from tests.reporting.annex_fixture import build_annex_fixture

    build_annex_fixture()
    settings.SEA_EXPORT_BACKGROUND_ROWS = 0
    client.force_login(analyst)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get("/reports/annex/download/", {"year": 2016, "format": "csv"}, follow=True)
    assert response.status_code == 200
    job = ExportJob.objects.get()
    assert job.status == ExportJob.Status.QUEUED
    ExportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - datetime.timedelta(hours=1))
    assert requeue_stalled_exports() == 0  # still down: nothing published, nothing raised
    broker_down.conf.task_always_eager = True  # the broker is back (in-process here)
    assert requeue_stalled_exports() == 1
    assert ExportJob.objects.get().status == ExportJob.Status.DONE
