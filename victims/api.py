"""`/api/v1/victims/`, consents, assistance and contacts: the pages' services and scoping, over JSON.
Identity never appears in a listing or a GET: it is revealed by a POST that is audited each time."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view, inline_serializer
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from allegations.services import access_allegation
from core.api import Pages, VersionSerializer, permission_note, validated
from core.audit import audit_context, read_encrypted
from victims.assistance import (
    access_claim,
    access_need,
    child_safeguarding_update,
    contact_record,
    need_create,
    need_transition,
    need_update,
    paternity_claim_create,
    paternity_claim_update,
    providers_for,
    victim_assign_advocate,
)
from victims.disclosures import (
    REQUESTED_KINDS,
    access_disclosure_request,
    disclosure_request_create,
    disclosure_request_decide,
    identity_export_produce,
    recipient_in_words,
)
from victims.models import (
    AgeGroup,
    AssistanceNeed,
    AssistanceStatus,
    Consent,
    Disclosure,
    DisclosureRequest,
    ExportFor,
    IdentityField,
    PaternityClaim,
    ServiceProvider,
    Victim,
    VictimContact,
)
from victims.querysets import can_view_identity, victim_list
from victims.services import (
    PossibleDuplicate,
    access_victim,
    consent_record,
    victim_create,
    victim_link,
    victim_reveal_identity,
    victim_update,
)


class LinkedAllegationSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="allegation.id")
    reference = serializers.CharField(source="allegation.reference")
    age_group = serializers.ChoiceField(choices=AgeGroup.choices)


class VictimSerializer(serializers.ModelSerializer):
    allegations = LinkedAllegationSerializer(source="visible_links", many=True, read_only=True,
                                             help_text="Only allegations you may see.")
    is_child = serializers.BooleanField(read_only=True)
    identity_erased = serializers.SerializerMethodField()

    class Meta:
        model = Victim
        fields = ("id", "code", "sex", "age_at_incident", "age_group", "is_child", "advocate", "guardian_relationship",
                  "best_interests_assessed_on", "child_protection_referred_on", "child_protection_agency",
                  "allegations", "identity_erased", "version", "created_at", "updated_at")
        read_only_fields = fields

    def get_identity_erased(self, victim: Victim) -> bool:
        return getattr(victim, "identity_erased_at", None) is not None


class VictimWriteSerializer(serializers.Serializer):
    """Identity fields are accepted from anyone who may record a victim; on an edit, only from
    holders of `view_identity` (others' identity values are ignored, as on the page)."""

    full_name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    other_names = serializers.CharField(required=False, allow_blank=True, max_length=200)
    date_of_birth = serializers.DateField(required=False, allow_null=True)
    contact_details = serializers.CharField(required=False, allow_blank=True, max_length=500)
    current_location = serializers.CharField(required=False, allow_blank=True, max_length=300)
    sex = serializers.ChoiceField(choices=Victim._meta.get_field("sex").choices, required=False)
    age_at_incident = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=120)


class VictimCreateSerializer(VictimWriteSerializer):
    confirm_not_duplicate = serializers.BooleanField(
        required=False, default=False, help_text="Set after a 409 `possible_duplicate` once you have checked.")


class VictimUpdateSerializer(VictimWriteSerializer, VersionSerializer):
    pass


class IdentitySerializer(serializers.Serializer):
    full_name = serializers.CharField()
    other_names = serializers.CharField()
    date_of_birth = serializers.DateField(allow_null=True)
    contact_details = serializers.CharField()
    current_location = serializers.CharField()
    guardian_name = serializers.CharField()


class AdvocateSerializer(VersionSerializer):
    advocate = serializers.IntegerField(allow_null=True, help_text="The user id of an advocate who can see the file; "
                                                                    "`null` to unassign.")


class SafeguardingSerializer(VersionSerializer):
    guardian_relationship = serializers.CharField(required=False, allow_blank=True, max_length=60)
    best_interests_assessed_on = serializers.DateField(required=False, allow_null=True)
    child_protection_referred_on = serializers.DateField(required=False, allow_null=True)
    child_protection_agency = serializers.CharField(required=False, allow_blank=True, max_length=160)
    guardian_name = serializers.CharField(required=False, allow_blank=True, max_length=200,
                                          help_text="Identity: kept only from holders of `victims.view_identity`.")


