"""The forms of the user management pages: the list's filters, an account's roles and operations,
a new account, and the small action forms (each posts to its own address)."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from accounts.choices import ROLE_LABELS, ActiveFilter, ScopeLevel
from accounts.querysets import Scope

User = get_user_model()


def role_choices() -> list[tuple[str, str]]:
    return list(ROLE_LABELS.items())


class UserFilterForm(forms.Form):
    q = forms.CharField(label=_("Name, user name or e-mail"), required=False, max_length=150)
    role = forms.ChoiceField(label=_("Role"), required=False)
    state = forms.ChoiceField(label=_("Account"), required=False,
                              choices=[("", _("Active or disabled"))] + ActiveFilter.choices)
    locked = forms.BooleanField(label=_("Locked out of sign-in"), required=False)
    without_two_factor = forms.BooleanField(label=_("Active, without two-factor authentication"), required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [("", _("Any role"))] + role_choices()

    def criteria(self) -> dict:
        return self.cleaned_data if self.is_valid() else {}


class AccessForm(forms.Form):
    """Roles, and the level of access in every operation and in each one. `seen` carries the state the
    form was rendered with, so a change made meanwhile by another administrator is not overwritten."""

    roles = forms.MultipleChoiceField(label=_("Roles"), widget=forms.CheckboxSelectMultiple)
    every = forms.ChoiceField(label=_("Every operation (headquarters)"), choices=ScopeLevel.choices,
                              initial=ScopeLevel.NONE, required=False,
                              help_text=_("For headquarters staff. Each operation below is for field staff."))
    seen = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, missions, roles: set[str] = frozenset(), scope: Scope | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        scope = scope or Scope()
        self.fields["roles"].choices = role_choices()
        self.fields["roles"].initial = sorted(roles)
        self.fields["every"].initial = scope.every
        self.fields["seen"].initial = scope.fingerprint(set(roles))
        self.mission_fields = []
        for mission in missions:
            name = f"mission_{mission.pk}"
            self.fields[name] = forms.ChoiceField(label=mission.name, choices=ScopeLevel.choices, required=False,
                                                  initial=scope.level(mission.pk))
            self.mission_fields.append(name)
        self.missions = {f"mission_{m.pk}": m for m in missions}

    def scope_fields(self):
        return [self[name] for name in self.mission_fields]

    def scope(self) -> Scope:
        data = self.cleaned_data
        return Scope(every=data.get("every") or ScopeLevel.NONE,
                     missions={self.missions[name].pk: data[name] for name in self.mission_fields
                               if data.get(name) and data[name] != ScopeLevel.NONE})


class UserCreateForm(AccessForm):
    username = forms.CharField(label=_("User name"), max_length=150,
                               validators=User._meta.get_field("username").validators,
                               help_text=_("Letters, digits and @ . + - _ only. People sign in with it."))
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-mail address"),
                             help_text=_("The person's own address: a one-time link to set a password is sent there."))

    field_order = ["username", "first_name", "last_name", "email", "roles", "every"]

    def identity_fields(self):
        return [self[name] for name in ("username", "first_name", "last_name", "email")]


class ActiveForm(forms.Form):
    active = forms.TypedChoiceField(choices=[("1", "1"), ("0", "0")], coerce=lambda v: v == "1",
                                    widget=forms.HiddenInput)


class ConfirmForm(forms.Form):
    """An action with nothing to fill in: its refusals are shown as this form's errors."""
