import datetime

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError

from core.errors import NotPermitted
from core.models import AuditEvent, OutboundEmail
from referrals.models import Referral, ReferralStatus
from referrals.services import (
    referral_approve,
    referral_draft,
    referral_close,
    render_notification,
)
from tests.factories import AllegationFactory, MemberStateFactory, make_victim, record_step
from victims.services import consent_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent_referral(officer, chief, credible, france, approve):
    def send(on="2026-03-02"):
        with time_machine.travel(f"{on} 09:00", tick=False):
            referral = referral_draft(actor=officer, allegation=credible, member_state=france)
            approve(chief, referral)
        return Referral.objects.get(pk=referral.pk)

    return send


def test_it_drafts_to_the_focal_points_and_sends_after_a_second_persons_approval(officer, chief, credible, france,
                                                                                   approve):
    referral = referral_draft(actor=officer, allegation=credible, member_state=france)
    assert referral.status == ReferralStatus.DRAFT
    assert [fp.email for fp in referral.focal_points.all()] == ["sea-focal@defense.example.fr"]
    assert mail.outbox == []
    approve(chief, referral)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SENT and referral.approved_by == chief
    assert [m.to for m in mail.outbox] == [["sea-focal@defense.example.fr"]]
    assert credible.reference in mail.outbox[0].subject
    assert OutboundEmail.objects.get().related_id == str(referral.pk)
    actions = list(AuditEvent.objects.filter(object_id=str(referral.pk)).order_by("id").values_list("action", flat=True))
    assert actions == ["referral_draft", "referral_approve", "referral_sent"]


def test_the_drafter_cannot_approve_their_own_referral(officer, credible, france):
    from guardian.shortcuts import assign_perm

    assign_perm("referrals.approve_referral", officer)
    officer = type(officer).objects.get(pk=officer.pk)
    referral = referral_draft(actor=officer, allegation=credible, member_state=france)
    with pytest.raises(ValidationError, match="someone other than the person who drafted it"):
        referral_approve(actor=officer, referral=referral, expected_version=1)
    assert Referral.objects.get().status == ReferralStatus.DRAFT


def test_a_colleague_without_the_approval_right_cannot_approve(officer, teammate, credible, france):
    referral = referral_draft(actor=officer, allegation=credible, member_state=france)
    with pytest.raises(NotPermitted, match="do not have the right"):
        referral_approve(actor=teammate, referral=referral, expected_version=1)


def test_only_credible_allegations_can_be_referred(officer, car, france):
    allegation = AllegationFactory(mission=car, credibility="pending")
    with pytest.raises(ValidationError, match="Only allegations assessed as credible"):
        referral_draft(actor=officer, allegation=allegation, member_state=france)


def test_a_recipient_without_focal_points_is_refused(officer, credible):
    nowhere = MemberStateFactory(iso3="XXA", iso2="XA", name="Nowhere")
    with pytest.raises(ValidationError, match="has no active focal point"):
        referral_draft(actor=officer, allegation=credible, member_state=nowhere)


@pytest.mark.parametrize("sent,due", [
    ("2026-03-02", datetime.date(2026, 3, 16)),  # Monday: two full weeks
    ("2026-03-06", datetime.date(2026, 3, 20)),  # Friday: the weekends are skipped
])
def test_the_answer_is_due_ten_working_days_after_sending(officer, chief, credible, france, sent, due, sent_referral):
    assert sent_referral(on=sent).response_due == due


def test_holidays_push_the_answer_deadline(officer, chief, credible, france, settings, sent_referral):
    settings.SEA_HOLIDAYS = ["2026-03-09", "2026-03-10"]
    assert sent_referral(on="2026-03-02").response_due == datetime.date(2026, 3, 18)


def test_the_investigation_is_due_in_90_days_with_children_else_180(officer, chief, credible, france, sent_referral):
    adult_case = sent_referral(on="2026-03-02")
    assert adult_case.investigation_due == datetime.date(2026, 8, 29)
    make_victim(officer, credible, age_at_incident=15)
    credible.refresh_from_db()
    child_case = sent_referral(on="2026-03-02")
    assert child_case.investigation_due == datetime.date(2026, 5, 31)


def test_identity_appears_only_with_consent_to_share_it(officer, credible, france):
    victim = make_victim(officer, credible, full_name="Canary Marguerite", age_at_incident=22)
    referral = referral_draft(actor=officer, allegation=credible, member_state=france)
    notice = render_notification(referral)
    assert "Canary Marguerite" not in notice.text + notice.html
    assert victim.code in notice.text and "identity withheld" in notice.text
    consent_record(actor=officer, victim=victim, scope="share_identity_with_member_state", decision="given",
                   given_by="victim")
    notice = render_notification(referral)
    assert "Canary Marguerite" in notice.text and "Canary Marguerite" in notice.html and notice.shares_identity
    consent_record(actor=officer, victim=victim, scope="share_identity_with_member_state", decision="withdrawn",
                   given_by="victim")
    notice = render_notification(referral)
    assert "Canary Marguerite" not in notice.text + notice.html + notice.subject


