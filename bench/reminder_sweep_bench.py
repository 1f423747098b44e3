"""Reminder sweep benchmark: time and SQL queries of `referrals.reminders.sweep()` over many open,
overdue referrals. The query count must stay bounded (batches of BATCH rows), never one per referral.

    .venv/bin/python bench/reminder_sweep_bench.py [--referrals 100000]

Uses a scratch PostgreSQL database (BENCH_DATABASE_URL, default sea_bench on localhost); its
referrals and reminders are emptied first.
"""

import argparse
import datetime
import time
from collections import Counter

from _setup import setup_django

setup_django()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402
from django.utils import timezone  # noqa: E402

from allegations.models import Allegation, AllegationType, Source, Subtype  # noqa: E402
from core.models import FocalPoint, MemberState, Mission  # noqa: E402
from referrals import reminders  # noqa: E402
from core.working_days import holidays  # noqa: E402
from referrals.models import Referral, Reminder  # noqa: E402


def working_days_before(day: datetime.date, days: int) -> datetime.date:
    closed = holidays()
    while days:
        day -= datetime.timedelta(days=1)
        if day.weekday() < 5 and day not in closed:
            days -= 1
    return day


def load_referrals(count: int) -> None:
    """`count` open referrals, each with exactly one reminder due today: half wait for an answer
    (three working days late), half for an investigation outcome (five days late)."""
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE referrals_reminder, referrals_referral_focal_points, referrals_referral")
    state, _ = MemberState.objects.get_or_create(iso3="XRB", defaults={"iso2": "XR", "name": "Bench Reminder State"})
    focal_point, _ = FocalPoint.objects.get_or_create(member_state=state, role="general",
                                                      defaults={"name": "Bench focal point", "email": "fp@bench.example.org"})
    mission, _ = Mission.objects.get_or_create(name="Bench reminders", defaults={"country": state})
    allegations = []
    for n in range(100):
        allegation = Allegation.objects.filter(reference=f"BENCH-R-{n:04d}").first()
        if allegation is None:
            allegation = Allegation.objects.create(
                reference=f"BENCH-R-{n:04d}", mission=mission, country=state, date_received=datetime.date(2024, 1, 1),
                source=Source.NGO, allegation_type=AllegationType.SE, subtype=Subtype.TRANSACTIONAL_SEX)
        allegations.append(allegation)
    today = timezone.localdate()
    answer_due = working_days_before(today, 3)
    start = time.perf_counter()
    batch: list[Referral] = []
    through = Referral.focal_points.through
    for n in range(count):
        awaiting_answer = n % 2 == 0
        batch.append(Referral(
            allegation=allegations[n % len(allegations)], member_state=state, status="sent",
            sent_on=today - datetime.timedelta(days=200), response_due=answer_due,
            response="none_yet" if awaiting_answer else "will_investigate",
            investigation_due=today + datetime.timedelta(days=60) if awaiting_answer else today - datetime.timedelta(days=5),
        ))
        if len(batch) == 5000 or n == count - 1:
            Referral.objects.bulk_create(batch)
            through.objects.bulk_create([through(referral_id=r.pk, focalpoint_id=focal_point.pk) for r in batch])
            batch = []
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE referrals_referral")
    print(f"\nLoaded {count:,} open overdue referrals in {time.perf_counter() - start:.1f} s "
          f"(sweep batch size {reminders.BATCH})")


def kind_of(sql: str) -> str:
    words = sql.lstrip().split(None, 1)
    return words[0].upper() if words else "?"


def timed_sweep(label: str, rows: list) -> None:
    before = Reminder.objects.count()
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        queued = reminders.sweep()
        elapsed = time.perf_counter() - start
    kinds = Counter(kind_of(q["sql"]) for q in queries.captured_queries)
    rows.append((label, Reminder.objects.count() - before, len(queued), len(queries),
                 ", ".join(f"{n} {k}" for k, n in sorted(kinds.items())), elapsed))


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--referrals", type=int, default=100_000)
    args = parser.parse_args()
    load_referrals(args.referrals)
    rows: list = []
    timed_sweep("first run (creates every reminder)", rows)
    timed_sweep("second run (nothing new, all recently queued)", rows)
    with override_settings(SEA_REMINDER_REQUEUE_MINUTES=0):
        timed_sweep("third run, requeue window 0 (every pending reminder queued again)", rows)
    print(f"\n## reminders.sweep() over {args.referrals:,} open overdue referrals")
    print("| run | reminders created | reminders to queue | SQL queries | by statement | time |")
    print("|---|---|---|---|---|---|")
    for label, created, queued, count, kinds, elapsed in rows:
        print(f"| {label} | {created:,} | {queued:,} | {count} | {kinds} | {elapsed:.2f} s |")
