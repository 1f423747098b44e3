"""Annex export time at 1,000, 10,000 and 100,000 allegations, beside the same aggregation run as raw
SQL in psql.

    .venv/bin/python bench/annex_bench.py [--sizes 1000 10000 100000]
"""

import argparse
import datetime
import random
import subprocess
import time
import uuid

from _setup import BENCH_DB, setup_django

setup_django()

from django.db import connection  # noqa: E402

from allegations.models import Allegation, AllegedPerpetrator  # noqa: E402
from core.models import Force, MemberState, Mission  # noqa: E402
from reporting.annex import all_allegations, annex_allegations, build_annex, summary_sql  # noqa: E402
from reporting.exports import to_csv, to_json, to_xlsx  # noqa: E402
from victims.models import Victim, VictimAllegation  # noqa: E402


def reference_data():
    states = [MemberState.objects.get_or_create(iso3=f"B{i:02d}", defaults={"iso2": f"{i:02d}", "name": f"State {i}"})[0]
              for i in range(20)]
    missions = [Mission.objects.get_or_create(name=f"Bench {i}", defaults={"country": states[i]})[0] for i in range(3)]
    forces = []
    for i in range(6):
        force, _ = Force.objects.get_or_create(name=f"Bench force {i}", defaults={
            "mandate_resolution": "S/RES/0000", "lead_member_state": states[10 + i]})
        force.missions.add(missions[i % 3])
        forces.append(force)
    return states, missions, forces


def load(size: int) -> None:
    rng = random.Random(size)
    VictimAllegation.objects.all().delete()
    Victim.objects.all().delete()
    AllegedPerpetrator.objects.all().delete()
    Allegation.objects.all().delete()
    states, missions, forces = reference_data()
    allegations, perpetrators, victims, links = [], [], [], []
    for n in range(size):
        mission = missions[n % 3]
        a = Allegation(id=uuid.uuid4(), reference=f"BEN-2016-{n:07d}", mission=mission, country=mission.country,
                       date_received=datetime.date(2016, 1, 1) + datetime.timedelta(days=n % 366), source="ngo",
                       allegation_type=rng.choice(["SE", "SA", "OTHER"]), subtype="other",
                       status=rng.choice(["preliminary_assessment", "under_investigation", "substantiated"]),
                       narrative="")
        allegations.append(a)
        for _ in range(1 + n % 2):
            perpetrators.append(AllegedPerpetrator(allegation_id=a.id, force=forces[n % 6], nationality=rng.choice(states),
                                                   personnel_category="military_contingent"))
        v = Victim(id=uuid.uuid4(), code=f"BV-{n:07d}", sex=rng.choice(["female", "male", "unknown"]), full_name="")
        victims.append(v)
        links.append(VictimAllegation(victim_id=v.id, allegation_id=a.id, age_group=rng.choice(["child", "adult"])))
    for objs in (allegations, perpetrators, victims, links):
        objs[0].__class__.objects.bulk_create(objs, batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def psql_ms(sql: str) -> float:
    """The same statement, run by psql itself (best of three), in milliseconds."""
    script = "\\timing on\n" + (sql.strip() + ";\n") * 3
    out = subprocess.run(["psql", BENCH_DB, "-q", "-o", "/dev/null"], input=script, capture_output=True, text=True,
                         check=True).stdout
    return min(float(line.split()[1]) for line in out.splitlines() if line.startswith("Time:"))


def main(sizes: list[int]) -> None:
    print("| allegations | annex built (both tables) | + XLSX | + CSV | + JSON | summary SQL in psql |")
    print("|---|---|---|---|---|---|")
    for size in sizes:
        load(size)
        start = time.perf_counter()
        annex = build_annex(all_allegations(), year=2016)
        built = time.perf_counter() - start
        timings = []
        for writer in (lambda: to_xlsx(annex), lambda: to_csv([], annex.allegations), lambda: to_json(annex)):
            start = time.perf_counter()
            writer()
            timings.append(time.perf_counter() - start)
        ids_sql, params = annex_allegations(all_allegations(), year=2016).values("pk").query.sql_with_params()
        with connection.cursor() as cursor:
            literal = cursor.mogrify(summary_sql(ids_sql, by_force=True), params)
        print(f"| {size:,} | {built:.2f} s | {timings[0]:.2f} s | {timings[1]:.2f} s | {timings[2]:.2f} s | "
              f"{psql_ms(literal):.0f} ms |")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    main(parser.parse_args().sizes)
