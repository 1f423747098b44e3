"""Every page carries the CSP and the browser-hardening headers; case data is never cacheable; error
pages say nothing about the record."""

import uuid

import pytest
from django.test import Client

from tests.factories import AllegationFactory, make_victim

pytestmark = pytest.mark.django_db

HARDENING = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


def assert_strict_csp(response, url):
    csp = directives(response)
    assert csp["script-src"] == ["'self'"], url
    assert csp["style-src"] == ["'self'"], url
    assert csp["default-src"] == ["'self'"] and csp["object-src"] == ["'none'"], url
    assert csp["frame-ancestors"] == ["'none'"] and csp["base-uri"] == ["'none'"], url
    assert csp["form-action"] == ["'self'"] and csp["img-src"] == ["'self'", "data:"], url


def assert_not_cacheable(response, url):
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"], url


@pytest.fixture
def case(officer, car):
    allegation = AllegationFactory(mission=car)
    return allegation, make_victim(officer, allegation, age_at_incident=15)


def test_it_sends_a_csp_without_inline_script_on_every_main_page(client, officer, analyst, advocate, case):
    allegation, victim = case
    pages = {
        officer: ["/", "/allegations/", "/allegations/new/", f"/allegations/{allegation.pk}/",
                  f"/allegations/{allegation.pk}/edit/", "/victims/", f"/victims/{victim.pk}/",
                  f"/victims/{victim.pk}/edit/", "/referrals/", "/referrals/outbox/"],
        analyst: ["/", "/allegations/", "/reports/", "/reports/annex/?year=2016"],
        advocate: ["/", "/victims/caseload/", f"/victims/{victim.pk}/"],
    }
    for user, urls in pages.items():
        client.force_login(user)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            assert response["Content-Type"].startswith("text/html"), url
            assert_strict_csp(response, url)
            for header, value in HARDENING.items():
                assert response[header] == value, (url, header)
            assert "camera=()" in response["Permissions-Policy"] and "geolocation=()" in response["Permissions-Policy"]
            assert_not_cacheable(response, url)
    client.logout()
    login_page = client.get("/accounts/login/")
    assert_strict_csp(login_page, "login")


def test_it_never_lets_a_cache_keep_api_answers_downloads_redirects_or_errors(client, analyst, officer):
    assert_not_cacheable(client.get("/allegations/"), "anonymous redirect to login")
    slash = client.get("/allegations")  # answered by CommonMiddleware, outside the views
    assert slash.status_code == 301
    assert_not_cacheable(slash, "APPEND_SLASH redirect")
    client.force_login(analyst)
    for url in ["/api/v1/reports/annex/?year=2016&format=json", "/api/v1/reports/annex/?year=2016&format=csv",
                "/reports/annex/download/?year=2016&format=xlsx", f"/allegations/{uuid.uuid4()}/"]:
        assert_not_cacheable(client.get(url), url)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(officer)
    refused = strict.post("/allegations/new/", {})
    assert refused.status_code == 403
    assert_not_cacheable(refused, "CSRF failure")
    assert "Form expired" in refused.content.decode()


def test_static_files_stay_cacheable(client, settings):
    # Served from the source folders as in development (no collectstatic in tests).
    settings.WHITENOISE_USE_FINDERS = settings.WHITENOISE_AUTOREFRESH = True
    response = client.get("/static/css/app.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


def test_it_sets_httponly_samesite_cookies_at_sign_in(client, officer):
    client.get("/accounts/login/")
    response = client.post("/accounts/login/", {"username": "officer", "password": "correct horse battery"})
    assert response.status_code == 302
    session, csrf = response.cookies["sessionid"], client.cookies["csrftoken"]
    assert session["httponly"] and session["samesite"] == "Lax"
    assert csrf["httponly"] and csrf["samesite"] == "Lax"


def test_a_missing_record_gets_the_plain_404_page_without_debug(client, officer, settings):
    settings.DEBUG = False
    client.force_login(officer)
    missing = uuid.uuid4()
    response = client.get(f"/victims/{missing}/")
    page = response.content.decode()
    assert response.status_code == 404
    assert "There is no such page or record" in page
    assert str(missing) not in page and "URLconf" not in page and "Traceback" not in page
    assert_strict_csp(response, "404")
    assert_not_cacheable(response, "404")


@pytest.mark.urls("tests.core.boom_urls")
def test_a_server_error_shows_the_plain_500_page_without_a_trace(officer, settings):
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    client.force_login(officer)
    response = client.get("/boom/")
    page = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong on our side" in page
    assert "canary-stack-detail" not in page and "Traceback" not in page and "RuntimeError" not in page
    assert_strict_csp(response, "500")
    assert_not_cacheable(response, "500")