class ClaimSerializer(serializers.ModelSerializer):
    version = serializers.IntegerField(required=False, min_value=1,
                                       help_text="Required when changing: the version you last read.")

    class Meta:
        model = PaternityClaim
        fields = ("id", "child_code", "claim_date", "focal_point", "focal_point_notified_on", "dna_status", "outcome",
                  "support_status", "version", "created_at")
        read_only_fields = ("id", "child_code", "created_at")


class VictimQuery(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, max_length=40, help_text="Code contains")
    age_group = serializers.ChoiceField(choices=AgeGroup.choices, required=False, allow_blank=True)


class LinkSerializer(serializers.Serializer):
    allegation = serializers.UUIDField()


class ConsentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Consent
        fields = ("id", "scope", "decision", "given_by", "guardian_relationship", "recorded_by", "recorded_at")
        read_only_fields = ("id", "recorded_by", "recorded_at")


class NeedSerializer(serializers.ModelSerializer):
    notes = serializers.SerializerMethodField()
    victim_code = serializers.CharField(source="victim.code", read_only=True)

    class Meta:
        model = AssistanceNeed
        fields = ("id", "victim", "victim_code", "category", "status", "provider", "assigned_advocate", "identified_on",
                  "referred_on", "started_on", "closed_on", "follow_up_on", "notes", "version", "created_at")
        read_only_fields = fields

    def get_notes(self, need: AssistanceNeed) -> str | None:
        """`null` when the stored notes cannot be decrypted (the failure is audited)."""
        request = self.context["request"]
        return read_encrypted(need, "notes", actor=request.user, audit=audit_context(request))[0]


class NeedCreateSerializer(serializers.Serializer):
    category = serializers.ChoiceField(choices=AssistanceNeed._meta.get_field("category").choices)
    identified_on = serializers.DateField(required=False, allow_null=True)
    provider = serializers.PrimaryKeyRelatedField(queryset=ServiceProvider.objects.all(), required=False, allow_null=True)
    assigned_advocate = serializers.IntegerField(required=False, allow_null=True)
    follow_up_on = serializers.DateField(required=False, allow_null=True)
    notes = serializers.CharField(required=False, allow_blank=True, max_length=5000, default="")


class NeedUpdateSerializer(VersionSerializer):
    provider = serializers.PrimaryKeyRelatedField(queryset=ServiceProvider.objects.all(), required=False, allow_null=True)
    assigned_advocate = serializers.IntegerField(required=False, allow_null=True)
    follow_up_on = serializers.DateField(required=False, allow_null=True)
    notes = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class NeedTransitionSerializer(VersionSerializer):
    to_status = serializers.ChoiceField(choices=AssistanceStatus.choices)
    on = serializers.DateField(required=False, allow_null=True)
    provider = serializers.PrimaryKeyRelatedField(queryset=ServiceProvider.objects.all(), required=False, allow_null=True)
    share_contact_details = serializers.BooleanField(
        required=False, default=False,
        help_text="Referring only: give the provider the victim's name and contact details. Needs "
                  "`victims.view_identity` and the victim's latest consent to assistance given; written in the "
                  "victim's register of disclosures.")


class ContactSerializer(serializers.ModelSerializer):
    content = serializers.SerializerMethodField()

    class Meta:
        model = VictimContact
        fields = ("id", "contacted_on", "channel", "content", "by", "created_at")
        read_only_fields = fields

    def get_content(self, contact: VictimContact) -> str | None:
        request = self.context["request"]
        return read_encrypted(contact, "content", actor=request.user, audit=audit_context(request))[0]


class ContactCreateSerializer(serializers.Serializer):
    contacted_on = serializers.DateField()
    channel = serializers.ChoiceField(choices=VictimContact._meta.get_field("channel").choices)
    content = serializers.CharField(max_length=5000)


def _user(user_id: int | None, field: str):
    """The advocate a client named, or None; the service decides whether they may be assigned."""
    if user_id is None:
        return None
    advocate = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if advocate is None:
        raise serializers.ValidationError({field: ["No such user."]})
    return advocate


