"""Reminders through the real broker (Redis) and a real Celery worker (a subprocess), on PostgreSQL.

The sweep runs in the test process with eager mode off, so each reminder goes to Redis as a task
and a prefork worker sends it through Django's file (or SMTP) backend. Rows are committed
(transaction=True) so the worker sees them; the worker gets the same encryption keys as the tests.
"""

import datetime
import socket
import threading
from collections import Counter

import pytest
from django.db import connections
from django.utils import timezone

from core.mail import message_id_for
from core.models import OutboundEmail
from core.working_days import add_working_days, holidays
from referrals.models import Referral, Reminder, ReminderKind
from referrals.tasks import sweep_due_reminders
from tests.factories import (
    AllegationFactory,
    MemberStateFactory,
    MissionFactory,
    make_focal_point,
)
from tests.referrals.worker import (
    CONCURRENCY,
    Worker,
    message_ids_in,
    wait_until,
)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

BATCH = 1000
SEND_TIMEOUT = 120  # seconds for a worker to send a whole batch


# --- the broker and the workers (tests/referrals/conftest.py), the data ----------------------

@pytest.fixture
def requeue_at_once(settings):
    """Pending reminders are re-queued by the very next sweep (in the tests and in the worker)."""
    settings.SEA_REMINDER_REQUEUE_MINUTES = 0
    return {"SEA_REMINDER_REQUEUE_MINUTES": "0"}


def working_days_before(day: datetime.date, days: int) -> datetime.date:
    closed = holidays()
    while days:
        day -= datetime.timedelta(days=1)
        if day.weekday() < 5 and day not in closed:
            days -= 1
    return day


def make_overdue_referrals(count: int) -> list[Referral]:
    """`count` open referrals whose answer is three working days late: exactly one response reminder
    is due for each (the next one is ten working days after the first)."""
    today = timezone.localdate()
    response_due = working_days_before(today, 3)
    state = MemberStateFactory()
    focal_point = make_focal_point(state, "general", "sea-focal@state.example.org")
    mission = MissionFactory()
    allegations = [AllegationFactory(mission=mission) for _ in range(5)]
    referrals = Referral.objects.bulk_create(
        [Referral(allegation=allegations[n % len(allegations)], member_state=state, status="sent",
                  response="none_yet", sent_on=response_due - datetime.timedelta(days=14), response_due=response_due,
                  investigation_due=today + datetime.timedelta(days=90), sent_subject="Request to investigate")
         for n in range(count)],
        batch_size=500,
    )
    through = Referral.focal_points.through
    through.objects.bulk_create([through(referral_id=r.pk, focalpoint_id=focal_point.pk) for r in referrals],
                                batch_size=1000)
    return referrals


# --- polling and assertions ------------------------------------------------------------------

def sent_count() -> int:
    return Reminder.objects.filter(status=Reminder.Status.SENT).count()


def wait_until_sent(count: int, *workers: Worker) -> None:
    wait_until(lambda: sent_count() >= count, timeout=SEND_TIMEOUT, what=f"{count} reminders sent",
               workers=workers, progress=lambda: f"{sent_count()} sent")


def wait_until_drained(broker, *workers: Worker) -> None:
    """Nothing left in the queue and nothing running or prefetched on the workers: any duplicate
    delivery has been handled (and would have shown up in the files) before we count."""
    app, client = broker
    hostnames = [w.hostname for w in workers]

    def drained() -> bool:
        if sum(client.llen(key) for key in client.scan_iter(match="celery*") if client.type(key) == b"list"):
            return False
        inspect = app.control.inspect(destination=hostnames, timeout=1.0)
        busy = [*(inspect.active() or {}).values(), *(inspect.reserved() or {}).values()]
        return not any(busy)

    wait_until(drained, timeout=60, what="the queue to drain", workers=workers, interval=0.5)


def assert_each_sent_exactly_once(referrals: list[Referral], mail_dir, *, extra_copies_allowed: int = 0) -> None:
    assert Reminder.objects.count() == len(referrals)
    assert Counter(Reminder.objects.values_list("referral_id", flat=True)) == Counter(r.pk for r in referrals)
    reminders = Reminder.objects.all()
    assert Counter(reminders.values_list("status", flat=True)) == {"sent": len(referrals)}
    expected = {message_id_for("reminder", str(pk)) for pk in reminders.values_list("pk", flat=True)}
    recorded = list(OutboundEmail.objects.values_list("message_id", flat=True))
    assert len(recorded) == len(expected) and set(recorded) == expected
    written = message_ids_in(mail_dir)
    assert set(written) == expected
    copies = {mid: n for mid, n in Counter(written).items() if n > 1}
    assert len(written) <= len(expected) + extra_copies_allowed, f"copies written: {copies}"


def run_at_once(task, threads: int = 2) -> list[int]:
    """`task()` in several threads released together, each with its own database connection."""
    barrier = threading.Barrier(threads)
    results: list[int] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait(timeout=30)
            results.append(task())
        except BaseException as exc:  # noqa: BLE001 - surfaced by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    workers = [threading.Thread(target=run) for _ in range(threads)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join(timeout=120)
    assert errors == []
    assert len(results) == threads
    return results


