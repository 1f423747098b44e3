"""Fictional victims for the demo allegations: some children, some consent decisions (idempotent)."""

from __future__ import annotations

import datetime
import random

from guardian.shortcuts import assign_perm

from allegations.models import Allegation
from victims.models import ConsentDecision, ConsentGiver, ConsentScope, Victim, VictimSex
from victims.services import consent_record, victim_create

# Clearly invented names: the demo must never look like a real case file.
FIRST = ["Awa", "Nadia", "Grace", "Fatuma", "Ruth", "Aisha", "Esther", "Hawa", "Joseph", "Marie"]
LAST = ["Exemple", "Fictive", "Demo", "Placeholder", "Sample"]


def seed_victims(users: dict) -> int:
    assign_perm("victims.view_identity", users["officer.car"])
    if Victim.objects.exists():
        return 0
    rng = random.Random(42)
    officers = {"Central African Republic": users["officer.car"], "Somalia": users["officer.som"]}
    created = 0
    for n, allegation in enumerate(Allegation.objects.select_related("mission").order_by("reference")):
        actor = officers[allegation.mission.name]
        for _ in range(1 + (n % 4 == 0)):
            child = rng.random() < 0.3
            age = rng.randint(12, 17) if child else rng.randint(18, 40)
            known_dob = rng.random() < 0.5
            victim = victim_create(
                actor=actor,
                allegation=allegation,
                values={
                    "full_name": f"{rng.choice(FIRST)} {rng.choice(LAST)} {n}",
                    "date_of_birth": allegation.date_received - datetime.timedelta(days=365 * age + 200) if known_dob else None,
                    "age_at_incident": None if known_dob else age,
                    "contact_details": "Through the partner organisation's case worker",
                    "current_location": allegation.location,
                    "sex": VictimSex.FEMALE if rng.random() < 0.85 else VictimSex.MALE,
                },
                confirm_not_duplicate=True,
            )
            giver = ConsentGiver.GUARDIAN if victim.is_child else ConsentGiver.VICTIM
            relationship = "mother" if victim.is_child else ""
            consent_record(actor=actor, victim=victim, scope=ConsentScope.ASSISTANCE, decision=ConsentDecision.GIVEN,
                           given_by=giver, guardian_relationship=relationship)
            consent_record(actor=actor, victim=victim, scope=ConsentScope.SHARE_WITH_MEMBER_STATE,
                           decision=rng.choice([ConsentDecision.GIVEN, ConsentDecision.REFUSED]),
                           given_by=giver, guardian_relationship=relationship)
            created += 1
    return created
