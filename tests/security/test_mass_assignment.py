"""Mass assignment: every writable API operation, sent the owner, operation, status and key fields a
client must never set, changes none of them (they come only from the server and the transition
endpoints), while the legitimate part of the request still succeeds."""

from __future__ import annotations

import uuid

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from core.roles import VICTIMS_RIGHTS_ADVOCATE
from tests.factories import AllegationFactory, MissionFactory, make_approver, make_user
from tests.security.access_world import build_world

pytestmark = pytest.mark.django_db

# Server-owned columns of every record a client can write through the API.
PROTECTED = {
    "allegations.Allegation": ("mission_id", "status", "created_by_id", "reference", "country_id"),
    "victims.Victim": ("code", "created_by_id", "age_group"),
    "victims.VictimAllegation": ("victim_id", "allegation_id", "linked_by_id"),
    "victims.Consent": ("victim_id", "recorded_by_id"),
    "victims.AssistanceNeed": ("victim_id", "status", "created_by_id", "category"),
    "victims.PaternityClaim": ("victim_id", "child_code", "created_by_id"),
    "victims.VictimContact": ("victim_id", "by_id"),
    "referrals.Referral": ("allegation_id", "status", "drafted_by_id", "approved_by_id", "sent_on"),
    "referrals.ReferralStep": ("referral_id", "recorded_by_id", "recorded_by_focal_point_id", "replaces_id"),
    "allegations.Attachment": ("allegation_id", "uploaded_by_id", "stored_name", "key_id", "sha256"),
    "victims.DisclosureRequest": ("victim_id", "kind", "status", "requested_by_id", "decided_by_id", "disclosure_id"),
    "victims.Disclosure": ("victim_id", "kind", "consent_id", "requested_by_id", "approved_by_id"),
}
INJECTED_ID = uuid.uuid4()


def snapshot() -> dict:
    state = {}
    for label, fields in PROTECTED.items():
        for row in apps.get_model(label).objects.values("pk", *fields):
            state[(label, str(row.pop("pk")))] = row
    return state


@pytest.fixture
def world():
    return build_world()


