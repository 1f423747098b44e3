"""An officer signs in where two-factor is required, enrols an authenticator, and gets in."""

import base64

import pytest
from django_otp.oath import totp
from playwright.sync_api import expect

from core.models import AuditEvent
from tests.browser.test_allegation_journey import shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_enrols_two_factor_from_the_browser_and_reaches_the_cases(live_server, page, chromium_available,
                                                                     officer, settings):
    settings.SEA_REQUIRE_2FA = True
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("User name").fill("officer")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", name="Set up two-factor authentication")).to_be_visible()
    expect(page.get_by_role("img", name="QR code to scan with your authenticator app")).to_be_visible()
    shot(page, "two-factor-enrolment")
    secret = page.locator(".secret code").inner_text().replace(" ", "")
    code = f"{totp(base64.b32decode(secret)):06d}"
    page.get_by_role("textbox", name="Code").fill(code)
    page.get_by_role("button", name="Confirm and turn on").click()

    expect(page.get_by_role("heading", name="Your backup codes")).to_be_visible()
    assert page.locator("ol.codes li").count() == 10
    shot(page, "two-factor-backup-codes")
    page.get_by_role("link", name="I have saved them, continue").click()
    page.get_by_role("link", name="Allegations").first.click()
    expect(page.get_by_role("heading", name="Allegations").first).to_be_visible()
    assert AuditEvent.objects.filter(action="2fa_enrol", actor=officer).exists()
