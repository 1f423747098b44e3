"""The interface language is the user's: chosen in the top bar, kept on the account, back at every sign-in."""

import pytest
from django.test import Client

from accounts.models import UserPreference
from core.models import AuditEvent

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"


def sign_in(username: str) -> Client:
    client = Client()
    assert client.post("/accounts/login/", {"username": username, "password": PASSWORD}).status_code == 302
    return client


def test_it_offers_the_other_language_in_the_top_bar(client, officer):
    client.force_login(officer)
    page = client.get("/").content.decode()
    assert 'action="/accounts/language/"' in page
    assert '<button class="link" name="language" value="fr" lang="fr">Français</button>' in page
    assert 'aria-label="Language"' in page


def test_it_remembers_french_and_gives_it_back_after_signing_in_again_elsewhere(officer):
    first = sign_in("officer")
    response = first.post("/accounts/language/", {"language": "fr", "next": "/allegations/"})
    assert response.status_code == 302 and response.url == "/allegations/"
    assert UserPreference.objects.get(user=officer).language == "fr"
    assert AuditEvent.objects.filter(action="language_change", actor=officer).count() == 1

    fresh = sign_in("officer")  # another computer: no cookie, no session
    page = fresh.get("/allegations/").content.decode()
    assert '<html lang="fr">' in page
    assert "<h1>Allégations</h1>" in page
    assert "Se déconnecter" in page


def test_the_saved_choice_beats_the_browser_cookie_on_a_shared_laptop(client, officer, teammate):
    UserPreference.objects.create(user=teammate, language="fr")
    client.cookies["django_language"] = "en"  # left by the previous person on this browser
    client.force_login(teammate)
    assert '<html lang="fr">' in client.get("/").content.decode()
    client.force_login(officer)  # no saved choice: the browser's language applies
    assert '<html lang="en">' in client.get("/").content.decode()


def test_it_switches_back_to_english(client, officer):
    UserPreference.objects.create(user=officer, language="fr")
    client.force_login(officer)
    response = client.post("/accounts/language/", {"language": "en"}, HTTP_REFERER="http://testserver/allegations/")
    assert response.url == "http://testserver/allegations/"  # back to the page the switch was on
    assert UserPreference.objects.get(user=officer).language == "en"
    assert "<h1>Allegations</h1>" in client.get("/allegations/").content.decode()


def test_it_ignores_an_unknown_language(client, officer):
    client.force_login(officer)
    client.post("/accounts/language/", {"language": "xx", "next": "/"})
    assert not UserPreference.objects.filter(user=officer).exclude(language="").exists()
    assert '<html lang="en">' in client.get("/").content.decode()


def test_the_sign_in_page_can_be_switched_without_an_account(client):
    page = client.get("/accounts/login/").content.decode()
    assert 'action="/i18n/setlang/"' in page
    client.post("/i18n/setlang/", {"language": "fr", "next": "/accounts/login/"})
    assert "Connexion à SEA Cases" in client.get("/accounts/login/").content.decode()
    assert not UserPreference.objects.exists()
