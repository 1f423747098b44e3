from axes.utils import reset as axes_reset
from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from guardian.admin import AdminUserObjectPermissionsForm, GuardedModelAdmin

from core.access import (
    ADMINISTER_USERS,
    PERSONAL_PERMISSIONS,
    SCOPE_PERMISSIONS,
    AccessChangeRefused,
    access_grant_check,
    access_grant,
    access_request_decide,
    access_revoke,
    holds_identity_access,
    password_reset_link_send,
)
from core.audit import audit_record
from core.models import (
    AccessRequest,
    ApiToken,
    AuditEvent,
    FocalPoint,
    Force,
    MemberState,
    Mission,
    RegionalOrganisation,
)
from core.tokens import api_token_revoke
from core.two_factor import two_factor_reset


class FocalPointInline(admin.TabularInline):
    model = FocalPoint
    extra = 0


@admin.register(MemberState)
class MemberStateAdmin(admin.ModelAdmin):
    list_display = ("name", "iso3", "iso2")
    search_fields = ("name", "iso3", "iso2")
    inlines = [FocalPointInline]


@admin.register(RegionalOrganisation)
class RegionalOrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "acronym", "name_fr", "acronym_fr")
    inlines = [FocalPointInline]


@admin.register(FocalPoint)
class FocalPointAdmin(admin.ModelAdmin):
    list_display = ("name", "email", "role", "member_state", "regional_organisation", "active")
    list_filter = ("role", "active")
    search_fields = ("name", "email")


class ScopeGrantForm(AdminUserObjectPermissionsForm):
    """Guardian's per-user page for an operation, with its saving routed through `core.access`:
    nobody grants themselves scope, identity holders' scope waits for a second administrator, and
    every change is audited. `actor` and `audit_context` are set by `MissionAdmin`."""

    actor = None
    audit_context = None

    def clean(self):
        cleaned = super().clean()
        if self.actor is not None and self.actor.pk == self.user.pk:
            raise forms.ValidationError(_("Nobody changes their own operation scope: ask another administrator."))
        return cleaned

    def save_obj_perms(self) -> None:
        chosen = set(self.cleaned_data[self.get_obj_perms_field_name()])
        held = set(self.get_obj_perms_field_initial())
        for codename in sorted(held - chosen):
            access_revoke(actor=self.actor, user=self.user, kind=AccessRequest.Kind.SCOPE, mission=self.obj,
                          permission=f"core.{codename}", audit_context=self.audit_context)
        for codename in sorted(chosen - held):
            filed = access_grant(actor=self.actor, user=self.user, kind=AccessRequest.Kind.SCOPE, mission=self.obj,
                                 permission=f"core.{codename}", audit_context=self.audit_context)
            if filed is not None:
                messages.warning(self.audit_context, _("%(what)s for %(user)s needs a second administrator's "
                                                       "approval (access requests).") % {
                    "what": filed.describe(), "user": self.user})


@admin.register(Mission)
class MissionAdmin(GuardedModelAdmin):
    """Reference record plus, through guardian's object permissions page, who is scoped to it."""

    list_display = ("name", "name_fr", "country", "time_zone", "active")

    # view_mission/change_mission are scope grants; editing this record needs manage_mission.
    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("core.manage_mission")

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm("core.manage_mission")

    def has_add_permission(self, request):
        return request.user.has_perm("core.manage_mission")

    def has_module_permission(self, request):
        return request.user.has_perm("core.manage_mission") or super().has_module_permission(request)

    def get_obj_perms_manage_user_form(self, request):
        return type("BoundScopeGrantForm", (ScopeGrantForm,), {"actor": request.user, "audit_context": request})

    def obj_perms_manage_group_view(self, request, object_pk, group_id):
        # Scope is granted to people, one by one (DESIGN.md); a group grant would bypass the checks.
        raise PermissionDenied


