"""About forty fictional allegations in every status, dated from the day they are seeded (idempotent).

Dates are offsets from each operation's local date (`Mission.today()`), so that the deadlines a
newcomer sees are days, not years, away: the allegations still in preliminary assessment arrived a
few working days ago (some more than ten, some fresh); the others arrived in the past year (the
open ones, and those the referral demo sends, see referrals/demo.py) or in the three years before
(most closed cases: the dashboard and the annex of past years have content)."""

from __future__ import annotations

import datetime
import random
import zoneinfo

from allegations.models import (
    Allegation,
    AllegationType,
    Credibility,
    DatePrecision,
    FinalAction,
    PersonnelCategory,
    Sex,
    Source,
    Status,
    StatusChange,
    Subtype,
)
from allegations.services import allegation_create, allegation_transition
from core.models import Force, MemberState, Mission
from core.working_days import add_working_days

NATIONALITIES = {
    "Sangaris": ["FRA"],
    "EUFOR RCA": ["FRA", "ESP", "POL", "GEO", "ROU"],
    "MISCA": ["BDI", "CMR", "COG", "GAB", "TCD", "RWA"],
    "AMISOM": ["UGA", "BDI", "KEN", "ETH", "DJI", "SLE"],
}
LOCATIONS = {
    "Central African Republic": ["Bangui, M'Poko site", "Dekoa, Kemo prefecture", "Boda, Lobaye", "Sibut", "Bambari"],
    "Somalia": ["Mogadishu, Hodan district", "Baidoa, Bay region", "Kismayo", "Beledweyne", "Afgooye"],
}
STATUS_PATHS = {
    Status.PRELIMINARY_ASSESSMENT: [],
    Status.UNDER_REVIEW: [Status.UNDER_REVIEW],
    Status.UNDER_INVESTIGATION: [Status.UNDER_INVESTIGATION],
    Status.SUBSTANTIATED: [Status.UNDER_INVESTIGATION, Status.SUBSTANTIATED],
    Status.NOT_SUBSTANTIATED: [Status.UNDER_INVESTIGATION, Status.NOT_SUBSTANTIATED],
    Status.CLOSED_OTHER: [Status.CLOSED_OTHER],
}
TYPES = [
    (AllegationType.SA, Subtype.RAPE),
    (AllegationType.SA, Subtype.SEXUAL_ASSAULT),
    (AllegationType.SE, Subtype.TRANSACTIONAL_SEX),
    (AllegationType.SE, Subtype.SOLICITATION),
    (AllegationType.SE, Subtype.EXPLOITATIVE_RELATIONSHIP),
    (AllegationType.UNKNOWN, Subtype.OTHER),
]
# Working days each allegation still in preliminary assessment has waited (n // 6-th of them): most are
# past the 10-working-day mark the queues flag, some arrived this week.
PRELIMINARY_WAITED = [14, 2, 23, 5, 17, 1, 40]
# Before this index, the allegations past preliminary assessment and review date from past years.
PAST_YEARS_BEFORE = 16
# The allegations of the past year were received within this many days; those of past years before.
RECENT_WITHIN_DAYS = 365


