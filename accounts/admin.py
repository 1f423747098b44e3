"""Administration of accounts: users (roles, scope and e-mail addresses through `core.access`;
two-factor reset; sign-in unlock) and personal API tokens."""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import ApiToken
from accounts.tokens import api_token_revoke
from accounts.services import user_password_link_send, user_two_factor_reset, user_unlock
from core.access import AccessChangeRefused, access_grant, access_revoke, holds_identity_access, password_reset_link_send
from core.audit import audit_context, audit_record
from core.models import AccessRequest


class AccountCreationForm(forms.ModelForm):
    """A new account has no password: its owner sets one through the one-time link sent to them."""

    class Meta:
        model = User
        fields = ("username", "first_name", "last_name", "email")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True
        self.fields["email"].help_text = _("The one-time link to set a password is sent here.")

    def save(self, commit=True):
        user = super().save(commit=False)
        user.set_unusable_password()
        if commit:
            user.save()
        return user


class AccountChangeForm(UserChangeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "password" in self.fields:
            self.fields["password"].help_text = _(
                "Administrators never set passwords. Use the action “Send a one-time link to set a "
                "password”: the link goes to the user's own e-mail address.")


class AuditedUserAdmin(UserAdmin):
    """Administrators manage accounts; roles, scope and e-mail addresses go through `core.access`
    (nobody changes their own; what carries identity access waits for a second administrator);
    passwords are never set here; every change is audited."""

    form = AccountChangeForm
    add_form = AccountCreationForm
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("username", "first_name", "last_name", "email")}),)
    actions = ["send_password_reset_link", "reset_two_factor", "unlock_sign_in"]

    @admin.action(description=_("Send a one-time link to set a password"), permissions=["change"])
    def send_password_reset_link(self, request, queryset):
        self._each(request, queryset, user_password_link_send, _("A one-time link was sent to %(n)d account(s)."))

    @admin.action(description=_("Reset two-factor authentication (user sets it up again)"),
                  permissions=["change"])
    def reset_two_factor(self, request, queryset):
        self._each(request, queryset, user_two_factor_reset,
                   _("Two-factor authentication reset for %(n)d account(s)."))

    @admin.action(description=_("Unlock sign-in (clear failed attempts)"), permissions=["change"])
    def unlock_sign_in(self, request, queryset):
        self._each(request, queryset, user_unlock, _("Sign-in unlocked for %(n)d account(s)."))

    def _each(self, request, queryset, service, done: str) -> None:
        """The same services as the user management pages (accounts.services), one account at a time."""
        succeeded = 0
        for user in queryset:
            try:
                service(actor=request.user, target=user, audit=audit_context(request))
                succeeded += 1
            except ValidationError as refusal:
                self.message_user(request, f"{user}: {' '.join(refusal.messages)}", level=messages.ERROR)
        if succeeded:
            self.message_user(request, done % {"n": succeeded})

    def user_change_password(self, request, id, form_url=""):
        raise PermissionDenied  # administrators never set another user's password

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += ["is_superuser", "user_permissions"]
        if obj is not None and obj.pk == request.user.pk:
            fields += ["groups", "is_staff", "is_active", "email"]  # nobody changes their own access
        elif obj is not None and holds_identity_access(obj):
            fields += ["email"]  # reset links go there: a new address is an access request
        return fields

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit_record(action="user_change" if change else "user_create", actor=request.user,
                     audit=audit_context(request), obj=obj,
                     detail={"fields": sorted(set(form.changed_data) - {"groups"})})

    def save_related(self, request, form, formsets, change):
        user = form.instance
        held = set(user.groups.all()) if change else set()
        chosen = set(form.cleaned_data.get("groups", held))
        form.cleaned_data["groups"] = list(held)  # Django's own m2m save changes nothing
        super().save_related(request, form, formsets, change)
        try:
            for group in sorted(held - chosen, key=str):
                access_revoke(actor=request.user, user=user, kind=AccessRequest.Kind.ROLE, group=group,
                              audit=audit_context(request))
            for group in sorted(chosen - held, key=str):
                filed = access_grant(actor=request.user, user=user, kind=AccessRequest.Kind.ROLE, group=group,
                                     audit=audit_context(request))
                if filed is not None:
                    self.message_user(request, _("The role %(role)s for %(user)s carries access to victims' "
                                                 "identity: it waits for a second administrator's approval "
                                                 "(access requests).") % {"role": group, "user": user},
                                      level=messages.WARNING)
        except AccessChangeRefused as refusal:
            self.message_user(request, str(refusal), level=messages.ERROR)
        if not change and user.email:
            password_reset_link_send(actor=request.user, user=user, audit=audit_context(request))


admin.site.unregister(User)
admin.site.register(User, AuditedUserAdmin)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Administrators see and revoke anyone's tokens; they never see a secret (only its hash is stored)."""

    list_display = ("prefix", "name", "user", "created_at", "expires_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("user__username", "name", "prefix")
    readonly_fields = ("user", "name", "prefix", "created_at", "expires_at", "last_used_at", "revoked_at")
    actions = ["revoke"]

    def has_add_permission(self, request) -> bool:
        return False  # a token is created by its owner, who alone sees the secret

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request, queryset) -> None:
        for token in queryset.select_related("user"):
            api_token_revoke(actor=request.user, token=token, audit=audit_context(request))


# django-otp's own admin would show each user's TOTP secret (and its QR code) to staff: devices
# are managed only through the audited reset action above.
for _model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