def _victim_out(request: HttpRequest, victim: Victim) -> dict:
    victim = Victim.objects.visible_to(request.user).with_list_data(request.user).get(pk=victim.pk)
    return VictimSerializer(victim, context={"request": request}).data


VICTIM_PERMISSIONS = {
    "list": "victims.view_victim", "retrieve": "victims.view_victim", "partial_update": "victims.change_victim",
    "identity": "victims.view_victim", "links": "victims.change_victim", "advocate": "victims.change_victim",
    "safeguarding": "victims.change_victim",
}


@extend_schema_view(
    list=extend_schema(parameters=[VictimQuery],
        description="Victims of the allegations you may see, by code: never their identity.\n\n"
        + permission_note({"GET": VICTIM_PERMISSIONS["list"]})),
    retrieve=extend_schema(description="One victim, without identity.\n\n"
                           + permission_note({"GET": VICTIM_PERMISSIONS["retrieve"]})),
    partial_update=extend_schema(request=VictimUpdateSerializer, description=(
        "Change sex, age and (holders of `victims.view_identity` only) identity. `version` required.\n\n"
        + permission_note({"PATCH": VICTIM_PERMISSIONS["partial_update"]}))),
    identity=extend_schema(request=None, responses=IdentitySerializer, description=(
        "Reveal the victim's identity. Only for holders of `victims.view_identity` (never headquarters "
        "analysts); every reveal, and every refusal, is written to the audit trail. A POST, so identity never "
        "sits in a URL or a cache.\n\n" + permission_note({"POST": VICTIM_PERMISSIONS["identity"]}))),
    advocate=extend_schema(request=AdvocateSerializer, responses=VictimSerializer, description=(
        "Assign the victims' rights advocate who follows this victim.\n\n"
        + permission_note({"POST": VICTIM_PERMISSIONS["advocate"]}))),
    safeguarding=extend_schema(request=SafeguardingSerializer, responses=VictimSerializer, description=(
        "A child's safeguarding details: guardian, best-interests assessment, child-protection referral.\n\n"
        + permission_note({"POST": VICTIM_PERMISSIONS["safeguarding"]}))),
    links=extend_schema(request=LinkSerializer, responses=VictimSerializer, description=(
        "Link this victim to another allegation (the same person in another case). Needs change scope on both.\n\n"
        + permission_note({"POST": VICTIM_PERMISSIONS["links"]}))),
)
class VictimViewSet(viewsets.GenericViewSet):
    required_permissions = VICTIM_PERMISSIONS
    serializer_class = VictimSerializer
    pagination_class = Pages
    lookup_value_converter = "uuid"
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        query = VictimQuery(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        return victim_list(user=self.request.user, **query.validated_data)

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request: Request, pk=None) -> Response:
        return Response(_victim_out(request, access_victim(request.user, pk, audit=audit_context(request))))

    def partial_update(self, request: Request, pk=None) -> Response:
        victim = access_victim(request.user, pk, audit=audit_context(request), for_change=True)
        values = validated(VictimUpdateSerializer, request.data)
        victim = victim_update(actor=request.user, victim=victim, expected_version=values.pop("version"),
                               values=values, audit=audit_context(request))
        return Response(_victim_out(request, victim))

    @action(detail=True, methods=["post"])
    def identity(self, request: Request, pk=None) -> Response:
        victim = access_victim(request.user, pk, audit=audit_context(request))
        identity = victim_reveal_identity(actor=request.user, victim=victim, audit=audit_context(request))
        return Response(IdentitySerializer(identity).data)

    @action(detail=True, methods=["post"])
    def advocate(self, request: Request, pk=None) -> Response:
        victim = access_victim(request.user, pk, audit=audit_context(request), for_change=True)
        values = validated(AdvocateSerializer, request.data)
        victim = victim_assign_advocate(actor=request.user, victim=victim,
                                        advocate=_user(values["advocate"], "advocate"),
                                        expected_version=values["version"], audit=audit_context(request))
        return Response(_victim_out(request, victim))

    @action(detail=True, methods=["post"])
    def safeguarding(self, request: Request, pk=None) -> Response:
        victim = access_victim(request.user, pk, audit=audit_context(request), for_change=True)
        values = validated(SafeguardingSerializer, request.data)
        victim = child_safeguarding_update(actor=request.user, victim=victim, expected_version=values.pop("version"),
                                           values=values, audit=audit_context(request))
        return Response(_victim_out(request, victim))

    @action(detail=True, methods=["post"])
    def links(self, request: Request, pk=None) -> Response:
        victim = access_victim(request.user, pk, audit=audit_context(request), for_change=True)
        values = validated(LinkSerializer, request.data)
        allegation = access_allegation(request.user, values["allegation"], audit=audit_context(request),
                                       for_change=True)
        victim_link(actor=request.user, victim=victim, allegation=allegation, audit=audit_context(request))
        return Response(_victim_out(request, victim))


