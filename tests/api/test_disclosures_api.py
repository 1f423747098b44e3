"""The register of disclosures and the requests a second person decides, over the API: the pages'
services underneath, the same refusals."""

import pytest

from core.roles import VICTIMS_RIGHTS_ADVOCATE
from tests.factories import AllegationFactory, make_provider, make_user, make_victim
from victims.assistance import need_create
from victims.models import Disclosure
from victims.services import consent_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def second_advocate(car):
    return make_user("second", VICTIMS_RIGHTS_ADVOCATE, change=[car])


@pytest.fixture
def victim(officer, car):
    return make_victim(officer, AllegationFactory(mission=car), full_name="Canary Secret", age_at_incident=30)


def test_a_un_share_is_asked_by_one_approved_by_another_and_listed_in_the_register(api, advocate, second_advocate,
                                                                                    victim):
    consent_record(actor=advocate, victim=victim, scope="share_identity_with_un_partners", decision="given",
                   given_by="victim")
    asked = api(advocate).post(f"/api/v1/victims/{victim.pk}/disclosure-requests/", {
        "kind": "un_partner_share", "recipient": "UNFPA", "purpose": "Medical follow-up",
        "identity_fields": ["full_name", "date_of_birth"]}, format="json")
    assert asked.status_code == 201, asked.json()
    url = f"/api/v1/disclosure-requests/{asked.json()['id']}/decision/"
    assert api(advocate).post(url, {"approve": True, "version": 1}, format="json").status_code == 400  # own request
    decided = api(second_advocate).post(url, {"approve": True, "version": 1}, format="json")
    assert decided.status_code == 200 and decided.json()["status"] == "disclosed"
    register = api(advocate).get(f"/api/v1/victims/{victim.pk}/disclosures/").json()
    assert [(e["kind"], e["recipient"], e["fields"], e["approved_by"]) for e in register] == [
        ("un_partner_share", "UNFPA", ["full_name", "date_of_birth"], "second")]
    assert "Canary" not in str(register)


def test_a_un_share_without_consent_is_refused(api, advocate, victim):
    response = api(advocate).post(f"/api/v1/victims/{victim.pk}/disclosure-requests/", {
        "kind": "un_partner_share", "recipient": "UNFPA", "purpose": "x", "identity_fields": ["full_name"]},
        format="json")
    assert response.status_code == 400 and not Disclosure.objects.exists()


def test_an_export_is_downloaded_once_by_who_asked(api, advocate, second_advocate, victim):
    asked = api(advocate).post(f"/api/v1/victims/{victim.pk}/disclosure-requests/", {
        "kind": "identity_export", "export_for": "victim", "identity_fields": ["full_name"]}, format="json").json()
    api(second_advocate).post(f"/api/v1/disclosure-requests/{asked['id']}/decision/", {"approve": True, "version": 1},
                              format="json")
    url = f"/api/v1/disclosure-requests/{asked['id']}/file/"
    assert api(second_advocate).post(url).status_code == 400
    response = api(advocate).post(url)
    assert response.status_code == 200 and "Canary Secret" in response.content.decode("utf-8-sig")
    assert api(advocate).post(url).status_code == 400
    assert Disclosure.objects.get().kind == "identity_export"


def test_referring_with_contact_details_writes_the_register(api, advocate, victim, car):
    need = need_create(actor=advocate, victim=victim, category="medical", provider=make_provider(car))
    url = f"/api/v1/needs/{need.pk}/transition/"
    refused = api(advocate).post(url, {"to_status": "referred", "version": 1, "share_contact_details": True},
                                 format="json")
    assert refused.status_code == 400 and "share_contact_details" in refused.json()
    consent_record(actor=advocate, victim=victim, scope="assistance", decision="given", given_by="victim")
    response = api(advocate).post(url, {"to_status": "referred", "version": 1, "share_contact_details": True},
                                  format="json")
    assert response.status_code == 200 and Disclosure.objects.get().kind == "service_provider_referral"


def test_out_of_scope_and_identity_less_users_are_refused(api, officer, outsider, advocate, victim):
    from guardian.shortcuts import assign_perm

    assert api(officer).get(f"/api/v1/victims/{victim.pk}/disclosures/").status_code == 403
    assign_perm("victims.view_identity", outsider)
    outsider = type(outsider).objects.get(pk=outsider.pk)
    assert api(outsider).get(f"/api/v1/victims/{victim.pk}/disclosures/").status_code == 404
    assert api(outsider).post(f"/api/v1/victims/{victim.pk}/disclosure-requests/", {
        "kind": "identity_export", "export_for": "victim", "identity_fields": ["full_name"]},
        format="json").status_code == 404
