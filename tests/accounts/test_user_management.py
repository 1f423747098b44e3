"""User management by administrators at /accounts/users/: the list, an account's page and its
actions (create, roles and operations, disable and enable, two-factor reset, unlock), each a
service that checks, audits and commits in one transaction."""

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from guardian.shortcuts import assign_perm

from accounts.querysets import scope_of
from accounts.services import user_access_change, user_set_active
from core.audit import AuditContext
from core.errors import NotFound
from core.models import AccessRequest, AuditEvent
from core.roles import ADMINISTRATOR, FIELD_OFFICER, HQ_ANALYST
from tests.accounts.test_lockout import PASSWORD, attempt, hammer
from tests.factories import make_user

pytestmark = pytest.mark.django_db

User = get_user_model()


@pytest.fixture
def admin(db):
    user = make_user("admin1", ADMINISTRATOR)
    user.is_staff = True
    user.save()
    return user


@pytest.fixture
def admin_client(client, admin):
    client.force_login(admin)
    return client


def events(action, target=None):
    found = AuditEvent.objects.filter(action=action)
    return found.filter(object_id=str(target.pk)) if target is not None else found


def access_post(client, target, *, roles, every="none", missions=None, seen=None):
    from accounts.forms import AccessForm  # the form's own field names and state

    data = {"roles": roles, "every": every, **{f"mission_{m.pk}": level for m, level in (missions or {}).items()}}
    data["seen"] = seen if seen is not None else scope_of(target).fingerprint(
        set(target.groups.values_list("name", flat=True)))
    assert set(data) <= set(AccessForm(missions=list((missions or {}).keys())).fields)
    return client.post(f"/accounts/users/{target.pk}/access/", data)


# --- the pages ---------------------------------------------------------------------------

def test_it_lists_every_account_with_roles_operations_two_factor_lockout_and_state(admin_client, officer, analyst):
    TOTPDevice.objects.create(user=officer, name="Authenticator app", confirmed=True)
    hammer("analyst")
    response = admin_client.get("/accounts/users/")
    assert response.status_code == 200
    rows = {row.user.username: row for row in response.context["rows"]}
    assert rows["officer"].roles == ["Field officer"]
    assert rows["officer"].operations == ["Central African Republic (see and work on)"]
    assert rows["analyst"].operations == ["Every operation (see)"]
    assert rows["officer"].user.has_two_factor and not rows["analyst"].user.has_two_factor
    assert rows["analyst"].user.is_locked and not rows["officer"].user.is_locked
    assert [u.user.username for u in admin_client.get("/accounts/users/", {"locked": "on"}).context["rows"]] == [
        "analyst"]
    assert "officer" not in [r.user.username for r in
                             admin_client.get("/accounts/users/", {"without_two_factor": "on"}).context["rows"]]


def test_it_lists_accounts_in_the_same_number_of_queries_for_10_and_50(admin_client, car, settings):
    settings.PAGE_SIZE = 100  # every row on the page

    def count_queries(n):
        for i in range(User.objects.count(), n):
            make_user(f"person{i:03d}", FIELD_OFFICER, change=[car])
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert admin_client.get("/accounts/users/").status_code == 200
        return len(captured)

    assert count_queries(10) == count_queries(50)


@pytest.mark.parametrize("path", ["/accounts/users/", "/accounts/users/new/", "/accounts/users/{id}/"])
def test_it_answers_404_to_anyone_but_an_administrator(client, officer, analyst, path):
    client.force_login(officer)
    assert client.get(path.format(id=analyst.pk)).status_code == 404


@pytest.mark.parametrize("action", ["access", "active", "two-factor-reset", "unlock", "password-link"])
def test_it_answers_404_to_a_non_administrator_posting_an_action_and_audits_it(client, officer, analyst, action):
    TOTPDevice.objects.create(user=analyst, name="Authenticator app", confirmed=True)
    client.force_login(officer)
    assert client.post(f"/accounts/users/{analyst.pk}/{action}/", {"active": "0"}).status_code == 404
    assert events("access_denied", analyst).filter(actor=officer).exists()
    assert User.objects.get(pk=analyst.pk).is_active and TOTPDevice.objects.filter(user=analyst).exists()


