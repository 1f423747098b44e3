import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from core.audit import audit_context, audit_record
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
    assert "Audit chain intact: 5 events verified; no checkpoint" in out.getvalue()


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
    audit_record(action="login", audit=audit_context(request))
    assert AuditEvent.objects.get().ip_address == "2001:db8::1"
    call_command("verify_audit", stdout=io.StringIO())


# --- keyed chain, checkpoints outside the database, TRUNCATE refused ------------------------

def test_deleting_the_newest_events_is_named_against_the_latest_checkpoint():
    events = [audit_record(action="login", detail={"n": n}) for n in range(6)]
    call_command("audit_checkpoint", stdout=io.StringIO())
    _tamper("DELETE FROM core_auditevent WHERE id >= %s", [events[4].pk])  # the chain itself still links
    with pytest.raises(CommandError, match=f"recorded events up to {events[5].pk}, but the chain ends at "
                                           f"{events[3].pk}: the newest events were removed"):
        call_command("verify_audit")


def test_an_edited_event_with_every_later_hash_recomputed_is_caught():
    """Without the audit key, whoever writes the database can only re-chain with plain SHA-256 or a
    guessed key: either way the chain (or its checkpoint) says so."""
    import hashlib
    import hmac as hmac_module
    import json

    from core.audit import event_digest

    events = [audit_record(action="login", detail={"n": n}) for n in range(5)]
    call_command("audit_checkpoint", stdout=io.StringIO())
    previous = events[1].hash
    guessed_key = b"k" * 32
    for event in AuditEvent.objects.filter(pk__gte=events[2].pk).order_by("id"):
        if event.pk == events[2].pk:
            event.actor_username = "someone-else"
        event.previous_hash = previous
        payload = json.dumps({"previous": event.previous_hash, "at": event.created_at.isoformat(),
                              "actor": event.actor_id, "username": event.actor_username, "action": event.action,
                              "type": event.object_type, "id": event.object_id, "ip": event.ip_address,
                              "outcome": event.outcome, "detail": event.detail, "key": event.key_id},
                             sort_keys=True, default=str).encode()
        event.hash = hmac_module.new(guessed_key, b"sea-audit-event\x00" + payload, hashlib.sha256).hexdigest()
        _tamper("UPDATE core_auditevent SET actor_username = %s, previous_hash = %s, hash = %s WHERE id = %s",
                [event.actor_username, event.previous_hash, event.hash, event.pk])
        previous = event.hash
    assert event_digest(AuditEvent.objects.get(pk=events[2].pk)) != previous
    with pytest.raises(CommandError, match=f"broken at event {events[2].pk}: its content no longer matches"):
        call_command("verify_audit")


def test_a_chain_rewritten_with_the_key_does_not_match_its_checkpoint():
    """Even with the audit key (a stolen application server), history written before the last
    shipped checkpoint cannot be rewritten unnoticed."""
    from core.audit import event_digest

    events = [audit_record(action="login", detail={"n": n}) for n in range(4)]
    call_command("audit_checkpoint", stdout=io.StringIO())
    previous = events[0].hash
    for event in AuditEvent.objects.filter(pk__gte=events[1].pk).order_by("id"):
        if event.pk == events[1].pk:
            event.detail = {"n": "rewritten"}
        event.previous_hash = previous
        event.hash = event_digest(event)
        _tamper("UPDATE core_auditevent SET detail = %s, previous_hash = %s, hash = %s WHERE id = %s",
                [json_text(event.detail), event.previous_hash, event.hash, event.pk])
        previous = event.hash
    with pytest.raises(CommandError, match=f"event {events[3].pk} no longer has the hash the checkpoint"):
        call_command("verify_audit")


def json_text(value) -> str:
    import json

    return json.dumps(value)


def test_a_forged_checkpoint_line_is_refused(audit_checkpoint_file):
    import json

    for n in range(3):
        audit_record(action="login", detail={"n": n})
    call_command("audit_checkpoint", stdout=io.StringIO())
    line = json.loads(audit_checkpoint_file.read_text())
    line["last_id"] = 1
    audit_checkpoint_file.write_text(json.dumps(line) + "\n")
    with pytest.raises(CommandError, match="Checkpoint file not trusted: line 1"):
        call_command("verify_audit")


