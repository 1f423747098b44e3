"""`/api/v1/referrals/`: drafting, approval, the authority's answers and the reminders sent, over JSON."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from allegations.services import access_allegation
from core.api import Pages, VersionSerializer, permission_note, validated
from core.audit import audit_context
from core.models import MemberState, Mission, RegionalOrganisation
from referrals.models import (
    AuthorityResponse,
    InvestigationOutcome,
    Referral,
    ReferralStatus,
    Reminder,
)
from referrals.services import (
    access_referral,
    referral_approve,
    referral_draft,
    referral_preview,
    referral_record,
)
from referrals.scorecard import ALL_YEARS, chosen_year, may_view_scorecard, scorecard, years_sent
from victims.querysets import can_view_identity


class ReferralSerializer(serializers.ModelSerializer):
    allegation_reference = serializers.CharField(source="allegation.reference", read_only=True)
    recipient = serializers.CharField(read_only=True)

    class Meta:
        model = Referral
        fields = ("id", "allegation", "allegation_reference", "member_state", "regional_organisation", "recipient",
                  "language", "status", "drafted_by", "drafted_at", "approved_by", "approved_at", "sent_on",
                  "response_due", "investigation_due", "response", "response_on", "investigation_officer", "outcome",
                  "outcome_on", "accountability_measures", "closed_on", "version")
        read_only_fields = fields


class DraftSerializer(serializers.Serializer):
    member_state = serializers.PrimaryKeyRelatedField(queryset=MemberState.objects.all(), required=False, allow_null=True)
    regional_organisation = serializers.PrimaryKeyRelatedField(queryset=RegionalOrganisation.objects.all(),
                                                               required=False, allow_null=True)
    language = serializers.ChoiceField(choices=Referral._meta.get_field("language").choices, default="en")


class RecordSerializer(VersionSerializer):
    response = serializers.ChoiceField(choices=AuthorityResponse.choices, required=False)
    response_on = serializers.DateField(required=False, allow_null=True)
    investigation_officer = serializers.CharField(required=False, allow_blank=True, max_length=200)
    outcome = serializers.ChoiceField(choices=InvestigationOutcome.choices, required=False)
    outcome_on = serializers.DateField(required=False, allow_null=True)
    accountability_measures = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    close = serializers.BooleanField(required=False, default=False, help_text="Close the follow-up.")


class ReminderSerializer(serializers.ModelSerializer):
    class Meta:
        model = Reminder
        fields = ("id", "kind", "about", "due_date", "status", "sent_at")
        read_only_fields = fields


class NotificationSerializer(serializers.Serializer):
    subject = serializers.CharField()
    text = serializers.CharField()
    shares_identity = serializers.BooleanField()


class ReferralQuery(serializers.Serializer):
    status = serializers.ChoiceField(choices=ReferralStatus.choices, required=False)
    mission = serializers.IntegerField(required=False, min_value=1)
    overdue = serializers.BooleanField(required=False, default=False)


PERMISSIONS = {
    "list": "referrals.view_referral", "retrieve": "referrals.view_referral", "notification": "referrals.view_referral",
    "reminders": "referrals.view_referral", "approve": "referrals.approve_referral", "answers": "referrals.change_referral",
}


@extend_schema_view(
    list=extend_schema(parameters=[ReferralQuery], description="Referrals of the allegations you may see.\n\n"
                       + permission_note({"GET": PERMISSIONS["list"]})),
    retrieve=extend_schema(description="One referral and its deadlines.\n\n" + permission_note({"GET": PERMISSIONS["retrieve"]})),
    notification=extend_schema(responses=NotificationSerializer, description=(
        "The notice as it will be (or was) sent. A notice that quotes a victim's identity (with consent) answers "
        "404 to anyone who may not see identity. Audited.\n\n" + permission_note({"GET": PERMISSIONS["notification"]}))),
    reminders=extend_schema(responses=ReminderSerializer(many=True), description=(
        "Reminders and escalations (read only: the scheduler writes them).\n\n"
        + permission_note({"GET": PERMISSIONS["reminders"]}))),
    approve=extend_schema(request=VersionSerializer, description=(
        "Approve a draft drafted by someone else; it is then sent by a background task.\n\n"
        + permission_note({"POST": PERMISSIONS["approve"]}))),
    answers=extend_schema(request=RecordSerializer, description=(
        "Record the authority's answer and the outcome it reported; `close` ends the follow-up. `version` "
        "required.\n\n" + permission_note({"POST": PERMISSIONS["answers"]}))),
)
class ReferralViewSet(viewsets.GenericViewSet):
    required_permissions = PERMISSIONS
    serializer_class = ReferralSerializer
    pagination_class = Pages
    lookup_value_converter = "uuid"
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        query = ReferralQuery(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        referrals = Referral.objects.visible_to(self.request.user).select_related(
            "allegation", "member_state", "regional_organisation")
        criteria = query.validated_data
        if criteria.get("status"):
            referrals = referrals.filter(status=criteria["status"])
        if criteria.get("mission"):
            referrals = referrals.filter(allegation__mission__in=Mission.objects.filter(pk=criteria["mission"]))
        if criteria["overdue"]:
            referrals = referrals.overdue()
        return referrals.order_by("-drafted_at", "pk")

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request: Request, pk=None) -> Response:
        return Response(self.get_serializer(access_referral(request.user, pk, audit=audit_context(request))).data)

    @action(detail=True, methods=["get"], pagination_class=None)
    def notification(self, request: Request, pk=None) -> Response:
        referral = access_referral(request.user, pk, audit=audit_context(request))
        notice = referral_preview(actor=request.user, referral=referral, audit=audit_context(request))
        if notice.shares_identity and not can_view_identity(request.user):
            return Response({"detail": "Not found."}, status=status.HTTP_404_NOT_FOUND)
        return Response(NotificationSerializer(notice).data)

    @action(detail=True, methods=["get"], pagination_class=None)
    def reminders(self, request: Request, pk=None) -> Response:
        referral = access_referral(request.user, pk, audit=audit_context(request))
        return Response(ReminderSerializer(referral.reminders.order_by("due_date", "pk"), many=True).data)

    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk=None) -> Response:
        referral = access_referral(request.user, pk, audit=audit_context(request), for_change=True)
        values = validated(VersionSerializer, request.data)
        referral = referral_approve(actor=request.user, referral=referral,
                                    expected_version=values["version"], audit=audit_context(request))
        return Response(self.get_serializer(referral).data)

    @action(detail=True, methods=["post"])
    def answers(self, request: Request, pk=None) -> Response:
        referral = access_referral(request.user, pk, audit=audit_context(request), for_change=True)
        values = validated(RecordSerializer, request.data)
        version, close = values.pop("version"), values.pop("close")
        referral = referral_record(actor=request.user, referral=referral, expected_version=version, values=values,
                                   close=close, audit=audit_context(request))
        return Response(self.get_serializer(referral).data)


class AllegationReferrals(APIView):
    required_permissions = {"POST": "referrals.add_referral"}

    @extend_schema(request=DraftSerializer, responses={201: ReferralSerializer}, description=(
        "Draft a referral of a credible allegation to one Member State or one regional organisation. A colleague "
        "must approve it before it is sent.\n\n" + permission_note(required_permissions)))
    def post(self, request: Request, allegation_id) -> Response:
        allegation = access_allegation(request.user, allegation_id, audit=audit_context(request), for_change=True)
        values = validated(DraftSerializer, request.data)
        referral = referral_draft(actor=request.user, allegation=allegation, audit=audit_context(request), **values)
        return Response(ReferralSerializer(referral).data, status=status.HTTP_201_CREATED)




class TrendPointSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    sent = serializers.IntegerField()
    answered_in_time = serializers.IntegerField()
    answered_in_time_share = serializers.IntegerField(allow_null=True)


class ScorecardRowSerializer(serializers.Serializer):
    authority = serializers.CharField()
    regional = serializers.BooleanField(help_text="A regional organisation rather than a Member State.")
    sent = serializers.IntegerField()
    answered_in_time = serializers.IntegerField(help_text="Answered within 10 working days of sending.")
    answered_in_time_share = serializers.IntegerField(allow_null=True, help_text="Whole percentage of `sent`.")
    answered = serializers.IntegerField()
    median_working_days_to_answer = serializers.FloatField(allow_null=True)
    with_officer = serializers.IntegerField()
    with_officer_share = serializers.IntegerField(allow_null=True)
    outcomes_reported = serializers.IntegerField()
    outcomes_reported_share = serializers.IntegerField(allow_null=True)
    median_days_to_outcome = serializers.FloatField(allow_null=True)
    victims = serializers.IntegerField(help_text="Victims of the referred allegations, once per referral.")
    victims_informed = serializers.IntegerField(help_text="Of `victims`, contacted after the referral was sent.")
    victims_informed_share = serializers.IntegerField(allow_null=True)
    claims_open = serializers.IntegerField()
    claims_resolved = serializers.IntegerField()
    trend = TrendPointSerializer(many=True)


class ScorecardSerializer(serializers.Serializer):
    year = serializers.IntegerField(allow_null=True, help_text="The year shown; null for all years.")
    years = serializers.ListField(child=serializers.IntegerField())
    rows = ScorecardRowSerializer(many=True)


class ScorecardQuery(serializers.Serializer):
    year = serializers.CharField(required=False, help_text=(
        f"A year in which referrals were sent, or `{ALL_YEARS}`; by default the latest such year."))


class ReferralScorecard(APIView):
    required_permissions = {"GET": "referrals.view_referral"}

    @extend_schema(parameters=[ScorecardQuery], responses=ScorecardSerializer, description=(
        "The accountability scorecard: per Member State and regional organisation, how the referrals sent to it "
        "in a year were answered. Headquarters analysts and approving officers only (others: 403).\n\n"
        + permission_note(required_permissions)))
    def get(self, request: Request) -> Response:
        if not may_view_scorecard(request.user):
            raise PermissionDenied
        years = years_sent(request.user)
        year = chosen_year(request.query_params.get("year"), years)
        rows = scorecard(request.user, year) if years else []
        return Response(ScorecardSerializer({"year": year, "years": years, "rows": rows}).data)
