"""/statistics/: a year's release, through the disclosure gate, for anyone, in English and French."""

from __future__ import annotations

import datetime
import json
import random

import pytest
from django.core.management import call_command
from django.urls import reverse

from allegations.choices import AllegationType, PersonnelCategory, Status
from core.models import AuditEvent
from reporting.models import StatisticsRelease
from tests.factories import AllegationFactory, ForceFactory, MemberStateFactory, PerpetratorFactory, make_victim

pytestmark = pytest.mark.django_db

CANARY_NAME = "Zebulon Canarywood"
CANARY_PLACE = "Bambari-Canary-Prefecture"
CANARY_NARRATIVE = "canary narrative about the night of the incident"


@pytest.fixture
def year_of_cases(car, sangaris, officer):
    """Forty-odd allegations of 2016 at random (most cells small), one with a canary victim and place."""
    rng = random.Random(2016)
    states = [MemberStateFactory() for _ in range(3)]
    forces = [sangaris, ForceFactory(missions=[car]), ForceFactory(missions=[car])]
    allegations = []
    for n in range(45):
        allegation = AllegationFactory(
            mission=car, date_received=datetime.date(2016, rng.randint(1, 12), rng.randint(1, 28)),
            allegation_type=rng.choice([AllegationType.SE, AllegationType.SA]),
            subtype="transactional_sex", status=rng.choice(list(Status.values)),
            location=CANARY_PLACE if n == 0 else "", narrative=CANARY_NARRATIVE)
        PerpetratorFactory(allegation=allegation, force=rng.choice(forces), nationality=rng.choice(states),
                           personnel_category=rng.choice(list(PersonnelCategory.values)))
        allegations.append(allegation)
    make_victim(officer, allegations[0], full_name=CANARY_NAME, sex="female", age_at_incident=15)
    for allegation in allegations[1:30]:
        make_victim(officer, allegation, full_name="Someone Else", sex=rng.choice(["female", "male"]),
                    age_at_incident=rng.choice([14, 25, None]))
    return allegations


def _everything_published(client, release) -> dict[str, str]:
    year, number = release.year, release.number
    urls = [reverse("statistics:index"), reverse("statistics:year", args=[year]),
            reverse("statistics:release", args=[year, number]),
            reverse("statistics:csv", args=[year, number]), reverse("statistics:json", args=[year, number])]
    pages = {}
    for url in urls:
        for language in ("en", "fr"):
            response = client.get(url, {"lang": language})
            assert response.status_code == 200, url
            pages[f"{url}?lang={language}"] = response.content.decode("utf-8-sig")
    return pages


def test_it_publishes_a_year_signed_out_in_english_and_french_and_never_a_secret(client, year_of_cases):
    call_command("publish_statistics", year=2016)
    release = StatisticsRelease.objects.get(year=2016)
    pages = _everything_published(client, release)
    secrets = [CANARY_NAME, CANARY_PLACE, CANARY_NARRATIVE, "Someone Else",
               *(a.reference for a in year_of_cases), *(v.code for a in year_of_cases for v in a.victims.all())]
    for where, text in {**pages, "stored release": json.dumps(release.data)}.items():
        leaked = [s for s in secrets if s in text]
        assert not leaked, f"{leaked} in {where}"
    assert "Allegations received, by quarter and type" in pages[f"{reverse('statistics:index')}?lang=en"]
    french = pages[f"{reverse('statistics:index')}?lang=fr"]
    assert 'lang="fr"' in french and "Allégations reçues, par trimestre et par type" in french


def test_it_publishes_no_count_from_1_to_4(year_of_cases):
    call_command("publish_statistics", year=2016)
    data = StatisticsRelease.objects.get(year=2016).data
    shown = [v for t in data["tables"] for row in t["cells"] for v in row]
    assert "<5" in shown and not [v for v in shown if isinstance(v, int) and 0 < v < 5]
    # The report names a place for every hidden cell, and each place shows the mark its reason gives.
    marks = {"small": "<5", "complement": "x"}
    tables = {t["name"]: t for t in data["tables"]}
    for suppression in data["suppressions"]:
        for name, row, column in suppression["places"]:
            t = tables[name]
            assert t["cells"][t["rows"].index(row)][t["columns"].index(column)] == marks[suppression["reason"]]


