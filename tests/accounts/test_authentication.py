import pytest

from core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_it_signs_an_officer_in_and_audits_it(client, officer):
    response = client.post("/accounts/login/", {"username": "officer", "password": "correct horse battery"})
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="login", actor=officer).count() == 1


def test_it_gives_the_same_answer_for_a_wrong_password_and_an_unknown_user(client, officer):
    wrong = client.post("/accounts/login/", {"username": "officer", "password": "nope"}).content.decode()
    unknown = client.post("/accounts/login/", {"username": "ghost", "password": "nope"}).content.decode()
    message = "That user name and password do not match an active account."
    assert message in wrong and message in unknown
    assert AuditEvent.objects.filter(action="login_failed").count() == 2


def test_it_signs_out_and_audits_it(client, officer):
    client.force_login(officer)
    client.post("/accounts/logout/")
    assert AuditEvent.objects.filter(action="logout", actor=officer).exists()
    assert client.get("/").status_code == 302


def test_every_page_is_marked_no_store(client, officer):
    client.force_login(officer)
    assert "no-store" in client.get("/").headers["Cache-Control"]
    assert "no-store" in client.get("/allegations/").headers["Cache-Control"]


def test_an_administrator_cannot_grant_superuser_or_single_permissions(client, officer):
    from core.roles import ADMINISTRATOR
    from tests.factories import make_user

    admin = make_user("admin1", ADMINISTRATOR)
    admin.is_staff = True
    admin.save()
    client.force_login(admin)
    page = client.get(f"/admin/auth/user/{officer.pk}/change/").content.decode()
    assert 'name="is_superuser"' not in page
    assert 'name="user_permissions"' not in page
    response = client.post(f"/admin/auth/user/{officer.pk}/change/", {
        "username": "officer", "is_superuser": "on", "is_active": "on", "groups": [g.pk for g in officer.groups.all()],
        "date_joined_0": "2026-01-01", "date_joined_1": "00:00:00", "user_permissions": [],
    })
    assert response.status_code == 302
    officer.refresh_from_db()
    assert officer.is_superuser is False
    assert AuditEvent.objects.filter(action="user_change", object_id=str(officer.pk)).exists()
