"""About forty fictional allegations across 2016-2017, in every status (idempotent)."""

from __future__ import annotations

import datetime
import random

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
    Subtype,
)
from allegations.services import allegation_create, allegation_transition
from core.models import Force, MemberState, Mission

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
        received = datetime.date(2016 + n % 2, 1 + (n * 7) % 12, 1 + (n * 11) % 28)
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
        for to_status in STATUS_PATHS[statuses[n % len(statuses)]]:
            allegation = allegation_transition(
                actor=actor, allegation=allegation, to_status=to_status, expected_version=allegation.version
            )
    return count
