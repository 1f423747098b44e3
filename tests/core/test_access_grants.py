"""No single administrator obtains or hands out access to victims' identity (core.access and the admin)."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.test import Client
from guardian.shortcuts import get_perms

from core.access import AccessChangeRefused, access_grant, access_request_decide
from core.models import AccessRequest, AuditEvent, OutboundEmail
from core.roles import ADMINISTRATOR, FIELD_OFFICER, VICTIMS_RIGHTS_ADVOCATE, ensure_roles
from tests.factories import make_user

pytestmark = pytest.mark.django_db
User = get_user_model()


def make_admin(username: str):
    admin = make_user(username, ADMINISTRATOR)
    admin.is_staff = True
    admin.email = f"{username}@office.example.org"
    admin.save()
    return User.objects.get(pk=admin.pk)


@pytest.fixture
def admin():
    return make_admin("admin1")


@pytest.fixture
def second_admin():
    return make_admin("admin2")


@pytest.fixture
def third_admin():
    return make_admin("admin3")


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def user_form(user, **changes) -> dict:
    """The admin's change form for `user` as it stands, with `changes` applied."""
    data = {
        "username": user.username, "first_name": user.first_name, "last_name": user.last_name,
        "email": user.email, "is_active": "on" if user.is_active else "", "is_staff": "on" if user.is_staff else "",
        "groups": [g.pk for g in user.groups.all()],
        "last_login_0": "", "last_login_1": "", "date_joined_0": "2026-01-01", "date_joined_1": "00:00:00",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v != ""}


def advocates() -> Group:
    return ensure_roles()[VICTIMS_RIGHTS_ADVOCATE]


def fresh(user):
    return User.objects.get(pk=user.pk)


def test_it_refuses_an_administrator_adding_themselves_to_a_role_that_reveals_identity(admin):
    response = signed_in(admin).post(f"/admin/auth/user/{admin.pk}/change/",
                                     user_form(admin, groups=[g.pk for g in admin.groups.all()] + [advocates().pk]))
    assert response.status_code == 302
    assert not fresh(admin).groups.filter(name=VICTIMS_RIGHTS_ADVOCATE).exists()
    assert not fresh(admin).has_perm("victims.view_identity")
    assert not AccessRequest.objects.exists()


def test_it_refuses_an_administrator_granting_themselves_operation_scope_on_guardians_page(admin, car):
    response = signed_in(admin).post(f"/admin/core/mission/{car.pk}/permissions/user-manage/{admin.pk}/",
                                     {"permissions": ["view_mission"]})
    assert response.status_code == 200
    assert "Nobody changes their own operation scope" in response.content.decode()
    assert get_perms(fresh(admin), car) == []


def test_a_role_carrying_identity_waits_for_a_second_administrator_who_is_not_the_asker(
        admin, second_admin, car):
    officer = make_user("newcomer", FIELD_OFFICER, change=[car])
    response = signed_in(admin).post(f"/admin/auth/user/{officer.pk}/change/",
                                     user_form(officer, groups=[ensure_roles()[FIELD_OFFICER].pk, advocates().pk]),
                                     follow=True)
    assert "waits for a second administrator" in response.content.decode()
    assert not fresh(officer).has_perm("victims.view_identity")
    request = AccessRequest.objects.get(user=officer, status=AccessRequest.Status.PENDING)
    assert AuditEvent.objects.filter(action="access_requested", actor=admin, object_id=str(officer.pk)).exists()

    with pytest.raises(AccessChangeRefused):
        access_request_decide(actor=admin, access_request=request, approve=True)
    with pytest.raises(AccessChangeRefused):
        access_request_decide(actor=fresh(officer), access_request=request, approve=True)
    assert not fresh(officer).has_perm("victims.view_identity")

    signed_in(second_admin).post("/admin/core/accessrequest/", {"action": "approve", "_selected_action": [request.pk]})
    assert fresh(officer).has_perm("victims.view_identity")
    granted = AuditEvent.objects.get(action="access_granted", object_id=str(officer.pk))
    assert granted.actor == second_admin and granted.detail["requested_by"] == "admin1"
    assert granted.detail["role"] == VICTIMS_RIGHTS_ADVOCATE


