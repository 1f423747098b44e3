import datetime
import smtplib

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import timezone

from tests.factories import AllegationFactory, make_user, make_victim
from victims.assistance import need_create
from victims.models import AdvocateDigest
from victims.digests import week_of
from victims.tasks import send_advocate_digest, send_assistance_digests

pytestmark = pytest.mark.django_db
CANARY = "Yolande Canaryfield"


class FailingBackend:
    """An SMTP server that is down."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("connection refused")


@pytest.fixture
def two_advocates(officer, advocate, car):
    from core.roles import VICTIMS_RIGHTS_ADVOCATE

    other = make_user("advocate2", VICTIMS_RIGHTS_ADVOCATE, change=[car])
    advocate.email, other.email = "a1@example.org", "a2@example.org"
    advocate.save()
    other.save()
    overdue = timezone.localdate() - datetime.timedelta(days=4)
    victims = [make_victim(officer, AllegationFactory(mission=car), full_name=f"{CANARY} {n}") for n in range(3)]
    need_create(actor=advocate, victim=victims[0], category="medical", assigned_advocate=advocate, follow_up_on=overdue)
    need_create(actor=advocate, victim=victims[1], category="legal", assigned_advocate=advocate, follow_up_on=overdue)
    need_create(actor=advocate, victim=victims[2], category="psychosocial", assigned_advocate=other,
                follow_up_on=overdue)
    need_create(actor=advocate, victim=victims[2], category="medical", assigned_advocate=other,
                follow_up_on=timezone.localdate() + datetime.timedelta(days=3))  # not overdue
    return advocate, other, victims


def test_it_sends_one_email_per_advocate_with_their_overdue_items_and_no_identity(two_advocates):
    advocate, other, victims = two_advocates
    assert send_assistance_digests.delay().get() == 2
    by_recipient = {m.to[0]: m for m in mail.outbox}
    assert set(by_recipient) == {"a1@example.org", "a2@example.org"}
    first, second = by_recipient["a1@example.org"], by_recipient["a2@example.org"]
    assert first.subject == "SEA Cases: 2 overdue assistance follow-ups"
    assert victims[0].code in first.body and victims[1].code in first.body and victims[2].code not in first.body
    assert "Medical care" in first.body and "Legal assistance" in first.body
    assert victims[2].code in second.body and "Psychosocial support" in second.body and "Medical care" not in second.body
    for message in mail.outbox:
        html = message.alternatives[0][0]
        assert CANARY not in message.body and CANARY not in html and CANARY not in message.subject
        assert "/victims/caseload/?mine=on" in message.body


def test_running_it_twice_in_a_week_sends_nothing_more(two_advocates):
    send_assistance_digests.delay().get()
    send_assistance_digests.delay().get()
    assert len(mail.outbox) == 2
    assert AdvocateDigest.objects.filter(sent_at__isnull=False).count() == 2


def test_an_smtp_failure_leaves_the_digest_unsent_and_a_later_run_sends_it(two_advocates):
    advocate, _, _ = two_advocates
    week = week_of(timezone.localdate()).isoformat()
    with override_settings(EMAIL_BACKEND="tests.victims.test_weekly_digest.FailingBackend"), pytest.raises(Exception):
        send_advocate_digest.apply(args=[advocate.pk, week], throw=True)
    assert AdvocateDigest.objects.get(advocate=advocate).sent_at is None
    assert send_advocate_digest.apply(args=[advocate.pk, week]).get() is True
    assert [m.to for m in mail.outbox] == [["a1@example.org"]]


def test_the_task_carries_ids_only(two_advocates):
    advocate, _, _ = two_advocates
    signature = send_advocate_digest.s(advocate.pk, week_of(timezone.localdate()).isoformat())
    assert signature.args == (advocate.pk, week_of(timezone.localdate()).isoformat())


def test_it_writes_to_an_advocate_who_chose_french_in_french(two_advocates):
    from accounts.models import UserPreference

    advocate, _other, _victims = two_advocates
    UserPreference.objects.create(user=advocate, language="fr")
    send_assistance_digests.delay().get()
    by_recipient = {m.to[0]: m for m in mail.outbox}
    french, english = by_recipient["a1@example.org"], by_recipient["a2@example.org"]
    assert french.subject == "SEA Cases : 2 suivis d’assistance en retard"
    assert "Soins médicaux" in french.body and "suivi prévu le" in french.body
    assert english.subject == "SEA Cases: 1 overdue assistance follow-up"  # the other advocate kept English