def date_received(n: int, status: str, mission_name: str, today: datetime.date) -> datetime.date:
    """When the n-th demo allegation was received, as an offset from the operation's `today`: in
    preliminary assessment, a few working days ago; under review, under investigation and the CAR
    cases from PAST_YEARS_BEFORE on (those the referral demo sends: see referrals/demo.py), in the
    past year; the others (closed cases, the first investigations) in the three years before."""
    if status == Status.PRELIMINARY_ASSESSMENT:
        return add_working_days(today, -PRELIMINARY_WAITED[n // len(STATUS_PATHS) % len(PRELIMINARY_WAITED)])
    recent = status == Status.UNDER_REVIEW or (
        n >= PAST_YEARS_BEFORE and (status == Status.UNDER_INVESTIGATION or mission_name == "Central African Republic"))
    if recent:
        return today - datetime.timedelta(days=20 + (n * 47) % (RECENT_WITHIN_DAYS - 25))
    received = datetime.date(today.year - 1 - n % 3, 1 + (n * 7) % 12, 1 + (n * 11) % 28)
    if (today - received).days < RECENT_WITHIN_DAYS:  # early in the year: last year's is too recent
        received = received.replace(year=received.year - 1)
    return received


def seed_allegations(users: dict, count: int = 40) -> int:
    missions = {m.name: m for m in Mission.objects.filter(name__in=LOCATIONS)}
    if Allegation.objects.filter(mission__in=missions.values()).exists():
        return 0
    rng = random.Random(2016)
    states = {s.iso3: s for s in MemberState.objects.all()}
    officers = {"Central African Republic": users["officer.car"], "Somalia": users["officer.som"]}
    statuses = list(STATUS_PATHS)
    for n in range(count):
        mission_name = "Central African Republic" if n % 5 < 3 else "Somalia"
        mission = missions[mission_name]
        forces = list(Force.objects.filter(missions=mission))
        status = statuses[n % len(statuses)]
        received = date_received(n, status, mission_name, mission.today())
        precision = [DatePrecision.DAY, DatePrecision.MONTH, DatePrecision.UNKNOWN][n % 3]
        incident = received - datetime.timedelta(days=rng.randint(5, 400)) if precision != DatePrecision.UNKNOWN else None
        allegation_type, subtype = TYPES[n % len(TYPES)]
        perpetrators = []
        for _ in range(1 + (n % 3 == 0) + (n % 7 == 0)):
            force = rng.choice(forces)
            perpetrators.append({
                "force": force,
                "unit": f"{force.name} battalion {rng.randint(1, 4)}",
                "nationality": states[rng.choice(NATIONALITIES[force.name])],
                "personnel_category": rng.choice([PersonnelCategory.MILITARY_CONTINGENT] * 4
                                                 + [PersonnelCategory.FORMED_POLICE_UNIT, PersonnelCategory.POLICE]),
                "sex": Sex.MALE if rng.random() < 0.95 else Sex.UNKNOWN,
                "identified": rng.random() < 0.5,
                "interim_actions": ["repatriated"] if rng.random() < 0.3 else [],
                "final_action_category": FinalAction.PENDING,
            })
        actor = officers[mission_name]
        allegation = allegation_create(
            actor=actor,
            mission=mission,
            values={
                "location": rng.choice(LOCATIONS[mission_name]),
                "date_received": received,
                "incident_date": incident,
                "incident_date_precision": precision,
                "source": rng.choice(Source.values),
                "allegation_type": allegation_type,
                "subtype": subtype,
                "narrative": (
                    "Fictional demo narrative. The complainant (see victim code) reported that a member of the "
                    "force approached them near the camp and offered food in exchange for sex. "
                    "Information relayed by a partner organisation; follow-up interview planned."
                ),
                "credibility": Credibility.CREDIBLE if n % 6 else Credibility.PENDING,
                "paternity_claim": n % 9 == 0,
            },
            perpetrators=perpetrators,
        )
        for to_status in STATUS_PATHS[status]:
            allegation = allegation_transition(
                actor=actor, allegation=allegation, to_status=to_status, expected_version=allegation.version
            )
        _backdate(allegation, mission)
    return count


def _backdate(allegation: Allegation, mission: Mission) -> None:
    """Recorded when received, each later status a fortnight after the one before (none after
    yesterday): the history and any "waiting since" read like the case's, not the seeding's."""
    received = allegation.date_received
    latest = max(received, mission.today() - datetime.timedelta(days=1))
    Allegation.objects.filter(pk=allegation.pk).update(created_at=_noon(received, mission.time_zone))
    for i, change in enumerate(allegation.status_changes.order_by("changed_at", "id")):
        on = min(received + datetime.timedelta(days=14 * i), latest)
        StatusChange.objects.filter(pk=change.pk).update(changed_at=_noon(on, mission.time_zone))



def _noon(day: datetime.date, zone: str) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(12), tzinfo=zoneinfo.ZoneInfo(zone))


# What people wrote through the reporting channel (fictional), for the officers' queue.
DEMO_REPORTS = [
    ("fr", "Central African Republic", "Un soldat du poste de contrôle a demandé à ma voisine des relations sexuelles "
     "en échange de nourriture. Elle a peur d'en parler.", "Près du marché, sur la route de l'aéroport",
     "Le mois dernier", "Je peux répondre le soir."),
    ("en", "Somalia", "Two men in uniform came to the camp at night and took a girl to their vehicle.",
     "The camp near the river", "About two weeks ago", ""),
]


def seed_reports() -> int:
    """Two reports as they arrive through /report/ (receipts never kept), one with a message."""
    from allegations.models import IncomingReport
    from allegations.reports import report_message_from_person, report_submit

    if IncomingReport.objects.exists():
        return 0
    missions = {m.name: m for m in Mission.objects.filter(name__in=[r[1] for r in DEMO_REPORTS])}
    for language, mission, words, place, when, message in DEMO_REPORTS:
        report, _receipt = report_submit(values={"mission": missions[mission], "what_happened": words, "place": place,
                                                 "happened_when": when, "person_safe": "unknown"},
                                         language=language, address=None)
        if message:
            report_message_from_person(report=report, body=message)
    return len(DEMO_REPORTS)
