from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
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
)
from core.audit import audit_context
from core.models import (
    AccessRequest,
    AuditEvent,
    FocalPoint,
    Force,
    MemberState,
    Mission,
    RegionalOrganisation,
)


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
    every change is audited. `actor` and `request` are set by `MissionAdmin`."""

    actor = None
    request = None

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
                          permission=f"core.{codename}", audit=audit_context(self.request))
        for codename in sorted(chosen - held):
            filed = access_grant(actor=self.actor, user=self.user, kind=AccessRequest.Kind.SCOPE, mission=self.obj,
                                 permission=f"core.{codename}", audit=audit_context(self.request))
            if filed is not None:
                messages.warning(self.request, _("%(what)s for %(user)s needs a second administrator's "
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
        return type("BoundScopeGrantForm", (ScopeGrantForm,), {"actor": request.user, "request": request})

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


class AccessRequestForm(forms.ModelForm):
    class Meta:
        model = AccessRequest
        fields = ("user", "kind", "group", "mission", "permission", "email", "reason")
        widgets = {"permission": forms.Select}

        help_texts = {
            "kind": _("A role, scope on one operation (or every operation), a personal permission, or a new "
                      "e-mail address. What reaches victims' identity waits for a second administrator."),
            "group": _("For a role."),
            "mission": _("For operation scope; empty means every operation."),
            "permission": _("For operation scope (view or change) or a personal permission."),
            "email": _("For a new e-mail address."),
        }

    actor = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The personal permissions are registered by their apps once ready, after the admin is loaded.
        self.fields["permission"].widget.choices = [("", "---------")] + [
            (p, p) for p in (*SCOPE_PERMISSIONS, *PERSONAL_PERMISSIONS)]

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
    list_display = ("requested_at", "user", "kind", "group", "mission", "permission", "operations_now", "status",
                    "requested_by", "decided_by")
    list_filter = ("status", "kind")
    actions = ["approve", "reject"]

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(ADMINISTER_USERS)

    has_module_permission = has_view_permission
    has_add_permission = has_view_permission

    @admin.display(description=_("operations the person holds now"))
    def operations_now(self, obj) -> str:
        # A role approved here reaches identity in each of these: the approver must see them.
        if obj.user.has_perm("core.view_mission"):
            return str(_("every operation"))
        return ", ".join(Mission.objects.visible_to(obj.user).order_by("name").values_list("name", flat=True)) or "—"

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        return type("BoundAccessRequestForm", (form,), {"actor": request.user})

    def save_model(self, request, obj, form, change):
        filed = access_grant(actor=request.user, user=obj.user, kind=obj.kind, group=obj.group, mission=obj.mission,
                             permission=obj.permission, email=obj.email, reason=obj.reason, audit=audit_context(request))
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
                                      audit=audit_context(request))
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
