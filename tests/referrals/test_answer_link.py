"""The focal point's answer link: a code to the address on file, the notice under today's consent,
steps into the ledger, and one uniform refusal for everything else."""

import datetime
import re

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.utils import timezone

from core.models import AuditEvent, OutboundEmail
from referrals import answer_services
from referrals.models import AnswerLink, Referral, ReferralStatus, ReferralStep
from referrals.services import answer_link_revoke, referral_close, referral_draft
from tests.factories import AllegationFactory, MemberStateFactory, make_focal_point, make_victim
from victims.services import consent_record

pytestmark = pytest.mark.django_db
LINK = re.compile(r"http://[^\s\"<]+(/answer/[A-Za-z0-9_-]+/)")
CODE = re.compile(r"code is (\d{6})")
CSRF = re.compile(rb'<input type="hidden" name="csrfmiddlewaretoken" value="[^"]+">')


def link_path(message) -> str:
    return LINK.search(message.body).group(1)


def code_from(message) -> str:
    return CODE.search(message.body).group(1)


@pytest.fixture
def send(officer, chief, approve):
    """Send a referral of `allegation` to `state`; the focal point's link path (from the e-mail)."""

    def run(allegation, state, language="en"):
        before = len(mail.outbox)
        approve(chief, referral_draft(actor=officer, allegation=allegation, member_state=state, language=language))
        return link_path(mail.outbox[before])

    return run


@pytest.fixture
def opened(send, credible, france):
    """The link of a sent referral, and a client that has proven its code."""
    path = send(credible, france)
    client = Client()
    verify(client, path)
    return path, client


def verify(client, path) -> None:
    before = len(mail.outbox)
    assert client.post(path + "code/").status_code == 302
    response = client.post(path, {"code": code_from(mail.outbox[before])})
    assert response.status_code == 302 and response["Location"] == path


def refusal_bytes(response) -> bytes:
    assert response.status_code == 404
    return CSRF.sub(b"", response.content)


def test_it_sends_the_code_only_when_asked_and_keeps_neither_it_nor_the_token(send, credible, france):
    path = send(credible, france)
    client = Client()
    page = client.get(path)
    assert page.status_code == 200 and len(mail.outbox) == 1  # a mail scanner's GET sends nothing
    assert "s***@defense.example.fr" in page.content.decode()
    assert client.post(path + "code/").status_code == 302
    message = mail.outbox[-1]
    code = code_from(message)
    assert message.to == ["sea-focal@defense.example.fr"]
    stored = OutboundEmail.objects.get(message_id__startswith="<answer-code.")
    assert "[one-time code, not kept]" in stored.body and code not in stored.body
    link = AnswerLink.objects.get()
    assert link.code_hash and code not in link.code_hash
    token = path.split("/")[2]
    rows = str([list(model.objects.values()) for model in (OutboundEmail, AnswerLink, AuditEvent)])
    assert code not in rows.replace(link.code_hash, "") and token not in rows


def test_the_right_code_opens_the_notice_and_will_investigate_goes_into_the_ledger(opened):
    path, client = opened
    page = client.get(path)
    assert page.status_code == 200
    html = page.content.decode()
    referral = Referral.objects.get()
    assert referral.allegation.reference in html and "Record a step" in html
    assert 'href="/' not in html.replace('href="/static/', "")  # no link into the application
    day = referral.sent_on.isoformat()
    response = client.post(path + "steps/", {"kind": "will_investigate", "occurred_on": day})
    assert response.status_code == 302
    step = ReferralStep.objects.get()
    assert (step.kind, step.source, step.recorded_by, step.recorded_by_focal_point.email) == (
        "will_investigate", "answer_link", None, "sea-focal@defense.example.fr")
    referral.refresh_from_db()
    assert referral.response == "will_investigate"
    assert "(focal point)" in client.get(path).content.decode()
    assert AnswerLink.objects.get().last_used_at is not None
    actions = list(AuditEvent.objects.filter(action__startswith="answer_link").order_by("id")
               .values_list("action", "actor"))
    assert [a for a, _actor in actions] == ["answer_link_code_sent", "answer_link_code_right", "answer_link_opened",
                                            "answer_link_step", "answer_link_opened"]
    assert {actor for _a, actor in actions} == {None}


def test_a_code_is_good_once_and_for_fifteen_minutes(send, credible, france):
    path = send(credible, france)
    client = Client()
    client.post(path + "code/")
    code = code_from(mail.outbox[-1])
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=16)):
        assert client.post(path, {"code": code}).status_code == 404
    AnswerLink.objects.update(code_sent_at=timezone.now() - datetime.timedelta(minutes=2))
    client.post(path + "code/")
    code = code_from(mail.outbox[-1])
    assert client.post(path, {"code": code}).status_code == 302
    assert Client().post(path, {"code": code}).status_code == 404  # spent


