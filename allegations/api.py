"""`/api/v1/allegations/`: the pages' services and scoping, over JSON."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse
from django.utils.http import content_disposition_header
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from allegations.attachments import (
    EvidenceIntegrityError,
    access_attachment,
    attachment_add,
    attachment_delete,
    attachment_read,
)
from allegations.choices import IntegrityFailure
from allegations.models import (
    Allegation,
    AllegationType,
    AllegedPerpetrator,
    Attachment,
    InterimAction,
    Status,
)
from allegations.querysets import allegation_list, can_read_narrative
from allegations.services import (
    EDITABLE_FIELDS,
    PERPETRATOR_FIELDS,
    access_allegation,
    allegation_create,
    allegation_transition,
    allegation_update,
)
from core.api import (
    Pages,
    VersionSerializer,
    order_by_param,
    ordering_choices,
    permission_note,
    validated,
)
from core.audit import audit_context, read_encrypted

ORDERING = ("date_received", "reference", "incident_date", "status")


class PerpetratorSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(required=False, help_text="Give it to change an existing row; leave it out to add one.")
    interim_actions = serializers.ListField(child=serializers.ChoiceField(choices=InterimAction.choices), required=False)
    delete = serializers.BooleanField(required=False, default=False, write_only=True,
                                      help_text="With `id`: remove this perpetrator from the allegation.")

    class Meta:
        model = AllegedPerpetrator
        fields = ("id", *PERPETRATOR_FIELDS, "delete")


class AllegationListSerializer(serializers.ModelSerializer):
    mission_name = serializers.CharField(source="mission.name", read_only=True)
    country_iso3 = serializers.CharField(source="country.iso3", read_only=True)
    perpetrator_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Allegation
        fields = ("id", "reference", "mission", "mission_name", "country", "country_iso3", "location",
                  "date_received", "incident_date", "incident_date_precision", "allegation_type", "subtype",
                  "status", "credibility", "children_involved", "paternity_claim", "perpetrator_count", "version")
        read_only_fields = fields


class NarrativeField(serializers.CharField):
    """Decrypted (and any failure audited) only for roles that may read it; otherwise `null`."""

    def get_attribute(self, allegation: Allegation) -> str | None:
        request = self.context["request"]
        if not can_read_narrative(request.user, allegation):
            return None
        return read_encrypted(allegation, "narrative", actor=request.user, audit=audit_context(request))[0]


class AllegationSerializer(serializers.ModelSerializer):
    """Read and write. `mission` is chosen once, at creation; `status` changes only through
    `transition`; reference, version and owners are never written by the client."""

    perpetrators = PerpetratorSerializer(many=True, required=False)
    narrative = NarrativeField(required=False, allow_blank=True, allow_null=True,
                               max_length=settings.NARRATIVE_MAX_CHARS,
                               help_text="`null` when withheld from your role or when it cannot be decrypted.")
    narrative_withheld = serializers.SerializerMethodField()
    allowed_transitions = serializers.SerializerMethodField()
    version = serializers.IntegerField(required=False, min_value=1,
                                       help_text="Required when changing: the version you last read (409 if stale).")

    class Meta:
        model = Allegation
        fields = ("id", "reference", "mission", "country", *[f for f in EDITABLE_FIELDS if f != "country"],
                  "narrative_withheld", "status", "allowed_transitions", "children_involved", "version",
                  "perpetrators", "created_at", "updated_at")
        read_only_fields = ("id", "reference", "status", "children_involved", "created_at", "updated_at")
        extra_kwargs = {"country": {"required": False}}

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None:  # an allegation never moves to another operation
            fields["mission"].read_only = True
        return fields

    def get_narrative_withheld(self, allegation: Allegation) -> bool:
        return not can_read_narrative(self.context["request"].user, allegation)

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=Status.choices)))
    def get_allowed_transitions(self, allegation: Allegation) -> list[str]:
        return [s.value for s in allegation.allowed_transitions]

    def service_values(self) -> dict:
        values = {k: v for k, v in self.validated_data.items() if k in EDITABLE_FIELDS}
        if values.get("narrative", "") is None:
            values["narrative"] = ""
        return values


class AllegationQuery(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, max_length=100, help_text="Reference or location contains")
    mission = serializers.IntegerField(required=False, min_value=1)
    status = serializers.ChoiceField(choices=Status.choices, required=False)
    allegation_type = serializers.ChoiceField(choices=AllegationType.choices, required=False)
    year = serializers.IntegerField(required=False, min_value=1990, max_value=2100, help_text="Year received")
    children = serializers.BooleanField(required=False, default=False, help_text="Only allegations involving children")
    ordering = serializers.ChoiceField(choices=ordering_choices(ORDERING), required=False)


class TransitionSerializer(VersionSerializer):
    to_status = serializers.ChoiceField(choices=Status.choices)
    note = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")


PERMISSIONS = {
    "list": "allegations.view_allegation",
    "retrieve": "allegations.view_allegation",
    "create": "allegations.add_allegation",
    "partial_update": "allegations.change_allegation",
    "transition": "allegations.change_allegation",
}


@extend_schema_view(
    list=extend_schema(parameters=[AllegationQuery], responses=AllegationListSerializer(many=True), description="Allegations in your operations, newest first.\n\n"
                       + permission_note({"GET": PERMISSIONS["list"]})),
    retrieve=extend_schema(description="One allegation with its perpetrators. The narrative is `null` for roles that "
                           "may not read confidential narratives.\n\n" + permission_note({"GET": PERMISSIONS["retrieve"]})),
    create=extend_schema(description="Record an allegation in an operation you may write to.\n\n"
                         + permission_note({"POST": PERMISSIONS["create"]})),
    partial_update=extend_schema(description="Change the fields given. `version` is required; perpetrators given "
                                 "replace the list (rows with `id` are updated, `delete: true` removes).\n\n"
                                 + permission_note({"PATCH": PERMISSIONS["partial_update"]})),
    transition=extend_schema(request=TransitionSerializer, responses=AllegationSerializer,
                             description="Move the allegation to another status (only allowed steps).\n\n"
                             + permission_note({"POST": PERMISSIONS["transition"]})),
)
class AllegationViewSet(viewsets.GenericViewSet):
    required_permissions = PERMISSIONS
    serializer_class = AllegationSerializer
    pagination_class = Pages
    lookup_value_converter = "uuid"
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        query = AllegationQuery(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        criteria = dict(query.validated_data)
        ordering = criteria.pop("ordering", "")
        allegations = allegation_list(user=self.request.user, **criteria).with_list_data()
        return order_by_param(allegations, ordering, ORDERING, ("-date_received", "-reference"))

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(AllegationListSerializer(page, many=True).data)

    def retrieve(self, request: Request, pk=None) -> Response:
        allegation = access_allegation(request.user, pk, audit=audit_context(request))
        return Response(self._out(allegation))

    def create(self, request: Request) -> Response:
        incoming = self.get_serializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        allegation = allegation_create(actor=request.user, mission=incoming.validated_data["mission"],
                                       values=incoming.service_values(),
                                       perpetrators=incoming.validated_data.get("perpetrators", []), audit=audit_context(request))
        return Response(self._out(allegation), status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, pk=None) -> Response:
        allegation = access_allegation(request.user, pk, audit=audit_context(request), for_change=True)
        incoming = self.get_serializer(allegation, data=request.data, partial=True)
        incoming.is_valid(raise_exception=True)
        VersionSerializer(data=request.data).is_valid(raise_exception=True)
        allegation = allegation_update(actor=request.user, allegation=allegation,
                                       expected_version=incoming.validated_data["version"],
                                       values=incoming.service_values(),
                                       perpetrators=incoming.validated_data.get("perpetrators"), audit=audit_context(request))
        return Response(self._out(allegation))

    @action(detail=True, methods=["post"])
    def transition(self, request: Request, pk=None) -> Response:
        allegation = access_allegation(request.user, pk, audit=audit_context(request), for_change=True)
        values = validated(TransitionSerializer, request.data)
        allegation = allegation_transition(actor=request.user, allegation=allegation,
                                           expected_version=values["version"],
                                           to_status=values["to_status"],
                                           note=values["note"], audit=audit_context(request))
        return Response(self._out(allegation))

    def _out(self, allegation: Allegation) -> dict:
        return self.get_serializer(allegation).data


class AttachmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Attachment
        fields = ("id", "display_name", "description", "content_type", "size", "sha256", "uploaded_by", "uploaded_at")
        read_only_fields = fields


class AttachmentUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="PDF, PNG or JPEG; checked by content; images lose their metadata.")
    description = serializers.CharField(required=False, allow_blank=True, max_length=300, default="")


class AllegationAttachments(APIView):
    required_permissions = {"GET": "allegations.view_confidential_narrative", "POST": "allegations.change_allegation"}
    parser_classes = [MultiPartParser]

    @extend_schema(responses=AttachmentSerializer(many=True), description="The allegation's evidence files "
                   "(metadata only).\n\n" + permission_note(required_permissions))
    def get(self, request: Request, allegation_id) -> Response:
        allegation = access_allegation(request.user, allegation_id, audit=audit_context(request))
        files = Attachment.objects.visible_to(request.user).filter(allegation=allegation)
        return Response(AttachmentSerializer(files, many=True).data)

    @extend_schema(request={"multipart/form-data": AttachmentUploadSerializer}, responses={201: AttachmentSerializer},
                   description="Attach an evidence file (multipart upload, at most `SEA_ATTACHMENT_MAX_BYTES`).\n\n"
                   + permission_note(required_permissions))
    def post(self, request: Request, allegation_id) -> Response:
        allegation = access_allegation(request.user, allegation_id, audit=audit_context(request), for_change=True)
        values = validated(AttachmentUploadSerializer, request.data)
        attachment = attachment_add(actor=request.user, allegation=allegation, uploaded=values["file"],
                                    description=values["description"], audit=audit_context(request))
        return Response(AttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)


class IntegrityFailureSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.ChoiceField(choices=["integrity_failed"])
    reason = serializers.ChoiceField(choices=IntegrityFailure.choices)


class AttachmentDetail(APIView):
    required_permissions = {"GET": "allegations.view_confidential_narrative", "DELETE": "allegations.change_allegation"}

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY, 409: IntegrityFailureSerializer},
                   description="Download the file (decrypted; audited). Its SHA-256 is checked against the one taken "
                   "at upload: a file missing, altered or replaced on the server is refused with 409 "
                   "(`code` `integrity_failed`, audited) and never served.\n\n" + permission_note(required_permissions))
    def get(self, request: Request, allegation_id, attachment_id) -> HttpResponse:
        attachment = access_attachment(request.user, allegation_id, attachment_id, audit=audit_context(request))
        try:
            evidence = attachment_read(actor=request.user, attachment=attachment, audit=audit_context(request))
        except EvidenceIntegrityError as failure:
            return Response({"detail": str(failure), "code": "integrity_failed", "reason": failure.reason.value},
                            status=status.HTTP_409_CONFLICT)
        response = HttpResponse(evidence.content, content_type=attachment.content_type)
        response["Content-Disposition"] = content_disposition_header(as_attachment=True,
                                                                     filename=attachment.display_name)
        response["Content-Security-Policy"] = "sandbox; default-src 'none'"
        return response

    @extend_schema(responses={204: None}, description="Remove the file (audited).\n\n"
                   + permission_note(required_permissions))
    def delete(self, request: Request, allegation_id, attachment_id) -> Response:
        attachment = access_attachment(request.user, allegation_id, attachment_id, audit=audit_context(request), for_change=True)
        attachment_delete(actor=request.user, attachment=attachment, audit=audit_context(request))
        return Response(status=status.HTTP_204_NO_CONTENT)
