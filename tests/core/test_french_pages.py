"""Key pages as a French-speaking user sees them."""

import re

import pytest

from accounts.models import UserPreference

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_french(client):
    def sign_in(user):
        UserPreference.objects.create(user=user, language="fr")
        client.force_login(user)
        return client

    return sign_in


def heading(page: str) -> str:
    return re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S).group(1).strip()


def test_an_officer_works_in_french_from_the_home_page_to_an_allegation(in_french, officer, credible):
    client = in_french(officer)
    home = client.get("/").content.decode()
    assert "Bienvenue, officer" in home
    for label in ("Accueil", "Allégations", "Victimes", "Saisines", "Se déconnecter"):
        assert f">{label}<" in home
    assert heading(client.get("/allegations/").content.decode()) == "Allégations"
    detail = client.get(f"/allegations/{credible.pk}/").content.decode()
    assert "Auteurs présumés" in detail and "Saisir l’autorité compétente" in detail
    assert heading(client.get("/allegations/new/").content.decode()) == "Enregistrer une allégation"
    assert heading(client.get("/referrals/").content.decode()) == "Enquêtes en attente"


def test_an_advocate_sees_the_victims_pages_in_french(in_french, advocate):
    client = in_french(advocate)
    assert heading(client.get("/victims/").content.decode()) == "Victimes"
    assert heading(client.get("/victims/caseload/").content.decode()) == "Charge de travail"


def test_an_analyst_sees_the_dashboard_in_french(in_french, analyst):
    page = in_french(analyst).get("/reports/").content.decode()
    assert heading(page) == "Tableau de bord"


def test_form_errors_and_choices_come_in_french(in_french, officer, car):
    page = in_french(officer).post("/allegations/new/", {"mission": car.pk}).content.decode()
    assert "Rien n’a été enregistré. Veuillez corriger les champs signalés ci-dessous." in page
    assert "Exploitation sexuelle" in page
    assert "Ce champ est obligatoire." in page  # Django's own French catalogue


def test_a_french_edit_form_gives_the_date_picker_its_iso_date_back(in_french, officer, credible):
    """A picker rejects 02/05/2016: the date would show empty and be lost on save."""
    client = in_french(officer)
    page = client.get(f"/allegations/{credible.pk}/edit/").content.decode()
    assert re.search(r'<input type="date" name="date_received" value="2016-05-02"', page)
    assert "Date de réception" in page