class AllegationVictims(APIView):
    required_permissions = {"POST": "victims.add_victim"}

    @extend_schema(request=VictimCreateSerializer, responses={201: VictimSerializer, 409: inline_serializer(
        "PossibleDuplicate", {"detail": serializers.CharField(), "code": serializers.CharField(),
                              "matches": serializers.ListField(child=serializers.CharField())})},
        description="Record a victim of this allegation. Someone of the same name already on file in your scope "
                    "answers 409 with their codes; repeat with `confirm_not_duplicate` once checked.\n\n"
                    + permission_note(required_permissions))
    def post(self, request: Request, allegation_id) -> Response:
        allegation = access_allegation(request.user, allegation_id, audit=audit_context(request), for_change=True)
        values = validated(VictimCreateSerializer, request.data)
        confirm = values.pop("confirm_not_duplicate")
        try:
            victim = victim_create(actor=request.user, allegation=allegation, values=values,
                                   confirm_not_duplicate=confirm, audit=audit_context(request))
        except PossibleDuplicate as duplicate:
            # Which codes match would tell a user without identity rights that a name is on file.
            matches = [m.code for m in duplicate.matches] if can_view_identity(request.user) else []
            return Response({"detail": str(duplicate), "code": "possible_duplicate", "matches": matches},
                            status=status.HTTP_409_CONFLICT)
        return Response(_victim_out(request, victim), status=status.HTTP_201_CREATED)


class VictimConsents(APIView):
    required_permissions = {"GET": "victims.view_consent", "POST": "victims.add_consent"}

    @extend_schema(responses=ConsentSerializer(many=True), description="Every consent decision, newest first.\n\n"
                   + permission_note(required_permissions))
    def get(self, request: Request, victim_id) -> Response:
        victim = access_victim(request.user, victim_id, audit=audit_context(request))
        consents = Consent.objects.visible_to(request.user).filter(victim=victim).order_by("-recorded_at", "-id")
        return Response(ConsentSerializer(consents, many=True).data)

    @extend_schema(request=ConsentSerializer, responses={201: ConsentSerializer},
                   description="Record a consent decision (for a child, a guardian's).\n\n"
                   + permission_note(required_permissions))
    def post(self, request: Request, victim_id) -> Response:
        victim = access_victim(request.user, victim_id, audit=audit_context(request), for_change=True)
        values = validated(ConsentSerializer, request.data)
        consent = consent_record(actor=request.user, victim=victim, audit=audit_context(request), **values)
        return Response(ConsentSerializer(consent).data, status=status.HTTP_201_CREATED)


class VictimNeeds(APIView):
    required_permissions = {"GET": "victims.view_assistanceneed", "POST": "victims.add_assistanceneed"}

    @extend_schema(responses=NeedSerializer(many=True), description="The victim's assistance needs.\n\n"
                   + permission_note(required_permissions))
    def get(self, request: Request, victim_id) -> Response:
        victim = access_victim(request.user, victim_id, audit=audit_context(request))
        needs = AssistanceNeed.objects.visible_to(request.user).filter(victim=victim).select_related("victim")
        return Response(NeedSerializer(needs, many=True, context={"request": request}).data)

    @extend_schema(request=NeedCreateSerializer, responses={201: NeedSerializer},
                   description="Record an assistance need.\n\n" + permission_note(required_permissions))
    def post(self, request: Request, victim_id) -> Response:
        victim = access_victim(request.user, victim_id, audit=audit_context(request), for_change=True)
        values = validated(NeedCreateSerializer, request.data)
        values["assigned_advocate"] = _user(values.get("assigned_advocate"), "assigned_advocate")
        need = need_create(actor=request.user, victim=victim, audit=audit_context(request), **values)
        return Response(NeedSerializer(need, context={"request": request}).data, status=status.HTTP_201_CREATED)