# --- the tests --------------------------------------------------------------------------------

def test_it_sends_one_reminder_per_overdue_referral_through_the_worker(start_worker, broker, mail_dir):
    referrals = make_overdue_referrals(BATCH)
    worker = start_worker()

    assert sweep_due_reminders() == BATCH
    wait_until_sent(BATCH, worker)
    wait_until_drained(broker, worker)

    first_due = add_working_days(referrals[0].response_due, 1)
    assert set(Reminder.objects.values_list("kind", "due_date")) == {(ReminderKind.RESPONSE_OVERDUE, first_due)}
    assert_each_sent_exactly_once(referrals, mail_dir)
    assert all(to == ["sea-focal@state.example.org"] for to in OutboundEmail.objects.values_list("recipients", flat=True))


def test_it_sends_each_reminder_once_when_the_sweep_runs_twice(start_worker, broker, mail_dir, requeue_at_once):
    referrals = make_overdue_referrals(BATCH)
    # Both sweeps before the worker starts, and the second one re-queues every pending reminder:
    # each reminder is delivered to the worker twice, deterministically.
    assert [sweep_due_reminders(), sweep_due_reminders()] == [BATCH, BATCH]
    assert Reminder.objects.count() == BATCH

    worker = start_worker(**requeue_at_once)
    wait_until_sent(BATCH, worker)
    wait_until_drained(broker, worker)

    assert_each_sent_exactly_once(referrals, mail_dir)


def test_it_sends_each_reminder_once_when_two_sweeps_run_at_once(start_worker, broker, mail_dir):
    referrals = make_overdue_referrals(BATCH)
    worker = start_worker()

    queued = run_at_once(sweep_due_reminders)
    # Same rows computed by both, created once; each pending reminder is claimed by one sweep
    # (SKIP LOCKED, then the fresh enqueued_at): queued once in all.
    assert sum(queued) == BATCH, queued
    assert Reminder.objects.count() == BATCH
    wait_until_sent(BATCH, worker)
    wait_until_drained(broker, worker)

    assert_each_sent_exactly_once(referrals, mail_dir)


def test_it_sends_every_reminder_exactly_once_when_the_worker_is_killed_mid_batch(
        start_worker, broker, mail_dir, requeue_at_once):
    referrals = make_overdue_referrals(BATCH)
    worker = start_worker(**requeue_at_once)
    assert sweep_due_reminders() == BATCH

    wait_until(lambda: sent_count() >= 300, timeout=SEND_TIMEOUT, what="300 reminders sent", workers=(worker,),
               progress=lambda: f"{sent_count()} sent", interval=0.02)
    worker.kill()  # SIGKILL, parent and pool children: in-flight transactions die uncommitted
    sent_at_kill = sent_count()
    assert 300 <= sent_at_kill < BATCH, "the worker finished before it could be killed mid-batch"
    # Tasks the dead worker had taken stay unacknowledged in Redis (visibility timeout: 2 h), so
    # no worker gets them back in time: only the next sweep re-queues their reminders.
    _, client = broker
    assert client.hlen("unacked") >= 1
    restarted = start_worker(**requeue_at_once)
    requeued = sweep_due_reminders()
    assert 0 < requeued <= BATCH - sent_at_kill
    wait_until_sent(BATCH, restarted)
    wait_until_drained(broker, restarted)

    # A message the backend accepted in the instant before the killed transaction committed is
    # sent again, with the same Message-ID, so mail systems can drop the copy. At most one such
    # window per pool process killed.
    kills = 1
    assert_each_sent_exactly_once(referrals, mail_dir, extra_copies_allowed=kills * CONCURRENCY)


def test_it_leaves_a_reminder_pending_when_smtp_fails_and_a_later_sweep_sends_it(
        start_worker, broker, mail_dir, requeue_at_once, tmp_path):
    referrals = make_overdue_referrals(5)
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    smtp_down = start_worker(**requeue_at_once, EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
                             EMAIL_HOST="127.0.0.1", EMAIL_PORT=str(closed_port), EMAIL_USE_TLS="0",
                             EMAIL_FILE_PATH=str(tmp_path / "unused"))

    assert sweep_due_reminders() == 5
    wait_until(lambda: not Reminder.objects.filter(last_error="").exists(), timeout=60,
               what="every send to fail", workers=(smtp_down,),
               progress=lambda: list(Reminder.objects.values_list("status", "last_error")))
    assert set(Reminder.objects.values_list("status", "last_error")) == {("pending", "ConnectionRefusedError")}
    assert not OutboundEmail.objects.exists()
    smtp_down.stop()

    back_up = start_worker(**requeue_at_once)
    assert sweep_due_reminders() == 5
    wait_until_sent(5, back_up)
    wait_until_drained(broker, back_up)

    assert_each_sent_exactly_once(referrals, mail_dir)
    assert not (tmp_path / "unused").exists() or not any((tmp_path / "unused").iterdir())
