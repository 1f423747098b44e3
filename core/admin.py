from django.contrib import admin
from guardian.admin import GuardedModelAdmin

from core.models import AuditEvent, FocalPoint, Force, MemberState, Mission, RegionalOrganisation


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
