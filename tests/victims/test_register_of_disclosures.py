"""The register of disclosures: every service that gives a victim's identity outside the office writes
exactly one entry per victim, in its own transaction, and none when it refuses or fails. The entry names
fields, recipient, consent and approvers, never the identity."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from guardian.shortcuts import assign_perm

from core.errors import NotFound
from core.models import AuditEvent
from core.roles import VICTIMS_RIGHTS_ADVOCATE
from referrals.services import referral_approve, referral_draft, referral_send
from tests.factories import AllegationFactory, make_provider, make_user, make_victim
from victims.assistance import need_create, need_transition
from victims.disclosures import (
    disclosure_record,
    disclosure_request_create,
    disclosure_request_decide,
    identity_export_produce,
)
from victims.models import Consent, Disclosure, DisclosureRequest
from victims.services import consent_record

pytestmark = pytest.mark.django_db

SHARE_UN = "share_identity_with_un_partners"


def fresh(user):
    return type(user).objects.get(pk=user.pk)


@pytest.fixture
def second_advocate(car):
    return make_user("second", VICTIMS_RIGHTS_ADVOCATE, change=[car])


@pytest.fixture
def victim(officer, car):
    return make_victim(officer, AllegationFactory(mission=car), full_name="Canary Secret", age_at_incident=30,
                       contact_details="Canary Phone 0700")


def consent(actor, victim, scope, decision="given"):
    return consent_record(actor=actor, victim=victim, scope=scope, decision=decision, given_by="victim")


# --- the one service ---------------------------------------------------------------------------

def test_it_writes_one_entry_and_one_audit_event_inside_the_callers_transaction(advocate, second_advocate, victim):
    given = consent(advocate, victim, SHARE_UN)
    before = AuditEvent.objects.filter(action="identity_disclosed").count()
    with transaction.atomic():
        entry = disclosure_record(victim=victim, kind="un_partner_share", recipient="UNICEF", fields=["full_name"],
                                  consent=given, requested_by=advocate, approved_by=second_advocate)
    assert list(Disclosure.objects.values_list("pk", flat=True)) == [entry.pk]
    assert (entry.consent, entry.consent_scope, entry.fields) == (given, SHARE_UN, ["full_name"])
    assert AuditEvent.objects.filter(action="identity_disclosed").count() == before + 1


@pytest.mark.django_db(transaction=True)
def test_it_runs_only_inside_a_transaction(advocate, second_advocate, victim):
    given = consent(advocate, victim, SHARE_UN)
    with pytest.raises(RuntimeError):
        disclosure_record(victim=victim, kind="un_partner_share", recipient="UNICEF", fields=["full_name"],
                          consent=given, requested_by=advocate, approved_by=second_advocate)
    assert not Disclosure.objects.exists()


@pytest.mark.parametrize("case", ["missing", "withdrawn", "older", "refused", "other scope"])
def test_it_refuses_a_consent_that_is_not_the_latest_yes_of_the_scope(advocate, second_advocate, victim, case):
    relied = None
    if case == "missing":
        relied = None
    elif case == "withdrawn":
        relied = consent(advocate, victim, SHARE_UN)
        consent(advocate, victim, SHARE_UN, "withdrawn")
    elif case == "older":
        relied = consent(advocate, victim, SHARE_UN)
        Consent.objects.create(victim=victim, scope=SHARE_UN, decision="given", given_by="victim")
    elif case == "refused":
        relied = consent(advocate, victim, SHARE_UN, "refused")
    else:
        relied = consent(advocate, victim, "assistance")
    with pytest.raises(ValidationError), transaction.atomic():
        disclosure_record(victim=victim, kind="un_partner_share", recipient="UNICEF", fields=["full_name"],
                          consent=relied, requested_by=advocate, approved_by=second_advocate)
    assert not Disclosure.objects.exists()


def test_it_refuses_the_requester_approving_or_nobody_approving(advocate, victim):
    given = consent(advocate, victim, SHARE_UN)
    for approver in (advocate, None):
        with pytest.raises(ValidationError), transaction.atomic():
            disclosure_record(victim=victim, kind="un_partner_share", recipient="UNICEF", fields=["full_name"],
                              consent=given, requested_by=advocate, approved_by=approver)
    assert not Disclosure.objects.exists()


def test_it_names_fields_of_the_vocabulary_only(advocate, second_advocate, victim):
    given = consent(advocate, victim, SHARE_UN)
    with pytest.raises(ValueError), transaction.atomic():
        disclosure_record(victim=victim, kind="un_partner_share", recipient="UNICEF", fields=["Canary Secret"],
                          consent=given, requested_by=advocate, approved_by=second_advocate)


# --- (a) a referral notice ----------------------------------------------------------------------

@pytest.fixture
def named_and_unnamed(officer, credible):
    named = make_victim(officer, credible, full_name="Canary Named", age_at_incident=25,
                        date_of_birth=datetime.date(1990, 1, 2))
    consent(officer, named, "share_identity_with_member_state")
    unnamed = make_victim(officer, credible, full_name="Canary Unnamed", age_at_incident=30)
    return named, unnamed


def test_sending_a_notice_writes_one_entry_per_named_victim(officer, chief, credible, france, approve,
                                                            named_and_unnamed):
    named, unnamed = named_and_unnamed
    assign_perm("victims.view_identity", chief)
    referral = referral_draft(actor=officer, allegation=credible, member_state=france)
    approve(fresh(chief), referral)
    entry = Disclosure.objects.get()
    assert entry.victim == named and not unnamed.disclosures.exists()
    assert (entry.kind, entry.fields, entry.requested_by, entry.approved_by) == (
        "referral_notice", ["full_name", "date_of_birth"], officer, chief)
    assert entry.consent == named.consents.get() and entry.approved_at is not None
    assert "France" in entry.recipient and "sea-focal@defense.example.fr" in entry.recipient
    assert (entry.source_type, entry.source_id) == ("referrals.referral", str(referral.pk))
    assert "Canary" not in entry.recipient + str(entry.fields) + entry.source_label


def test_a_notice_that_fails_to_send_writes_no_entry(officer, chief, credible, france, named_and_unnamed, settings):
    assign_perm("victims.view_identity", chief)
    referral = referral_draft(actor=officer, allegation=credible, member_state=france)
    referral_approve(actor=fresh(chief), referral=referral, expected_version=1)
    settings.EMAIL_BACKEND = "tests.victims.test_weekly_digest.FailingBackend"
    with pytest.raises(OSError):
        referral_send(referral_id=referral.pk)
    assert not Disclosure.objects.exists()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert referral_send(referral_id=referral.pk) is True
    assert Disclosure.objects.count() == 1
    assert referral_send(referral_id=referral.pk) is False  # sent once: no second entry
    assert Disclosure.objects.count() == 1


def test_a_notice_naming_nobody_writes_none(officer, chief, credible, france, approve):
    make_victim(officer, credible, full_name="Canary Unnamed", age_at_incident=30)
    approve(chief, referral_draft(actor=officer, allegation=credible, member_state=france))
    assert not Disclosure.objects.exists()


# --- (b) a share with a UN partner --------------------------------------------------------------

def _ask_un(actor, victim, **overrides):
    values = {"kind": "un_partner_share", "recipient": "UNICEF child protection, Bangui",
              "purpose": "Reintegration programme", "fields": ["full_name", "current_location"]} | overrides
    return disclosure_request_create(actor=actor, victim=victim, **values)


def test_a_un_share_is_one_entry_when_a_second_person_approves(advocate, second_advocate, victim):
    given = consent(advocate, victim, SHARE_UN)
    asked = _ask_un(advocate, victim)
    assert not Disclosure.objects.exists()  # asking discloses nothing
    decided = disclosure_request_decide(actor=second_advocate, request=asked, approve=True, expected_version=1)
    entry = Disclosure.objects.get()
    assert decided.status == "disclosed" and decided.disclosure == entry
    assert (entry.kind, entry.recipient, entry.purpose, entry.fields, entry.consent) == (
        "un_partner_share", "UNICEF child protection, Bangui", "Reintegration programme",
        ["full_name", "current_location"], given)
    assert (entry.requested_by, entry.approved_by) == (advocate, second_advocate)
    event = AuditEvent.objects.get(action="identity_disclosed")
    assert event.object_id == str(victim.pk) and event.actor == second_advocate
    assert "Canary" not in str(event.detail)


def test_a_un_share_without_consent_is_refused_at_the_request(advocate, victim):
    with pytest.raises(ValidationError):
        _ask_un(advocate, victim)
    consent(advocate, victim, SHARE_UN, "refused")
    with pytest.raises(ValidationError):
        _ask_un(advocate, victim)
    assert not DisclosureRequest.objects.exists() and not Disclosure.objects.exists()


def test_a_consent_withdrawn_before_the_approval_stops_it(advocate, second_advocate, victim):
    consent(advocate, victim, SHARE_UN)
    asked = _ask_un(advocate, victim)
    consent(advocate, victim, SHARE_UN, "withdrawn")
    with pytest.raises(ValidationError):
        disclosure_request_decide(actor=second_advocate, request=asked, approve=True, expected_version=1)
    asked.refresh_from_db()
    assert asked.status == "pending" and not Disclosure.objects.exists()


def test_the_requester_cannot_approve_their_own_request(advocate, victim):
    consent(advocate, victim, SHARE_UN)
    asked = _ask_un(advocate, victim)
    with pytest.raises(ValidationError):
        disclosure_request_decide(actor=advocate, request=asked, approve=True, expected_version=1)
    assert not Disclosure.objects.exists()


def test_a_refusal_writes_no_entry(advocate, second_advocate, victim):
    consent(advocate, victim, SHARE_UN)
    asked = _ask_un(advocate, victim)
    decided = disclosure_request_decide(actor=second_advocate, request=asked, approve=False, expected_version=1)
    assert decided.status == "refused" and not Disclosure.objects.exists()


def test_who_may_not_see_identity_can_neither_ask_nor_decide(officer, teammate, advocate, outsider, victim):
    consent(advocate, victim, SHARE_UN)
    for user in (officer, outsider):
        with pytest.raises(NotFound):
            _ask_un(user, victim)
    asked = _ask_un(advocate, victim)
    for user in (teammate, outsider):
        with pytest.raises(NotFound):
            disclosure_request_decide(actor=user, request=asked, approve=True, expected_version=1)
    assert not Disclosure.objects.exists()


def test_the_pages_ask_and_approve_without_javascript(client, advocate, second_advocate, victim):
    consent(advocate, victim, SHARE_UN)
    client.force_login(advocate)
    response = client.post(f"/victims/{victim.pk}/disclosures/requests/", {
        "kind": "un_partner_share", "recipient": "UNHCR", "purpose": "Protection", "identity_fields": ["full_name"]})
    assert response.status_code == 302
    asked = DisclosureRequest.objects.get()
    page = client.get(f"/victims/{victim.pk}/").content.decode()
    assert "UNHCR" in page and f"/victims/disclosure-requests/{asked.pk}/decision/" not in page  # not their own
    client.force_login(second_advocate)
    page = client.get(f"/victims/{victim.pk}/").content.decode()
    assert f"/victims/disclosure-requests/{asked.pk}/decision/" in page
    response = client.post(f"/victims/disclosure-requests/{asked.pk}/decision/",
                           {"decision": "approve", "version": asked.version})
    assert response.status_code == 302 and Disclosure.objects.count() == 1


def test_the_page_refuses_a_share_without_consent_with_the_reason(client, advocate, victim):
    client.force_login(advocate)
    response = client.post(f"/victims/{victim.pk}/disclosures/requests/", {
        "kind": "un_partner_share", "recipient": "UNHCR", "purpose": "Protection", "identity_fields": ["full_name"]})
    assert response.status_code == 400 and "has not consented to share" in response.content.decode()
    assert not DisclosureRequest.objects.exists()


def test_out_of_scope_users_get_404_on_the_pages(client, advocate, outsider, victim):
    consent(advocate, victim, SHARE_UN)
    asked = _ask_un(advocate, victim)
    client.force_login(outsider)
    for method, url in (("get", f"/victims/{victim.pk}/disclosures/"), ("get", f"/victims/{victim.pk}/disclosures.csv"),
                        ("post", f"/victims/{victim.pk}/disclosures/requests/"),
                        ("post", f"/victims/disclosure-requests/{asked.pk}/decision/"),
                        ("post", f"/victims/disclosure-requests/{asked.pk}/file/")):
        assert getattr(client, method)(url).status_code == 404, url


# --- (c) a provider referral with contact details ----------------------------------------------

@pytest.fixture
def need(advocate, victim, car):
    return need_create(actor=advocate, victim=victim, category="medical", provider=make_provider(car))


def test_a_provider_referral_with_contact_details_writes_one_entry(advocate, victim, need):
    given = consent(advocate, victim, "assistance")
    need_transition(actor=advocate, need=need, to_status="referred", expected_version=1, share_contact_details=True)
    entry = Disclosure.objects.get()
    assert (entry.kind, entry.recipient, entry.fields, entry.consent, entry.requested_by, entry.approved_by) == (
        "service_provider_referral", "Clinic", ["full_name", "contact_details"], given, advocate, None)
    assert (entry.source_type, entry.source_id) == ("victims.assistanceneed", str(need.pk))


def test_a_provider_referral_without_the_opt_in_writes_none(advocate, victim, need):
    consent(advocate, victim, "assistance")
    need_transition(actor=advocate, need=need, to_status="referred", expected_version=1)
    assert not Disclosure.objects.exists()


@pytest.mark.parametrize("decision", [None, "refused", "withdrawn"])
def test_contact_details_need_the_latest_consent_to_assistance(advocate, victim, need, decision):
    if decision:
        consent(advocate, victim, "assistance")
        consent(advocate, victim, "assistance", decision)
    consent(advocate, victim, "contact")  # consent to be contacted by the office is not enough
    with pytest.raises(ValidationError) as refused:
        need_transition(actor=advocate, need=need, to_status="referred", expected_version=1,
                        share_contact_details=True)
    assert "share_contact_details" in refused.value.message_dict
    need.refresh_from_db()
    assert need.status == "identified" and not Disclosure.objects.exists()


def test_the_need_page_offers_the_opt_in_and_records_it(client, advocate, victim, need):
    consent(advocate, victim, "assistance")
    client.force_login(advocate)
    assert "share_contact_details" in client.get(f"/victims/needs/{need.pk}/").content.decode()
    response = client.post(f"/victims/needs/{need.pk}/status/", {
        "to_status": "referred", "version": 1, "share_contact_details": "on"})
    assert response.status_code == 302 and Disclosure.objects.get().kind == "service_provider_referral"


# --- (d) an export of the identity for the victim ----------------------------------------------

def _ask_export(actor, victim, **overrides):
    values = {"kind": "identity_export", "export_for": "victim", "fields": ["full_name", "contact_details"]} | overrides
    return disclosure_request_create(actor=actor, victim=victim, **values)


def test_an_export_is_approved_by_another_then_downloaded_once_with_one_entry(advocate, second_advocate, victim):
    asked = _ask_export(advocate, victim)
    approved = disclosure_request_decide(actor=second_advocate, request=asked, approve=True, expected_version=1)
    assert approved.status == "approved" and not Disclosure.objects.exists()
    with pytest.raises(ValidationError):
        identity_export_produce(actor=second_advocate, request=approved)  # the approver does not download it
    export = identity_export_produce(actor=advocate, request=approved)
    text = export.content.decode("utf-8-sig")
    assert "Canary Secret" in text and "Canary Phone 0700" in text
    entry = Disclosure.objects.get()
    assert (entry.kind, entry.fields, entry.consent, entry.requested_by, entry.approved_by) == (
        "identity_export", ["full_name", "contact_details"], None, advocate, second_advocate)
    with pytest.raises(ValidationError):
        identity_export_produce(actor=advocate, request=approved)  # once
    assert Disclosure.objects.count() == 1
    assert AuditEvent.objects.filter(action="identity_disclosed", object_id=str(victim.pk)).count() == 1


def test_an_export_not_yet_approved_cannot_be_downloaded(advocate, second_advocate, victim):
    asked = _ask_export(advocate, victim)
    with pytest.raises(ValidationError):
        identity_export_produce(actor=advocate, request=asked)
    with pytest.raises(ValidationError):
        disclosure_request_decide(actor=advocate, request=asked, approve=True, expected_version=1)
    assert not Disclosure.objects.exists()


def test_the_export_file_is_a_post_download_and_is_not_kept(client, advocate, second_advocate, victim):
    asked = _ask_export(advocate, victim, export_for="representative", recipient="Legal aid lawyer (mandated)")
    disclosure_request_decide(actor=second_advocate, request=asked, approve=True, expected_version=1)
    client.force_login(advocate)
    assert client.get(f"/victims/disclosure-requests/{asked.pk}/file/").status_code == 405
    response = client.post(f"/victims/disclosure-requests/{asked.pk}/file/")
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    assert "Canary Secret" in response.content.decode("utf-8-sig")
    entry = Disclosure.objects.get()
    assert entry.recipient == "Legal aid lawyer (mandated)"
    asked.refresh_from_db()
    stored = " ".join(str(v) for v in DisclosureRequest.objects.values().get().values())
    assert "Canary" not in stored and "Canary" not in str(Disclosure.objects.values().get())


# --- the register on the victim's page, and for the victim --------------------------------------

SECTION = "Register of disclosures"


def _entries(advocate, second_advocate, victim, n):
    given = consent(advocate, victim, SHARE_UN)
    with transaction.atomic():
        for i in range(n):
            disclosure_record(victim=victim, kind="un_partner_share", recipient=f"Partner {i}", fields=["full_name"],
                              consent=given, requested_by=advocate, approved_by=second_advocate,
                              approved_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC))


def test_the_advocate_sees_the_register_on_the_victims_page(client, advocate, second_advocate, victim):
    _entries(advocate, second_advocate, victim, 2)
    client.force_login(advocate)
    page = client.get(f"/victims/{victim.pk}/").content.decode()
    section = page.split(SECTION, 1)[1].split("</section>", 1)[0]
    assert "Partner 0" in section and "Partner 1" in section and "full name" in section and "second" in section
    assert "Share identity with UN partners: given by the victim" in section
    assert "Canary Secret" not in page


@pytest.mark.parametrize("who", ["teammate", "analyst"])
def test_who_may_not_see_identity_does_not_see_the_register(client, advocate, second_advocate, victim, request, who):
    _entries(advocate, second_advocate, victim, 1)
    client.force_login(request.getfixturevalue(who))
    response = client.get(f"/victims/{victim.pk}/")
    assert response.status_code == 200 and SECTION not in response.content.decode()
    assert client.get(f"/victims/{victim.pk}/disclosures.csv").status_code == 404


def test_the_register_section_costs_the_same_queries_for_one_entry_or_many(
        client, advocate, second_advocate, victim, django_assert_max_num_queries):
    _entries(advocate, second_advocate, victim, 1)
    client.force_login(advocate)
    client.get(f"/victims/{victim.pk}/")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get(f"/victims/{victim.pk}/")
    _entries(advocate, second_advocate, victim, 9)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert client.get(f"/victims/{victim.pk}/").status_code == 200


def test_the_register_exports_for_the_victim_in_their_language_and_is_audited(client, advocate, second_advocate,
                                                                              victim):
    _entries(advocate, second_advocate, victim, 1)
    client.force_login(advocate)
    response = client.get(f"/victims/{victim.pk}/disclosures.csv")
    text = response.content.decode("utf-8-sig")
    assert response.status_code == 200 and "Partner 0" in text and "full name" in text and "second" in text
    assert "Canary Secret" not in text
    client.cookies["django_language"] = "fr"
    page = client.get(f"/victims/{victim.pk}/disclosures/", HTTP_ACCEPT_LANGUAGE="fr")
    assert page.status_code == 200 and "Partner 0" in page.content.decode()
    assert '<html lang="fr">' in page.content.decode()
    formats = list(AuditEvent.objects.filter(action="disclosure_register_export").order_by("id").values_list("detail__format",
                                                                                                flat=True))
    assert formats == ["csv", "print"]


def test_a_disclosure_shows_in_who_saw_or_shared_the_identity(client, advocate, second_advocate, victim):
    consent(advocate, victim, SHARE_UN)
    disclosure_request_decide(actor=second_advocate, request=_ask_un(advocate, victim), approve=True,
                              expected_version=1)
    from victims.selectors import identity_access_history

    assert [(a.who, a.what) for a in identity_access_history(victim)] == [
        ("second", "Identity shared with a UN partner")]
