"""Fictional victims for the demo allegations: some children, some consent decisions, assistance with
follow-ups dated from the operation's today (idempotent)."""

from __future__ import annotations

import datetime
import random

from guardian.shortcuts import assign_perm

from allegations.models import Allegation
from core.models import FocalPoint, MemberState, Mission
from victims.assistance import need_create, need_transition, victim_assign_advocate
from victims.models import (
    AssistanceCategory,
    AssistanceStatus,
    ConsentDecision,
    ConsentGiver,
    ConsentScope,
    ServiceProvider,
    Victim,
    VictimSex,
)
from victims.services import consent_record, victim_create

PROVIDERS = {
    "Central African Republic": [
        ("Hôpital communautaire de Bangui (demo)", "health", ["medical"]),
        ("Maison de l'enfant et de la femme (demo)", "ngo", ["safety", "psychosocial", "children_born"]),
        ("Association des femmes juristes (demo)", "ngo", ["legal"]),
        ("Programme de réinsertion économique (demo)", "ngo", ["livelihood", "education"]),
    ],
    "Somalia": [
        ("Banadir Hospital (demo)", "health", ["medical"]),
        ("Somali Women Development Centre (demo)", "ngo", ["safety", "psychosocial", "legal"]),
        ("Livelihoods Somalia (demo)", "ngo", ["livelihood", "education", "children_born"]),
    ],
}


def seed_providers() -> None:
    for mission in Mission.objects.filter(name__in=PROVIDERS):
        for name, kind, categories in PROVIDERS[mission.name]:
            ServiceProvider.objects.update_or_create(mission=mission, name=name,
                                                     defaults={"kind": kind, "categories": categories})
    for iso3, email in [("FRA", "paternity@defense.example.fr"), ("UGA", "paternity@updf.example.ug"),
                        ("BDI", "paternite@fdnb.example.bi")]:
        FocalPoint.objects.update_or_create(email=email, defaults={
            "member_state": MemberState.objects.get(iso3=iso3), "role": FocalPoint.Role.PATERNITY,
            "name": f"Paternity focal point ({iso3})"})

# Clearly invented names: the demo must never look like a real case file.
FIRST = ["Awa", "Nadia", "Grace", "Fatuma", "Ruth", "Aisha", "Esther", "Hawa", "Joseph", "Marie"]
LAST = ["Exemple", "Fictive", "Demo", "Placeholder", "Sample"]


def seed_victims(users: dict) -> int:
    assign_perm("victims.view_identity", users["officer.car"])
    seed_providers()
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
            consent_record(actor=actor, victim=victim, scope=ConsentScope.CONTACT, decision=ConsentDecision.GIVEN,
                           given_by=giver, guardian_relationship=relationship)
            if victim.is_child:
                victim.guardian_relationship = relationship
                victim.save(update_fields=["guardian_relationship"])
            _seed_assistance(rng, victim, allegation, users)
            created += 1
    return created


def _seed_assistance(rng: random.Random, victim: Victim, allegation: Allegation, users: dict) -> None:
    advocate = users["advocate.car"] if allegation.mission.name == "Central African Republic" else users["advocate.hq"]
    victim_assign_advocate(actor=advocate, victim=victim, advocate=advocate)
    providers = list(ServiceProvider.objects.filter(mission=allegation.mission))
    # The operation's today: most follow-ups fall due in the coming days or weeks, some are days overdue.
    today = allegation.mission.today()
    for category in rng.sample([AssistanceCategory.MEDICAL, AssistanceCategory.PSYCHOSOCIAL,
                                AssistanceCategory.LIVELIHOOD, AssistanceCategory.LEGAL], k=rng.randint(1, 3)):
        # Not before the allegation came in (some arrived this week).
        identified_on = max(today - datetime.timedelta(days=rng.randint(20, 90)), allegation.date_received)
        follow_up_on = max(today + datetime.timedelta(days=rng.randint(-12, 24)),
                           identified_on + datetime.timedelta(days=7))
        need = need_create(actor=advocate, victim=victim, category=category, assigned_advocate=advocate,
                           identified_on=identified_on, follow_up_on=follow_up_on,
                           notes="Fictional note: follow up with the provider.")
        provider = next((p for p in providers if category in p.categories), None)
        steps = rng.choice([[], ["referred"], ["referred", "in_progress"], ["referred", "provided"]])
        for step in steps if provider else []:
            need = need_transition(actor=advocate, need=need, to_status=AssistanceStatus(step),
                                   expected_version=need.version, provider=provider)