NEED_PERMISSIONS = {"retrieve": "victims.view_assistanceneed", "partial_update": "victims.change_assistanceneed",
                    "transition": "victims.change_assistanceneed"}


@extend_schema_view(
    retrieve=extend_schema(description="One assistance need.\n\n" + permission_note({"GET": NEED_PERMISSIONS["retrieve"]})),
    partial_update=extend_schema(request=NeedUpdateSerializer, description=(
        "Change provider, advocate, follow-up date or notes. `version` required.\n\n"
        + permission_note({"PATCH": NEED_PERMISSIONS["partial_update"]}))),
    transition=extend_schema(request=NeedTransitionSerializer, description=(
        "identified → referred → in progress → provided | declined | not available.\n\n"
        + permission_note({"POST": NEED_PERMISSIONS["transition"]}))),
)
class NeedViewSet(viewsets.GenericViewSet):
    required_permissions = NEED_PERMISSIONS
    serializer_class = NeedSerializer
    lookup_value_converter = "uuid"
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return AssistanceNeed.objects.visible_to(self.request.user)

    def retrieve(self, request: Request, pk=None) -> Response:
        return Response(self.get_serializer(access_need(request.user, pk, audit=audit_context(request))).data)

    def partial_update(self, request: Request, pk=None) -> Response:
        need = access_need(request.user, pk, audit=audit_context(request), for_change=True)
        values = validated(NeedUpdateSerializer, request.data)
        if "assigned_advocate" in values:
            values["assigned_advocate"] = _user(values["assigned_advocate"], "assigned_advocate")
        need = need_update(actor=request.user, need=need, expected_version=values.pop("version"), values=values,
                           audit=audit_context(request))
        return Response(self.get_serializer(need).data)

    @action(detail=True, methods=["post"])
    def transition(self, request: Request, pk=None) -> Response:
        need = access_need(request.user, pk, audit=audit_context(request), for_change=True)
        values = validated(NeedTransitionSerializer, request.data)
        provider = values.get("provider")
        if provider is not None and not providers_for(need.victim, request.user).filter(pk=provider.pk).exists():
            raise serializers.ValidationError({"provider": ["This provider does not work in the victim's operation."]})
        need = need_transition(actor=request.user, need=need, to_status=values["to_status"],
                               expected_version=values["version"], on=values.get("on"), provider=provider,
                               share_contact_details=values["share_contact_details"], audit=audit_context(request))
        return Response(self.get_serializer(need).data)


class VictimContacts(APIView):
    required_permissions = {"GET": "victims.view_victimcontact", "POST": "victims.add_victimcontact"}

    @extend_schema(responses=ContactSerializer(many=True), description="Contacts with the victim, newest first.\n\n"
                   + permission_note(required_permissions))
    def get(self, request: Request, victim_id) -> Response:
        victim = access_victim(request.user, victim_id, audit=audit_context(request))
        contacts = victim.contacts.order_by("-contacted_on", "-created_at")
        return Response(ContactSerializer(contacts, many=True, context={"request": request}).data)

    @extend_schema(request=ContactCreateSerializer, responses={201: ContactSerializer},
                   description="Record a contact; refused unless the victim (or guardian) consented to be contacted."
                   "\n\n" + permission_note(required_permissions))
    def post(self, request: Request, victim_id) -> Response:
        victim = access_victim(request.user, victim_id, audit=audit_context(request), for_change=True)
        values = validated(ContactCreateSerializer, request.data)
        contact = contact_record(actor=request.user, victim=victim, audit=audit_context(request), **values)
        return Response(ContactSerializer(contact, context={"request": request}).data, status=status.HTTP_201_CREATED)


