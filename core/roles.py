"""The four roles of DESIGN.md, as Django groups with their model-level permissions.

Operation scope is *not* granted here: it comes from guardian grants on Mission, except
for headquarters roles whose global `view_mission` covers every operation.

Core names no app above it: this module holds the registry, and each app adds what the roles may
do with its own models, and which of its permissions are granted person by person, from its
`AppConfig.ready()` (`permissions_register`). Once the apps are ready, `ROLE_PERMISSIONS` is the
whole table.
"""

from django.contrib.auth.models import Group, Permission

FIELD_OFFICER = "field_officer"
VICTIMS_RIGHTS_ADVOCATE = "victims_rights_advocate"
HQ_ANALYST = "hq_analyst"
ADMINISTRATOR = "administrator"

ROLE_PERMISSIONS: dict[str, list[str]] = {
    FIELD_OFFICER: [],
    VICTIMS_RIGHTS_ADVOCATE: [],
    HQ_ANALYST: [
        "core.view_mission",  # global: every operation, pseudonymised
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
    ],
}
# Granted person by person, never through a role (`core.access`); those that reach victims'
# identity also wait for a second administrator.
PERSONAL_PERMISSIONS: list[str] = []
IDENTITY_PERMISSIONS: list[str] = []
# Who may read the reference lists of the API (`core.api_views`), per HTTP method.
REFERENCE_PERMISSION: dict[str, str] = {}


def permissions_register(*, roles: dict[str, list[str]] | None = None, personal: tuple[str, ...] = (),
                         reaching_identity: tuple[str, ...] = (), reference: dict[str, str] | None = None) -> None:
    """An app's contribution, from its `AppConfig.ready()`: role permissions on its models, the
    permissions granted person by person (and those of them that reach victims' identity), and the
    permission that lets its users read the reference lists."""
    for role, perms in (roles or {}).items():
        ROLE_PERMISSIONS[role].extend(p for p in perms if p not in ROLE_PERMISSIONS[role])
    PERSONAL_PERMISSIONS.extend(p for p in (*personal, *reaching_identity) if p not in PERSONAL_PERMISSIONS)
    IDENTITY_PERMISSIONS.extend(p for p in reaching_identity if p not in IDENTITY_PERMISSIONS)
    REFERENCE_PERMISSION.update(reference or {})


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


def at_headquarters(user) -> bool:
    """Headquarters roles hold the global `view_mission`: every operation, pseudonymised. Their home
    page asks for what the annex needs, not for casework."""
    return user.is_authenticated and user.has_perm("core.view_mission")
