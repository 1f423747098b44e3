"""User management by administrators: create an account, change its roles and operations, disable
or enable it, reset its second factor, lift a sign-in lockout, send a link to set a password.

Each service takes the acting administrator, the account (`target`) and an `AuditContext`; anyone
else is refused like a record outside their scope (`NotFound`, audited). Each runs in one
transaction with its audit rows. Roles and operations go through `core.access`, so the rules of
identity access hold here as in the admin: nobody changes their own access (an administrator
cannot give themself a case role or an operation, nor strip their own administrator role), and a
grant that carries victims' identity waits for a second administrator."""

from __future__ import annotations

from axes.utils import reset as axes_reset
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from accounts.choices import ScopeLevel
from accounts.querysets import CHANGE, VIEW, Scope, can_manage_users, scope_of
from accounts.two_factor import two_factor_reset
from core.access import AccessChangeRefused, access_grant, access_revoke, password_reset_link_send
from core.audit import AuditContext, audit_record
from core.errors import NotFound, checked
from core.locking import StaleEditError
from core.models import AccessRequest, AuditEvent, Mission
from core.roles import ROLE_PERMISSIONS, ensure_roles

User = get_user_model()
Kind = AccessRequest.Kind
# The grants behind each level, in the order they are added (view before change).
_LEVEL_GRANTS = {ScopeLevel.NONE: (), ScopeLevel.VIEW: (VIEW,), ScopeLevel.CHANGE: (VIEW, CHANGE)}


def user_management_check(*, actor, audit: AuditContext | None = None, target=None, **_kwargs) -> None:
    """Only administrators manage accounts; anyone else is told there is nothing here (audited)."""
    if not can_manage_users(actor):
        audit_record(action="access_denied", actor=actor, audit=audit, object_type="auth.user",
                     object_id=str(getattr(target, "pk", "") or ""), outcome=AuditEvent.Outcome.DENIED,
                     detail={"for_change": True})
        raise NotFound("No such user.")


def _not_yourself(actor, target, message: str) -> None:
    if actor.pk == target.pk:
        raise ValidationError(message)


def _not_superuser(target) -> None:
    if target.is_superuser:
        raise ValidationError(_("Superuser accounts are not managed here."))


def _clean_roles(roles) -> list[str]:
    roles = sorted(set(roles))
    if not roles:
        raise ValidationError({"roles": [_("Choose at least one role. To take all access away, disable the "
                                           "account instead.")]})
    unknown = [r for r in roles if r not in ROLE_PERMISSIONS]
    if unknown:
        raise ValidationError({"roles": [_("Unknown role: %(role)s.") % {"role": ", ".join(unknown)}]})
    return roles


def _describe_scope(scope: Scope, missions: dict[int, Mission]) -> dict[str, str]:
    """For the audit detail: operation names and levels (reference data, nothing about a case)."""
    described = {missions[pk].name: level for pk, level in sorted(scope.missions.items()) if pk in missions}
    if scope.every != ScopeLevel.NONE:
        described["all operations"] = scope.every
    return described


def _apply_access(*, actor, target, roles: list[str], scope: Scope, audit: AuditContext | None) -> list[AccessRequest]:
    """Bring the target's roles and operations to what was asked, through `core.access` (each grant
    and removal audited there); the requests filed for a second administrator are returned."""
    groups = ensure_roles()
    held_roles = set(target.groups.values_list("name", flat=True))
    held = scope_of(target)
    filed: list[AccessRequest] = []
    missions = {m.pk: m for m in Mission.objects.filter(pk__in=set(scope.missions) | set(held.missions))}
    unknown = set(scope.missions) - set(missions)
    if unknown:
        raise ValidationError(_("An operation chosen no longer exists. Reload the page."))

    def grant(**kwargs) -> None:
        request = access_grant(actor=actor, user=target, audit=audit, **kwargs)
        if request is not None:
            filed.append(request)

    def change_level(before: str, after: str, mission: Mission | None) -> None:
        wanted, had = _LEVEL_GRANTS[after], _LEVEL_GRANTS[before]
        for codename in reversed(had):  # change goes before view
            if codename not in wanted:
                access_revoke(actor=actor, user=target, kind=Kind.SCOPE, mission=mission,
                              permission=f"core.{codename}", audit=audit)
        for codename in wanted:
            if codename not in had:
                grant(kind=Kind.SCOPE, mission=mission, permission=f"core.{codename}")

    try:
        # Removals first: a grant waiting for approval must not be judged on access being taken away.
        for name in sorted(held_roles - set(roles)):
            access_revoke(actor=actor, user=target, kind=Kind.ROLE, group=groups[name], audit=audit)
        for name in sorted(set(roles) - held_roles):
            grant(kind=Kind.ROLE, group=groups[name])
        change_level(held.every, scope.every, None)
        for pk in sorted(set(scope.missions) | set(held.missions)):
            change_level(held.level(pk), scope.level(pk), missions[pk])
    except AccessChangeRefused as refusal:
        raise ValidationError(str(refusal)) from None
    return filed  # staff follows the administrator role as granted (core.access), not as asked


