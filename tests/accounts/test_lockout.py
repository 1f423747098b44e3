"""Brute-force protection (django-axes): lockout by user name, whatever the address."""

import datetime
import re

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from core.models import AuditEvent
from core.roles import ADMINISTRATOR
from tests.factories import make_user

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"
LOCKED = "Too many failed sign-in attempts for this user name."
# Documentation ranges (RFC 5737): only ever a REMOTE_ADDR value in these tests.
ADDRESSES = [f"203.0.113.{n}" for n in range(1, 11)]


def attempt(username, password, address="198.51.100.7"):
    return Client().post("/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


def hammer(username, count=10):
    return [attempt(username, "wrong guess", ADDRESSES[i % len(ADDRESSES)]) for i in range(count)]


def test_failures_from_ten_addresses_lock_the_user_name(officer):
    responses = hammer("officer")
    assert [r.status_code for r in responses[:4]] == [200] * 4  # the ordinary form error
    assert responses[-1].status_code == 429
    assert LOCKED in responses[-1].content.decode()
    # Even the right password, from an address never seen before, is refused while locked.
    locked = attempt("officer", PASSWORD, "192.0.2.99")
    assert locked.status_code == 429 and LOCKED in locked.content.decode()
    assert "_auth_user_id" not in locked.wsgi_request.session
    assert not AuditEvent.objects.filter(action="login", actor=officer).exists()
    # Other accounts are unaffected.
    assert attempt("teammate_absent", "x").status_code == 200


def test_an_unknown_user_name_gets_the_same_answers_as_a_known_one(officer):
    known, unknown = hammer("officer"), hammer("nobody-here")
    assert [r.status_code for r in known] == [r.status_code for r in unknown]

    def page(response):  # the typed name and the CSRF token aside
        text = response.content.decode().replace("officer", "NAME").replace("nobody-here", "NAME")
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)

    assert page(known[0]) == page(unknown[0])
    assert page(known[-1]) == page(unknown[-1])


def test_the_lock_lifts_after_the_cool_off(officer):
    hammer("officer", 5)
    assert attempt("officer", PASSWORD).status_code == 429
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=31)):
        assert attempt("officer", PASSWORD).status_code == 302


def test_a_successful_sign_in_resets_the_count(officer):
    hammer("officer", 4)
    assert attempt("officer", PASSWORD).status_code == 302
    assert all(r.status_code == 200 for r in hammer("officer", 4))


def test_an_administrator_unlocks_an_account_from_the_admin_and_it_is_audited(client, officer):
    hammer("officer")
    admin = make_user("admin1", ADMINISTRATOR)
    admin.is_staff = True
    admin.save()
    client.force_login(admin)
    response = client.post("/admin/auth/user/", {"action": "unlock_sign_in", "_selected_action": [officer.pk]})
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="lockout_reset", object_id=str(officer.pk), actor=admin).exists()
    assert attempt("officer", PASSWORD).status_code == 302


def test_the_unlock_command_works_for_operators(officer):
    hammer("officer")
    call_command("axes_reset_username", "officer")
    assert attempt("officer", PASSWORD).status_code == 302