@admin.register(Force)
class ForceAdmin(admin.ModelAdmin):
    list_display = ("name", "mandate_resolution", "lead_member_state", "lead_regional_organisation", "active")
    filter_horizontal = ("missions",)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("created_at", "actor_username", "action", "object_type", "object_id", "outcome", "ip_address")
    list_filter = ("action", "outcome", "created_at")
    search_fields = ("actor_username", "object_id")
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


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
        sent = 0
        for user in queryset:
            try:
                password_reset_link_send(actor=request.user, user=user, audit_context=request)
                sent += 1
            except AccessChangeRefused as refusal:
                self.message_user(request, f"{user}: {refusal}", level=messages.ERROR)
        if sent:
            self.message_user(request, _("A one-time link was sent to %(n)d account(s).") % {"n": sent})

    @admin.action(description=_("Reset two-factor authentication (user sets it up again)"),
                  permissions=["change"])
    def reset_two_factor(self, request, queryset):
        for user in queryset:
            two_factor_reset(actor=request.user, user=user, request=request)
        self.message_user(request, _("Two-factor authentication reset for %(n)d account(s).") % {"n": len(queryset)})

    @admin.action(description=_("Unlock sign-in (clear failed attempts)"), permissions=["change"])
    def unlock_sign_in(self, request, queryset):
        for user in queryset:
            with transaction.atomic():
                cleared = axes_reset(username=user.get_username())
                audit_record(action="lockout_reset", request=request, obj=user, detail={"attempts_cleared": cleared})
        self.message_user(request, _("Sign-in unlocked for %(n)d account(s).") % {"n": len(queryset)})

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
        audit_record(action="user_change" if change else "user_create", request=request, obj=obj,
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
                              audit_context=request)
            for group in sorted(chosen - held, key=str):
                filed = access_grant(actor=request.user, user=user, kind=AccessRequest.Kind.ROLE, group=group,
                                     audit_context=request)
                if filed is not None:
                    self.message_user(request, _("The role %(role)s for %(user)s carries access to victims' "
                                                 "identity: it waits for a second administrator's approval "
                                                 "(access requests).") % {"role": group, "user": user},
                                      level=messages.WARNING)
        except AccessChangeRefused as refusal:
            self.message_user(request, str(refusal), level=messages.ERROR)
        if not change and user.email:
            password_reset_link_send(actor=request.user, user=user, audit_context=request)


class AccessRequestForm(forms.ModelForm):
    class Meta:
        model = AccessRequest
        fields = ("user", "kind", "group", "mission", "permission", "email", "reason")
        widgets = {"permission": forms.Select(choices=[("", "---------")] + [
            (p, p) for p in (*SCOPE_PERMISSIONS, *PERSONAL_PERMISSIONS)])}

        help_texts = {
            "kind": _("A role, scope on one operation (or every operation), a personal permission, or a new "
                      "e-mail address. What reaches victims' identity waits for a second administrator."),
            "group": _("For a role."),
            "mission": _("For operation scope; empty means every operation."),
            "permission": _("For operation scope (view or change) or a personal permission."),
            "email": _("For a new e-mail address."),
        }

    actor = None

    def clean(self):
        cleaned = super().clean()
        try:
            access_grant_check(actor=self.actor, user=cleaned["user"], kind=cleaned["kind"], group=cleaned.get("group"),
                         mission=cleaned.get("mission"), permission=cleaned.get("permission", ""),
                         email=cleaned.get("email", ""))
        except (AccessChangeRefused, KeyError) as refusal:
            raise forms.ValidationError(str(refusal)) from None
        return cleaned


@admin.register(AccessRequest)
class AccessRequestAdmin(admin.ModelAdmin):
    """Ask for, and (as a second administrator) approve or reject, access that reaches identity."""

    form = AccessRequestForm
    list_display = ("requested_at", "user", "kind", "group", "mission", "permission", "status", "requested_by",
                    "decided_by")
    list_filter = ("status", "kind")
    actions = ["approve", "reject"]

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(ADMINISTER_USERS)

    has_module_permission = has_view_permission
    has_add_permission = has_view_permission

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        return type("BoundAccessRequestForm", (form,), {"actor": request.user})

    def save_model(self, request, obj, form, change):
        filed = access_grant(actor=request.user, user=obj.user, kind=obj.kind, group=obj.group, mission=obj.mission,
                             permission=obj.permission, email=obj.email, reason=obj.reason, audit_context=request)
        if filed is None:
            self.message_user(request, _("This change carries no identity access: it was applied at once."))
        else:
            obj.pk = filed.pk

    def log_addition(self, request, obj, message):
        pass  # the request (or the grant) is in the audit trail already

    def response_add(self, request, obj, post_url_continue=None):
        return HttpResponseRedirect(reverse("admin:core_accessrequest_changelist"))

    def _decide(self, request, queryset, approve: bool) -> None:
        decided = 0
        for access_request in queryset:
            try:
                access_request_decide(actor=request.user, access_request=access_request, approve=approve,
                                      audit_context=request)
                decided += 1
            except AccessChangeRefused as refusal:
                self.message_user(request, f"{access_request}: {refusal}", level=messages.ERROR)
        if decided:
            self.message_user(request, (_("%(n)d request(s) approved and applied.") if approve
                                        else _("%(n)d request(s) rejected.")) % {"n": decided})

    @admin.action(description=_("Approve the selected requests (applies them)"))
    def approve(self, request, queryset):
        self._decide(request, queryset, approve=True)

    @admin.action(description=_("Reject the selected requests"))
    def reject(self, request, queryset):
        self._decide(request, queryset, approve=False)


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
            api_token_revoke(actor=request.user, token=token, request=request)


# django-otp's own admin would show each user's TOTP secret (and its QR code) to staff: devices
# are managed only through the audited reset action above.
for _model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