def test_it_refuses_the_services_to_a_non_administrator(officer, analyst):
    with pytest.raises(NotFound):
        user_set_active(actor=officer, target=analyst, active=False, audit=AuditContext())
    assert User.objects.get(pk=analyst.pk).is_active


# --- create ------------------------------------------------------------------------------

def test_it_creates_an_account_without_a_password_and_sends_a_one_time_link(admin_client, admin, car):
    response = admin_client.post("/accounts/users/new/", {
        "username": "new.officer", "first_name": "Nadia", "last_name": "Ouattara", "email": "nadia@example.org",
        "roles": [FIELD_OFFICER], "every": "none", f"mission_{car.pk}": "change"})
    user = User.objects.get(username="new.officer")
    assert response.status_code == 302 and response.url == f"/accounts/users/{user.pk}/"
    assert not user.has_usable_password() and not user.is_staff
    assert set(user.groups.values_list("name", flat=True)) == {FIELD_OFFICER}
    assert user.has_perm("core.change_mission", car) and user.has_perm("core.view_mission", car)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["nadia@example.org"]
    assert "/accounts/reset/" in mail.outbox[0].body
    created = events("user_create", user).get()
    assert created.actor == admin and created.detail["roles"] == [FIELD_OFFICER]
    assert events("access_granted", user).count() == 3  # the role, then see, then work on
    assert events("password_reset_link_sent", user).exists()


def test_it_shows_every_error_of_the_creation_form_and_creates_nothing(admin_client, officer):
    response = admin_client.post("/accounts/users/new/", {"username": "OFFICER", "email": "not an address",
                                                          "every": "none"})
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert {"email", "roles"} <= set(errors)
    summary = response.content.decode()
    assert "There is a problem" in summary and 'href="#id_email"' in summary and 'href="#id_roles"' in summary
    response = admin_client.post("/accounts/users/new/", {"username": "OFFICER", "email": "a@example.org",
                                                          "roles": [FIELD_OFFICER], "every": "none"})
    assert response.status_code == 400
    assert "already exists" in str(response.context["form"].errors["username"])
    assert not User.objects.filter(username__iexact="officer").exclude(pk=officer.pk).exists() and not mail.outbox


def test_it_makes_a_new_administrator_wait_for_a_second_one_then_staff(admin_client, admin):
    """One administrator alone cannot make another (who could then approve the first one's requests)."""
    from core.access import access_request_decide

    admin_client.post("/accounts/users/new/", {"username": "admin.three", "email": "three@example.org",
                                               "roles": [ADMINISTRATOR], "every": "none"})
    three = User.objects.get(username="admin.three")
    assert not three.is_staff and not three.groups.exists()
    request = AccessRequest.objects.get(user=three, status=AccessRequest.Status.PENDING)
    access_request_decide(actor=make_user("admin.two", ADMINISTRATOR), access_request=request, approve=True)
    three = User.objects.get(pk=three.pk)
    assert three.is_staff and three.groups.filter(name=ADMINISTRATOR).exists()


def test_it_files_operations_given_with_or_after_a_pending_identity_role(admin_client, admin, officer, car, somalia):
    """Operations widen the identity a pending role would give: they wait with it, in one submission or
    after it, so the second administrator approves the whole reach."""
    from core.roles import VICTIMS_RIGHTS_ADVOCATE

    access_post(admin_client, officer, roles=[FIELD_OFFICER, VICTIMS_RIGHTS_ADVOCATE], every="none",
                missions={car: "change", somalia: "change"})
    pending = AccessRequest.objects.filter(user=officer, status=AccessRequest.Status.PENDING)
    assert {r.kind for r in pending} == {AccessRequest.Kind.ROLE, AccessRequest.Kind.SCOPE}
    assert set(pending.filter(kind=AccessRequest.Kind.SCOPE).values_list("mission__name", flat=True)) == {
        somalia.name}
    assert scope_of(User.objects.get(pk=officer.pk)).level(somalia.pk) == "none"


