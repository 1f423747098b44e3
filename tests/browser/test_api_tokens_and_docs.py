"""An officer creates an API token from the top bar, reads the API documentation in the browser
(Swagger UI from this server's own files, no script from elsewhere), and uses the token."""

import pytest
from playwright.sync_api import expect
from rest_framework.test import APIClient

from tests.browser.test_allegation_journey import shot
from tests.factories import AllegationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_officer_creates_a_token_reads_the_docs_and_calls_the_api(login, live_server, officer, car):
    allegation = AllegationFactory(mission=car)
    page = login(officer)
    foreign, blocked = [], []
    page.on("request", lambda r: foreign.append(r.url) if not r.url.startswith(live_server.url) else None)
    page.on("console", lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None)
    page.get_by_role("link", name="API tokens").click()
    page.get_by_label("What is it for?").fill("monthly export")
    page.get_by_role("button", name="Create token").click()
    key = page.get_by_role("textbox", name="Token", exact=True).input_value()
    expect(page.get_by_role("heading", name="Copy your new token now")).to_be_visible()
    shot(page, "api-token-created")

    page.get_by_role("link", name="API documentation").click()
    expect(page.locator(".opblock").first).to_be_visible(timeout=15000)
    expect(page.get_by_text("/api/v1/allegations/{id}/transition/")).to_be_visible()
    shot(page, "api-docs")
    assert foreign == [] and blocked == []  # nothing from elsewhere, nothing the CSP had to stop

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/v1/allegations/").json()["results"][0]["reference"] == allegation.reference
