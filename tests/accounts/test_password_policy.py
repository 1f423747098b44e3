"""Password policy on the change-password page: at least 12 characters, not a common password."""

import pytest
from django.test import Client

from core.models import AuditEvent

pytestmark = pytest.mark.django_db

OLD = "correct horse battery"


def change(client, new):
    return client.post("/accounts/password/", {"old_password": OLD, "new_password1": new, "new_password2": new})


def test_the_page_is_linked_from_the_navigation(client, officer):
    client.force_login(officer)
    assert 'href="/accounts/password/"' in client.get("/").content.decode()
    assert 'href="/accounts/2fa/setup/"' in client.get("/").content.decode()


@pytest.mark.parametrize("weak, reason", [
    ("short-pw9!", "This password is too short. It must contain at least 12 characters."),
    ("password1234", "This password is too common."),
])
def test_it_refuses_a_weak_password(client, officer, weak, reason):
    client.force_login(officer)
    response = change(client, weak)
    assert response.status_code == 200
    assert reason in response.content.decode()
    officer.refresh_from_db()
    assert officer.check_password(OLD)


def test_it_changes_a_strong_password_keeps_this_session_and_ends_the_others(client, officer):
    client.force_login(officer)
    elsewhere = Client()
    elsewhere.force_login(officer)
    response = change(client, "a long and uncommon passphrase")
    assert response.status_code == 302
    officer.refresh_from_db()
    assert officer.check_password("a long and uncommon passphrase")
    assert client.get("/").status_code == 200
    assert elsewhere.get("/").status_code == 302
    assert AuditEvent.objects.filter(action="password_change", actor=officer).exists()


def test_it_needs_the_current_password(client, officer):
    client.force_login(officer)
    response = client.post("/accounts/password/", {
        "old_password": "not it", "new_password1": "a long and uncommon passphrase",
        "new_password2": "a long and uncommon passphrase"})
    assert response.status_code == 200
    officer.refresh_from_db()
    assert officer.check_password(OLD)
