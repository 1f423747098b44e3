"""The notice carries each focal point's own answer link; nothing the server keeps holds the token."""

import re

import pytest
from django.core import mail
from core.models import AuditEvent, OutboundEmail
from referrals.answer_links import find_answer_link, token_hash
from referrals.models import AnswerLink, Referral
from referrals.services import answer_link_revoke, referral_draft
from tests.factories import make_focal_point

pytestmark = pytest.mark.django_db
LINK = re.compile(r"http://[^\s\"<]+/answer/([A-Za-z0-9_-]+)/")


def test_each_focal_point_gets_a_message_with_their_own_link_that_is_kept_only_as_a_hash(
        officer, chief, credible, france, approve):
    make_focal_point(france, "general", "second-focal@defense.example.fr")
    approve(chief, referral_draft(actor=officer, allegation=credible, member_state=france))
    referral = Referral.objects.get()
    assert sorted(m.to[0] for m in mail.outbox) == ["sea-focal@defense.example.fr", "second-focal@defense.example.fr"]
    tokens = {m.to[0]: LINK.search(m.body).group(1) for m in mail.outbox}
    assert len(set(tokens.values())) == 2 and all(len(t) >= 43 for t in tokens.values())  # 256 bits
    html = mail.outbox[0].alternatives[0][0]
    assert LINK.search(html).group(1) == tokens[mail.outbox[0].to[0]]
    for address, token in tokens.items():
        link = find_answer_link(token)
        assert link.referral_id == referral.pk and link.focal_point.email == address
        assert link.token_hash == token_hash(token)
    # Neither the outbox, nor the stored notice, nor any other column holds a token.
    stored = [e.body for e in OutboundEmail.objects.all()] + [referral.sent_text, referral.sent_html]
    assert all("personal answer link: not kept" in text for text in stored)
    rows = str([list(model.objects.values()) for model in (OutboundEmail, Referral, AnswerLink, AuditEvent)])
    assert not any(token in rows for token in tokens.values())


def test_a_link_works_until_ninety_days_after_the_investigation_deadline_and_not_once_revoked(
        officer, chief, credible, france, approve):
    approve(chief, referral_draft(actor=officer, allegation=credible, member_state=france))
    token = LINK.search(mail.outbox[0].body).group(1)
    referral = Referral.objects.get()
    link = AnswerLink.objects.get()
    assert (link.expires_on - referral.investigation_due).days == 90
    assert link.is_usable(link.expires_on) and not link.is_usable(link.expires_on.replace(year=link.expires_on.year + 1))
    assert find_answer_link(token + "x") is None and find_answer_link("") is None
    answer_link_revoke(actor=officer, referral=referral, link_id=link.pk)
    assert find_answer_link(token) is None


def test_the_kept_notice_says_the_link_is_not_kept_without_a_dead_link(officer, chief, credible, france, approve):
    approve(chief, referral_draft(actor=officer, allegation=credible, member_state=france))
    referral = Referral.objects.get()
    assert "<em>[the focal point's personal answer link: not kept]</em>" in referral.sent_html
    assert "[[answer-link]]" not in referral.sent_html + referral.sent_text
    assert 'href="[' not in referral.sent_html and 'href="[' not in OutboundEmail.objects.get().body
