"""Seed a scratch PostgreSQL database for the load test: 2 operations, their forces, Member States,
100,000 allegations (1-2 alleged perpetrators each, encrypted narratives), 200,000 victims with
encrypted identity and blind indexes (the real field format, through the model fields), their links,
some referrals, and the load personas (a field officer of one operation, an HQ analyst) with a
confirmed authenticator device each.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/sea_load_big \
        .venv/bin/python bench/seed_large.py [--allegations 100000] [--victims 200000]

Keys come from the environment (bench/load_run.sh keeps them in var/bench/, never committed), so the
web server started afterwards can read what was sealed here. Refuses a database that already holds
allegations: seed a fresh name.
"""

import argparse
import datetime
import random
import time
import uuid

from _setup import setup_django

setup_django()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402
from guardian.shortcuts import assign_perm  # noqa: E402

from allegations.models import (  # noqa: E402
    SUBTYPES_BY_TYPE,
    Allegation,
    AllegationType,
    AllegedPerpetrator,
    Credibility,
    DatePrecision,
    PersonnelCategory,
    ReferenceCounter,
    Source,
    Status,
)
from core.crypto import blind_index, normalise_name  # noqa: E402
from core.models import FocalPoint, Force, MemberState, Mission  # noqa: E402
from core.roles import FIELD_OFFICER, HQ_ANALYST, ensure_roles  # noqa: E402
from referrals.models import Referral  # noqa: E402
from victims.models import AgeGroup, Victim, VictimAllegation  # noqa: E402

BATCH = 5000
YEARS = range(2015, 2026)
PERSONAS = {"load.officer": (FIELD_OFFICER, "CAF"), "load.analyst": (HQ_ANALYST, None)}
LOCATIONS = ["Bangui", "Bambari", "Bria", "Kaga-Bandoro", "Bossangoa", "Mogadishu", "Baidoa", "Kismayo",
             "Beledweyne", "Jowhar", "Dolow", "Berbera"]
STATUSES = [s for s in Status.values]
FIRST = ["Aïcha", "Mariam", "Grâce", "Fatouma", "Nadège", "Amina", "Hodan", "Sahra", "Faadumo", "Ifrah"]
LAST = ["N'Dongo", "Yakité", "Kossi", "Ouandé", "Mahamat", "Warsame", "Abdi", "Hassan", "Nur", "Farah"]


def reference_data():
    states = {}
    for iso3, iso2, name in [("CAF", "CF", "Central African Republic"), ("SOM", "SO", "Somalia"),
                             ("FRA", "FR", "France"), ("BDI", "BI", "Burundi"), ("UGA", "UG", "Uganda"),
                             ("KEN", "KE", "Kenya"), ("ETH", "ET", "Ethiopia"), ("TCD", "TD", "Chad"),
                             ("COG", "CG", "Congo"), ("GAB", "GA", "Gabon"), ("CMR", "CM", "Cameroon"),
                             ("DJI", "DJ", "Djibouti")]:
        states[iso3] = MemberState.objects.get_or_create(iso3=iso3, defaults={"iso2": iso2, "name": name})[0]
    car = Mission.objects.get_or_create(name="Central African Republic", defaults={"country": states["CAF"]})[0]
    som = Mission.objects.get_or_create(name="Somalia", defaults={"country": states["SOM"]})[0]
    forces = {car.pk: [], som.pk: []}
    for name, mission, lead in [("Sangaris", car, "FRA"), ("MISCA", car, "TCD"), ("EUFOR RCA", car, "GAB"),
                                ("AMISOM Uganda", som, "UGA"), ("AMISOM Burundi", som, "BDI"),
                                ("AMISOM Kenya", som, "KEN")]:
        force = Force.objects.get_or_create(name=name, defaults={"mandate_resolution": "S/RES/2127 (2013)",
                                                                 "lead_member_state": states[lead]})[0]
        force.missions.add(mission)
        forces[mission.pk].append(force)
    for state in states.values():
        FocalPoint.objects.get_or_create(member_state=state, role="general", defaults={
            "name": f"{state.name} focal point", "email": f"focal.{state.iso3.lower()}@bench.example.org"})
    return states, [car, som], forces


