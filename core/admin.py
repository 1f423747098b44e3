from axes.utils import reset as axes_reset
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from guardian.admin import GuardedModelAdmin

from core.audit import audit_record
from core.models import (
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
    list_display = ("name", "acronym")
    inlines = [FocalPointInline]


@admin.register(FocalPoint)
class FocalPointAdmin(admin.ModelAdmin):
    list_display = ("name", "email", "role", "member_state", "regional_organisation", "active")
    list_filter = ("role", "active")
    search_fields = ("name", "email")


@admin.register(Mission)
class MissionAdmin(GuardedModelAdmin):
    """Reference record plus, through guardian's object permissions page, who is scoped to it."""

    list_display = ("name", "country", "active")

    # view_mission/change_mission are scope grants; editing this record needs manage_mission.
    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("core.manage_mission")

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm("core.manage_mission")

    def has_add_permission(self, request):
        return request.user.has_perm("core.manage_mission")

    def has_module_permission(self, request):
        return request.user.has_perm("core.manage_mission") or super().has_module_permission(request)


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


class AuditedUserAdmin(UserAdmin):
    """Administrators manage accounts and roles (groups); they cannot make anyone a superuser or
    hand out single permissions such as victims.view_identity, and every change is audited."""

    actions = ["reset_two_factor", "unlock_sign_in"]

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

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += ["is_superuser", "user_permissions"]
        return fields

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit_record(action="user_change" if change else "user_create", request=request, obj=obj,
                     detail={"fields": sorted(form.changed_data)})


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
