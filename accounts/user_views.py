"""The user management pages: administrators only, anyone else gets 404. Thin: the rules are in
`accounts.services`, the lists in `accounts.querysets`."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.choices import ROLE_LABELS, ScopeLevel
from accounts.forms import AccessForm, ActiveForm, ConfirmForm, UserCreateForm, UserFilterForm
from accounts.querysets import (
    Scope,
    access_user,
    filtered_users,
    missions_by_pk,
    scope_of,
    scopes_of,
    with_account_state,
)
from accounts.services import (
    user_management_check,
    access_change_refusal,
    user_access_change,
    user_create,
    user_password_link_send,
    user_set_active,
    user_two_factor_reset,
    user_unlock,
)
from core.audit import audit_context
from core.forms import add_service_errors
from core.locking import StaleEditError
from core.models import AccessRequest, Mission
from core.paging import paginate

User = get_user_model()


@dataclass(frozen=True)
class UserRow:
    user: object
    roles: list[str]
    operations: list[str]


def _administrators_only(request: HttpRequest) -> None:
    """The pages without an account in their address check here (the others, in their services)."""
    user_management_check(actor=request.user, audit=audit_context(request))


def _scope_labels(scope: Scope, missions: dict[int, Mission]) -> list[str]:
    labels = []
    if scope.every != ScopeLevel.NONE:
        labels.append(_("Every operation (%(level)s)") % {"level": ScopeLevel(scope.every).label.lower()})
    for pk, level in sorted(scope.missions.items(), key=lambda item: missions[item[0]].name):
        labels.append(f"{missions[pk].name} ({ScopeLevel(level).label.lower()})")
    return labels


def _role_labels(names) -> list[str]:
    return [str(ROLE_LABELS.get(name, name)) for name in sorted(names)]


@require_safe
@login_required
def users(request: HttpRequest) -> HttpResponse:
    _administrators_only(request)
    filters = UserFilterForm(request.GET or None)
    criteria = filters.criteria()
    context = paginate(request, filtered_users(**criteria))
    listed = list(context["page"].object_list)
    scopes, missions = scopes_of(listed), missions_by_pk()
    rows = [UserRow(user=u, roles=_role_labels(g.name for g in u.groups.all()),
                    operations=_scope_labels(scopes[u.pk], missions)) for u in listed]
    return render(request, "accounts/users.html", {
        "filters": filters, "filtered": any(criteria.values()), "rows": rows, **context,
    })


def _detail(request: HttpRequest, target, *, access_form: AccessForm | None = None,
            action_form: ConfirmForm | None = None, status: int = 200) -> HttpResponse:
    missions = list(Mission.objects.order_by("name"))
    roles = set(target.groups.values_list("name", flat=True))
    scope = scope_of(target)
    state = with_account_state(User.objects.filter(pk=target.pk)).values("is_locked", "has_two_factor").get()
    manageable = access_change_refusal(actor=request.user, target=target) is None
    if access_form is None and manageable:
        access_form = AccessForm(missions=missions, roles=roles, scope=scope)
    return render(request, "accounts/user_detail.html", {
        "target": target, "is_self": target.pk == request.user.pk, "manageable": manageable,
        "roles": _role_labels(roles), "operations": _scope_labels(scope, {m.pk: m for m in missions}),
        "is_locked": state["is_locked"], "has_two_factor": state["has_two_factor"],
        "access_form": access_form, "action_form": action_form,
        "pending": AccessRequest.objects.filter(user=target, status=AccessRequest.Status.PENDING)
        .select_related("group", "mission", "requested_by").order_by("pk"),
    }, status=status)


def _refused(request: HttpRequest, target, error: ValidationError) -> HttpResponse:
    """An action the service refused: the page again, the reason in its error summary."""
    form = ConfirmForm(data={}, prefix="action")
    form.is_valid()
    for message in error.messages:
        form.add_error(None, message)
    return _detail(request, target, action_form=form, status=400)


def _tell_filed(request: HttpRequest, filed: list[AccessRequest]) -> None:
    if filed:
        messages.warning(request, _("Part of this access reaches victims' identity: it waits for a second "
                                    "administrator's approval (access requests in the administration pages)."))


@require_safe
@login_required
def user_detail(request: HttpRequest, user_id: int) -> HttpResponse:
    target = access_user(request.user, user_id, audit=audit_context(request))
    return _detail(request, target)


@require_http_methods(["GET", "POST"])
@login_required
def user_new(request: HttpRequest) -> HttpResponse:
    _administrators_only(request)
    form = UserCreateForm(request.POST if request.method == "POST" else None,
                          missions=list(Mission.objects.order_by("name")))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user, filed = user_create(actor=request.user, username=data["username"], first_name=data["first_name"],
                                      last_name=data["last_name"], email=data["email"], roles=data["roles"],
                                      scope=form.scope(), audit=audit_context(request))
        except ValidationError as error:
            add_service_errors(form, None, error)
        else:
            messages.success(request, _("Account %(username)s created. A one-time link to set a password was sent "
                                        "to %(email)s.") % {"username": user.get_username(), "email": user.email})
            _tell_filed(request, filed)
            return redirect("user_detail", user.pk)
    return render(request, "accounts/user_new.html", {"form": form}, status=400 if form.errors else 200)


@require_POST
@login_required
def user_access(request: HttpRequest, user_id: int) -> HttpResponse:
    target = access_user(request.user, user_id, audit=audit_context(request))
    if refusal := access_change_refusal(actor=request.user, target=target):
        return _refused(request, target, ValidationError(refusal))  # their page has no access form
    form = AccessForm(request.POST, missions=list(Mission.objects.order_by("name")))
    if form.is_valid():
        try:
            filed = user_access_change(actor=request.user, target=target, roles=form.cleaned_data["roles"],
                                       scope=form.scope(), seen=form.cleaned_data["seen"],
                                       audit=audit_context(request))
        except StaleEditError as stale:
            messages.error(request, str(stale))
            return _detail(request, target, status=409)  # the current state, to decide again on it
        except ValidationError as error:
            add_service_errors(form, None, error)
        else:
            messages.success(request, _("Roles and operations of %(username)s saved.")
                             % {"username": target.get_username()})
            _tell_filed(request, filed)
            return redirect("user_detail", target.pk)
    return _detail(request, target, access_form=form, status=400)


@require_POST
@login_required
def user_active(request: HttpRequest, user_id: int) -> HttpResponse:
    target = access_user(request.user, user_id, audit=audit_context(request))
    form = ActiveForm(request.POST)
    if not form.is_valid():
        return _refused(request, target, ValidationError(_("Say whether to enable or disable the account.")))
    try:
        user_set_active(actor=request.user, target=target, active=form.cleaned_data["active"],
                        audit=audit_context(request))
    except ValidationError as error:
        return _refused(request, target, error)
    messages.success(request, (_("Account %(username)s enabled.") if form.cleaned_data["active"] else
                               _("Account %(username)s disabled: its sessions have ended.")) %
                     {"username": target.get_username()})
    return redirect("user_detail", target.pk)


def _simple_action(service, done: str):
    """A POST with nothing to fill in: run the service, say so, back to the user's page."""

    @require_POST
    @login_required
    def view(request: HttpRequest, user_id: int) -> HttpResponse:
        target = access_user(request.user, user_id, audit=audit_context(request))
        try:
            service(actor=request.user, target=target, audit=audit_context(request))
        except ValidationError as error:
            return _refused(request, target, error)
        messages.success(request, _(done) % {"username": target.get_username()})
        return redirect("user_detail", target.pk)

    view.__name__ = service.__name__ + "_view"
    return view


# Marked for translation here, translated when shown.
user_two_factor_reset_view = _simple_action(user_two_factor_reset, gettext_noop(
    "Two-factor authentication of %(username)s reset: they set it up again at their next sign-in."))
user_unlock_view = _simple_action(user_unlock, gettext_noop("Sign-in unlocked for %(username)s."))
user_password_link_view = _simple_action(user_password_link_send, gettext_noop(
    "A one-time link to set a password was sent to %(username)s."))