def seed_allegations(count: int, missions, forces, states, rng: random.Random):
    """Allegations spread over 2015-2025 and both operations, references numbered per country-year."""
    nationalities = list(states.values())
    counters: dict[tuple[str, int], int] = {}
    made: list[tuple[uuid.UUID, datetime.date, str]] = []  # id, date received, mission iso3
    allegations, perpetrators = [], []
    for n in range(count):
        mission = missions[n % 2]
        year = YEARS[n % len(YEARS)]
        received = datetime.date(year, 1, 1) + datetime.timedelta(days=rng.randrange(365))
        received = min(received, datetime.date.today())
        iso3 = mission.country.iso3
        counters[iso3, year] = counters.get((iso3, year), 0) + 1
        kind = rng.choice([AllegationType.SE, AllegationType.SA, AllegationType.SA, AllegationType.OTHER])
        incident = received - datetime.timedelta(days=rng.randrange(1, 400))
        a = Allegation(
            id=uuid.uuid4(), reference=f"{iso3}-{year}-{counters[iso3, year]:04d}", mission=mission,
            country=mission.country, location=rng.choice(LOCATIONS), date_received=received,
            incident_date=incident, incident_date_precision=rng.choice([DatePrecision.DAY, DatePrecision.MONTH]),
            source=rng.choice(Source.values), allegation_type=kind, subtype=rng.choice(sorted(SUBTYPES_BY_TYPE[kind])),
            narrative="Account of the events as reported to the office, naming victims only by code. " * 6,
            narrative_confidential=n % 3 != 0, status=rng.choice(STATUSES),
            credibility=Credibility.CREDIBLE if n % 4 == 0 else Credibility.PENDING,
        )
        allegations.append(a)
        for _ in range(1 + n % 2):
            perpetrators.append(AllegedPerpetrator(
                allegation=a, force=rng.choice(forces[mission.pk]), nationality=rng.choice(nationalities),
                personnel_category=rng.choice(PersonnelCategory.values), unit=f"Unit {n % 40}",
                identified=n % 5 == 0))
        made.append((a.id, received, iso3))
        if len(allegations) >= BATCH:
            Allegation.objects.bulk_create(allegations)
            AllegedPerpetrator.objects.bulk_create(perpetrators)
            allegations, perpetrators = [], []
    Allegation.objects.bulk_create(allegations)
    AllegedPerpetrator.objects.bulk_create(perpetrators)
    ReferenceCounter.objects.bulk_create([ReferenceCounter(country_code=c, year=y, last_value=v)
                                          for (c, y), v in counters.items()])
    return made


def seed_victims(count: int, made, rng: random.Random) -> None:
    """Two victims per allegation (in order), identity sealed by the model fields, blind indexes set."""
    counters: dict[int, int] = {}
    victims, links, child_allegations = [], [], []
    for n in range(count):
        allegation_id, received, _ = made[(n // 2) % len(made)]
        year = received.year
        counters[year] = counters.get(year, 0) + 1
        child = n % 7 == 0
        born = received - datetime.timedelta(days=365 * (14 if child else 25) + rng.randrange(3000 if not child else 700))
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)} {n}"
        v = Victim(id=uuid.uuid4(), code=f"V-{year}-{counters[year]:04d}", full_name=name, date_of_birth=born,
                   contact_details=f"+236 70 {n % 100:02d} {n % 97:02d} {n % 89:02d}, through the partner NGO",
                   current_location=rng.choice(LOCATIONS), sex=rng.choice(["female", "female", "male", "unknown"]),
                   age_group=AgeGroup.CHILD if child else AgeGroup.ADULT)
        v.name_index = blind_index(normalise_name(name))
        v.name_dob_index = blind_index(normalise_name(name), born.isoformat())
        victims.append(v)
        links.append(VictimAllegation(victim=v, allegation_id=allegation_id, age_group=v.age_group))
        if child:
            child_allegations.append(allegation_id)
        if len(victims) >= BATCH:
            Victim.objects.bulk_create(victims)
            VictimAllegation.objects.bulk_create(links)
            victims, links = [], []
    Victim.objects.bulk_create(victims)
    VictimAllegation.objects.bulk_create(links)
    for start in range(0, len(child_allegations), BATCH):
        Allegation.objects.filter(pk__in=child_allegations[start:start + BATCH]).update(children_involved=True)
    ReferenceCounter.objects.bulk_create([ReferenceCounter(country_code="V", year=y, last_value=v)
                                          for y, v in counters.items()])