def test_every_refusal_is_the_same_page(send, credible, france, officer, settings):
    path = send(credible, france, language="fr")  # refusals are in the visitor's language, not the referral's
    referral, link = Referral.objects.get(), AnswerLink.objects.get()
    client = Client()
    client.post(path + "code/")
    unknown = refusal_bytes(client.get("/answer/not-a-token/"))
    assert b"This link cannot be used" in unknown and b'lang="en"' in unknown
    assert refusal_bytes(client.post(path, {"code": "000000"})) == unknown  # a wrong code (or a one in a million)
    assert refusal_bytes(client.post(path + "steps/", {"kind": "declines"})) == unknown  # not verified
    with time_machine.travel(datetime.datetime.combine(link.expires_on + datetime.timedelta(days=1),
                                                       datetime.time(12), tzinfo=datetime.UTC)):
        assert refusal_bytes(client.get(path)) == unknown
    AnswerLink.objects.update(locked_at=timezone.now())
    assert refusal_bytes(client.get(path)) == unknown
    AnswerLink.objects.update(locked_at=None)
    answer_link_revoke(actor=officer, referral=referral, link_id=link.pk)
    assert refusal_bytes(client.get(path)) == unknown
    assert refusal_bytes(client.post(path + "code/")) == unknown
    refused = AuditEvent.objects.filter(action="answer_link_refused")
    assert refused.count() >= 4 and all(len(e.detail["token_hash_prefix"]) == 8 for e in refused)


def test_a_closed_referral_refuses_its_link(opened, officer):
    path, client = opened
    referral = Referral.objects.get()
    referral_close(actor=officer, referral=referral, expected_version=referral.version)
    assert Referral.objects.get().status == ReferralStatus.CLOSED
    assert refusal_bytes(client.get(path)) == refusal_bytes(Client().get("/answer/unknown/"))


def test_twenty_wrong_codes_lock_the_link(send, credible, france):
    path = send(credible, france)
    client = Client()
    client.post(path + "code/")
    code = code_from(mail.outbox[-1])
    wrong = "111111" if code != "111111" else "222222"
    for _attempt in range(19):
        client.post(path, {"code": wrong})
    assert AnswerLink.objects.get().locked_at is None
    client.post(path, {"code": wrong})
    link = AnswerLink.objects.get()
    assert link.failed_codes == 20 and link.locked_at is not None
    assert client.post(path, {"code": code}).status_code == 404
    assert AuditEvent.objects.filter(action="answer_link_locked").count() == 1


def test_guesses_are_throttled_per_address_over_all_tokens(send, credible, france):
    path = send(credible, france)
    guesser, other = Client(REMOTE_ADDR="203.0.113.9"), Client(REMOTE_ADDR="198.51.100.4")
    for n in range(answer_services.GUESSES_PER_WINDOW):
        guesser.get(f"/answer/guess-{n}/")
    assert refusal_bytes(guesser.get(path)) == refusal_bytes(other.get("/answer/guess/"))  # even the real one
    assert other.get(path).status_code == 200
    assert AuditEvent.objects.filter(action="answer_link_refused", detail__throttled=True).count() == 1


def test_the_notice_withholds_identity_once_consent_is_withdrawn(officer, chief, send, credible, france):
    from guardian.shortcuts import assign_perm

    assign_perm("victims.view_identity", chief)  # the approver reads the names that are sent
    named = make_victim(officer, credible, full_name="Canary Marguerite", age_at_incident=22)
    unnamed = make_victim(officer, credible, full_name="Canary Refused", age_at_incident=25)
    consent_record(actor=officer, victim=named, scope="share_identity_with_member_state", decision="given",
                   given_by="victim")
    consent_record(actor=officer, victim=unnamed, scope="share_identity_with_member_state", decision="refused",
                   given_by="victim")
    path = send(credible, france)
    client = Client()
    verify(client, path)
    html = client.get(path).content.decode()
    assert "Canary Marguerite" in html and "Canary Refused" not in html and unnamed.code in html
    opened = AuditEvent.objects.filter(action="answer_link_opened", detail__verified=True).last()
    assert opened.detail["victims_named"] == [str(named.pk)]

    consent_record(actor=officer, victim=named, scope="share_identity_with_member_state", decision="withdrawn",
                   given_by="victim")
    html = client.get(path).content.decode()
    assert "Canary" not in html and named.code in html and unnamed.code in html
    assert html.count("identity withheld (no consent to share it)") == 2