def test_it_serves_the_public_pages_without_a_cookie_or_a_script_and_lets_them_be_cached(client, year_of_cases):
    call_command("publish_statistics", year=2016)
    response = client.get(reverse("statistics:index"))
    assert response.status_code == 200
    assert not response.cookies
    assert "<script" not in response.content.decode()
    assert "public" in response["Cache-Control"] and "no-store" not in response["Cache-Control"]
    assert "Accept-Language" in response["Vary"]


def test_it_answers_a_csv_with_an_hxl_hashtag_row(client, year_of_cases):
    call_command("publish_statistics", year=2016)
    response = client.get(reverse("statistics:csv", args=[2016, 1]))
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Year,Release,Table")
    assert lines[1].split(",")[0] == "#date+year" and all(tag.startswith("#") for tag in lines[1].split(","))
    assert len(lines) > 100


def test_it_keeps_a_release_as_it_was_published(client, year_of_cases, car):
    call_command("publish_statistics", year=2016)
    first = StatisticsRelease.objects.get(year=2016)
    kept = json.dumps(first.data, sort_keys=True)
    for _ in range(20):
        AllegationFactory(mission=car, date_received=datetime.date(2016, 3, 3))
    call_command("publish_statistics", year=2016)
    first.refresh_from_db()
    assert json.dumps(first.data, sort_keys=True) == kept
    assert StatisticsRelease.objects.filter(year=2016).count() == 2
    old = client.get(reverse("statistics:release", args=[2016, 1])).content.decode()
    assert "This release was replaced by release 2" in old
    # Kept, but no longer given out: two releases side by side would tell what changed between them.
    assert "<table" not in old
    assert client.get(reverse("statistics:csv", args=[2016, 1])).status_code == 404
    assert client.get(reverse("statistics:json", args=[2016, 1])).status_code == 404
    assert client.get(reverse("statistics:csv", args=[2016, 2])).status_code == 200


def test_it_publishes_a_year_only_once_it_is_over(client, analyst, car):
    from django.core.management.base import CommandError
    from django.utils import timezone

    this_year = timezone.localdate().year
    with pytest.raises(CommandError, match="not over"):
        call_command("publish_statistics", year=this_year)
    client.force_login(analyst)
    response = client.post(reverse("reporting:statistics"), {"year": this_year})
    assert response.status_code == 400 and "is not over yet" in response.content.decode()
    assert not StatisticsRelease.objects.exists()


def test_it_answers_404_for_a_year_never_published(client, db):
    assert client.get(reverse("statistics:year", args=[2019])).status_code == 404
    assert client.get(reverse("statistics:index")).status_code == 200  # "nothing published yet"


def test_it_reads_a_release_in_a_constant_number_of_queries(client, year_of_cases, django_assert_max_num_queries):
    call_command("publish_statistics", year=2016)
    call_command("publish_statistics", year=2016)
    with django_assert_max_num_queries(4):
        assert client.get(reverse("statistics:release", args=[2016, 1]), {"lang": "fr"}).status_code == 200


def test_it_lets_headquarters_preview_and_publish_with_the_button(client, analyst, officer, year_of_cases):
    client.force_login(officer)
    assert client.get(reverse("reporting:statistics")).status_code == 404
    assert client.post(reverse("reporting:statistics"), {"year": 2016}).status_code == 404
    client.force_login(analyst)
    preview = client.get(reverse("reporting:statistics"), {"year": 2016})
    assert preview.status_code == 200 and "Publish the statistics of 2016" in preview.content.decode()
    assert not StatisticsRelease.objects.exists()  # looking publishes nothing
    response = client.post(reverse("reporting:statistics"), {"year": 2016})
    assert response.status_code == 302 and response["Location"] == reverse("statistics:release", args=[2016, 1])
    release = StatisticsRelease.objects.get()
    assert release.published_by == analyst
    event = AuditEvent.objects.get(action="statistics_published")
    assert event.actor_username == analyst.username and event.detail["year"] == 2016


def test_it_refuses_a_year_that_is_not_one(client, analyst):
    client.force_login(analyst)
    response = client.post(reverse("reporting:statistics"), {"year": "soon"})
    assert response.status_code == 400 and not StatisticsRelease.objects.exists()


def test_it_never_lets_a_shared_cache_keep_a_page_that_sets_a_reader_cookie(client, analyst, year_of_cases):
    import time_machine
    from django.utils import timezone

    call_command("publish_statistics", year=2016)
    client.force_login(analyst)
    client.get(reverse("statistics:index"))
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=5)):
        response = client.get(reverse("statistics:index"))
    assert response.cookies, "the session's last use was refreshed"
    assert "public" not in response["Cache-Control"] and "no-store" in response["Cache-Control"]