@checked(user_management_check)
def user_create(*, actor, username: str, first_name: str, last_name: str, email: str, roles, scope: Scope,
                audit: AuditContext | None = None) -> tuple[object, list[AccessRequest]]:
    """A new account with its roles and operations, and the requests filed for a second administrator.

    The account has no password: a one-time link to set one goes to the person's own address.
    That is safer than an initial password shown to the administrator: the administrator never
    knows a password of someone else (so cannot sign in as them, to whatever access they get
    later), no secret is shown on a screen or copied into a chat or e-mail by hand, and the link
    works once, expires (PASSWORD_RESET_TIMEOUT) and reaches only the owner of the address."""
    username, email = username.strip(), email.strip()
    errors: dict[str, list[str]] = {}
    if not username:
        errors["username"] = [_("Give a user name.")]
    elif User.objects.filter(username__iexact=username).exists():
        errors["username"] = [_("An account with this user name already exists.")]
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = [_("Give the person's own e-mail address: the link to set a password is sent there.")]
    try:
        roles = _clean_roles(roles)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    user = User.objects.create(username=username, first_name=first_name.strip(), last_name=last_name.strip(),
                               email=email)
    user.set_unusable_password()
    user.save(update_fields=["password"])
    audit_record(action="user_create", actor=actor, audit=audit, obj=user,
                 detail={"roles": roles, "operations": _describe_scope(scope, Mission.objects.in_bulk())})
    filed = _apply_access(actor=actor, target=user, roles=roles, scope=scope, audit=audit)
    try:
        password_reset_link_send(actor=actor, user=user, audit=audit)  # last: nothing after it can roll back
    except AccessChangeRefused as refusal:
        raise ValidationError(str(refusal)) from None
    return user, filed


def access_change_refusal(*, actor, target) -> str | None:
    """Why nobody may change the target's roles and operations from the actor's hands, if so (the
    page then offers no form)."""
    if actor.pk == target.pk:
        return _("You cannot change your own roles or operations: ask another administrator.")
    if target.is_superuser:
        return _("Superuser accounts are not managed here.")
    return None


@checked(user_management_check)
def user_access_change(*, actor, target, roles, scope: Scope, seen: str,
                       audit: AuditContext | None = None) -> list[AccessRequest]:
    """Change the target's roles and operations to `roles` and `scope`; `seen` is the state the
    form was rendered with (`Scope.fingerprint`): if another administrator changed it since, nothing
    is written (StaleEditError)."""
    refusal = access_change_refusal(actor=actor, target=target)
    if refusal:
        raise ValidationError(refusal)
    target = User.objects.select_for_update().get(pk=target.pk)  # two administrators at once: one waits
    held_roles = set(target.groups.values_list("name", flat=True))
    held = scope_of(target)
    if held.fingerprint(held_roles) != seen:
        raise StaleEditError(_("%(user)s's roles or operations were changed by someone else since you opened the "
                               "page. Check them, then make your change again.") % {"user": target.get_username()})
    roles = _clean_roles(roles)
    filed = _apply_access(actor=actor, target=target, roles=roles, scope=scope, audit=audit)
    missions = Mission.objects.in_bulk()
    audit_record(action="user_access_change", actor=actor, audit=audit, obj=target, detail={
        "roles": {"before": sorted(held_roles), "after": roles},
        "operations": {"before": _describe_scope(held, missions), "after": _describe_scope(scope, missions)},
        "waiting_for_approval": [r.pk for r in filed]})
    return filed


@checked(user_management_check)
def user_set_active(*, actor, target, active: bool, audit: AuditContext | None = None):
    """Disable (sessions end at once, tokens stop working, sign-in is refused) or enable an account.
    An administrator cannot disable themself: there is always one left to undo it."""
    _not_yourself(actor, target, _("You cannot disable your own account."))
    _not_superuser(target)
    target = User.objects.select_for_update().get(pk=target.pk)
    if target.is_active != active:
        target.is_active = active
        target.save(update_fields=["is_active"])  # a receiver ends the sessions of a disabled account
        audit_record(action="user_enable" if active else "user_disable", actor=actor, audit=audit, obj=target)
    return target


@checked(user_management_check)
def user_two_factor_reset(*, actor, target, audit: AuditContext | None = None) -> None:
    """Remove the target's authenticator and backup codes (a lost phone): they enrol again at their
    next sign-in. Their sessions and API tokens end with it (`accounts.two_factor.two_factor_reset`,
    audited as 2fa_reset). Not one's own: that would let a stolen session swap the second factor."""
    _not_yourself(actor, target, _("You cannot reset your own two-factor authentication: ask another "
                                   "administrator."))
    _not_superuser(target)
    two_factor_reset(actor=actor, user=target, audit=audit)


@checked(user_management_check)
def user_unlock(*, actor, target, audit: AuditContext | None = None) -> int:
    """Clear django-axes' failed sign-ins for the target's user name, so they can sign in again now."""
    _not_superuser(target)
    cleared = axes_reset(username=target.get_username())
    audit_record(action="lockout_reset", actor=actor, audit=audit, obj=target, detail={"attempts_cleared": cleared})
    return cleared


@checked(user_management_check)
def user_password_link_send(*, actor, target, audit: AuditContext | None = None) -> None:
    """A new one-time link to set a password, to the target's own address (e.g. the first one expired)."""
    if not target.is_active:
        raise ValidationError(_("Enable the account before sending it a link."))
    try:
        password_reset_link_send(actor=actor, user=target, audit=audit)
    except AccessChangeRefused as refusal:
        raise ValidationError(str(refusal)) from None

