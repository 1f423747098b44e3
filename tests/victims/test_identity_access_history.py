""""Who saw or shared this identity" on the victim page: from the audit trail, for whoever may see the
identity (the victims' rights advocate), never the identity itself, one query."""

from __future__ import annotations

import pytest
from guardian.shortcuts import assign_perm

from core.errors import NotFound
from referrals.services import referral_draft
from tests.factories import AllegationFactory, make_victim
from victims.selectors import identity_access_history
from victims.services import PossibleDuplicate, consent_record, victim_create, victim_reveal_identity

pytestmark = pytest.mark.django_db

SECTION = "Who saw or shared this identity"


def fresh(user):
    """The user again, without the permission cache of before a grant."""
    return type(user).objects.get(pk=user.pk)


@pytest.fixture
def victim(officer, car):
    return make_victim(officer, AllegationFactory(mission=car), full_name="Canary Hidden")


def test_it_shows_the_advocate_who_read_the_identity(client, advocate, officer, victim):
    assign_perm("victims.view_identity", officer)
    victim_reveal_identity(actor=fresh(officer), victim=victim)
    client.force_login(advocate)
    page = client.get(f"/victims/{victim.pk}/").content.decode()
    assert SECTION in page
    section = page.split(SECTION, 1)[1].split("</section>", 1)[0]
    assert "<td>officer</td>" in section and "Identity viewed" in section and "success" in section
    assert "Canary Hidden" not in page  # who read it, never what they read


def test_it_lists_refused_reads_matches_and_notices_sent_newest_first(advocate, teammate, officer, car, credible,
                                                                        france, approve, chief):
    victim = make_victim(officer, credible, full_name="Canary Shared", age_at_incident=25)
    with pytest.raises(NotFound):
        victim_reveal_identity(actor=teammate, victim=victim)  # no identity access: refused, recorded
    with pytest.raises(PossibleDuplicate):
        victim_create(actor=officer, allegation=credible, values={"full_name": "Canary Shared", "sex": "female"})
    consent_record(actor=officer, victim=victim, scope="share_identity_with_member_state", decision="given",
                   given_by="victim")
    other = make_victim(officer, credible, full_name="Canary Other", age_at_incident=30)
    assign_perm("victims.view_identity", chief)  # a notice naming a victim is approved by who may read it
    approve(fresh(chief), referral_draft(actor=officer, allegation=credible, member_state=france))
    victim_reveal_identity(actor=advocate, victim=victim)
    history = identity_access_history(victim)
    assert [(a.who, a.what, a.outcome) for a in history] == [
        ("advocate", "Identity viewed", "success"),
        ("", "Identity sent to an authority in a referral notice", "success"),
        ("officer", "Identity matched: shown as a possible duplicate", "success"),
        ("teammate", "Identity viewed", "denied"),
    ]
    assert identity_access_history(other) == []  # in the same notice, but not named (no consent); never read


def test_a_field_officer_without_identity_access_does_not_see_the_section(client, teammate, victim):
    client.force_login(teammate)
    page = client.get(f"/victims/{victim.pk}/").content.decode()
    assert SECTION not in page


def test_an_analyst_does_not_see_the_section(client, analyst, victim):
    client.force_login(analyst)
    response = client.get(f"/victims/{victim.pk}/")
    assert response.status_code == 200 and SECTION not in response.content.decode()


def test_the_link_to_the_audit_log_is_for_those_who_may_read_it(client, advocate, victim):
    client.force_login(advocate)
    page = client.get(f"/victims/{victim.pk}/").content.decode()
    assert "Nobody has read or shared this identity yet." in page
    assert f"/audit/?victim={victim.code}" not in page  # the advocate cannot open the audit log (404)
    assign_perm("core.view_auditevent", advocate)
    client.force_login(fresh(advocate))
    assert f"/audit/?victim={victim.code}" in client.get(f"/victims/{victim.pk}/").content.decode()


@pytest.mark.parametrize("reads", [3, 40])
def test_it_keeps_the_last_twenty_in_one_query(advocate, victim, reads, django_assert_num_queries):
    for _ in range(reads):
        victim_reveal_identity(actor=advocate, victim=victim)
    with django_assert_num_queries(1):
        history = identity_access_history(victim)
    assert len(history) == min(reads, 20)
    assert [a.at for a in history] == sorted((a.at for a in history), reverse=True)


def test_it_finds_matches_and_notices_naming_exactly_this_victim_on_any_database(victim):
    """SQLite (the embedded default) has no JSON containment: the page used to fail there."""
    from core.audit import audit_record
    from victims.choices import IDENTITY_MATCH_ACTION, IDENTITY_SENT_ACTION, NAMED_VICTIMS_DETAIL

    audit_record(action=IDENTITY_MATCH_ACTION, detail={"matches": [f"{victim.code}9", "V-1999-0001"]})
    audit_record(action=IDENTITY_SENT_ACTION, detail={NAMED_VICTIMS_DETAIL: [f"{victim.pk}0"]})
    assert identity_access_history(victim) == []
    audit_record(action=IDENTITY_MATCH_ACTION, detail={"matches": ["V-1999-0001", victim.code]})
    audit_record(action=IDENTITY_SENT_ACTION, detail={NAMED_VICTIMS_DETAIL: [str(victim.pk)]})
    assert sorted(entry.code for entry in identity_access_history(victim)) == [IDENTITY_MATCH_ACTION,
                                                                              IDENTITY_SENT_ACTION]
