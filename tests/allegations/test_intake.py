import datetime

import pytest
from django.utils import timezone

from allegations.models import Allegation, AllegedPerpetrator, DatePrecision
from core.models import AuditEvent
from tests.factories import MemberStateFactory

pytestmark = pytest.mark.django_db


def intake_data(mission, force, **overrides):
    data = {
        "mission": mission.pk,
        "country": "",
        "location": "Boda, Lobaye",
        "date_received": "2016-03-02",
        "incident_date": "2016-02",
        "source": "ngo",
        "allegation_type": "SE",
        "subtype": "transactional_sex",
        "credibility": "credible",
        "narrative": "Reported by a partner organisation.",
        "narrative_confidential": "on",
        "perpetrators-TOTAL_FORMS": "2",
        "perpetrators-INITIAL_FORMS": "0",
        "perpetrators-MIN_NUM_FORMS": "0",
        "perpetrators-MAX_NUM_FORMS": "50",
    }
    for i in range(2):
        data.update({
            f"perpetrators-{i}-force": force.pk,
            f"perpetrators-{i}-unit": f"Battalion {i + 1}",
            f"perpetrators-{i}-nationality": MemberStateFactory(iso3=f"NA{i}", iso2=f"N{i}").pk,
            f"perpetrators-{i}-personnel_category": "military_contingent",
            f"perpetrators-{i}-sex": "male",
            f"perpetrators-{i}-final_action_category": "pending",
        })
    data.update(overrides)
    return data


def test_it_records_an_allegation_with_two_perpetrators(client, officer, car, sangaris):
    client.force_login(officer)
    response = client.post("/allegations/new/", intake_data(car, sangaris))
    allegation = Allegation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/allegations/{allegation.pk}/"
    assert allegation.reference == "CAF-2016-0001"
    assert allegation.country == car.country
    assert (allegation.incident_date, allegation.incident_date_precision) == (datetime.date(2016, 2, 1), DatePrecision.MONTH)
    assert allegation.incident_date_display == "2016-02"
    assert allegation.created_by == officer
    assert allegation.narrative == "Reported by a partner organisation."
    assert sorted(AllegedPerpetrator.objects.values_list("unit", flat=True)) == ["Battalion 1", "Battalion 2"]
    assert AuditEvent.objects.filter(action="allegation_create", object_id=str(allegation.pk)).count() == 1


def test_it_adds_a_perpetrator_row_without_javascript_and_keeps_the_input(client, officer, car, sangaris):
    client.force_login(officer)
    response = client.post("/allegations/new/", intake_data(car, sangaris, add_perpetrator="1"))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'name="perpetrators-2-force"' in page
    assert "Battalion 2" in page
    assert not Allegation.objects.exists()


def test_it_skips_untouched_perpetrator_rows(client, officer, car, sangaris):
    client.force_login(officer)
    data = intake_data(car, sangaris)
    for key in [k for k in data if k.startswith("perpetrators-1-")]:
        data[key] = {"perpetrators-1-sex": "male", "perpetrators-1-final_action_category": "pending"}.get(key, "")
    client.post("/allegations/new/", data)
    assert AllegedPerpetrator.objects.count() == 1


@pytest.mark.parametrize(
    "overrides,field,message",
    [
        ({"date_received": ""}, "date_received", "This field is required."),
        ({"source": ""}, "source", "This field is required."),
        ({"allegation_type": ""}, "allegation_type", "This field is required."),
        ({"date_received": "2999-01-01"}, "date_received", "The date received cannot be in the future."),
        ({"incident_date": "2016-03-05"}, "incident_date", None),  # after 2016-03-02
        ({"incident_date": "2016-04"}, "incident_date", None),
        ({"incident_date": "14/02/2016"}, "incident_date", "Enter a date as YYYY-MM-DD or a month as YYYY-MM."),
        ({"subtype": "rape"}, "subtype", "This subtype does not belong to the chosen type."),
        ({"narrative": "x" * (10 * 1024 * 1024)}, "narrative", "The narrative is too long"),
        ({"perpetrators-0-force": ""}, "perpetrators-0-force", "Choose the force this person belongs to."),
    ],
)
def test_it_refuses_bad_input_with_a_field_error_and_saves_nothing(client, officer, car, sangaris, overrides, field, message):
    client.force_login(officer)
    response = client.post("/allegations/new/", intake_data(car, sangaris, **overrides))
    page = response.content.decode()
    assert response.status_code == 400
    assert "Nothing was saved" in page
    assert f'id="id_{field}_error"' in page
    if message is None:
        message = "The incident cannot be after the date the allegation was received."
    assert message in page
    assert not Allegation.objects.exists()
    assert not AllegedPerpetrator.objects.exists()


def test_it_refuses_a_force_that_does_not_operate_in_the_operation(client, officer, car, amisom):
    client.force_login(officer)
    response = client.post("/allegations/new/", intake_data(car, amisom))
    assert response.status_code == 400
    assert "AMISOM does not operate in Central African Republic." in response.content.decode()
    assert not Allegation.objects.exists()


def test_it_refuses_to_record_for_an_operation_outside_the_officers_scope(client, officer, car, somalia, amisom):
    client.force_login(officer)
    response = client.post("/allegations/new/", intake_data(somalia, amisom))
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not Allegation.objects.exists()


def test_it_ignores_attempts_to_set_status_owner_or_reference(client, officer, teammate, car, sangaris):
    client.force_login(officer)
    client.post("/allegations/new/", intake_data(car, sangaris, status="substantiated", created_by=teammate.pk,
                                                  reference="CAF-1999-9999", version=99, children_involved="on"))
    allegation = Allegation.objects.get()
    assert (allegation.status, allegation.created_by, allegation.reference, allegation.version) == (
        "preliminary_assessment", officer, "CAF-2016-0001", 1)
    assert allegation.children_involved is False


def test_it_accepts_an_unknown_incident_date(client, officer, car, sangaris):
    client.force_login(officer)
    client.post("/allegations/new/", intake_data(car, sangaris, incident_date=""))
    allegation = Allegation.objects.get()
    assert allegation.incident_date is None
    assert allegation.incident_date_display == "Unknown"


def test_it_accepts_today_as_date_received(client, officer, car, sangaris):
    client.force_login(officer)
    today = timezone.localdate().isoformat()
    response = client.post("/allegations/new/", intake_data(car, sangaris, date_received=today, incident_date=today))
    assert response.status_code == 302
