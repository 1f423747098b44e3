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
from referrals.choices import AuthorityResponse, InformedHow, InvestigationOutcome, StepKind, StepResult, StepSource
from referrals.ledger import StepEntry
from referrals.models import Referral, ReferralStatus, ReferralStep, Reminder
from referrals.services import (
    access_referral,
    referral_answers_record,
    referral_approve,
    referral_close,
    referral_draft,
    referral_preview,
    referral_step_correct,
    referral_step_record,
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


class StepSerializer(serializers.ModelSerializer):
    recorded_by = serializers.CharField(source="recorder", read_only=True)
    replaces = serializers.UUIDField(source="replaces_id", read_only=True, allow_null=True)
    # Empty for the kinds that have none: plain strings, so the schema allows "".
    result = serializers.CharField(read_only=True, help_text="A step result or measure, or empty.")
    informed_how = serializers.CharField(read_only=True, help_text="How the victim was informed, or empty.")

    class Meta:
        model = ReferralStep
        fields = ("id", "kind", "occurred_on", "source", "source_reference", "result", "officer_name", "informed_by",
                  "informed_how", "paternity_claim", "note", "recorded_by", "recorded_at", "replaces")
        read_only_fields = fields


class StepEntrySerializer(serializers.Serializer):
    """A step to record; which fields a kind needs, and what must come before it, the ledger checks (400 with reasons)."""

    kind = serializers.ChoiceField(choices=StepKind.choices)
    occurred_on = serializers.DateField()
    source = serializers.ChoiceField(choices=[c for c in StepSource.choices if c[0] != StepSource.ANSWER_LINK])
    source_reference = serializers.CharField(required=False, allow_blank=True, max_length=100, default="")
    result = serializers.ChoiceField(choices=StepResult.choices, required=False, allow_blank=True, default="")
    officer_name = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    informed_by = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    informed_how = serializers.ChoiceField(choices=InformedHow.choices, required=False, allow_blank=True, default="")
    paternity_claim = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1)
    note = serializers.CharField(required=False, allow_blank=True, max_length=5000, default="")

    @staticmethod
    def entry(values: dict) -> StepEntry:
        return StepEntry(**{**{k: v for k, v in values.items() if k != "paternity_claim"},
                            "paternity_claim_id": values["paternity_claim"]})


class RecordSerializer(VersionSerializer):
    """Deprecated: the `answers` operation's body (use `steps` and `close`)."""

    response = serializers.ChoiceField(choices=AuthorityResponse.choices, required=False)
    response_on = serializers.DateField(required=False, allow_null=True)
    investigation_officer = serializers.CharField(required=False, allow_blank=True, max_length=200)
    outcome = serializers.ChoiceField(choices=InvestigationOutcome.choices, required=False)
    outcome_on = serializers.DateField(required=False, allow_null=True)
    accountability_measures = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    close = serializers.BooleanField(required=False, default=False, help_text="Close the follow-up.")


class CloseSerializer(VersionSerializer):
    accountability_measures = serializers.CharField(required=False, allow_blank=True, max_length=5000, default="")


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
    "reminders": "referrals.view_referral", "approve": "referrals.approve_referral",
    "steps": {"GET": "referrals.view_referral", "POST": "referrals.change_referral"},
    "correct_step": "referrals.change_referral", "close": "referrals.change_referral",
    "answers": "referrals.change_referral",
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
    steps=extend_schema(request=StepEntrySerializer, responses=StepSerializer(many=True), description=(
        "The referral's ledger (GET: every entry, corrected ones included, with `replaces`), or record a step "
        "the authority took (POST: 201 with the step; an illegal order answers 400 saying what must come "
        "first). The referral's answer, officer and outcome follow the ledger; a step that meets a deadline "
        "cancels its pending reminders.\n\n" + permission_note(PERMISSIONS["steps"]))),
    correct_step=extend_schema(request=StepEntrySerializer, responses={201: StepSerializer}, description=(
        "Correct a step: the correction replaces it and both stay in the ledger (audited). 409 if it was "
        "corrected already.\n\n" + permission_note({"POST": PERMISSIONS["correct_step"]}))),
    answers=extend_schema(request=RecordSerializer, deprecated=True, description=(
        "Deprecated (use `steps` and `close`): the authority's answer, officer and outcome as one form; each "
        "value that changes becomes the ledger step it stands for (source `other`), refused with the "
        "ledger's reasons under these field names. `version` required.\n\n"
        + permission_note({"POST": PERMISSIONS["answers"]}))),
    close=extend_schema(request=CloseSerializer, description=(
        "End the follow-up, with the office's summary of the accountability measures. `version` required.\n\n"
        + permission_note({"POST": PERMISSIONS["close"]}))),
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

    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def steps(self, request: Request, pk=None) -> Response:
        if request.method == "GET":
            referral = access_referral(request.user, pk, audit=audit_context(request))
            steps = referral.steps.select_related("recorded_by", "recorded_by_focal_point")
            return Response(StepSerializer(steps.order_by("occurred_on", "recorded_at"), many=True).data)
        referral = access_referral(request.user, pk, audit=audit_context(request), for_change=True)
        entry = StepEntrySerializer.entry(validated(StepEntrySerializer, request.data))
        step = referral_step_record(actor=request.user, referral=referral, entry=entry, audit=audit_context(request))
        return Response(StepSerializer(step).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"], url_path="steps/<uuid:step_id>/correct")
    def correct_step(self, request: Request, pk=None, step_id=None) -> Response:
        referral = access_referral(request.user, pk, audit=audit_context(request), for_change=True)
        entry = StepEntrySerializer.entry(validated(StepEntrySerializer, request.data))
        step = referral_step_correct(actor=request.user, referral=referral, step_id=step_id, entry=entry,
                                     audit=audit_context(request))
        return Response(StepSerializer(step).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def answers(self, request: Request, pk=None) -> Response:
        referral = access_referral(request.user, pk, audit=audit_context(request), for_change=True)
        values = validated(RecordSerializer, request.data)
        version, close = values.pop("version"), values.pop("close")
        referral = referral_answers_record(actor=request.user, referral=referral, expected_version=version,
                                           values=values, close=close, audit=audit_context(request))
        return Response(self.get_serializer(referral).data)

    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk=None) -> Response:
        referral = access_referral(request.user, pk, audit=audit_context(request), for_change=True)
        values = validated(CloseSerializer, request.data)
        referral = referral_close(actor=request.user, referral=referral, expected_version=values["version"],
                                  accountability_measures=values["accountability_measures"],
                                  audit=audit_context(request))
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