def test_the_person_concerned_cannot_approve_access_asked_for_them(admin, second_admin):
    request = access_grant(actor=admin, user=second_admin, kind=AccessRequest.Kind.ROLE, group=advocates())
    with pytest.raises(AccessChangeRefused):
        access_request_decide(actor=second_admin, access_request=request, approve=True)
    assert not fresh(second_admin).has_perm("victims.view_identity")


def test_a_role_without_identity_is_applied_at_once_and_audited(admin, car):
    clerk = make_user("clerk", ADMINISTRATOR)
    signed_in(admin).post(f"/admin/auth/user/{clerk.pk}/change/",
                          user_form(clerk, groups=[ensure_roles()[FIELD_OFFICER].pk]))
    assert set(fresh(clerk).groups.values_list("name", flat=True)) == {FIELD_OFFICER}
    assert AuditEvent.objects.filter(action="access_granted", detail__role=FIELD_OFFICER).exists()
    assert AuditEvent.objects.filter(action="access_revoked", detail__role=ADMINISTRATOR).exists()


def test_operation_scope_for_an_identity_holder_waits_for_approval_and_removal_is_audited(
        admin, second_admin, car, somalia):
    advocate = make_user("vra", VICTIMS_RIGHTS_ADVOCATE, change=[car])
    page = f"/admin/core/mission/{somalia.pk}/permissions/user-manage/{advocate.pk}/"
    signed_in(admin).post(page, {"permissions": ["view_mission"]})
    assert get_perms(fresh(advocate), somalia) == []
    request = AccessRequest.objects.get(user=advocate, mission=somalia, permission="core.view_mission")
    access_request_decide(actor=second_admin, access_request=request, approve=True)
    assert get_perms(fresh(advocate), somalia) == ["view_mission"]

    signed_in(admin).post(page, {"_save": "Save"})  # nothing selected: every permission removed
    assert get_perms(fresh(advocate), somalia) == []
    assert AuditEvent.objects.filter(action="access_revoked", detail__mission="Somalia", actor=admin).exists()


def test_operation_scope_for_someone_without_identity_access_is_applied_and_audited(admin, car):
    officer = make_user("plain", FIELD_OFFICER)
    signed_in(admin).post(f"/admin/core/mission/{car.pk}/permissions/user-manage/{officer.pk}/",
                          {"permissions": ["view_mission", "change_mission"]})
    assert sorted(get_perms(fresh(officer), car)) == ["change_mission", "view_mission"]
    assert AuditEvent.objects.filter(action="access_granted", detail__mission=car.name).count() == 2


def test_guardians_group_permission_page_is_closed(admin, car):
    group = ensure_roles()[VICTIMS_RIGHTS_ADVOCATE]
    response = signed_in(admin).post(f"/admin/core/mission/{car.pk}/permissions/group-manage/{group.pk}/",
                                     {"permissions": ["view_mission"]})
    assert response.status_code == 403
    assert get_perms(group, car) == []


def test_identity_permission_itself_is_an_access_request(admin, second_admin, car):
    officer = make_user("officer2", FIELD_OFFICER, change=[car])
    signed_in(admin).post("/admin/core/accessrequest/add/", {
        "user": officer.pk, "kind": "permission", "permission": "victims.view_identity", "reason": "Approver"})
    request = AccessRequest.objects.get(user=officer)
    assert request.status == AccessRequest.Status.PENDING and not fresh(officer).has_perm("victims.view_identity")
    signed_in(second_admin).post("/admin/core/accessrequest/", {"action": "approve", "_selected_action": [request.pk]})
    assert fresh(officer).has_perm("victims.view_identity")


def test_an_administrator_cannot_ask_for_access_for_themselves(admin):
    response = signed_in(admin).post("/admin/core/accessrequest/add/", {
        "user": admin.pk, "kind": "role", "group": advocates().pk, "reason": "please"})
    assert response.status_code == 200 and "Nobody changes their own" in response.content.decode()
    assert not AccessRequest.objects.exists()


