"""Session lifetimes: 30 minutes idle, 12 hours absolute, ended when an account is disabled."""

import datetime

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.utils import timezone

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"
PAGE = "/accounts/password/"  # any signed-in page


def test_it_signs_out_after_thirty_idle_minutes(client, officer):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        client.force_login(officer)
        clock.shift(datetime.timedelta(minutes=29))
        assert client.get(PAGE).status_code == 200
        clock.shift(datetime.timedelta(minutes=29))  # 58 minutes in, but active: still signed in
        assert client.get(PAGE).status_code == 200
        clock.shift(datetime.timedelta(minutes=31))
        response = client.get(PAGE)
        assert response.status_code == 302 and response.url.startswith("/accounts/login/")


def test_it_signs_out_twelve_hours_after_sign_in_however_active(client, officer):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        client.force_login(officer)
        for _ in range(35):  # a request every 20 minutes: 11 h 40 min
            clock.shift(datetime.timedelta(minutes=20))
            assert client.get(PAGE).status_code == 200
        clock.shift(datetime.timedelta(minutes=21))
        response = client.get(PAGE)
        assert response.status_code == 302 and response.url.startswith("/accounts/login/")
        assert client.get(PAGE).status_code == 302  # really signed out, not just redirected once


def test_the_api_refuses_a_session_past_its_twelve_hours(client, analyst):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        client.force_login(analyst)
        clock.shift(datetime.timedelta(hours=12, minutes=1))
        assert client.get("/api/v1/reports/annex/?year=2016&format=json").status_code == 401


def test_disabling_an_account_ends_its_sessions(client, officer, teammate):
    client.force_login(officer)
    other = client.__class__()
    other.force_login(teammate)
    officer.is_active = False
    officer.save()
    assert [s.get_decoded()["_auth_user_id"] for s in Session.objects.all()] == [str(teammate.pk)]
    assert client.get(PAGE).status_code == 302
    assert other.get(PAGE).status_code == 200


def test_a_disabled_account_is_refused_even_when_its_session_row_survives(client, analyst):
    # A bulk update sends no signal: the session row stays, yet every request is refused.
    client.force_login(analyst)
    get_user_model().objects.filter(pk=analyst.pk).update(is_active=False)
    assert client.get("/").status_code == 302
    assert client.get("/api/v1/reports/annex/?year=2016&format=json").status_code == 401


def test_it_gives_a_new_session_key_at_sign_in(client, officer):
    session = client.session  # an anonymous session exists before sign-in
    session["probe"] = 1
    session.save()
    before = session.session_key
    client.post("/accounts/login/", {"username": "officer", "password": PASSWORD})
    assert client.session.session_key != before
    assert client.session.get("_auth_user_id") == str(officer.pk)


def test_the_stored_session_never_outlives_twelve_hours(client, officer):
    client.post("/accounts/login/", {"username": "officer", "password": PASSWORD})
    expires = Session.objects.get(session_key=client.session.session_key).expire_date
    assert expires - timezone.now() <= datetime.timedelta(hours=12)
    assert client.cookies["sessionid"]["max-age"] == ""  # and the cookie goes when the browser closes


def test_a_session_without_a_sign_in_time_is_refused(client, officer):
    client.force_login(officer)
    session = client.session
    del session["sea_login_at"]
    session.save()
    assert client.get(PAGE).status_code == 302