class VictimClaims(APIView):
    required_permissions = {"GET": "victims.view_paternityclaim", "POST": "victims.add_paternityclaim"}

    @extend_schema(responses=ClaimSerializer(many=True), description="Paternity claims of children born of SEA.\n\n"
                   + permission_note(required_permissions))
    def get(self, request: Request, victim_id) -> Response:
        victim = access_victim(request.user, victim_id, audit=audit_context(request))
        claims = PaternityClaim.objects.visible_to(request.user).filter(victim=victim).order_by("claim_date", "pk")
        return Response(ClaimSerializer(claims, many=True).data)

    @extend_schema(request=ClaimSerializer, responses={201: ClaimSerializer},
                   description="Record a paternity claim; the child gets a code, never a name.\n\n"
                   + permission_note(required_permissions))
    def post(self, request: Request, victim_id) -> Response:
        victim = access_victim(request.user, victim_id, audit=audit_context(request), for_change=True)
        values = validated(ClaimSerializer, request.data)
        claim = paternity_claim_create(actor=request.user, victim=victim, values=values,
                                       audit=audit_context(request))
        return Response(ClaimSerializer(claim).data, status=status.HTTP_201_CREATED)


class ClaimDetail(APIView):
    required_permissions = {"GET": "victims.view_paternityclaim", "PATCH": "victims.change_paternityclaim"}

    @extend_schema(responses=ClaimSerializer, description="One paternity claim.\n\n" + permission_note(required_permissions))
    def get(self, request: Request, claim_id: int) -> Response:
        return Response(ClaimSerializer(access_claim(request.user, claim_id, audit=audit_context(request))).data)

    @extend_schema(request=ClaimSerializer, responses=ClaimSerializer,
                   description="Change the claim's follow-up. `version` required.\n\n" + permission_note(required_permissions))
    def patch(self, request: Request, claim_id: int) -> Response:
        claim = access_claim(request.user, claim_id, audit=audit_context(request), for_change=True)
        incoming = ClaimSerializer(claim, data=request.data, partial=True)
        incoming.is_valid(raise_exception=True)
        VersionSerializer(data=request.data).is_valid(raise_exception=True)
        values = dict(incoming.validated_data)
        claim = paternity_claim_update(actor=request.user, claim=claim, expected_version=values.pop("version"),
                                       values=values, audit=audit_context(request))
        return Response(ClaimSerializer(claim).data)


class ProviderSerializer(serializers.ModelSerializer):
    class Meta:
        model = ServiceProvider
        fields = ("id", "mission", "name", "kind", "categories", "active")
        read_only_fields = fields


@extend_schema(description="Service providers of the operations you may see (for referring assistance).\n\n"
               + permission_note({"GET": "victims.view_assistanceneed"}))
class ProviderList(ListAPIView):
    required_permissions = {"GET": "victims.view_assistanceneed"}
    serializer_class = ProviderSerializer

    def get_queryset(self):
        return ServiceProvider.objects.visible_to(self.request.user).order_by("name")


# --- register of disclosures and the requests a second person decides ------------------------------

class DisclosureSerializer(serializers.ModelSerializer):
    """A register entry: never an identity value, only which fields."""

    recipient = serializers.SerializerMethodField()
    requested_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    approved_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = Disclosure
        fields = ("id", "kind", "recipient", "purpose", "fields", "consent", "consent_scope", "requested_by",
                  "approved_by", "approved_at", "disclosed_at", "source_type", "source_id", "source_label")
        read_only_fields = fields

    def get_recipient(self, entry: Disclosure) -> str:
        return recipient_in_words(entry)


class DisclosureRequestSerializer(serializers.ModelSerializer):
    requested_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    decided_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = DisclosureRequest
        fields = ("id", "kind", "recipient", "export_for", "purpose", "fields", "status", "requested_by",
                  "requested_at", "decided_by", "decided_at", "disclosure", "version")
        read_only_fields = fields


class DisclosureRequestCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=[(k.value, k.label) for k in REQUESTED_KINDS])
    identity_fields = serializers.MultipleChoiceField(choices=IdentityField.choices,
                                                      help_text="Which parts of the identity are disclosed.")
    recipient = serializers.CharField(required=False, allow_blank=True, max_length=300, default="",
                                      help_text="The UN partner; for an export, the representative (empty: the victim).")
    purpose = serializers.CharField(required=False, allow_blank=True, max_length=300, default="")
    export_for = serializers.ChoiceField(choices=ExportFor.choices, required=False, allow_blank=True, default="")


