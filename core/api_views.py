"""Reference data a client needs to fill in the other endpoints: operations, forces, states."""

from __future__ import annotations

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.generics import ListAPIView

from core.api import permission_note
from core.models import Force, MemberState, Mission, RegionalOrganisation
from core.roles import REFERENCE_PERMISSION

# Who may read the reference lists is registered by the app whose users need them (core.roles);
# scope still limits the operations.


class ForceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Force
        fields = ("id", "name", "mandate_resolution", "lead_member_state", "lead_regional_organisation")
        read_only_fields = fields


class MissionSerializer(serializers.ModelSerializer):
    forces = ForceSerializer(many=True, read_only=True)
    country_iso3 = serializers.CharField(source="country.iso3", read_only=True)

    class Meta:
        model = Mission
        fields = ("id", "name", "country", "country_iso3", "active", "forces")
        read_only_fields = fields


class MemberStateSerializer(serializers.ModelSerializer):
    class Meta:
        model = MemberState
        fields = ("id", "iso3", "iso2", "name")
        read_only_fields = fields


class RegionalOrganisationSerializer(serializers.ModelSerializer):
    class Meta:
        model = RegionalOrganisation
        fields = ("id", "name", "acronym")
        read_only_fields = fields


@extend_schema(description="The operations you are assigned to, with the forces operating there.\n\n"
               + permission_note(REFERENCE_PERMISSION))
class MissionList(ListAPIView):
    required_permissions = REFERENCE_PERMISSION
    serializer_class = MissionSerializer

    def get_queryset(self):
        return Mission.objects.visible_to(self.request.user).select_related("country").prefetch_related(
            Prefetch("forces", queryset=Force.objects.filter(active=True).order_by("name")))


@extend_schema(description="Member States (countries, nationalities, authorities).\n\n" + permission_note(REFERENCE_PERMISSION))
class MemberStateList(ListAPIView):
    required_permissions = REFERENCE_PERMISSION
    serializer_class = MemberStateSerializer
    queryset = MemberState.objects.order_by("name")


@extend_schema(description="Regional organisations that lead forces.\n\n" + permission_note(REFERENCE_PERMISSION))
class RegionalOrganisationList(ListAPIView):
    required_permissions = REFERENCE_PERMISSION
    serializer_class = RegionalOrganisationSerializer
    queryset = RegionalOrganisation.objects.order_by("name")
