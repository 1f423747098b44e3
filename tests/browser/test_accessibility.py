"""WCAG 2.1 AA: axe-core (from npm, `make install`) on every page each role reaches, with the demo
data present, forms both empty and showing their validation errors. Zero violations allowed."""

from __future__ import annotations

import base64

import pytest
from django.test import override_settings
from django_otp.oath import totp

from tests.browser.site_pages import (
    axe_available,
    axe_violations,
    format_violations,
    seed_site,
    sign_in,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def no_validate(page) -> None:
    """Let the server's validation answer (the browser's own `required` check would stop the POST)."""
    page.evaluate("""() => {
        document.querySelectorAll('form').forEach(f => { f.noValidate = true; });
        document.querySelectorAll('details').forEach(d => { d.open = true; });
    }""")


def submit(button: str):
    def step(page):
        no_validate(page)
        page.get_by_role("button", name=button, exact=True).first.click()
        page.wait_for_load_state()
    return step


def click(name: str, role: str = "button"):
    def step(page):
        page.get_by_role(role, name=name, exact=True).first.click()
        page.wait_for_load_state()
    return step


def check(page, base: str, pages: list) -> dict:
    """Visit each (label, path, *steps), run axe after the load and after each step."""
    found = {}
    for label, path, *steps in pages:
        if path is not None:  # None: the page already shown
            page.goto(f"{base}{path}")
        for n in range(len(steps) + 1):
            if n:
                steps[n - 1](page)
            violations = axe_violations(page)
            if violations:
                found[f"{label} [{n}] {page.url.removeprefix(base)}"] = violations
    return found


@pytest.fixture
def site(db):
    return seed_site()


@pytest.fixture
def base(live_server, chromium_available, page):
    axe_available()
    page.set_default_timeout(8000)
    return live_server.url


def test_it_finds_no_violations_signed_out_and_in_two_factor(page, base, officer, settings):
    settings.SEA_REQUIRE_2FA = True
    found = check(page, base, [
        ("login", "/accounts/login/"),
        ("login error", "/accounts/login/", submit("Sign in")),
        ("404", "/no-such-page/"),
    ])

    def enter(code):
        def step(page):
            page.get_by_role("textbox", name="Code").fill(code)
            page.get_by_role("button", name=button_name(page)).click()
            page.wait_for_load_state()
        return step

    def button_name(page):
        return "Verify" if "verify" in page.url else "Confirm and turn on"

    for _ in range(6):  # the lockout page (django-axes) after repeated failures for one user name
        page.goto(f"{base}/accounts/login/")
        page.fill("#id_username", "ghost")
        page.fill("#id_password", "wrong password 1")
        page.click("button[type=submit]")
    page.get_by_role("heading", name="Sign-in temporarily locked").wait_for()
    found |= check(page, base, [("locked", None)])

    sign_in(page, base, "officer", "correct horse battery", landing="/accounts/2fa/setup/")
    # An empty code shows the form's error without counting as a wrong code (those slow down).
    found |= check(page, base, [("2fa setup", "/accounts/2fa/setup/", submit("Confirm and turn on"))])
    secret = page.locator(".secret code").inner_text().replace(" ", "")
    enter(f"{totp(base64.b32decode(secret)):06d}")(page)
    page.get_by_role("heading", name="Your backup codes").wait_for()
    found |= check(page, base, [("backup codes", page.url.removeprefix(base)), ("2fa status", "/accounts/2fa/setup/")])
    page.context.clear_cookies()
    sign_in(page, base, "officer", "correct horse battery", landing="/accounts/2fa/verify/")
    found |= check(page, base, [("2fa verify", "/accounts/2fa/verify/", enter("000000"))])
    assert not found, format_violations(found)


def test_it_finds_no_violations_for_a_field_officer(page, base, site):
    a, v = site.allegation, site.victim
    sign_in(page, base, "officer.car")
    found = check(page, base, [
        ("home", "/"),
        ("allegations", "/allegations/"),
        ("allegations filtered empty", "/allegations/?q=zzzz-nothing"),
        ("allegation detail", f"/allegations/{a.pk}/"),
        ("allegation detail attach error", f"/allegations/{a.pk}/", submit("Attach file")),
        ("intake", "/allegations/new/", click("Add another person"), submit("Record allegation")),
        ("edit", f"/allegations/{a.pk}/edit/"),
        ("victims", "/victims/"),
        ("victim detail", f"/victims/{v.pk}/", click("Reveal identity (recorded)")),
        ("victim detail errors", f"/victims/{v.pk}/", submit("Record decision")),
        ("victim new", f"/victims/new/{a.pk}/", submit("Add victim")),
        ("victim edit", f"/victims/{v.pk}/edit/"),
        ("child", f"/victims/{site.child.pk}/"),
        ("referrals pending", "/referrals/"),
        ("referral detail", f"/referrals/{site.referral_sent.pk}/", submit("Add to the ledger")),
        ("note verbale", f"/referrals/{site.referral_sent.pk}/notes/{site.reminder_sent.pk}/"),
        ("referral new", f"/referrals/new/{a.pk}/", submit("Save draft and preview")),
        ("referral draft", f"/referrals/{site.referral_draft.pk}/"),
        ("referral draft edit", f"/referrals/{site.referral_draft.pk}/edit/"),
        ("outbox", "/referrals/outbox/"),
        ("api tokens", "/accounts/tokens/", submit("Create token")),
        ("two-factor setup", "/accounts/2fa/setup/", submit("Confirm and turn on")),
        ("password", "/accounts/password/", submit("Change password")),
        ("404", "/allegations/00000000-0000-0000-0000-000000000000/"),
    ])
    assert not found, format_violations(found)


def test_it_finds_no_violations_for_an_approving_chief(page, base, site):
    sign_in(page, base, "chief.car")
    found = check(page, base, [
        ("home", "/"),
        ("referral to approve", f"/referrals/{site.referral_draft.pk}/"),
    ])
    assert not found, format_violations(found)


def test_it_finds_no_violations_for_an_advocate(page, base, site):
    v = site.victim
    sign_in(page, base, "advocate.car")
    pages = [
        ("home", "/"),
        ("caseload", "/victims/caseload/"),
        ("caseload filtered", "/victims/caseload/?mine=1"),
        ("victim", f"/victims/{v.pk}/", submit("Record need")),
        ("victim identity read", f"/victims/{v.pk}/", click("Reveal identity (recorded)")),  # who saw it: a row
        ("need", f"/victims/needs/{site.need.pk}/", submit("Save")),
        ("child", f"/victims/{site.child.pk}/", submit("Save safeguarding details")),
    ]
    if site.claim:
        pages.append(("claim", f"/victims/claims/{site.claim.pk}/"))
    found = check(page, base, pages)
    assert not found, format_violations(found)


@override_settings(SEA_EXPORT_BACKGROUND_ROWS=1)
def test_it_finds_no_violations_for_a_headquarters_analyst(page, base, site):
    sign_in(page, base, "analyst.hq")
    found = check(page, base, [
        ("home", "/"),
        ("dashboard", f"/reports/?year={site.past_year}"),
        ("annex", f"/reports/annex/?year={site.past_year}"),
        ("allegations", "/allegations/"),
        ("allegation detail", f"/allegations/{site.allegation.pk}/"),
        ("victims", "/victims/"),
        ("victim", f"/victims/{site.victim.pk}/"),
        ("referrals", "/referrals/"),
        ("referral scorecard", "/referrals/scorecard/"),
        ("referral scorecard, all years", "/referrals/scorecard/?year=all"),
    ])
    assert not found, format_violations(found)


def test_it_finds_no_violations_for_an_administrator(page, base, site):
    from django.contrib.auth import get_user_model

    accounts = get_user_model().objects
    officer, admin = accounts.get(username="officer.car"), accounts.get(username="admin")
    sign_in(page, base, "admin")
    found = check(page, base, [
        ("home", "/"),
        ("audit log", "/audit/"),
        ("audit log filtered", "/audit/?outcome=denied"),
        ("users", "/accounts/users/"),
        ("users filtered", "/accounts/users/?locked=on&without_two_factor=on"),
        ("user", f"/accounts/users/{officer.pk}/", submit("Save roles and operations")),
        ("own account", f"/accounts/users/{admin.pk}/"),
        ("new account", "/accounts/users/new/", submit("Create the account and send the link")),
        ("audit log by allegation", f"/audit/?allegation={site.allegation.reference}"),
        ("audit log by victim", f"/audit/?victim={site.victim.code}&action=identity_reveal"),
        ("audit log unknown reference", "/audit/?allegation=NOPE-2016-0001&victim=V-1999-9999"),
    ])
    assert not found, format_violations(found)
