import datetime

import pytest
from django.core.management import call_command

from allegations.models import Allegation, Status
from core.models import Mission
from core.roles import ROLE_PERMISSIONS
from tests.factories import AllegationFactory

pytestmark = pytest.mark.django_db


def test_seed_demo_is_idempotent_and_covers_every_status_and_role(django_user_model, settings, tmp_path):
    settings.SEA_FIELD_KEYS = ""
    settings.SEA_DEMO = True
    settings.SEA_KEY_FILE = tmp_path / "keys.json"
    call_command("seed_demo")
    call_command("seed_demo")
    assert Allegation.objects.count() == 40
    assert set(Allegation.objects.values_list("status", flat=True)) == set(Status.values)
    this_year = datetime.date.today().year
    # Several past years for the dashboard and the annex (tests/core/test_demo_dates.py: the dates).
    assert {this_year - 3, this_year - 2, this_year - 1} <= set(
        Allegation.objects.values_list("date_received__year", flat=True))
    assert set(Mission.objects.values_list("name", flat=True)) == {"Central African Republic", "Somalia"}
    roles = {g for u in django_user_model.objects.all() for g in u.groups.values_list("name", flat=True)}
    assert roles == set(ROLE_PERMISSIONS)
    assert (tmp_path / "keys.json").stat().st_mode & 0o777 == 0o600
    assert Allegation.objects.first().narrative.startswith("Fictional demo narrative")


def test_home_counts_the_officers_own_allegations(client, officer, car, somalia):
    AllegationFactory(mission=car, children_involved=True)
    AllegationFactory(mission=car, status=Status.SUBSTANTIATED)
    AllegationFactory(mission=somalia)
    client.force_login(officer)
    response = client.get("/")
    assert response.context["counts"]["total"] == 2
    assert response.context["counts"]["urgent_open"] == 1
    assert "Record an allegation" in response.content.decode()


def test_home_tells_a_user_without_operations_what_to_do(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("new", password="x" * 12))
    assert "Ask an administrator to grant you access" in client.get("/").content.decode()


def test_home_shows_the_analyst_no_intake_button(client, analyst, car):
    client.force_login(analyst)
    assert "Record an allegation" not in client.get("/").content.decode()


def test_it_serves_the_favicon_that_admin_and_print_pages_ask_for(client):
    """Pages without the base template's icon link (the admin, print views) make browsers ask /favicon.ico."""
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] in {"image/x-icon", "image/vnd.microsoft.icon"}
    assert b"".join(response.streaming_content)[:4] == b"\x00\x00\x01\x00"  # an ICO file
