import pytest
from django.core.exceptions import ValidationError

from allegations.models import Allegation, Status
from allegations.services import allegation_transition, allegation_update
from core.locking import StaleEditError
from tests.factories import AllegationFactory, PerpetratorFactory

pytestmark = pytest.mark.django_db


def edit_form(allegation, perpetrators=(), **overrides):
    data = {
        "version": allegation.version,
        "country": allegation.country_id,
        "location": allegation.location,
        "date_received": allegation.date_received.isoformat(),
        "incident_date": "",
        "source": allegation.source,
        "allegation_type": allegation.allegation_type,
        "subtype": allegation.subtype,
        "credibility": allegation.credibility,
        "narrative": allegation.narrative,
        "narrative_confidential": "on",
        "perpetrators-TOTAL_FORMS": str(len(perpetrators)),
        "perpetrators-INITIAL_FORMS": str(len(perpetrators)),
        "perpetrators-MIN_NUM_FORMS": "0",
        "perpetrators-MAX_NUM_FORMS": "50",
    }
    for i, p in enumerate(perpetrators):
        data.update({
            f"perpetrators-{i}-id": p.pk, f"perpetrators-{i}-allegation": allegation.pk,
            f"perpetrators-{i}-force": p.force_id, f"perpetrators-{i}-unit": p.unit,
            f"perpetrators-{i}-nationality": p.nationality_id or "",
            f"perpetrators-{i}-personnel_category": p.personnel_category, f"perpetrators-{i}-sex": p.sex,
            f"perpetrators-{i}-final_action_category": p.final_action_category,
        })
    data.update(overrides)
    return data


def test_it_saves_an_edit_made_on_the_current_version(client, officer, car):
    allegation = AllegationFactory(mission=car, location="Bangui")
    client.force_login(officer)
    response = client.post(f"/allegations/{allegation.pk}/edit/", edit_form(allegation, location="Sibut"))
    assert response.status_code == 302
    allegation.refresh_from_db()
    assert (allegation.location, allegation.version, allegation.updated_by) == ("Sibut", 2, officer)


def test_it_refuses_a_stale_form_and_overwrites_nothing(client, officer, teammate, car):
    allegation = AllegationFactory(mission=car, location="Bangui")
    stale_form = edit_form(allegation, location="Officer's version")
    client.force_login(teammate)
    client.post(f"/allegations/{allegation.pk}/edit/", edit_form(allegation, location="Teammate's version"))

    client.force_login(officer)
    response = client.post(f"/allegations/{allegation.pk}/edit/", stale_form)
    page = response.content.decode()
    assert response.status_code == 409
    assert "was changed by someone else" in page
    assert "Officer&#x27;s version" in page  # the officer's text is still in the form
    allegation.refresh_from_db()
    assert (allegation.location, allegation.version) == ("Teammate's version", 2)


def test_it_refuses_a_status_change_made_from_a_stale_page(officer, car):
    allegation = AllegationFactory(mission=car)
    allegation_transition(actor=officer, allegation=allegation, to_status=Status.UNDER_REVIEW, expected_version=1)
    with pytest.raises(StaleEditError):
        allegation_transition(actor=officer, allegation=allegation, to_status=Status.CLOSED_OTHER, expected_version=1)
    assert Allegation.objects.get().status == Status.UNDER_REVIEW


def test_it_edits_removes_and_adds_perpetrators(client, officer, car, sangaris):
    allegation = AllegationFactory(mission=car)
    keep = PerpetratorFactory(allegation=allegation, force=sangaris, unit="A")
    drop = PerpetratorFactory(allegation=allegation, force=sangaris, unit="B")
    client.force_login(officer)
    data = edit_form(allegation, [keep, drop], **{"perpetrators-0-unit": "A renamed", "perpetrators-1-DELETE": "on"})
    response = client.post(f"/allegations/{allegation.pk}/edit/", data)
    assert response.status_code == 302
    assert list(allegation.perpetrators.values_list("unit", flat=True)) == ["A renamed"]


def test_the_service_rejects_an_edit_that_breaks_a_rule_and_keeps_the_version(officer, car):
    allegation = AllegationFactory(mission=car)
    with pytest.raises(ValidationError):
        allegation_update(actor=officer, allegation=allegation, expected_version=1, values={"subtype": "rape"})
    allegation.refresh_from_db()
    assert (allegation.subtype, allegation.version) == ("transactional_sex", 1)


def test_a_stale_status_change_answers_409_with_the_note_kept(client, officer, car):
    allegation = AllegationFactory(mission=car)
    allegation_transition(actor=officer, allegation=allegation, to_status=Status.UNDER_REVIEW,
                          expected_version=allegation.version)  # a colleague moved it first
    client.force_login(officer)
    response = client.post(f"/allegations/{allegation.pk}/status/", {
        "version": allegation.version, "to_status": Status.UNDER_INVESTIGATION, "note": "Met the NGO on Tuesday"})
    assert response.status_code == 409
    page = response.content.decode()
    assert 'value="Met the NGO on Tuesday"' in page
    assert Allegation.objects.get(pk=allegation.pk).status == Status.UNDER_REVIEW


def test_a_stale_close_of_the_follow_up_answers_409_with_the_input_kept(client, officer, chief, credible,
                                                                       france, approve):
    """A focal point (or a colleague) added a step since the page was opened: closing on the old page
    would close without having read it."""
    from referrals.models import Referral
    from referrals.services import referral_draft
    from tests.factories import record_step

    approve(chief, referral_draft(actor=officer, allegation=credible, member_state=france))
    referral = Referral.objects.get()
    read_version = referral.version
    record_step(chief, referral, "will_investigate", referral.sent_on, officer_name="")
    client.force_login(officer)
    response = client.post(f"/referrals/{referral.pk}/close/", {
        "version": read_version, "accountability_measures": "Repatriated on 3 May"})
    assert response.status_code == 409
    page = response.content.decode()
    assert "Repatriated on 3 May" in page and "Will investigate" in page
    referral.refresh_from_db()
    assert referral.status == "sent" and referral.response == "will_investigate"

