"""About thirty hand-built allegations for the annex tests (inputs here, expected tables in the tests)."""

import datetime

from allegations.models import Allegation, AllegedPerpetrator
from referrals.models import Referral
from tests.factories import ForceFactory, MemberStateFactory, MissionFactory
from victims.models import Victim, VictimAllegation

CANARY = "Zebulon Canarywing"


def build_annex_fixture():
    caf = MemberStateFactory(iso3="CAF", iso2="CF", name="Central African Republic")
    som = MemberStateFactory(iso3="SOM", iso2="SO", name="Somalia")
    fra = MemberStateFactory(iso3="FRA", iso2="FR", name="France")
    geo = MemberStateFactory(iso3="GEO", iso2="GE", name="Georgia")
    uga = MemberStateFactory(iso3="UGA", iso2="UG", name="Uganda")
    bdi = MemberStateFactory(iso3="BDI", iso2="BI", name="Burundi")
    car_mission = MissionFactory(name="CAR", country=caf)
    som_mission = MissionFactory(name="SOM", country=som)
    sangaris = ForceFactory(name="Sangaris", missions=[car_mission])
    eufor = ForceFactory(name="EUFOR RCA", missions=[car_mission])
    amisom = ForceFactory(name="AMISOM", missions=[som_mission])

    # (mission, received, incident, precision, type, subtype, status, perpetrators, victims, referred_on)
    # perpetrators: (force, nationality or None, category, final action, interim actions)
    # victims: (sex, age group)
    specs = []
    for n in range(12):  # CAR, Sangaris, French soldiers
        specs.append((car_mission, datetime.date(2016, 1 + n, 3), datetime.date(2015, 12, 1 + n) if n % 3 == 0 else
                      (datetime.date(2016, 1 + n, 1) if n % 3 == 1 else None), "day" if n % 3 == 0 else
                      ("month" if n % 3 == 1 else "unknown"),
                      "SA" if n % 2 else "SE", "rape" if n % 2 else "transactional_sex",
                      ["preliminary_assessment", "under_review", "under_investigation", "substantiated",
                       "not_substantiated", "closed_other"][n % 6],
                      [(sangaris, fra, "military_contingent", "pending" if n % 4 else "disciplinary", [])],
                      [("female", "child" if n % 3 == 0 else "adult")], datetime.date(2016, 1 + n, 20) if n % 2 else None))
    for n in range(8):  # CAR, EUFOR with French and Georgian personnel, some with both
        perps = [(eufor, geo, "military_contingent", "pending", ["repatriated"] if n % 2 else [])]
        if n % 4 == 0:
            perps.append((eufor, fra, "police", "pending", []))
        specs.append((car_mission, datetime.date(2016, 2 + n, 15), None, "unknown", "SE", "exploitative_relationship",
                      "under_investigation" if n % 2 else "preliminary_assessment", perps,
                      [("female", "adult"), ("male", "child")] if n == 3 else [("unknown", "adult")] if n == 5 else
                      [("female", "unknown")], None))
    for n in range(8):  # Somalia, AMISOM, Ugandan and Burundian contingents, one unknown nationality
        nationality = [uga, bdi, None][n % 3]
        specs.append((som_mission, datetime.date(2016, 3 + n, 10), datetime.date(2016, 2 + n, 28), "day",
                      ["SA", "OTHER", "UNKNOWN", "SE"][n % 4], ["sexual_assault", "other", "other", "solicitation_transactional_sex"][n % 4],
                      ["under_investigation", "not_substantiated"][n % 2],
                      [(amisom, nationality, "formed_police_unit" if n % 2 else "military_contingent", "pending", [])],
                      [("male", "adult")] if n == 2 else [("female", "child")] if n == 4 else [], None))
    # Outside 2016: received in January 2017 and December 2015; never counted.
    specs.append((car_mission, datetime.date(2017, 1, 4), None, "unknown", "SA", "rape", "under_review",
                  [(sangaris, fra, "military_contingent", "pending", [])], [("female", "child")], None))
    specs.append((som_mission, datetime.date(2015, 12, 30), None, "unknown", "SA", "rape", "under_review",
                  [(amisom, uga, "military_contingent", "pending", [])], [("female", "adult")], None))

    counters: dict[tuple, int] = {}
    for mission, received, incident, precision, kind, subtype, status, perps, victims, referred_on in specs:
        key = (mission.country.iso3, received.year)
        counters[key] = counters.get(key, 0) + 1
        allegation = Allegation.objects.create(
            mission=mission, country=mission.country, reference=f"{key[0]}-{key[1]}-{counters[key]:04d}",
            date_received=received, incident_date=incident, incident_date_precision=precision, source="ngo",
            allegation_type=kind, subtype=subtype, status=status, credibility="credible",
            location="=HYPERLINK(\"http://evil\")" if counters[key] == 2 and key[0] == "CAF" else "Bangui",
            narrative=f"Victim {CANARY} said so",
        )
        for force, nationality, category, final, interim in perps:
            AllegedPerpetrator.objects.create(allegation=allegation, force=force, nationality=nationality,
                                              personnel_category=category, final_action_category=final,
                                              interim_actions=interim, unit="=cmd|' /C calc'!A0" if final != "pending" else "")
        for sex, age_group in victims:
            victim = Victim.objects.create(code=f"V-FIX-{Victim.objects.count() + 1:04d}", sex=sex,
                                           full_name=CANARY, age_group=age_group)
            VictimAllegation.objects.create(victim=victim, allegation=allegation, age_group=age_group)
        if referred_on:
            Referral.objects.create(allegation=allegation, member_state=fra, status="sent", sent_on=referred_on,
                                    response_due=referred_on, investigation_due=referred_on)
    return {"caf": caf, "som": som, "fra": fra, "sangaris": sangaris, "eufor": eufor, "amisom": amisom}