def test_a_link_opens_only_its_own_referral(officer, send, credible, france, car, sangaris, advocate):
    path, client = None, Client()
    path = send(credible, france)
    other_allegation = AllegationFactory(mission=car, credibility="credible", reference="CAF-2016-0777")
    germany = MemberStateFactory(iso3="DEU", iso2="DE", name="Germany")
    make_focal_point(germany, "general", "focal@bund.example.de")
    other_path = send(other_allegation, germany)
    verify(client, path)
    assert "CAF-2016-0777" not in client.get(path).content.decode()
    other = client.get(other_path)  # proven for one link, the other still asks for its own code
    assert other.status_code == 200 and b"Send me a code" in other.content and b"CAF-2016-0777" in other.content
    assert client.post(other_path + "steps/", {"kind": "declines"}).status_code == 404
    assert not ReferralStep.objects.exists()


def test_a_paternity_claim_of_another_allegation_is_not_a_choice(opened, officer, advocate, car):
    from victims.assistance import paternity_claim_create

    path, client = opened
    elsewhere = make_victim(officer, AllegationFactory(mission=car), full_name="Canary Else", age_at_incident=30)
    claim = paternity_claim_create(actor=advocate, victim=elsewhere, values={"claim_date": datetime.date(2017, 1, 5)})
    response = client.post(path + "steps/", {"kind": "dna_sample_taken", "occurred_on": Referral.objects.get()
                                             .sent_on.isoformat(), "paternity_claim": claim.pk})
    assert response.status_code == 400 and not ReferralStep.objects.exists()


def test_every_mistake_is_shown_at_once_and_the_input_kept(opened):
    path, client = opened
    response = client.post(path + "steps/", {"kind": "officer_appointed", "occurred_on": "2001-01-01",
                                             "note": "Typed by the focal point"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Record “Will investigate” first" in html and "before the referral was sent" in html
    assert "Give the officer&#x27;s name and rank." in html and "Typed by the focal point" in html
    assert "No answer (recorded as such)" not in html  # the office's kind only


def test_the_pages_are_in_the_referrals_language(send, credible, france):
    path = send(credible, france, language="fr")
    response = Client().get(path)
    assert b'<html lang="fr">' in response.content and response["Content-Language"] == "fr"


def test_the_verified_session_expires_after_the_idle_time(opened, settings):
    path, client = opened
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=settings.SEA_SESSION_IDLE_MINUTES + 1)):
        assert b"Send me a code" in client.get(path).content


def test_the_office_corrects_what_the_focal_point_entered_and_the_correction_is_audited(opened, officer):
    from referrals.ledger import StepEntry
    from referrals.services import referral_step_correct

    path, client = opened
    referral = Referral.objects.get()
    client.post(path + "steps/", {"kind": "will_investigate", "occurred_on": referral.sent_on.isoformat()})
    entered = ReferralStep.objects.get()
    referral_step_correct(actor=officer, referral=referral, step_id=entered.pk, entry=StepEntry(
        kind="declines", occurred_on=referral.sent_on, source="email"))
    event = AuditEvent.objects.get(action="referral_step_corrected")
    assert event.actor == officer and event.detail["entered_by_focal_point"] is True
    assert "Declines to investigate" in client.get(path).content.decode()  # the focal point sees the correction


def test_the_answer_page_reads_the_same_number_of_queries_whatever_the_victims_and_steps(
        officer, chief, send, credible, france, django_assert_max_num_queries):
    from guardian.shortcuts import assign_perm

    assign_perm("victims.view_identity", chief)
    for n in range(3):
        victim = make_victim(officer, credible, full_name=f"Canary {n}", age_at_incident=20 + n)
        consent_record(actor=officer, victim=victim, scope="share_identity_with_member_state", decision="given",
                       given_by="victim")
    path = send(credible, france)
    client = Client()
    verify(client, path)
    with django_assert_max_num_queries(100) as first:
        client.get(path)
    queries = len(first)  # now: the next request resets the connection's query log
    day = Referral.objects.get().sent_on.isoformat()
    client.post(path + "steps/", {"kind": "acknowledged", "occurred_on": day})
    client.post(path + "steps/", {"kind": "will_investigate", "occurred_on": day})
    more = make_victim(officer, credible, full_name="Canary Late", age_at_incident=30)
    consent_record(actor=officer, victim=more, scope="share_identity_with_member_state", decision="given",
                   given_by="victim")
    with django_assert_max_num_queries(queries):
        assert client.get(path).status_code == 200


def test_the_focal_point_sees_the_offices_entries_as_the_offices_without_its_notes(opened, officer):
    from tests.factories import record_step

    path, client = opened
    referral = Referral.objects.get()
    record_step(officer, referral, "acknowledged", referral.sent_on, note="Internal: call the PM first")
    page = client.get(path).content.decode()
    assert "Receipt acknowledged" in page and "recorded by the Office" in page
    assert "Internal: call the PM first" not in page
    assert f"recorded by {officer.username}" not in page
