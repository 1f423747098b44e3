"""An export job is its requester's alone, until it expires: the one scope its page and download use."""

import datetime

import pytest
from django.utils import timezone

from core.models import AuditEvent
from core.roles import HQ_ANALYST
from reporting.models import ExportJob
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def job_for(user, expires_in=datetime.timedelta(hours=1)):
    return ExportJob.objects.create(requested_by=user, params={"year": 2016}, expires_at=timezone.now() + expires_in)


def test_it_shows_a_job_to_its_requester_only_until_it_expires(analyst):
    other = make_user("analyst.two", HQ_ANALYST, global_view=True)
    mine, expired, theirs = job_for(analyst), job_for(analyst, -datetime.timedelta(minutes=1)), job_for(other)
    assert list(ExportJob.objects.visible_to(analyst)) == [mine]
    assert set(ExportJob.objects.expired()) == {expired}
    assert theirs not in ExportJob.objects.visible_to(analyst)


def test_it_answers_404_and_audits_another_analysts_job(client, analyst):
    other = make_user("analyst.two", HQ_ANALYST, global_view=True)
    theirs = job_for(other)
    client.force_login(analyst)
    assert client.get(f"/reports/exports/{theirs.pk}/").status_code == 404
    assert client.get(f"/reports/exports/{theirs.pk}/file/").status_code == 404
    assert AuditEvent.objects.filter(action="access_denied", object_id=str(theirs.pk)).count() == 2