def test_an_administrator_never_sets_another_users_password(admin, car):
    holder = make_user("holder", VICTIMS_RIGHTS_ADVOCATE, change=[car])
    client = signed_in(admin)
    assert client.get(f"/admin/auth/user/{holder.pk}/password/").status_code == 403
    response = client.post(f"/admin/auth/user/{holder.pk}/password/",
                           {"password1": "attacker-chosen-1", "password2": "attacker-chosen-1"})
    assert response.status_code == 403
    assert fresh(holder).check_password("correct horse battery")
    assert not fresh(holder).check_password("attacker-chosen-1")


def test_the_one_time_reset_link_goes_to_the_user_only_works_once_and_is_audited(admin, car):
    holder = make_user("holder", VICTIMS_RIGHTS_ADVOCATE, change=[car])
    holder.email = "holder@office.example.org"
    holder.save()
    signed_in(admin).post("/admin/auth/user/", {"action": "send_password_reset_link", "_selected_action": [holder.pk]})
    assert [m.to for m in mail.outbox] == [["holder@office.example.org"]]
    link = re.search(r"http\S+/accounts/reset/\S+/", mail.outbox[0].body).group(0)
    path = link.split("127.0.0.1:8000", 1)[-1] if "127.0.0.1:8000" in link else "/" + link.split("/", 3)[3]
    assert not OutboundEmail.objects.exists()  # the secret link is stored nowhere
    assert AuditEvent.objects.filter(action="password_reset_link_sent", actor=admin,
                                     object_id=str(holder.pk)).exists()

    visitor = Client()
    form_page = visitor.get(path, follow=True)
    assert "new_password1" in form_page.content.decode()
    visitor.post(form_page.redirect_chain[-1][0], {"new_password1": "my own secret 2026",
                                                  "new_password2": "my own secret 2026"})
    assert fresh(holder).check_password("my own secret 2026")
    assert AuditEvent.objects.filter(action="password_reset_done", object_id=str(holder.pk)).exists()

    again = Client().get(path, follow=True)
    assert "already been used or has expired" in again.content.decode()


def test_a_new_account_has_no_password_and_its_owner_gets_the_link(admin):
    signed_in(admin).post("/admin/auth/user/add/", {"username": "fresh.officer", "first_name": "Fresh",
                                                   "last_name": "Officer", "email": "fresh@office.example.org"})
    created = User.objects.get(username="fresh.officer")
    assert not created.has_usable_password()
    assert mail.outbox[0].to == ["fresh@office.example.org"]
    assert AuditEvent.objects.filter(action="user_create", object_id=str(created.pk)).exists()


def test_an_identity_holders_address_changes_only_with_a_second_administrator(admin, second_admin, car):
    holder = make_user("holder", VICTIMS_RIGHTS_ADVOCATE, change=[car])
    holder.email = "holder@office.example.org"
    holder.save()
    signed_in(admin).post(f"/admin/auth/user/{holder.pk}/change/", user_form(holder, email="admin1@evil.example"))
    assert fresh(holder).email == "holder@office.example.org"

    request = access_grant(actor=admin, user=holder, kind=AccessRequest.Kind.EMAIL, email="holder@new.example.org")
    assert fresh(holder).email == "holder@office.example.org"
    access_request_decide(actor=second_admin, access_request=request, approve=True)
    assert fresh(holder).email == "holder@new.example.org"


def test_account_state_changes_are_audited_with_the_fields(admin, car):
    officer = make_user("leaver", FIELD_OFFICER, change=[car])
    signed_in(admin).post(f"/admin/auth/user/{officer.pk}/change/", user_form(officer, is_active=""))
    assert not fresh(officer).is_active
    event = AuditEvent.objects.get(action="user_change", object_id=str(officer.pk))
    assert "is_active" in event.detail["fields"]


def test_the_first_administrators_come_from_the_command_line_without_password_or_superuser():
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("create_administrator", "first.admin", email="first@office.example.org", stdout=out)
    created = User.objects.get(username="first.admin")
    assert not created.is_superuser and not created.has_usable_password() and created.is_staff
    assert created.groups.filter(name=ADMINISTRATOR).exists()
    link = re.search(r"/accounts/reset/\S+/", out.getvalue()).group(0)
    assert "new_password1" in Client().get(link, follow=True).content.decode()
    assert AuditEvent.objects.filter(action="user_create", object_id=str(created.pk)).exists()
