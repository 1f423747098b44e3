"""Scope of operations: the root every other model's `visible_to(user)` builds on."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser


class MissionQuerySet(models.QuerySet):
    def visible_to(self, user: AbstractBaseUser | AnonymousUser, perm: str = "view_mission") -> MissionQuerySet:
        """Operations on which `user` holds `perm` (view_mission or change_mission).

        A global (model-level) grant covers every operation; this is how headquarters
        roles are given the whole picture. Otherwise the guardian object grants, to the
        user or to one of their groups, decide. The result is a lazy queryset, so callers
        embed it as a subquery instead of paying a query of their own.
        """
        if not (user.is_authenticated and user.is_active):
            return self.none()
        if user.has_perm(f"core.{perm}"):
            return self.all()
        from core.models import (
            MissionGroupObjectPermission,
            MissionUserObjectPermission,
        )

        by_user = MissionUserObjectPermission.objects.filter(user=user, permission__codename=perm)
        by_group = MissionGroupObjectPermission.objects.filter(group__user=user, permission__codename=perm)
        return self.filter(
            models.Q(pk__in=by_user.values("content_object")) | models.Q(pk__in=by_group.values("content_object"))
        )

    def editable_by(self, user: AbstractBaseUser | AnonymousUser) -> MissionQuerySet:
        return self.visible_to(user, perm="change_mission")



def users_with_mission_perm(missions, perm: str = "view_mission"):
    """The inverse of `visible_to`: active users holding `perm` on any of `missions`, in one query
    (object grants to them or to their groups, or the global permission to them or their groups)."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(is_active=True).filter(
        models.Q(missionuserobjectpermission__permission__codename=perm,
                 missionuserobjectpermission__content_object__in=missions)
        | models.Q(groups__missiongroupobjectpermission__permission__codename=perm,
                   groups__missiongroupobjectpermission__content_object__in=missions)
        | models.Q(user_permissions__content_type__app_label="core", user_permissions__codename=perm)
        | models.Q(groups__permissions__content_type__app_label="core", groups__permissions__codename=perm)
    ).distinct()
