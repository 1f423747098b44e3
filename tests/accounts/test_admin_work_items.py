"""The administrator's home items: locked accounts, active accounts without two-factor, and the
audit chain's last verification; a constant number of queries whatever the number of accounts."""

import datetime
import io

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.work import work_items
from core.audit import audit_record
from core.models import AuditEvent
from core.roles import ADMINISTRATOR, FIELD_OFFICER
from tests.accounts.test_lockout import hammer
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(db):
    return make_user("admin1", ADMINISTRATOR)


def items_of(user) -> dict:
    return {item.key: item for item in work_items(user)}


def enrol(user) -> None:
    TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


def test_it_counts_locked_accounts_and_links_to_the_filtered_list(admin, officer, teammate):
    hammer("officer")
    hammer("nobody-at-all")  # a user name without an account is no account to unlock
    item = items_of(admin)["accounts_locked"]
    assert item.count == 1 and item.url == "/accounts/users/?locked=on"
    assert [(e.text, e.url) for e in item.entries] == [("officer (officer)", f"/accounts/users/{officer.pk}/")]


def test_it_counts_active_accounts_without_a_confirmed_second_factor(admin, officer, teammate, outsider):
    enrol(admin)
    enrol(officer)
    TOTPDevice.objects.create(user=teammate, name="Authenticator app", confirmed=False)  # enrolment not finished
    outsider.is_active = False
    outsider.save()
    item = items_of(admin)["accounts_without_two_factor"]
    assert item.count == 1 and [e.text for e in item.entries] == ["teammate (teammate)"]
    assert item.url == "/accounts/users/?without_two_factor=on"


def test_it_leaves_out_an_item_with_nothing_to_do(admin):
    enrol(admin)
    assert set(items_of(admin)) == {"audit_chain"}


def test_it_says_the_audit_chain_was_never_verified_and_that_it_is_urgent(admin):
    item = items_of(admin)["audit_chain"]
    assert item.label.startswith("Audit chain never verified") and item.urgent and item.count == 1
    assert item.url == "/audit/?action=audit_chain_verified"


def test_it_tells_when_the_chain_was_last_verified_and_turns_urgent_after_seven_days(admin):
    audit_record(action="login")
    call_command("verify_audit", stdout=io.StringIO())
    event = AuditEvent.objects.get(action="audit_chain_verified")
    assert event.outcome == AuditEvent.Outcome.SUCCESS and event.detail == {"events": 1}
    item = items_of(admin)["audit_chain"]
    assert item.label == "Audit chain verified today" and not item.urgent and item.count == 0
    with time_machine.travel(timezone.now() + datetime.timedelta(days=3)):
        item = items_of(admin)["audit_chain"]
        assert item.label == "Audit chain verified 3 days ago" and not item.urgent
    with time_machine.travel(timezone.now() + datetime.timedelta(days=8)):
        assert items_of(admin)["audit_chain"].urgent


def test_a_failed_verification_is_recorded_and_urgent(admin):
    from tests.core.test_audit_trail import _tamper

    events = [audit_record(action="login", detail={"n": n}) for n in range(3)]
    _tamper("UPDATE core_auditevent SET actor_username = 'someone-else' WHERE id = %s", [events[1].pk])
    with pytest.raises(CommandError):
        call_command("verify_audit")
    recorded = AuditEvent.objects.get(action="audit_chain_verified")
    assert recorded.outcome == AuditEvent.Outcome.FAILURE and "broken at event" in recorded.detail["reason"]
    item = items_of(admin)["audit_chain"]
    assert item.label == "Audit chain verification failed today" and item.urgent


def test_it_gives_nothing_to_anyone_but_an_administrator(officer):
    hammer("officer")
    assert work_items(officer) == []


def test_it_costs_the_same_queries_for_10_and_50_accounts(admin, car, django_assert_max_num_queries):
    call_command("verify_audit", stdout=io.StringIO())

    def add(start, stop):
        for i in range(start, stop):
            user = make_user(f"person{i:03d}", FIELD_OFFICER, change=[car])
            if i % 3 == 0:
                hammer(user.username, 5)

    def items_within_bound():
        # At most: the administrator's permissions (2, once per user object), the first entries and
        # the count of each account item (4), the last verification (1).
        fresh = type(admin).objects.get(pk=admin.pk)
        with django_assert_max_num_queries(7):
            return items_of(fresh)

    add(0, 10)
    items = items_within_bound()
    assert items["accounts_locked"].count == 4 and items["accounts_without_two_factor"].count == 11
    add(10, 50)
    items = items_within_bound()
    assert items["accounts_locked"].count == 17 and items["accounts_without_two_factor"].count == 51