def test_checkpoints_are_appended_by_the_scheduled_task_and_logged(audit_checkpoint_file, caplog, settings):
    from core.tasks import write_audit_checkpoint

    assert settings.CELERY_BEAT_SCHEDULE["audit-checkpoint"]["task"] == "core.tasks.write_audit_checkpoint"
    audit_record(action="login")
    write_audit_checkpoint.delay()
    audit_record(action="logout")
    with caplog.at_level("INFO", logger="sea.audit.checkpoint"):
        write_audit_checkpoint.delay()
    assert len(audit_checkpoint_file.read_text().splitlines()) == 2
    assert any("audit checkpoint" in r.getMessage() and '"events": 2' in r.getMessage() for r in caplog.records)
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    assert "it extends the checkpoint of" in out.getvalue()


def test_events_are_hmac_chained_under_the_audit_key_not_plain_sha256(settings):
    import hashlib
    import json

    event = audit_record(action="login")
    assert event.key_id == settings.SEA_AUDIT_KEYS.split(":")[0]
    plain = hashlib.sha256(json.dumps({
        "previous": event.previous_hash, "at": event.created_at.isoformat(), "actor": None, "username": "",
        "action": "login", "type": "", "id": "", "ip": None, "outcome": "success", "detail": {},
        "key": event.key_id}, sort_keys=True).encode()).hexdigest()
    assert event.hash != plain
    settings.SEA_AUDIT_KEYS = settings.SEA_AUDIT_KEYS.split(",", 1)[1]  # the key that signed it is gone
    with pytest.raises(CommandError, match=f"its audit key '{event.key_id}' is not configured"):
        call_command("verify_audit")


def test_an_unkeyed_event_after_keyed_ones_is_a_break():
    first = audit_record(action="login")
    second = audit_record(action="logout")
    _tamper("UPDATE core_auditevent SET key_id = '' WHERE id = %s", [second.pk])
    with pytest.raises(CommandError, match=f"broken at event {second.pk}"):
        call_command("verify_audit")
    assert first.key_id


def test_the_database_refuses_to_truncate_the_audit_trail(postgres):
    audit_record(action="login")
    with pytest.raises(DatabaseError, match="append-only: TRUNCATE refused"), transaction.atomic(), \
            connection.cursor() as cursor:
        # The test database lets Django's flush through (tests/conftest.py); production's does not.
        cursor.execute("ALTER TABLE core_auditevent ENABLE TRIGGER core_auditevent_no_truncate")
        cursor.execute("TRUNCATE core_auditevent")
    assert AuditEvent.objects.count() == 1


def test_the_documented_application_role_can_only_insert_into_the_trail(postgres):
    """ops/sql/app_role.sql, run as the owner: the application's role cannot change history even
    with the triggers off, because it may not turn them off."""
    from pathlib import Path

    sql = Path(__file__).resolve().parents[2].joinpath("ops", "sql", "app_role.sql").read_text()
    event = audit_record(action="login")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("CREATE ROLE sea_app_test NOLOGIN")
        cursor.execute(sql.replace(':"app_role"', "sea_app_test"))
        cursor.execute("SET LOCAL ROLE sea_app_test")
        cursor.execute("INSERT INTO core_auditevent (created_at, actor_username, action, object_type, object_id, "
                       "outcome, detail, previous_hash, hash, key_id) VALUES (now(), '', 'x', '', '', 'success', "
                       "'{}', 'p', 'h-role-test', '')")
        for statement in (f"UPDATE core_auditevent SET action = 'y' WHERE id = {event.pk}",
                          f"DELETE FROM core_auditevent WHERE id = {event.pk}",
                          "TRUNCATE core_auditevent",
                          "ALTER TABLE core_auditevent DISABLE TRIGGER core_auditevent_append_only"):
            with pytest.raises(DatabaseError, match="permission denied|must be owner"), transaction.atomic():
                cursor.execute(statement)
        transaction.set_rollback(True)  # the role and its grants go with the test
    assert AuditEvent.objects.get(pk=event.pk).action == "login"