def test_the_notice_can_be_written_in_french_with_french_dates(officer, credible, france):
    referral = referral_draft(actor=officer, allegation=credible, member_state=france, language="fr")
    notice = render_notification(referral)
    assert "Date de réception: 2 mai 2016" in notice.text and "2 mai 2016" in notice.html
    assert "Date received" not in notice.text + notice.html


def test_the_english_notice_writes_dates_day_first_in_words(officer, credible, france):
    notice = render_notification(referral_draft(actor=officer, allegation=credible, member_state=france))
    assert "Date received: 2 May 2016" in notice.text  # never 05/02/2016, which Paris and New York read apart


def test_recording_answers_validates_dates(officer, chief, credible, france, sent_referral):
    referral = sent_referral(on="2026-03-02")
    with pytest.raises(ValidationError) as error:
        record_step(officer, referral, "will_investigate", "2026-02-01")
    assert "before the referral was sent" in str(error.value)
    with pytest.raises(ValidationError, match="Give the date of this step"):
        record_step(officer, referral, "will_investigate", None)
    record_step(officer, referral, "will_investigate", "2026-03-10")
    record_step(officer, referral, "officer_appointed", "2026-03-10", officer_name="Col. X")
    record_step(officer, referral, "findings", "2026-06-01", result="substantiated")
    referral.refresh_from_db()
    referral = referral_close(actor=officer, referral=referral, expected_version=referral.version,
                              accountability_measures="Dismissed")
    assert (referral.status, referral.outcome, referral.investigation_officer, referral.closed_on is not None) == (
        "closed", "substantiated", "Col. X", True)


def test_an_smtp_failure_leaves_the_referral_approved_for_a_later_send(officer, chief, credible, france, settings):
    from referrals.services import referral_send

    referral = referral_draft(actor=officer, allegation=credible, member_state=france)
    referral_approve(actor=chief, referral=referral, expected_version=1)  # sending is queued on commit
    settings.EMAIL_BACKEND = "tests.victims.test_weekly_digest.FailingBackend"
    with pytest.raises(OSError):
        referral_send(referral_id=referral.pk)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.APPROVED and not OutboundEmail.objects.exists()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert referral_send(referral_id=referral.pk) is True
    assert Referral.objects.get().status == ReferralStatus.SENT and len(mail.outbox) == 1


def test_a_childs_identity_needs_a_guardians_consent(officer, credible, france):
    child = make_victim(officer, credible, full_name="Canary Child", age_at_incident=15)
    consent_record(actor=officer, victim=child, scope="share_identity_with_member_state", decision="given",
                   given_by="guardian", guardian_relationship="mother")
    referral = referral_draft(actor=officer, allegation=credible, member_state=france)
    assert "Canary Child" in render_notification(referral).text
    unknown_age = make_victim(officer, credible, full_name="Canary Unknown")
    from victims.models import Consent

    Consent.objects.create(victim=unknown_age, scope="share_identity_with_member_state", decision="given",
                           given_by="victim")  # a victim's own "yes" recorded before her age was known
    assert "Canary Unknown" not in render_notification(referral).text


def test_nothing_is_marked_sent_when_no_focal_point_is_left(officer, chief, credible, france):
    from referrals.services import referral_send

    referral = referral_draft(actor=officer, allegation=credible, member_state=france)
    referral_approve(actor=chief, referral=referral, expected_version=1)
    france.focal_points.update(active=False)
    with pytest.raises(ValueError, match="no recipient"):
        referral_send(referral_id=referral.pk)
    assert Referral.objects.get().status == ReferralStatus.APPROVED
    assert not OutboundEmail.objects.exists() and mail.outbox == []


@pytest.mark.parametrize("precision, english, french", [
    ("day", "14 April 2016", "14 avril 2016"),
    ("month", "April 2016", "avril 2016"),
    ("unknown", "Unknown", "Inconnu"),
])
def test_the_incident_date_is_written_in_words_in_the_notice(officer, credible, france, precision, english, french):
    credible.incident_date = None if precision == "unknown" else datetime.date(2016, 4, 14)
    credible.incident_date_precision = precision
    credible.save()
    for language, expected in (("en", english), ("fr", french)):
        referral = referral_draft(actor=officer, allegation=credible, member_state=france, language=language)
        notice = render_notification(referral)
        line = next(x for x in notice.text.splitlines() if x.startswith("- Date"))
        assert line.endswith(f": {expected}"), line