def seed_referrals(count: int, made, forces, rng: random.Random) -> None:
    """Sent referrals on credible allegations (every fourth one), to a force's lead Member State."""
    through = Referral.focal_points.through
    focal = {fp.member_state_id: fp.pk for fp in FocalPoint.objects.filter(member_state__isnull=False)}
    by_mission = {m: [f.lead_member_state_id for f in fs] for m, fs in forces.items()}
    mission_of = dict(Allegation.objects.filter(credibility=Credibility.CREDIBLE).values_list("pk", "mission_id")[:count])
    referrals = []
    for allegation_id, mission_id in mission_of.items():
        sent = datetime.date.today() - datetime.timedelta(days=rng.randrange(10, 400))
        referrals.append(Referral(allegation_id=allegation_id, member_state_id=rng.choice(by_mission[mission_id]),
                                  status="sent", sent_on=sent, response_due=sent + datetime.timedelta(days=14),
                                  investigation_due=sent + datetime.timedelta(days=180), response="none_yet"))
    Referral.objects.bulk_create(referrals, batch_size=BATCH)
    through.objects.bulk_create([through(referral_id=r.pk, focalpoint_id=focal[r.member_state_id]) for r in referrals],
                                batch_size=BATCH)


def seed_personas(missions) -> None:
    """The load users, each with a confirmed authenticator device (sessions are made by load_sessions.py)."""
    groups = ensure_roles()
    by_iso3 = {m.country.iso3: m for m in missions}
    User = get_user_model()
    for username, (role, iso3) in PERSONAS.items():
        user, _ = User.objects.get_or_create(username=username, defaults={"first_name": username})
        user.set_unusable_password()  # never signs in through the form: sessions come with a verified device
        user.save()
        user.groups.add(groups[role])
        if iso3:
            assign_perm("core.view_mission", user, by_iso3[iso3])
            assign_perm("core.change_mission", user, by_iso3[iso3])
        else:
            assign_perm("core.view_mission", user)
        TOTPDevice.objects.get_or_create(user=user, name="Authenticator app", defaults={"confirmed": True})


def main(allegations: int, victims: int, referrals: int) -> None:
    if Allegation.objects.exists():
        raise SystemExit("This database already holds allegations: give BENCH_DATABASE_URL a fresh database name.")
    rng = random.Random(20261129)
    timings = []
    start = time.perf_counter()
    with transaction.atomic():
        states, missions, forces = reference_data()
        seed_personas(missions)
    step = time.perf_counter()
    with transaction.atomic():
        made = seed_allegations(allegations, missions, forces, states, rng)
    timings.append(("allegations + perpetrators", allegations, time.perf_counter() - step))
    step = time.perf_counter()
    with transaction.atomic():
        seed_victims(victims, made, rng)
    timings.append(("victims (identity encrypted) + links", victims, time.perf_counter() - step))
    step = time.perf_counter()
    with transaction.atomic():
        seed_referrals(referrals, made, forces, rng)
    timings.append(("referrals", referrals, time.perf_counter() - step))
    step = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE") if connection.get_autocommit() else cursor.execute("ANALYZE")
    timings.append(("VACUUM ANALYZE", 0, time.perf_counter() - step))
    print("| seeding step | rows | time |")
    print("|---|---|---|")
    for label, rows, seconds in timings:
        print(f"| {label} | {rows:,} | {seconds:.1f} s |")
    print(f"| total | | {time.perf_counter() - start:.1f} s |")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--allegations", type=int, default=100_000)
    parser.add_argument("--victims", type=int, default=200_000)
    parser.add_argument("--referrals", type=int, default=3_000)
    args = parser.parse_args()
    main(args.allegations, args.victims, args.referrals)
