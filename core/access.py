"""Who may reach victims' identity: roles, operation scope and personal permissions, granted so that
no single administrator can obtain or hand out identity access.

- Nobody changes their own roles, scope, permissions or e-mail address through these services.
- A grant that carries identity access (a role holding a permission that reaches identity, such a
  permission itself, operation scope for someone who holds one, a new e-mail address for someone who holds one:
  the address password-reset links go to) becomes an `AccessRequest`; a second administrator,
  neither the asker nor the person concerned, approves it, and only then is it applied.
- Anything else is applied at once. Every grant, request, decision and removal is audited in the
  transaction that makes it.
- Administrators never set passwords: the user gets a one-time reset link by e-mail.

Which permissions are personal, and which of them reach identity, the apps that own them register
(`core.roles.permissions_register`): core names no app above it.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from core.audit import AuditContext, audit_record
from core.models import AccessRequest, Mission
from core.roles import IDENTITY_PERMISSIONS, PERSONAL_PERMISSIONS

SCOPE_PERMISSIONS = ("core.view_mission", "core.change_mission")
# PERSONAL_PERMISSIONS (granted person by person, never through a role) and IDENTITY_PERMISSIONS
# (those that reach victims' identity) are filled by the apps that own them: core.roles.
ADMINISTER_USERS = "auth.change_user"

Kind = AccessRequest.Kind


class AccessChangeRefused(Exception):
    """The change is not allowed (your own account, a missing approval right, a malformed grant)."""


def _fresh(user):
    # Permission checks cache per object; decisions are taken on the database's current state.
    return get_user_model().objects.get(pk=user.pk)


def group_carries_identity(group: Group) -> bool:
    return any(group.permissions.filter(content_type__app_label=app_label, codename=codename).exists()
               for app_label, codename in (dotted.split(".") for dotted in IDENTITY_PERMISSIONS))


def group_administers_users(group: Group) -> bool:
    app_label, codename = ADMINISTER_USERS.split(".")
    return group.permissions.filter(content_type__app_label=app_label, codename=codename).exists()


def holds_identity_access(user) -> bool:
    fresh = _fresh(user)
    return any(fresh.has_perm(dotted) for dotted in IDENTITY_PERMISSIONS)


def awaits_second_administrator(user) -> bool:
    """A grant of role or permission is waiting for approval: once approved it reaches identity (or
    administers users) in every operation the person then holds."""
    return AccessRequest.objects.filter(user=user, status=AccessRequest.Status.PENDING).exclude(kind=Kind.EMAIL).exists()


def carries_identity(*, user, kind: str, group: Group | None = None, permission: str = "") -> bool:
    """Whether the grant needs a second administrator. A role that administers users counts: its holder
    could approve the requests of whoever made them administrator, one person acting twice."""
    if kind == Kind.ROLE:
        return group_carries_identity(group) or group_administers_users(group)
    if kind == Kind.PERMISSION:
        return permission in IDENTITY_PERMISSIONS
    if kind == Kind.SCOPE:
        # Scope widens the identity access a holder has, or will have once a pending grant is approved
        # (else: widen the scope first, or while the role waits, and the approver never sees it).
        return holds_identity_access(user) or awaits_second_administrator(user)
    return holds_identity_access(user)  # a new address receives the reset links


def access_grant_check(*, actor, user, kind: str, group: Group | None, mission: Mission | None, permission: str,
                 email: str) -> None:
    if actor.pk == user.pk:
        raise AccessChangeRefused(_("Nobody changes their own roles, operation scope, permissions or e-mail "
                                    "address: ask another administrator."))
    if not actor.has_perm(ADMINISTER_USERS):
        raise AccessChangeRefused(_("Only an administrator can change access."))
    if user.is_superuser:
        raise AccessChangeRefused(_("Superuser accounts are not managed here."))
    valid = {
        Kind.ROLE: group is not None and not mission and not permission and not email,
        Kind.SCOPE: permission in SCOPE_PERMISSIONS and group is None and not email,
        Kind.PERMISSION: permission in PERSONAL_PERMISSIONS and group is None and mission is None and not email,
        Kind.EMAIL: bool(email) and group is None and mission is None and not permission,
    }
    if not valid.get(kind, False):
        raise AccessChangeRefused(_("This access change is not well formed."))


def _describe(*, kind: str, group: Group | None, mission: Mission | None, permission: str) -> dict[str, Any]:
    """Audit detail: what was granted, never an address or a name of a victim."""
    return {"kind": kind, "role": group.name if group else "", "permission": permission,
            "mission": mission.name if mission else ("all operations" if kind == Kind.SCOPE else "")}


def _apply(*, user, kind: str, group: Group | None, mission: Mission | None, permission: str, email: str) -> None:
    if kind == Kind.ROLE:
        user.groups.add(group)
        if group_administers_users(group) and not user.is_staff:
            user.is_staff = True  # the Django admin (reference data, access requests) lets in staff only
            user.save(update_fields=["is_staff"])
    elif kind == Kind.EMAIL:
        user.email = email
        user.save(update_fields=["email"])
    elif mission is not None:
        assign_perm(permission, user, mission)
    else:
        assign_perm(permission, user)


@transaction.atomic
def access_grant(
    *, actor, user, kind: str, group: Group | None = None, mission: Mission | None = None, permission: str = "",
    email: str = "", reason: str = "", audit: AuditContext | None = None,
) -> AccessRequest | None:
    """Apply the grant, or, when it carries identity access, file it for a second administrator
    (returned). Asking twice for the same pending grant returns the first request."""
    access_grant_check(actor=actor, user=user, kind=kind, group=group, mission=mission, permission=permission, email=email)
    what = _describe(kind=kind, group=group, mission=mission, permission=permission)
    if not carries_identity(user=user, kind=kind, group=group, permission=permission):
        _apply(user=user, kind=kind, group=group, mission=mission, permission=permission, email=email)
        audit_record(action="access_granted", actor=actor, audit=audit, obj=user, detail=what)
        return None
    pending = AccessRequest.objects.filter(user=user, kind=kind, group=group, mission=mission, permission=permission,
                                           email=email, status=AccessRequest.Status.PENDING).first()
    if pending is not None:
        return pending
    access_request = AccessRequest.objects.create(
        user=user, kind=kind, group=group, mission=mission, permission=permission, email=email,
        reason=reason or _("(no reason given)"), requested_by=actor)
    audit_record(action="access_requested", actor=actor, audit=audit, obj=user,
                 detail={**what, "access_request": access_request.pk})
    return access_request


@transaction.atomic
def access_request_decide(*, actor, access_request: AccessRequest, approve: bool, audit: AuditContext | None = None) -> AccessRequest:
    """The second administrator approves (the grant is applied now) or rejects."""
    current = AccessRequest.objects.select_for_update(of=("self",)).select_related("user", "group", "mission").get(
        pk=access_request.pk)
    if current.status != AccessRequest.Status.PENDING:
        raise AccessChangeRefused(_("This request has already been decided."))
    if not actor.has_perm(ADMINISTER_USERS):
        raise AccessChangeRefused(_("Only an administrator can decide access requests."))
    if actor.pk in (current.requested_by_id, current.user_id):
        raise AccessChangeRefused(_("A request must be decided by an administrator other than the one who asked "
                                    "and the person it concerns."))
    what = _describe(kind=current.kind, group=current.group, mission=current.mission, permission=current.permission)
    if approve:
        _apply(user=current.user, kind=current.kind, group=current.group, mission=current.mission,
               permission=current.permission, email=current.email)
    current.status = AccessRequest.Status.APPROVED if approve else AccessRequest.Status.REJECTED
    current.decided_by, current.decided_at = actor, timezone.now()
    current.save(update_fields=["status", "decided_by", "decided_at"])
    audit_record(action="access_granted" if approve else "access_request_rejected", actor=actor,
                 audit=audit, obj=current.user,
                 detail={**what, "access_request": current.pk, "requested_by": current.requested_by.get_username()})
    return current


@transaction.atomic
def access_revoke(*, actor, user, kind: str, group: Group | None = None, mission: Mission | None = None,
                  permission: str = "", audit: AuditContext | None = None) -> None:
    """Removing access needs no second person, but nobody removes their own, and it is audited."""
    if kind == Kind.EMAIL:
        raise AccessChangeRefused(_("An e-mail address is replaced, not removed."))
    access_grant_check(actor=actor, user=user, kind=kind, group=group, mission=mission, permission=permission, email="")
    if kind == Kind.ROLE:
        user.groups.remove(group)
        if user.is_staff and not any(group_administers_users(g) for g in user.groups.all()):
            user.is_staff = False
            user.save(update_fields=["is_staff"])
    elif mission is not None:
        remove_perm(permission, user, mission)
    else:
        app_label, codename = permission.split(".")
        user.user_permissions.remove(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    audit_record(action="access_revoked", actor=actor, audit=audit, obj=user,
                 detail=_describe(kind=kind, group=group, mission=mission, permission=permission))


def password_reset_link(user) -> str:
    token = default_token_generator.make_token(user)
    return settings.SITE_URL + reverse("password_reset_confirm",
                                       args=[urlsafe_base64_encode(force_bytes(user.pk)), token])


def administrator_create(*, username: str, email: str) -> tuple[Any, str]:
    """The first administrators of an installation (from the server's command line, audited): no
    password and no superuser; returns the account and its one-time link to set a password."""
    from core.roles import ADMINISTRATOR, ensure_roles

    with transaction.atomic():
        user = get_user_model().objects.create(username=username, email=email, is_staff=True)
        user.set_unusable_password()
        user.save(update_fields=["password"])
        user.groups.add(ensure_roles()[ADMINISTRATOR])
        audit_record(action="user_create", obj=user, detail={"via": "command line", "role": ADMINISTRATOR})
    return user, password_reset_link(user)


def password_reset_link_send(*, actor, user, audit: AuditContext | None = None) -> None:
    """A one-time link to the user's own address: it stops working once used, or once the password
    changes, or after PASSWORD_RESET_TIMEOUT. The link is a secret: never stored, never shown to the
    administrator, so it goes straight to the mail backend and not to the outbox."""
    if actor.pk == user.pk:
        raise AccessChangeRefused(_("Change your own password from your account page."))
    if not user.email:
        raise AccessChangeRefused(_("This account has no e-mail address to send a reset link to."))
    link = password_reset_link(user)
    with transaction.atomic():
        audit_record(action="password_reset_link_sent", actor=actor, audit=audit, obj=user)
        send_mail(
            subject=_("SEA Cases: set your password"),
            message=_("An administrator asked for a link that lets you set a new password for your SEA Cases "
                      "account %(username)s. It works once, for %(hours)d hours:\n\n%(link)s\n\nIf you did not "
                      "expect this, tell your security focal point.") % {
                "username": user.get_username(), "hours": settings.PASSWORD_RESET_TIMEOUT // 3600, "link": link},
            from_email=None, recipient_list=[user.email])
