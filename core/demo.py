"""Demo reference data and one user per role (idempotent)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from guardian.shortcuts import assign_perm

from core.models import FocalPoint, Force, MemberState, Mission, RegionalOrganisation
from core.reference_data import MEMBER_STATES, REGIONAL_ORGANISATIONS
from core.roles import (
    ADMINISTRATOR,
    FIELD_OFFICER,
    HQ_ANALYST,
    VICTIMS_RIGHTS_ADVOCATE,
    ensure_roles,
)

DEMO_PASSWORD = "sea-demo-2026"  # noqa: S105 - printed on purpose; demo only

# username, full name, role, scope: list of (mission name, perms), "global" (see every operation)
# or "global-change" (also write, within what the role's permissions allow)
DEMO_USERS = [
    ("officer.car", "Amina Ngoye", FIELD_OFFICER, [("Central African Republic", ("view_mission", "change_mission"))]),
    ("chief.car", "Bertrand Kossi", FIELD_OFFICER, [("Central African Republic", ("view_mission", "change_mission"))]),
    ("officer.som", "Hodan Warsame", FIELD_OFFICER, [("Somalia", ("view_mission", "change_mission"))]),
    ("advocate.car", "Claire Mbaye", VICTIMS_RIGHTS_ADVOCATE,
     [("Central African Republic", ("view_mission", "change_mission"))]),
    ("advocate.hq", "Jane Connors", VICTIMS_RIGHTS_ADVOCATE, "global-change"),
    ("analyst.hq", "Tomas Berg", HQ_ANALYST, "global"),
    ("admin", "Sam Admin", ADMINISTRATOR, []),
    # Access that reaches identity takes two administrators: one asks, the other approves.
    ("admin.two", "Noor Haddad", ADMINISTRATOR, []),
]


def seed_reference_data() -> dict[str, Mission]:
    states = {}
    for iso3, iso2, name in MEMBER_STATES:
        states[iso3], _ = MemberState.objects.update_or_create(iso3=iso3, defaults={"iso2": iso2, "name": name})
    orgs = {}
    for acronym, name, acronym_fr, name_fr in REGIONAL_ORGANISATIONS:
        orgs[acronym], _ = RegionalOrganisation.objects.update_or_create(
            acronym=acronym, defaults={"name": name, "name_fr": name_fr, "acronym_fr": acronym_fr})

    focal_points = [
        ("FRA", None, FocalPoint.Role.GENERAL, "Ministry of Armed Forces, SEA focal point", "sea-focal@defense.example.fr"),
        ("FRA", None, FocalPoint.Role.PERMANENT_MISSION, "Permanent Mission of France", "pm-france@example.org"),
        ("UGA", None, FocalPoint.Role.GENERAL, "UPDF Legal Directorate", "legal@updf.example.ug"),
        ("UGA", None, FocalPoint.Role.PERMANENT_MISSION, "Permanent Mission of Uganda", "pm-uganda@example.org"),
        ("BDI", None, FocalPoint.Role.GENERAL, "Burundi National Defence Force focal point", "sea@fdnb.example.bi"),
        ("BDI", None, FocalPoint.Role.PERMANENT_MISSION, "Permanent Mission of Burundi", "pm-burundi@example.org"),
        ("KEN", None, FocalPoint.Role.GENERAL, "Kenya Defence Forces focal point", "sea@kdf.example.ke"),
        ("ETH", None, FocalPoint.Role.GENERAL, "Ethiopian National Defence Force focal point", "sea@endf.example.et"),
        (None, "AU", FocalPoint.Role.GENERAL, "AU Peace Support Operations Division", "psod-conduct@au.example.org"),
        (None, "EU", FocalPoint.Role.GENERAL, "EU Military Staff, conduct and discipline", "conduct@eums.example.eu"),
    ]
    for iso3, acronym, role, name, email in focal_points:
        FocalPoint.objects.update_or_create(
            email=email,
            defaults={"member_state": states.get(iso3), "regional_organisation": orgs.get(acronym), "role": role,
                      "name": name},
        )

    missions = {
        "Central African Republic": Mission.objects.update_or_create(
            name="Central African Republic", defaults={"country": states["CAF"], "time_zone": "Africa/Bangui",
                                                       "name_fr": "République centrafricaine"})[0],
        "Somalia": Mission.objects.update_or_create(name="Somalia", defaults={"country": states["SOM"],
                                                                              "time_zone": "Africa/Mogadishu",
                                                                              "name_fr": "Somalie"})[0],
    }
    forces = [
        ("Sangaris", "S/RES/2127 (2013)", states["FRA"], None, "Central African Republic"),
        ("EUFOR RCA", "S/RES/2134 (2014)", None, orgs["EU"], "Central African Republic"),
        ("MISCA", "S/RES/2127 (2013)", None, orgs["AU"], "Central African Republic"),
        ("AMISOM", "S/RES/1744 (2007)", None, orgs["AU"], "Somalia"),
    ]
    for name, resolution, lead_state, lead_org, mission in forces:
        force, _ = Force.objects.update_or_create(
            name=name,
            defaults={"mandate_resolution": resolution, "lead_member_state": lead_state,
                      "lead_regional_organisation": lead_org},
        )
        force.missions.add(missions[mission])
    return missions


def seed_users(missions: dict[str, Mission]) -> dict[str, object]:
    groups = ensure_roles()
    User = get_user_model()
    users = {}
    for username, full_name, role, scope in DEMO_USERS:
        first, last = full_name.split(" ", 1)
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"first_name": first, "last_name": last, "email": f"{username}@sea-cases.example.org",
                      "is_staff": role == ADMINISTRATOR},
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        user.groups.add(groups[role])
        if scope in ("global", "global-change"):
            assign_perm("core.view_mission", user)
            if scope == "global-change":
                assign_perm("core.change_mission", user)
        else:
            for mission_name, perms in scope:
                for perm in perms:
                    assign_perm(f"core.{perm}", user, missions[mission_name])
        users[username] = user
    return users