@pytest.fixture
def hostile(world):
    """What an attacker adds to every body: another operation, a final status, someone else as owner."""
    somalia = MissionFactory(name="Elsewhere")
    stranger = world.users["outsider"]
    return {"id": str(INJECTED_ID), "pk": str(INJECTED_ID), "mission": somalia.pk, "status": "substantiated",
            "created_by": stranger.pk, "updated_by": stranger.pk, "drafted_by": stranger.pk,
            "approved_by": stranger.pk, "recorded_by": stranger.pk, "linked_by": stranger.pk, "by": stranger.pk,
            "reference": "HACK-0001", "code": "HACK-0001", "child_code": "HACK-0001", "age_group": "adult",
            "victim": str(uuid.uuid4()), "children_involved": True, "sent_on": "2000-01-01",
            "narrative_withheld": False, "identity_erased": True}


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def cases(world):
    """(who, method, url, legitimate body, what may legitimately change in existing rows). A
    `version` names the record whose current version the client sends."""
    k = world.kwargs
    a, v, n, c, r = k["allegation_id"], k["victim_id"], k["need_id"], k["claim_id"], k["referral_id"]
    rq = k["request_id"]
    mission_id = apps.get_model("allegations.Allegation").objects.get(pk=a).mission_id
    force_id = apps.get_model("core.Force").objects.get(name="Sangaris").pk
    france_id = apps.get_model("core.MemberState").objects.get(iso3="FRA").pk
    second = AllegationFactory(mission_id=mission_id).pk
    today = apps.get_model("core.Mission").objects.get(pk=mission_id).today().isoformat()
    return [
        ("officer", "post", "/api/v1/allegations/", {
            "mission": mission_id, "date_received": "2016-06-01", "source": "ngo", "allegation_type": "SE",
            "subtype": "transactional_sex", "perpetrators": [{"force": force_id,
                                                              "personnel_category": "military_contingent"}]}, set()),
        ("officer", "patch", f"/api/v1/allegations/{a}/", {"location": "Bria", "version": ("allegations.Allegation", a)}, set()),
        ("officer", "post", f"/api/v1/allegations/{a}/transition/",
         {"to_status": "under_investigation", "version": ("allegations.Allegation", a)}, {("allegations.Allegation", "status")}),
        ("officer", "post", f"/api/v1/allegations/{a}/victims/", {"sex": "male", "age_at_incident": 40}, set()),
        ("officer", "patch", f"/api/v1/victims/{v}/", {"age_at_incident": 12, "version": ("victims.Victim", v)},
         {("victims.Victim", "age_group")}),  # now a child: the safeguarding case below applies
        ("officer", "post", f"/api/v1/victims/{v}/advocate/",
         {"advocate": world.users["advocate"].pk, "version": ("victims.Victim", v)}, set()),
        ("officer", "post", f"/api/v1/victims/{v}/safeguarding/", {"child_protection_agency": "x", "version": ("victims.Victim", v)}, set()),
        ("officer", "post", f"/api/v1/victims/{v}/consents/", {"scope": "contact", "decision": "given",
                                                               "given_by": "guardian", "guardian_relationship": "mother"},
         set()),
        ("advocate", "post", f"/api/v1/victims/{v}/contacts/", {"contacted_on": "2020-01-01", "channel": "phone",
                                                                "content": "called"}, set()),
        ("officer", "post", f"/api/v1/victims/{v}/links/", {"allegation": str(second)}, set()),
        ("advocate", "post", f"/api/v1/victims/{v}/needs/", {"category": "legal"}, set()),
        ("advocate", "patch", f"/api/v1/needs/{n}/", {"follow_up_on": "2030-01-01", "version": ("victims.AssistanceNeed", n)}, set()),
        ("advocate", "post", f"/api/v1/needs/{n}/transition/", {"to_status": "referred", "version": ("victims.AssistanceNeed", n)},
         {("victims.AssistanceNeed", "status")}),
        ("advocate", "post", f"/api/v1/victims/{v}/claims/", {"claim_date": "2017-02-01"}, set()),
        ("advocate", "patch", f"/api/v1/claims/{c}/", {"dna_status": "requested", "version": ("victims.PaternityClaim", c)}, set()),
        ("officer", "post", f"/api/v1/allegations/{a}/referrals/", {"member_state": france_id}, set()),
        ("officer", "post", f"/api/v1/allegations/{a}/attachments/",
         {"file": SimpleUploadedFile("r.pdf", b"%PDF-1.4 x"), "description": "report"}, set()),
        ("chief", "post", f"/api/v1/referrals/{r}/approve/", {"version": ("referrals.Referral", r)},
         {("referrals.Referral", "status"), ("referrals.Referral", "approved_by_id"), ("referrals.Referral", "sent_on")}),
        ("officer", "post", f"/api/v1/referrals/{r}/steps/",
         {"kind": "will_investigate", "occurred_on": today, "source": "email"}, set()),
        ("officer", "post", lambda: f"/api/v1/referrals/{r}/steps/{first_step(r)}/correct/",
         {"kind": "will_investigate", "occurred_on": today, "source": "meeting"}, set()),
        ("officer", "post", f"/api/v1/referrals/{r}/answers/", {"investigation_officer": "Col. X",
                                                               "version": ("referrals.Referral", r)}, set()),
        ("officer", "post", f"/api/v1/referrals/{r}/close/", {"version": ("referrals.Referral", r)},
         {("referrals.Referral", "status")}),
        ("advocate", "post", f"/api/v1/victims/{v}/disclosure-requests/",
         {"kind": "identity_export", "export_for": "victim", "identity_fields": ["full_name"]}, set()),
        ("second", "post", f"/api/v1/disclosure-requests/{rq}/decision/",
         {"approve": True, "version": ("victims.DisclosureRequest", rq)},
         {("victims.DisclosureRequest", "status"), ("victims.DisclosureRequest", "decided_by_id")}),
        ("advocate", "post", f"/api/v1/disclosure-requests/{rq}/file/", {},
         {("victims.DisclosureRequest", "status"), ("victims.DisclosureRequest", "disclosure_id")}),
    ]


def first_step(referral_id) -> str:
    return str(apps.get_model("referrals.ReferralStep").objects.filter(referral_id=referral_id).latest("recorded_at").pk)


