import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.models import FocalPoint
from tests.factories import AllegationFactory, MemberStateFactory, make_victim
from victims.assistance import (
    child_safeguarding_update,
    paternity_claim_create,
    paternity_claim_update,
)
from victims.caseload import children_needing_assessment
from victims.models import Victim

pytestmark = pytest.mark.django_db


def flagged():
    return set(children_needing_assessment(Victim.objects.all(), now=timezone.now()).values_list("code", flat=True))


def test_a_child_without_best_interests_assessment_is_flagged_after_14_days(officer, car, advocate):
    with time_machine.travel("2026-03-01 09:00", tick=False):
        child = make_victim(officer, AllegationFactory(mission=car), age_at_incident=15)
        make_victim(officer, AllegationFactory(mission=car), age_at_incident=30)
    with time_machine.travel("2026-03-14 09:00", tick=False):
        assert flagged() == set()
    with time_machine.travel("2026-03-15 09:01", tick=False):
        assert flagged() == {child.code}
        child_safeguarding_update(actor=advocate, victim=child, expected_version=child.version,
                                  values={"best_interests_assessed_on": datetime.date(2026, 3, 15),
                                          "guardian_relationship": "aunt"})
        assert flagged() == set()


def test_safeguarding_is_for_children_only(officer, advocate, car):
    adult = make_victim(officer, AllegationFactory(mission=car), age_at_incident=30)
    with pytest.raises(ValidationError, match="child victims"):
        child_safeguarding_update(actor=advocate, victim=adult, expected_version=1, values={})


def test_the_guardians_name_is_encrypted_and_kept_when_left_empty(officer, advocate, car):
    child = make_victim(officer, AllegationFactory(mission=car), age_at_incident=12)
    child = child_safeguarding_update(actor=advocate, victim=child, expected_version=child.version,
                                      values={"guardian_name": "Guardian Canary"})
    child = child_safeguarding_update(actor=advocate, victim=child, expected_version=child.version,
                                      values={"guardian_name": "", "guardian_relationship": "uncle"})
    stored = Victim.objects.get(pk=child.pk)
    assert (stored.guardian_name, stored.guardian_relationship) == ("Guardian Canary", "uncle")


@pytest.fixture
def paternity_focal_point(db):
    return FocalPoint.objects.create(member_state=MemberStateFactory(iso3="FRA", iso2="FR", name="France"),
                                     role=FocalPoint.Role.PATERNITY, name="FP", email="fp@example.org")


def test_a_paternity_claim_gets_a_childs_code_and_tracks_its_progress(officer, advocate, car, paternity_focal_point):
    victim = make_victim(officer, AllegationFactory(mission=car))
    claim = paternity_claim_create(actor=advocate, victim=victim, values={
        "claim_date": datetime.date(2017, 2, 1), "focal_point": paternity_focal_point,
        "focal_point_notified_on": datetime.date(2017, 2, 3), "dna_status": "requested", "outcome": "pending",
        "support_status": "not_applicable"})
    assert claim.child_code == "C-2017-0001"
    claim = paternity_claim_update(actor=advocate, claim=claim, expected_version=1, values={
        "dna_status": "result_received", "outcome": "established", "support_status": "paying"})
    assert (claim.outcome, claim.support_status, claim.version) == ("established", "paying", 2)


def test_a_claim_notification_needs_a_paternity_focal_point(officer, advocate, car):
    victim = make_victim(officer, AllegationFactory(mission=car))
    general = FocalPoint.objects.create(member_state=MemberStateFactory(iso3="FRA", iso2="FR", name="France"),
                                        role=FocalPoint.Role.GENERAL, name="G", email="g@example.org")
    with pytest.raises(ValidationError, match="Choose a paternity focal point"):
        paternity_claim_create(actor=advocate, victim=victim, values={"claim_date": datetime.date(2017, 2, 1),
                                                                       "focal_point": general})


def test_the_claim_form_shows_errors(client, officer, advocate, car):
    victim = make_victim(officer, AllegationFactory(mission=car))
    client.force_login(advocate)
    response = client.post(f"/victims/{victim.pk}/claims/", {"claim_date": "2999-01-01", "dna_status": "requested",
                                                               "outcome": "pending", "support_status": "requested"})
    assert response.status_code == 400
    assert "This date cannot be in the future." in response.content.decode()
    assert not victim.paternity_claims.exists()
