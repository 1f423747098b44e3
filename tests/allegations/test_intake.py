import datetime
from html.parser import HTMLParser

import pytest
from django.utils import timezone

from allegations.models import Allegation, AllegedPerpetrator, DatePrecision
from core.models import AuditEvent
from core.roles import FIELD_OFFICER
from tests.factories import AllegationFactory, MemberStateFactory, PerpetratorFactory, make_user

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


class Page(HTMLParser):
    """What the tests read off a page: each select's options (with their group), the error summary's links, ids."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.options: dict[str, list[tuple[str | None, str, str]]] = {}
        self.summary: list[tuple[str, str]] = []
        self.ids: set[str] = set()
        self.summary_attrs: dict[str, str | None] = {}
        self.heading_attrs: dict[str, str | None] = {}
        self._select = self._group = None
        self._text: list[str] | None = None
        self._in_summary = self._in_template = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"])
        if tag == "template":
            self._in_template = True
        elif tag == "select" and not self._in_template:
            self._select = a["name"]
            self.options[self._select] = []
        elif tag == "optgroup":
            self._group = a["label"]
        elif tag == "option" and self._select:
            self.options[self._select].append([self._group, a.get("value", ""), ""])
        elif "data-error-summary" in a:
            self._in_summary, self.summary_attrs = True, a
        elif self._in_summary and tag == "h2":
            self.heading_attrs = a
        elif self._in_summary and tag == "a":
            self.summary.append([a["href"], ""])

    def handle_endtag(self, tag):
        if tag == "template":
            self._in_template = False
        elif tag == "select":
            self._select = None
        elif tag == "optgroup":
            self._group = None
        elif tag == "div" and self._in_summary and self.summary:
            self._in_summary = False

    def handle_data(self, data):
        if self._select and self.options[self._select] and not self._in_template:
            self.options[self._select][-1][2] += data
        elif self._in_summary and self.summary and data.strip():
            self.summary[-1][1] += data

    def values(self, name: str) -> list[str]:
        return [value for _group, value, _label in self.options[name]]

    def labels(self, name: str) -> list[str]:
        return [label for _group, _value, label in self.options[name]]


def test_it_shows_main_and_perpetrator_errors_in_one_submit(client, officer, car, sangaris, amisom):
    """A missing date, a subtype of another type, a force of another operation and a row without a
    force: all four after one submit (the rules across fields used to wait until every field was clean)."""
    client.force_login(officer)
    response = client.post("/allegations/new/", intake_data(car, sangaris, **{
        "date_received": "", "subtype": "rape", "perpetrators-0-force": amisom.pk, "perpetrators-1-force": "",
    }))
    page = response.content.decode()
    assert response.status_code == 400
    for field, message in [
        ("date_received", "This field is required."),
        ("subtype", "This subtype does not belong to the chosen type."),
        ("perpetrators-0-force", "AMISOM does not operate in Central African Republic."),
        ("perpetrators-1-force", "Choose the force this person belongs to."),
    ]:
        assert f'<span class="error" id="id_{field}_error">{message}</span>' in page, field
    assert not Allegation.objects.exists()


def test_it_checks_the_rules_across_fields_on_the_edit_page_with_the_other_errors(client, officer, car, sangaris,
                                                                                  amisom):
    allegation = AllegationFactory(mission=car, location="Bria", allegation_type="SE", subtype="transactional_sex")
    perpetrator = PerpetratorFactory(allegation=allegation, force=sangaris)
    client.force_login(officer)
    data = {
        "version": allegation.version, "location": "Bria", "date_received": "2999-01-01", "incident_date": "",
        "source": "ngo", "allegation_type": "SE", "subtype": "rape", "credibility": "credible",
        "perpetrators-TOTAL_FORMS": "1", "perpetrators-INITIAL_FORMS": "1",
        "perpetrators-MIN_NUM_FORMS": "0", "perpetrators-MAX_NUM_FORMS": "50",
        "perpetrators-0-id": perpetrator.pk, "perpetrators-0-allegation": allegation.pk,
        "perpetrators-0-force": amisom.pk, "perpetrators-0-sex": "male", "perpetrators-0-personnel_category":
            "military_contingent", "perpetrators-0-final_action_category": "pending",
    }
    response = client.post(f"/allegations/{allegation.pk}/edit/", data)
    page = response.content.decode()
    assert response.status_code == 400
    assert "The date received cannot be in the future." in page
    assert "This subtype does not belong to the chosen type." in page
    assert "AMISOM does not operate in Central African Republic." in page  # not "Select a valid choice"
    allegation.refresh_from_db()
    assert (allegation.subtype, allegation.perpetrators.get().force) == ("transactional_sex", sangaris)


def test_it_summarises_errors_with_links_to_fields(client, officer, car, sangaris, amisom):
    client.force_login(officer)
    response = client.post("/allegations/new/", intake_data(car, sangaris, **{
        "source": "", "date_received": "", "subtype": "rape", "perpetrators-0-force": amisom.pk,
        "perpetrators-1-force": "",
    }))
    page = Page(response.content.decode())
    assert page.summary_attrs["role"] == "alert"
    assert page.heading_attrs["tabindex"] == "-1" and "autofocus" in page.heading_attrs
    assert "There is a problem" in response.content.decode()
    assert [(href, " ".join(text.split())) for href, text in page.summary] == [  # the order of the page
        ("#id_date_received", "Date received: This field is required."),
        ("#id_source", "Source: This field is required."),
        ("#id_subtype", "Subtype: This subtype does not belong to the chosen type."),
        ("#id_perpetrators-0-force", "Person 1 · Force: AMISOM does not operate in Central African Republic."),
        ("#id_perpetrators-1-force", "Person 2 · Force: Choose the force this person belongs to."),
    ]
    assert {href[1:] for href, _text in page.summary} <= page.ids  # every link lands on something
    assert 'id="id_date_received_error"' in response.content.decode()  # the message beside the field stays


def test_it_links_errors_that_belong_to_no_field_to_where_they_are_shown(client, officer, car, sangaris):
    client.force_login(officer)
    data = intake_data(car, sangaris)
    del data["perpetrators-TOTAL_FORMS"], data["perpetrators-INITIAL_FORMS"]  # e.g. a page cut short by the link
    response = client.post("/allegations/new/", data)
    page = Page(response.content.decode())
    assert response.status_code == 400
    (href, text), = page.summary
    assert href == "#id_perpetrators-non_form_errors" and "ManagementForm data is missing" in text
    assert href[1:] in page.ids


def test_it_offers_only_the_forces_of_the_operation(client, officer, car, sangaris, amisom):
    client.force_login(officer)
    page = Page(client.get("/allegations/new/").content.decode())
    assert page.labels("perpetrators-0-force") == ["---------", "Sangaris"]  # the officer's one operation

    both = make_user("both", FIELD_OFFICER, change=[car, amisom.missions.get()])
    client.force_login(both)
    page = Page(client.get("/allegations/new/").content.decode())
    assert page.labels("mission")[0] == "Central African Republic"  # shown selected: its forces are offered
    assert page.labels("perpetrators-0-force") == ["---------", "Sangaris"]
    # Without JavaScript: choose the operation, ask for its forces (nothing saved, nothing flagged).
    somalia = amisom.missions.get()
    response = client.post("/allegations/new/", intake_data(somalia, sangaris, date_received="", update_choices="1"))
    page = Page(response.content.decode())
    assert response.status_code == 200 and not page.summary
    assert page.labels("perpetrators-0-force") == ["---------", "AMISOM"]
    assert not Allegation.objects.exists()
    # With JavaScript the page filters from the full list, each force with the operations it serves.
    content = response.content.decode()
    assert f'<option value="{amisom.pk}" data-for="{somalia.pk}">AMISOM</option>' in content
    assert f'<option value="{sangaris.pk}" data-for="{car.pk}">Sangaris</option>' in content
    assert 'data-filter-by="mission" data-filter-options="id_force_options"' in content


def test_it_offers_only_the_subtypes_of_the_type(client, officer, car, sangaris):
    client.force_login(officer)
    page = Page(client.get("/allegations/new/").content.decode())
    # Before a type is chosen: every subtype under its type, so the list reads without JavaScript.
    assert [(group, value) for group, value, _label in page.options["subtype"]] == [
        (None, ""),
        ("Sexual exploitation", "transactional_sex"), ("Sexual exploitation", "solicitation_transactional_sex"),
        ("Sexual exploitation", "exploitative_relationship"),
        ("Sexual abuse", "rape"), ("Sexual abuse", "sexual_assault"),
        (None, "other"),
    ]
    response = client.post("/allegations/new/", intake_data(car, sangaris, allegation_type="SA", update_choices="1"))
    page = Page(response.content.decode())
    assert response.status_code == 200 and not page.summary
    assert page.values("subtype") == ["", "rape", "sexual_assault", "other"]
    assert ("Sexual exploitation", "transactional_sex", "Transactional sex") not in page.options["subtype"]

    response = client.post("/allegations/new/", intake_data(car, sangaris, subtype="rape"))  # SE with "rape"
    page = Page(response.content.decode())
    assert response.status_code == 400
    assert page.values("subtype") == ["", "transactional_sex", "solicitation_transactional_sex",
                                      "exploitative_relationship", "other"]
    assert 'data-for="SA">Rape</option>' in response.content.decode()  # in the page's full list, for the filter


def test_it_offers_the_subtypes_of_the_recorded_type_on_the_edit_page(client, officer, car, sangaris):
    allegation = AllegationFactory(mission=car, allegation_type="SA", subtype="rape")
    client.force_login(officer)
    page = Page(client.get(f"/allegations/{allegation.pk}/edit/").content.decode())
    assert page.values("subtype") == ["", "rape", "sexual_assault", "other"]


def test_it_does_not_flag_what_is_not_yet_typed_when_only_adding_a_row(client, officer, car, sangaris):
    client.force_login(officer)
    response = client.post("/allegations/new/", intake_data(car, sangaris, date_received="", location="",
                                                            add_perpetrator="1"))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'name="perpetrators-2-force"' in page
    assert "There is a problem" not in page and "This field is required." not in page