def test_no_writable_operation_lets_a_client_set_server_owned_fields(world, hostile, django_capture_on_commit_callbacks):
    car = apps.get_model("core.Mission").objects.get(name="Central African Republic")
    world.users["chief"] = make_approver("chief", car)
    world.users["second"] = make_user("second", VICTIMS_RIGHTS_ADVOCATE, change=[car])  # decides the advocate's request
    other = AllegationFactory(mission=apps.get_model("core.Mission").objects.get(name="Somalia"))
    for who, method, url, body, may_change in cases(world):
        actor = world.users[who]
        url = url() if callable(url) else url  # a record made by an earlier case
        before = snapshot()
        with django_capture_on_commit_callbacks(execute=True):
            if "version" in body:  # the version the client just read
                label, pk = body["version"]
                body = {**body, "version": apps.get_model(label).objects.get(pk=pk).version}
            payload = {**hostile, "allegation": str(other.pk), **body}
            upload = "file" in body
            if upload:  # multipart carries no nested values: send the flat hostile fields only
                payload = {k: v for k, v in payload.items() if not isinstance(v, (dict, list))}
            response = getattr(client_for(actor), method)(url, payload, format="multipart" if upload else "json")
        assert response.status_code in (200, 201), (url, response.json())
        after = snapshot()
        for key, old in before.items():
            changed = {f for f in old if after[key][f] != old[f]}
            assert changed <= {f for label, f in may_change if label == key[0]}, (url, key, changed)
        for (label, pk), row in after.items():
            if (label, pk) in before:
                continue
            assert pk != str(INJECTED_ID), url
            owner = next((f for f in ("created_by_id", "recorded_by_id", "drafted_by_id", "by_id", "linked_by_id",
                                      "uploaded_by_id")
                          if f in row), None)
            if owner:
                assert row[owner] == actor.pk, (url, label, row)
            if "status" in row and label == "allegations.Allegation":
                assert row["status"] == "preliminary_assessment"
            if label == "referrals.Referral":
                assert row["status"] == "draft" and row["approved_by_id"] is None
            if label == "allegations.Allegation":
                assert row["mission_id"] == body["mission"] and row["reference"] != "HACK-0001"


def test_every_writable_schema_operation_is_covered(world):
    """A new POST/PATCH in the API must be added to the cases above (or be a read like `identity`)."""
    from drf_spectacular.generators import SchemaGenerator

    reads = {"/api/v1/victims/{id}/identity/"}  # a POST so identity stays out of URLs; it writes nothing
    schema = SchemaGenerator().get_schema(request=None, public=True)
    writable = {path for path, ops in schema["paths"].items() if {"post", "patch", "put"} & set(ops)}
    covered = {"/api/v1/allegations/", "/api/v1/allegations/{id}/", "/api/v1/allegations/{id}/transition/",
               "/api/v1/allegations/{allegation_id}/victims/", "/api/v1/victims/{id}/",
               "/api/v1/victims/{id}/advocate/", "/api/v1/victims/{id}/safeguarding/",
               "/api/v1/victims/{victim_id}/consents/", "/api/v1/victims/{victim_id}/needs/", "/api/v1/needs/{id}/",
               "/api/v1/needs/{id}/transition/", "/api/v1/victims/{victim_id}/claims/", "/api/v1/claims/{claim_id}/",
               "/api/v1/allegations/{allegation_id}/referrals/", "/api/v1/referrals/{id}/approve/",
               "/api/v1/victims/{victim_id}/contacts/", "/api/v1/victims/{id}/links/",
               "/api/v1/referrals/{id}/steps/", "/api/v1/referrals/{id}/steps/{step_id}/correct/",
               "/api/v1/referrals/{id}/close/", "/api/v1/referrals/{id}/answers/", "/api/v1/allegations/{allegation_id}/attachments/",
               "/api/v1/victims/{victim_id}/disclosure-requests/", "/api/v1/disclosure-requests/{request_id}/decision/",
               "/api/v1/disclosure-requests/{request_id}/file/"}
    assert writable <= covered | reads, sorted(writable - covered - reads)
