"""The four roles of DESIGN.md, as Django groups with their model-level permissions.

Operation scope is *not* granted here: it comes from guardian grants on Mission, except
for headquarters roles whose global `view_mission` covers every operation.
"""

from django.contrib.auth.models import Group, Permission

FIELD_OFFICER = "field_officer"
VICTIMS_RIGHTS_ADVOCATE = "victims_rights_advocate"
HQ_ANALYST = "hq_analyst"
ADMINISTRATOR = "administrator"

ROLE_PERMISSIONS: dict[str, list[str]] = {
    FIELD_OFFICER: [
        "allegations.view_allegation",
        "allegations.add_allegation",
        "allegations.change_allegation",
        "allegations.view_confidential_narrative",
        "victims.view_victim", "victims.add_victim", "victims.change_victim",
        "victims.view_consent", "victims.add_consent",
        "victims.view_assistanceneed", "victims.add_assistanceneed",
        "victims.view_paternityclaim", "victims.view_victimcontact",
        "referrals.view_referral", "referrals.add_referral", "referrals.change_referral",
        # victims.view_identity and referrals.approve_referral are granted person by person
    ],
    VICTIMS_RIGHTS_ADVOCATE: [
        "allegations.view_allegation",
        "allegations.view_confidential_narrative",
        "victims.view_victim", "victims.change_victim", "victims.view_identity",
        "victims.view_consent", "victims.add_consent",
        "victims.view_assistanceneed", "victims.add_assistanceneed", "victims.change_assistanceneed",
        "victims.view_paternityclaim", "victims.add_paternityclaim", "victims.change_paternityclaim",
        "victims.view_victimcontact", "victims.add_victimcontact",
        "victims.view_serviceprovider",
        "referrals.view_referral",
    ],
    HQ_ANALYST: [
        "core.view_mission",  # global: every operation, pseudonymised
        "allegations.view_allegation",
        "victims.view_victim",  # codes, sex and age group only; identity is refused to this role
        "referrals.view_referral",
        "reporting.view_reports",
    ],
    ADMINISTRATOR: [
        "auth.view_user", "auth.add_user", "auth.change_user",
        "auth.view_group",
        "core.view_memberstate", "core.add_memberstate", "core.change_memberstate",
        "core.view_regionalorganisation", "core.add_regionalorganisation", "core.change_regionalorganisation",
        "core.view_focalpoint", "core.add_focalpoint", "core.change_focalpoint", "core.delete_focalpoint",
        "core.manage_mission",  # reference data only; scope stays with view_mission/change_mission grants
        "core.view_force", "core.add_force", "core.change_force",
        "core.view_auditevent",
        "core.view_apitoken", "core.change_apitoken",  # to revoke; secrets are never stored
        "victims.view_serviceprovider", "victims.add_serviceprovider", "victims.change_serviceprovider",
    ],
}


def ensure_roles() -> dict[str, Group]:
    """Create the groups and (re)attach their permissions; safe to run repeatedly."""
    groups = {}
    for name, perms in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        wanted = []
        for dotted in perms:
            app_label, codename = dotted.split(".")
            wanted.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
        group.permissions.set(wanted)
        groups[name] = group
    return groups


def user_roles(user) -> set[str]:
    return {g.name for g in user.groups.all()} if user.is_authenticated else set()
