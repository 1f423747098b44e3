"""Approvals both ways: approve and send, or return with a comment; the drafter edits or withdraws."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from core.errors import NotPermitted
from core.locking import StaleEditError
from core.models import AuditEvent
from referrals.models import Referral, ReferralStatus
from referrals.services import referral_draft, referral_edit, referral_return, referral_withdraw
from referrals.work import work_items
from tests.factories import AllegationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(officer, credible, france):
    return referral_draft(actor=officer, allegation=credible, member_state=france)


def items(user) -> dict:
    return {item.key: item for item in work_items(user)}


def test_it_returns_a_draft_to_its_drafter_with_a_comment(chief, officer, draft):
    returned = referral_return(actor=chief, referral=draft, expected_version=1, comment="Send it in French.")
    assert (returned.returned_by, returned.return_comment, returned.version) == (chief, "Send it in French.", 2)
    assert list(Referral.objects.returned()) == [returned] and not Referral.objects.awaiting_approval().exists()
    assert AuditEvent.objects.filter(action="referral_return", object_id=str(draft.pk)).exists()
    assert "referrals_returned" in items(officer) and "referrals_awaiting_approval" not in items(chief)


def test_it_refuses_a_return_without_comment_or_by_a_colleague_without_the_right(chief, teammate, draft):
    with pytest.raises(ValidationError):
        referral_return(actor=chief, referral=draft, expected_version=1, comment="  ")
    with pytest.raises(NotPermitted):
        referral_return(actor=teammate, referral=draft, expected_version=1, comment="No.")
    assert AuditEvent.objects.filter(action="access_denied", actor=teammate, outcome=AuditEvent.Outcome.DENIED).exists()
    assert Referral.objects.get().returned_at is None


def test_it_refuses_a_stale_return_with_409(chief, draft):
    with pytest.raises(StaleEditError):
        referral_return(actor=chief, referral=draft, expected_version=7, comment="Late.")


def test_it_edits_a_returned_draft_back_into_the_approval_queue(chief, officer, draft, france):
    referral_return(actor=chief, referral=draft, expected_version=1, comment="French please.")
    edited = referral_edit(actor=officer, referral=draft, expected_version=2, member_state=france, language="fr")
    assert (edited.language, edited.returned_at, edited.return_comment, edited.version) == ("fr", None, "", 3)
    assert AuditEvent.objects.filter(action="referral_edit", object_id=str(draft.pk)).exists()
    assert items(chief)["referrals_awaiting_approval"].count == 1
    with pytest.raises(StaleEditError):
        referral_edit(actor=officer, referral=draft, expected_version=2, member_state=france, language="en")


def test_it_withdraws_a_draft_out_of_every_queue(chief, officer, draft):
    withdrawn = referral_withdraw(actor=officer, referral=draft, expected_version=1, reason="Duplicate.")
    assert withdrawn.status == ReferralStatus.WITHDRAWN
    assert AuditEvent.objects.filter(action="referral_withdraw", object_id=str(draft.pk)).exists()
    assert "referrals_awaiting_approval" not in items(chief)
    with pytest.raises(ValidationError):
        referral_edit(actor=officer, referral=draft, expected_version=2, member_state=draft.member_state)


def test_the_approver_sees_the_waiting_draft_but_not_their_own(chief, officer, draft, credible, france):
    referral_draft(actor=chief, allegation=credible, member_state=france)
    item = items(chief)["referrals_awaiting_approval"]
    assert item.count == 1 and item.entries[0].url == f"/referrals/{draft.pk}/"


@pytest.mark.parametrize("n", [10, 50])
def test_the_work_items_take_a_constant_number_of_queries(n, officer, chief, analyst, car, sangaris, france,
                                                          django_assert_max_num_queries):
    for i in range(n):
        allegation = AllegationFactory(mission=car, credibility="credible")
        referral = Referral.objects.create(allegation=allegation, member_state=france, drafted_by=officer)
        if i % 2:
            Referral.objects.filter(pk=referral.pk).update(
                status=ReferralStatus.SENT, sent_on=datetime.date(2026, 1, 1), response_due=datetime.date(2026, 1, 20))
    for user in (chief, officer, analyst):
        with django_assert_max_num_queries(8):
            work_items(user)
    assert items(analyst)["referrals_overdue_by_state"].count == n // 2
    assert items(officer)["referral_answers_due"].count == n // 2
    assert items(chief)["referrals_awaiting_approval"].count == n - n // 2


def test_the_page_offers_return_to_the_approver_and_edit_withdraw_to_the_drafter(client, chief, officer, draft):
    client.force_login(chief)
    page = client.get(f"/referrals/{draft.pk}/").content.decode()
    assert "Approve and send" in page and "Return to the drafter" in page
    response = client.post(f"/referrals/{draft.pk}/return/", {"version": 1, "comment": ""})
    assert response.status_code == 400
    response = client.post(f"/referrals/{draft.pk}/return/", {"version": 9, "comment": "Kept text"})
    assert response.status_code == 409 and "Kept text" in response.content.decode()
    assert client.post(f"/referrals/{draft.pk}/return/", {"version": 1, "comment": "Fix the language"}).status_code == 302
    client.force_login(officer)
    page = client.get(f"/referrals/{draft.pk}/").content.decode()
    assert "Fix the language" in page and "Edit the draft" in page and "Withdraw" in page
    assert client.get(f"/referrals/{draft.pk}/edit/").status_code == 200
    assert client.post(f"/referrals/{draft.pk}/withdraw/", {"version": 2}).status_code == 302
    assert Referral.objects.get().status == ReferralStatus.WITHDRAWN