# --- roles and operations ----------------------------------------------------------------

def test_it_changes_roles_and_operations_and_audits_each_change(admin_client, admin, officer, car, somalia):
    response = access_post(admin_client, officer, roles=[FIELD_OFFICER, HQ_ANALYST], every="view",
                           missions={car: "view", somalia: "change"})
    assert response.status_code == 302
    officer = User.objects.get(pk=officer.pk)
    assert set(officer.groups.values_list("name", flat=True)) == {FIELD_OFFICER, HQ_ANALYST}
    scope = scope_of(officer)
    assert scope.every == "view" and scope.missions == {car.pk: "view", somalia.pk: "change"}
    change = events("user_access_change", officer).get()
    assert change.actor == admin
    assert change.detail["roles"] == {"before": [FIELD_OFFICER], "after": [FIELD_OFFICER, HQ_ANALYST]}
    assert change.detail["operations"]["after"] == {"Central African Republic": "view", "Somalia": "change",
                                                    "all operations": "view"}
    assert events("access_revoked", officer).count() == 1  # work on the Central African Republic
    assert events("access_granted", officer).count() == 4  # analyst; every operation; Somalia: see, work on


def test_it_refuses_an_administrator_changing_their_own_roles_or_operations(admin_client, admin, car):
    response = access_post(admin_client, admin, roles=[ADMINISTRATOR, FIELD_OFFICER], missions={car: "change"})
    assert response.status_code == 400
    assert "You cannot change your own roles or operations" in response.content.decode()
    admin = User.objects.get(pk=admin.pk)
    assert set(admin.groups.values_list("name", flat=True)) == {ADMINISTRATOR}
    assert not admin.has_perm("core.view_mission", car)
    assert not events("access_granted").exists()
    # Nor through the service, nor by stripping their own administrator role.
    from django.core.exceptions import ValidationError

    for roles in ([ADMINISTRATOR, FIELD_OFFICER], [FIELD_OFFICER]):
        with pytest.raises(ValidationError, match="your own roles"):
            user_access_change(actor=admin, target=admin, roles=roles, scope=scope_of(admin),
                               seen=scope_of(admin).fingerprint({ADMINISTRATOR}), audit=AuditContext())
    assert set(User.objects.get(pk=admin.pk).groups.values_list("name", flat=True)) == {ADMINISTRATOR}


def test_an_administrators_own_page_offers_no_access_form(admin_client, admin):
    response = admin_client.get(f"/accounts/users/{admin.pk}/")
    assert response.status_code == 200 and response.context["access_form"] is None
    assert f"/accounts/users/{admin.pk}/access/" not in response.content.decode()


def test_a_change_made_meanwhile_by_another_administrator_answers_409_and_writes_nothing(admin_client, officer,
                                                                                          somalia):
    seen = scope_of(officer).fingerprint({FIELD_OFFICER})
    assign_perm("core.view_mission", officer, somalia)  # another administrator, meanwhile
    response = access_post(admin_client, officer, roles=[HQ_ANALYST], seen=seen)
    assert response.status_code == 409
    assert "changed by someone else" in response.content.decode()
    assert set(User.objects.get(pk=officer.pk).groups.values_list("name", flat=True)) == {FIELD_OFFICER}
    assert not events("user_access_change").exists()


def test_it_shows_why_access_without_a_role_is_refused(admin_client, officer):
    response = access_post(admin_client, officer, roles=[])
    assert response.status_code == 400
    assert "roles" in response.context["access_form"].errors