class DisclosureDecisionSerializer(VersionSerializer):
    approve = serializers.BooleanField()


DISCLOSURE_PERMISSION = "victims.view_identity"


class VictimDisclosures(APIView):
    required_permissions = {"GET": DISCLOSURE_PERMISSION}

    @extend_schema(responses=DisclosureSerializer(many=True), description=(
        "The victim's register of disclosures, newest first: every time the identity left the office, to whom, "
        "which fields, on which consent, approved by whom. Never the identity itself. Reading it for the victim "
        "as a file is on the pages (CSV, printable).\n\n" + permission_note(required_permissions)))
    def get(self, request: Request, victim_id) -> Response:
        victim = access_victim(request.user, victim_id, audit=audit_context(request))
        entries = Disclosure.objects.visible_to(request.user).filter(victim=victim).select_related(
            "requested_by", "approved_by")
        return Response(DisclosureSerializer(entries, many=True).data)


class VictimDisclosureRequests(APIView):
    required_permissions = {"GET": DISCLOSURE_PERMISSION, "POST": DISCLOSURE_PERMISSION}

    @extend_schema(responses=DisclosureRequestSerializer(many=True),
                   description="Requests to share the identity with a UN partner or to export it for the victim, "
                   "newest first.\n\n" + permission_note(required_permissions))
    def get(self, request: Request, victim_id) -> Response:
        victim = access_victim(request.user, victim_id, audit=audit_context(request))
        asked = DisclosureRequest.objects.visible_to(request.user).filter(victim=victim).select_related(
            "requested_by", "decided_by")
        return Response(DisclosureRequestSerializer(asked, many=True).data)

    @extend_schema(request=DisclosureRequestCreateSerializer, responses={201: DisclosureRequestSerializer},
                   description="Ask to share the identity with a UN partner (needs the victim's latest consent to "
                   "share with UN partners given) or to export it for the victim or their representative. Someone "
                   "else who may see identity decides. Needs change scope on the victim.\n\n"
                   + permission_note(required_permissions))
    def post(self, request: Request, victim_id) -> Response:
        victim = access_victim(request.user, victim_id, audit=audit_context(request), for_change=True)
        values = validated(DisclosureRequestCreateSerializer, request.data)
        values["fields"] = values.pop("identity_fields")
        asked = disclosure_request_create(actor=request.user, victim=victim, audit=audit_context(request), **values)
        return Response(DisclosureRequestSerializer(asked).data, status=status.HTTP_201_CREATED)


class DisclosureRequestDecision(APIView):
    required_permissions = {"POST": DISCLOSURE_PERMISSION}

    @extend_schema(request=DisclosureDecisionSerializer, responses=DisclosureRequestSerializer, description=(
        "Approve or refuse a request, as a second person (never the one who asked). Approving a share with a "
        "UN partner writes the register entry; approving an export lets the requester download it once. "
        "`version` required.\n\n" + permission_note(required_permissions)))
    def post(self, request: Request, request_id) -> Response:
        asked = access_disclosure_request(request.user, request_id, audit=audit_context(request), for_change=True)
        values = validated(DisclosureDecisionSerializer, request.data)
        decided = disclosure_request_decide(actor=request.user, request=asked, approve=values["approve"],
                                            expected_version=values["version"], audit=audit_context(request))
        return Response(DisclosureRequestSerializer(decided).data)


class IdentityExportFile(APIView):
    required_permissions = {"POST": DISCLOSURE_PERMISSION}

    @extend_schema(request=None, responses={(200, "text/csv"): OpenApiTypes.BINARY}, description=(
        "The approved export's file (CSV), once, for the person who asked for it: produced now, never kept; "
        "the register entry is written with it. A POST, so identity never sits in a URL or a cache.\n\n"
        + permission_note(required_permissions)))
    def post(self, request: Request, request_id) -> HttpResponse:
        asked = access_disclosure_request(request.user, request_id, audit=audit_context(request), for_change=True)
        export = identity_export_produce(actor=request.user, request=asked, audit=audit_context(request))
        response = HttpResponse(export.content, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
        response["Cache-Control"] = "no-store"
        return response
