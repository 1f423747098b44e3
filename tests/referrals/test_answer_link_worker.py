"""Answering "will investigate" through the answer link cancels the due response reminder: the sweep has
already queued it on Redis, and the real worker that then takes the task sends nothing for it."""

import datetime
import re

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from core.mail import message_id_for
from core.models import OutboundEmail
from referrals.answer_links import answer_link_issue
from referrals.models import Referral, Reminder
from referrals.tasks import sweep_due_reminders
from tests.factories import AllegationFactory, MemberStateFactory, MissionFactory, make_focal_point
from tests.referrals.test_reminders_worker import wait_until_drained, working_days_before
from tests.referrals.worker import message_ids_in, wait_until

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def overdue_referral_with_link(state, mission) -> tuple[Referral, str]:
    """An open referral whose answer is three working days late, and its focal point's link path."""
    today = timezone.localdate()
    response_due = working_days_before(today, 3)
    referral = Referral.objects.create(allegation=AllegationFactory(mission=mission), member_state=state, status="sent",
                                       sent_on=response_due - datetime.timedelta(days=14), response_due=response_due,
                                       investigation_due=today + datetime.timedelta(days=90),
                                       sent_subject="Request to investigate")
    focal_point = state.focal_points.get()
    referral.focal_points.add(focal_point)
    return referral, f"/answer/{answer_link_issue(referral=referral, focal_point=focal_point)}/"


def test_answering_through_the_link_cancels_the_queued_response_reminder(start_worker, broker, mail_dir):
    state, mission = MemberStateFactory(), MissionFactory()
    make_focal_point(state, "general", "sea-focal@state.example.org")
    answered, path = overdue_referral_with_link(state, mission)
    unanswered, _other = overdue_referral_with_link(state, mission)
    assert sweep_due_reminders() == 2  # both response reminders are on Redis now, no worker yet

    client = Client()
    client.post(path + "code/")
    code = re.search(r"code is (\d{6})", mail.outbox[-1].body).group(1)
    assert client.post(path, {"code": code}).status_code == 302
    response = client.post(path + "steps/", {"kind": "will_investigate", "occurred_on": timezone.localdate().isoformat()})
    assert response.status_code == 302
    assert answered.reminders.get().status == Reminder.Status.CANCELLED

    worker = start_worker()
    wait_until(lambda: unanswered.reminders.get().status == Reminder.Status.SENT, timeout=60,
               what="the other referral's reminder to be sent", workers=(worker,))
    wait_until_drained(broker, worker)

    assert answered.reminders.get().status == Reminder.Status.CANCELLED
    sent = {message_id_for("reminder", str(unanswered.reminders.get().pk))}
    assert set(message_ids_in(mail_dir)) == sent
    assert set(OutboundEmail.objects.filter(message_id__startswith="<reminder.").values_list("message_id", flat=True)) == sent