def test_a_grant_reaching_identity_waits_for_a_second_administrator(admin_client, officer, somalia):
    assign_perm("victims.view_identity", officer)
    response = access_post(admin_client, officer, roles=[FIELD_OFFICER], missions={somalia: "view"})
    assert response.status_code == 302
    assert not User.objects.get(pk=officer.pk).has_perm("core.view_mission", somalia)
    assert AccessRequest.objects.filter(user=officer, mission=somalia, status=AccessRequest.Status.PENDING).exists()


# --- disable and enable ------------------------------------------------------------------

def test_it_disables_and_enables_an_account_and_ends_its_sessions(admin_client, admin, officer):
    officer_client = Client()
    officer_client.force_login(officer)
    assert officer_client.get("/").status_code == 200
    assert admin_client.post(f"/accounts/users/{officer.pk}/active/", {"active": "0"}).status_code == 302
    assert not User.objects.get(pk=officer.pk).is_active
    assert officer_client.get("/").status_code == 302  # signed out
    assert attempt("officer", PASSWORD).status_code == 200  # the sign-in form again: refused
    assert events("user_disable", officer).get().actor == admin
    assert admin_client.post(f"/accounts/users/{officer.pk}/active/", {"active": "1"}).status_code == 302
    assert User.objects.get(pk=officer.pk).is_active
    assert events("user_enable", officer).get().actor == admin
    assert attempt("officer", PASSWORD).status_code == 302


def test_an_administrator_cannot_disable_themself(admin_client, admin):
    response = admin_client.post(f"/accounts/users/{admin.pk}/active/", {"active": "0"})
    assert response.status_code == 400
    assert "You cannot disable your own account." in response.content.decode()
    assert User.objects.get(pk=admin.pk).is_active
    assert not events("user_disable").exists()


# --- two-factor reset and unlock ---------------------------------------------------------

def test_reset_two_factor_removes_the_users_devices_and_is_audited(admin_client, admin, officer):
    TOTPDevice.objects.create(user=officer, name="Authenticator app", confirmed=True)
    StaticDevice.objects.create(user=officer, name="Backup codes", confirmed=True)
    response = admin_client.post(f"/accounts/users/{officer.pk}/two-factor-reset/")
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=officer).exists()
    assert not StaticDevice.objects.filter(user=officer).exists()
    reset = events("2fa_reset", officer).get()
    assert reset.actor == admin and reset.detail == {"devices_removed": 2}


def test_an_administrator_cannot_reset_their_own_two_factor(admin_client, admin):
    TOTPDevice.objects.create(user=admin, name="Authenticator app", confirmed=True)
    assert admin_client.post(f"/accounts/users/{admin.pk}/two-factor-reset/").status_code == 400
    assert TOTPDevice.objects.filter(user=admin).exists()


def test_unlock_lets_the_user_sign_in_again_after_a_lockout(admin_client, admin, officer):
    hammer("officer")
    assert attempt("officer", PASSWORD).status_code == 429
    page = admin_client.get(f"/accounts/users/{officer.pk}/")
    assert page.context["is_locked"] is True
    assert admin_client.post(f"/accounts/users/{officer.pk}/unlock/").status_code == 302
    assert events("lockout_reset", officer).get().actor == admin
    assert admin_client.get(f"/accounts/users/{officer.pk}/").context["is_locked"] is False
    assert attempt("officer", PASSWORD).status_code == 302


def test_it_sends_a_new_link_to_set_a_password(admin_client, admin, officer):
    officer.email = "officer@example.org"
    officer.save()
    assert admin_client.post(f"/accounts/users/{officer.pk}/password-link/").status_code == 302
    assert mail.outbox[0].to == ["officer@example.org"]
    assert events("password_reset_link_sent", officer).get().actor == admin


def test_it_says_why_no_link_can_be_sent_to_an_account_without_an_address(admin_client, officer):
    response = admin_client.post(f"/accounts/users/{officer.pk}/password-link/")
    assert response.status_code == 400 and "no e-mail address" in response.content.decode()
    assert not mail.outbox
