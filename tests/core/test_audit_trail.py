import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from core.audit import audit_record
from core.models import AuditEvent
from tests.factories import AllegationFactory, make_victim

pytestmark = pytest.mark.django_db


def actions() -> list[str]:
    return list(AuditEvent.objects.order_by("id").values_list("action", flat=True))


def test_each_audited_action_writes_exactly_one_event(client, officer, outsider, car, settings):
    from guardian.shortcuts import assign_perm

    assign_perm("victims.view_identity", officer)
    allegation = AllegationFactory(mission=car)
    victim = make_victim(officer, allegation)
    assert actions() == ["victim_create"]

    client.post("/accounts/login/", {"username": "officer", "password": "wrong"})
    assert actions()[-1] == "login_failed"
    client.post("/accounts/login/", {"username": "officer", "password": "correct horse battery"})
    assert actions()[-1] == "login"
    client.post(f"/victims/{victim.pk}/reveal/")
    assert actions()[-1] == "identity_reveal"
    client.post(f"/victims/{victim.pk}/edit/", {"version": 1, "sex": "female", "full_name": "Changed", "age_at_incident": 20})
    assert actions()[-1] == "victim_update"
    client.post("/accounts/logout/")
    assert actions()[-1] == "logout"
    client.force_login(outsider)
    client.get(f"/victims/{victim.pk}/")
    assert actions()[-1] == "access_denied"
    assert actions() == [
        "victim_create", "login_failed", "login", "identity_reveal", "victim_update", "logout",
        "login", "access_denied",
    ]


def test_the_database_refuses_to_update_or_delete_audit_events(postgres):
    event = audit_record(action="login")
    for statement in ("UPDATE core_auditevent SET action = 'x' WHERE id = %s", "DELETE FROM core_auditevent WHERE id = %s"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).action == "login"


def _tamper(sql: str, params: list) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE core_auditevent DISABLE TRIGGER core_auditevent_append_only")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE core_auditevent ENABLE TRIGGER core_auditevent_append_only")


def test_verify_audit_passes_an_untouched_chain():
    for n in range(5):
        audit_record(action="login", detail={"n": n})
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    assert "Audit chain intact: 5 events verified." in out.getvalue()


def test_verify_audit_names_an_edited_event():
    events = [audit_record(action="login", detail={"n": n}) for n in range(5)]
    _tamper("UPDATE core_auditevent SET actor_username = 'someone-else' WHERE id = %s", [events[2].pk])
    with pytest.raises(CommandError, match=f"broken at event {events[2].pk}: its content no longer matches"):
        call_command("verify_audit")


def test_verify_audit_notices_a_removed_event():
    events = [audit_record(action="login", detail={"n": n}) for n in range(5)]
    _tamper("DELETE FROM core_auditevent WHERE id = %s", [events[1].pk])
    with pytest.raises(CommandError, match=f"broken at event {events[2].pk}: its link"):
        call_command("verify_audit")


def test_events_survive_the_deletion_of_their_user(officer):
    event = audit_record(action="login", actor=officer)
    officer.delete()
    kept = AuditEvent.objects.get(pk=event.pk)
    assert kept.actor_username == "officer"
    call_command("verify_audit", stdout=io.StringIO())


def test_the_audit_page_filters_by_user_action_and_date(client, django_user_model, officer, outsider):
    from core.roles import ADMINISTRATOR
    from tests.factories import make_user

    admin = make_user("auditor", ADMINISTRATOR)
    audit_record(action="login", actor=officer)
    audit_record(action="identity_reveal", actor=officer)
    audit_record(action="login", actor=outsider)
    client.force_login(admin)
    page = client.get("/audit/", {"user": "officer", "action": "login"}).context["page"]
    assert [(e.actor_username, e.action) for e in page.object_list] == [("officer", "login")]
    assert client.get("/audit/", {"since": "2999-01-01"}).context["page"].paginator.count == 0


def test_the_audit_page_is_not_found_for_other_roles(client, officer):
    client.force_login(officer)
    assert client.get("/audit/").status_code == 404


def test_a_non_canonical_ipv6_address_does_not_break_the_chain(rf):
    request = rf.get("/", REMOTE_ADDR="2001:DB8:0:0:0:0:0:1")
    audit_record(action="login", request=request)
    assert AuditEvent.objects.get().ip_address == "2001:db8::1"
    call_command("verify_audit", stdout=io.StringIO())
