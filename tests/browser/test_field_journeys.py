"""Five journeys on the same case, in order, as the people who do them would click through them.

(a) A field officer records an allegation, adds a victim aged 15 at the incident whose guardian
    refuses to share her identity with the Member State, and drafts the referral; the chief approves.
(b) Time passes the answer deadline; the beat's sweep runs; the outbox shows the reminder.
(c) The operation's advocate records a medical need for the child and its provision.
(d) Headquarters downloads the annex (XLSX) and sees the referral on the dashboard.
(e) An officer of another operation finds none of it, and its addresses answer 404.

Every step is screenshotted (full page) to test-artifacts/journeys/<journey>-<nn>-<step>.png.
With GUIDE_SCREENSHOTS=1 the steps the README's user guide shows are also saved, viewport-sized
and palette-compressed, to docs/guide/ (demo data only).
"""

import datetime
import itertools
import os
import re
from pathlib import Path

import openpyxl
import pytest
import time_machine
from guardian.shortcuts import assign_perm
from playwright.sync_api import expect

from allegations.models import Allegation
from core.models import FocalPoint
from core.roles import ADMINISTRATOR, FIELD_OFFICER, HQ_ANALYST, VICTIMS_RIGHTS_ADVOCATE
from core.working_days import add_working_days
from referrals.models import Referral, Reminder
from referrals.tasks import sweep_due_reminders
from tests.browser.intake import fill_intake
from tests.factories import (
    ForceFactory,
    MemberStateFactory,
    make_approver,
    make_provider,
    make_user,
)
from victims.models import Victim

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "test-artifacts" / "journeys"
GUIDE = ROOT / "docs" / "guide"
WANT_GUIDE = os.environ.get("GUIDE_SCREENSHOTS", "") == "1"
VIEWPORT = {"width": 1280, "height": 800}
PASSWORD = "correct horse battery"
# Demo data only: nothing here is a real person. The name must never reach the notice.
CHILD_NAME = "Demo Child Alpha"


def in_words(day: datetime.date) -> str:
    """How pages write a date in a sentence or a detail list: "2 May 2016"."""
    return f"{day.day} {day:%B %Y}"


def shot(page, name: str, guide: str | None = None) -> None:
    """Full-page evidence for CI; with GUIDE_SCREENSHOTS=1 also a small viewport picture for the README."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    if guide and WANT_GUIDE:
        from PIL import Image

        GUIDE.mkdir(parents=True, exist_ok=True)
        target = GUIDE / f"{guide}.png"
        page.screenshot(path=str(target), full_page=False)
        # 256 colours are plenty for a flat UI and cut the file to a fraction.
        with Image.open(target) as picture:
            small = picture.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
        small.save(target, optimize=True)


def table_of(sheet) -> list[tuple]:
    """A sheet's table: its rows down to the blank row before the notes on how it counts."""
    return list(itertools.takewhile(lambda row: any(cell is not None for cell in row),
                                    sheet.iter_rows(values_only=True)))


def sign_in(browser, live_server, user):
    """A fresh browser (own cookies) for one person, signed in through the login form."""
    page = browser.new_context(viewport=VIEWPORT).new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    assert "{#" not in page.inner_text("body")  # a template comment must never reach the page
    return page


@pytest.fixture
def world(car, somalia, amisom):
    """Reference data and people, as an administrator would have set them up."""
    france = MemberStateFactory(iso3="FRA", iso2="FR", name="France")
    FocalPoint.objects.create(member_state=france, role="general", name="France SEA focal point",
                              email="sea-focal@defense.example.fr")
    ForceFactory(name="Sangaris", missions=[car], lead_member_state=france, lead_regional_organisation=None)
    make_provider(car, "Bangui community hospital", ["medical", "psychosocial"])

    people = {
        "officer": make_user("amara.officer", FIELD_OFFICER, change=[car]),
        "chief": make_approver("chief.car", car),
        "advocate": make_user("advocate.car", VICTIMS_RIGHTS_ADVOCATE, change=[car]),
        "analyst": make_user("analyst.hq", HQ_ANALYST, global_view=True),
        "outsider": make_user("officer.som", FIELD_OFFICER, change=[somalia]),
        "admin": make_user("admin", ADMINISTRATOR),
    }
    admin = people["admin"]
    admin.is_staff = True
    admin.save()
    assign_perm("victims.view_identity", people["chief"])
    return people


def test_it_follows_one_case_through_five_journeys(browser, live_server, chromium_available, world):
    today = datetime.date.today()
    received = today - datetime.timedelta(days=3)
    incident = received - datetime.timedelta(days=20)
    year = received.year
    reference = f"CAF-{year}-0001"

    # --- (a) the field officer records the allegation, the child victim, consent, the draft ----
    officer = sign_in(browser, live_server, world["officer"])
    shot(officer, "a-01-officer-home")
    officer.get_by_role("link", name="Record an allegation").first.click()
    fill_intake(officer, received=received.isoformat(), incident=incident.isoformat(), credibility="credible",
                narrative="Account given by the guardian to the team at the site.")
    shot(officer, "a-02-intake-filled", guide="field-officer-intake")
    officer.get_by_role("button", name="Record allegation").click()
    expect(officer.get_by_text(f"Allegation {reference} recorded.")).to_be_visible()
    expect(officer.get_by_text("Not referred yet.")).to_be_visible()
    shot(officer, "a-03-allegation-recorded")
    allegation_url = officer.url

    officer.get_by_role("link", name="Add a victim").click()
    officer.get_by_role("textbox", name="Full name").fill(CHILD_NAME)
    officer.get_by_role("combobox", name="Sex").select_option("female")
    officer.get_by_role("spinbutton", name="Age at the incident (years)").fill("15")
    shot(officer, "a-04-victim-form")
    officer.get_by_role("button", name="Add victim").click()
    victim_code = f"V-{year}-0001"
    expect(officer.get_by_text(f"Victim {victim_code} added to {reference}.")).to_be_visible()
    expect(officer.get_by_text("Urgent: child victim")).to_be_visible()
    expect(officer.locator("section[aria-labelledby=h-victims] li", has_text=victim_code)).to_contain_text("Child")
    assert CHILD_NAME not in officer.content()
    shot(officer, "a-05-child-victim-added", guide="field-officer-child-victim")

    officer.get_by_role("link", name=victim_code).click()
    victim_url = officer.url
    expect(officer.get_by_text("15 years old at the incident")).to_be_visible()
    officer.locator("#consent summary").click()
    consent = officer.locator("section[aria-labelledby=h-consent] form")
    consent.get_by_role("group", name="Share identity with the Member State").get_by_role("radio", name="Refused").check()
    expect(consent.get_by_role("combobox", name="Decided by")).to_have_value("guardian")  # a child: the default
    consent.get_by_role("textbox", name="Guardian's relationship to the child").fill("mother")
    shot(officer, "a-06-consent-form")
    consent.get_by_role("button", name="Record decision").click()
    expect(officer.get_by_text(f"Consent decision recorded for {victim_code}.")).to_be_visible()
    share_row = officer.locator("tr", has_text="Share identity with the Member State")
    expect(share_row.locator(".consent")).to_have_text("Refused")
    expect(share_row).to_contain_text("Parent or guardian (mother)")
    shot(officer, "a-07-consent-refused", guide="field-officer-consent")

    officer.goto(allegation_url)
    officer.get_by_role("link", name="Refer to the responsible authority").click()
    officer.get_by_role("combobox", name="Send to").select_option(label="France (suggested)")
    shot(officer, "a-08-referral-form")
    officer.get_by_role("button", name="Save draft and preview").click()
    expect(officer.get_by_text("Draft saved. Check the notice below; a colleague must approve it.")).to_be_visible()
    expect(officer.locator(".lead .status")).to_have_text("Draft, awaiting approval")
    notice = officer.locator("article.notice")
    expect(notice).to_contain_text(f"{victim_code}: Female, Child (under 18 at the incident); identity withheld (no consent to share it)")
    expect(notice).to_contain_text("A child is among the victims: the matter is urgent.")
    assert CHILD_NAME not in officer.content()
    expect(officer.get_by_text("This notice names at least one victim")).to_have_count(0)
    expect(officer.get_by_role("button", name="Approve and send")).to_have_count(0)  # not the drafter
    expect(officer.get_by_text("A colleague with the approval right, other than the drafter")).to_be_visible()
    shot(officer, "a-09-draft-notice-no-name", guide="field-officer-draft-referral")
    referral_url = officer.url

    chief = sign_in(browser, live_server, world["chief"])
    chief.get_by_role("link", name="Referrals", exact=True).click()
    chief.get_by_role("link", name=f"{reference} → France").click()
    expect(chief.get_by_text("Approving sends it at once to: France SEA focal point")).to_be_visible()
    assert CHILD_NAME not in chief.content()
    shot(chief, "a-10-chief-reviews-draft", guide="chief-review")
    chief.get_by_role("button", name="Approve and send").click()
    expect(chief.locator(".lead .status")).to_have_text("Sent, in follow-up")
    expect(chief.locator(".lead")).to_contain_text(f"drafted by {world['officer'].username}")
    expect(chief.locator(".lead")).to_contain_text(f"approved by {world['chief'].username}")
    referral = Referral.objects.get()
    assert referral.sent_on == today and referral.response_due > today
    expect(chief.locator(".facts")).to_contain_text(f"Answer due{in_words(referral.response_due)}")
    expect(chief.locator(".facts")).to_contain_text("child victim: 90 days")
    expect(chief.get_by_text("No reminder needed so far.")).to_be_visible()
    shot(chief, "a-11-approved-and-sent", guide="chief-approved")
    assert (referral.drafted_by, referral.approved_by) == (world["officer"], world["chief"])

    # --- (b) the answer deadline passes with no answer; the beat runs the sweep ------------------
    first_reminder_day = add_working_days(referral.response_due, 1)
    later = datetime.datetime.combine(first_reminder_day, datetime.time(9, 0), tzinfo=datetime.UTC)
    with time_machine.travel(later, tick=True):
        # Everyone signs in again: their sessions expired during those two weeks.
        assert sweep_due_reminders.delay().get() == 1  # what beat does every 15 minutes
        assert sweep_due_reminders.delay().get() == 0  # a repeat sends nothing
        reminder = Reminder.objects.get()
        assert (reminder.kind, reminder.status) == ("response_overdue", "sent")

        officer = sign_in(browser, live_server, world["officer"])
        expect(officer.get_by_role("link", name=re.compile(r"^1 referrals overdue"))).to_be_visible()
        expect(officer.get_by_role("link", name=re.compile(r"^1 open and involving children"))).to_be_visible()
        shot(officer, "b-01-officer-home-overdue", guide="field-officer-home")
        officer.get_by_role("link", name="Referrals", exact=True).click()
        row = officer.locator("tbody tr", has_text=reference)
        expect(row).to_contain_text("Child")
        shot(officer, "b-02-pending-investigations", guide="field-officer-pending")
        officer.get_by_role("link", name="Outbox: e-mails sent").click()
        reminder_row = officer.locator("tbody tr", has_text=f"Reminder: your answer on allegation {reference} is overdue")
        expect(reminder_row).to_have_count(1)
        expect(reminder_row).to_contain_text("sea-focal@defense.example.fr")
        expect(reminder_row).to_contain_text(later.strftime("%Y-%m-%d"))
        expect(officer.locator("tbody tr")).to_have_count(2)  # the notice, then the reminder
        assert CHILD_NAME not in officer.content()
        shot(officer, "b-03-outbox-reminder", guide="field-officer-outbox")
        reminder_row.get_by_role("link").click()
        expect(officer.locator("section[aria-labelledby=h-reminders] ol")).to_contain_text(
            f"{in_words(first_reminder_day)} — Response overdue: Sent")
        expect(officer.locator(".overdue").first).to_be_visible()
        shot(officer, "b-04-referral-reminder-sent")

        # --- (c) the advocate records the child's medical need and its provision ----------------
        advocate = sign_in(browser, live_server, world["advocate"])
        advocate.get_by_role("link", name="Caseload").click()
        expect(advocate.locator('[data-count="children_flagged"]')).to_have_text("1")  # no assessment after 14 days
        expect(advocate.locator('[data-count="not_referred"]')).to_have_text("0")
        shot(advocate, "c-01-caseload", guide="advocate-caseload")
        advocate.get_by_role("link", name="Victims", exact=True).click()
        advocate.get_by_role("link", name=victim_code).click()
        expect(advocate.get_by_text("No assistance need recorded yet.")).to_be_visible()
        advocate.get_by_text("Record an assistance need").click()
        advocate.get_by_role("combobox", name="Assistance needed").select_option("medical")
        shot(advocate, "c-02-need-form")
        advocate.get_by_role("button", name="Record need").click()
        expect(advocate.get_by_text(f"Assistance need recorded for {victim_code}.")).to_be_visible()
        need_row = advocate.locator("section[aria-labelledby=h-assistance] tbody tr", has_text="Medical care")
        expect(need_row.locator(".status")).to_have_text("Identified")
        shot(advocate, "c-03-need-recorded", guide="advocate-need")
        need_row.get_by_role("link", name="Medical care").click()
        need_url = advocate.url
        advocate.get_by_role("combobox", name="Refer to").select_option(label="Bangui community hospital")
        advocate.get_by_role("button", name="Refer to provider").click()
        expect(advocate.get_by_text("Assistance is now “Referred”.")).to_be_visible()
        shot(advocate, "c-04-need-referred")
        advocate.get_by_role("button", name="Mark provided").click()
        expect(advocate.get_by_text("Assistance is now “Provided”.")).to_be_visible()
        shot(advocate, "c-05-need-provided", guide="advocate-provided")
        advocate.get_by_role("link", name="Caseload").click()
        expect(advocate.locator('[data-count="provided"]')).to_have_text("1")
        shot(advocate, "c-06-caseload-after")

        # --- (d) headquarters: annex export and dashboard ---------------------------------------
        analyst = sign_in(browser, live_server, world["analyst"])
        analyst.get_by_role("link", name="Reports").click()
        analyst.get_by_role("spinbutton", name="Year received").fill(str(year))
        analyst.get_by_role("button", name="Show").click()
        def tile(label):
            return analyst.locator("li", has_text=label).locator(".num").first

        expect(tile(f"allegations received in {year}")).to_have_text("1")
        expect(tile("referrals pending")).to_have_text("1")
        expect(tile("referrals overdue")).to_have_text("1")
        assert CHILD_NAME not in analyst.content()
        shot(analyst, "d-01-dashboard", guide="hq-dashboard")
        analyst.get_by_role("link", name="Annex tables and exports").click()
        expect(analyst.get_by_role("cell", name=reference)).to_be_visible()
        shot(analyst, "d-02-annex-preview", guide="hq-annex")
        with analyst.expect_download() as download:
            analyst.get_by_role("link", name="Excel (XLSX)").click()
        saved = SHOTS / f"annex-{year}.xlsx"
        download.value.save_as(saved)
        assert download.value.suggested_filename == f"annex-{year}.xlsx"
        book = openpyxl.load_workbook(saved)
        header, *rows = table_of(book["Allegations"])
        assert len(rows) == 1
        row = dict(zip(header, rows[0], strict=True))
        assert row["Reference"] == reference
        assert (row["Victims"], row["of whom children"]) == (1, 1)
        assert row["Referred to (Member State / regional organisation)"] == "France"
        assert row["Date referred"] == today.isoformat()
        assert row["Date of incident"] == incident.isoformat()
        summary_header, *summary = table_of(book["Summary"])
        total = dict(zip(summary_header, summary[-1], strict=True))
        assert (total["Allegations"], total["Victims"], total["Girls"], total["Referred"]) == (1, 1, 1, 1)
        assert CHILD_NAME not in str(list(book["Allegations"].values))

        # --- (e) an officer of another operation sees none of it -------------------------------
        outsider = sign_in(browser, live_server, world["outsider"])
        outsider.get_by_role("link", name="Allegations", exact=True).click()
        outsider.get_by_label("Search reference or location").fill(reference)
        outsider.get_by_role("button", name="Apply").click()
        expect(outsider.get_by_role("link", name=reference)).to_have_count(0)
        shot(outsider, "e-01-search-allegations-nothing")
        outsider.get_by_role("link", name="Victims", exact=True).click()
        outsider.get_by_role("textbox", name="Code").fill(victim_code)
        outsider.get_by_role("button", name="Apply").click()
        expect(outsider.get_by_role("link", name=victim_code)).to_have_count(0)
        shot(outsider, "e-02-search-victims-nothing")
        outsider.get_by_role("link", name="Referrals", exact=True).click()
        expect(outsider.get_by_text(reference)).to_have_count(0)
        outsider.get_by_role("link", name="Outbox: e-mails sent").click()
        expect(outsider.get_by_text("Nothing sent yet.")).to_be_visible()
        shot(outsider, "e-03-outbox-empty")
        for n, url in enumerate([allegation_url, victim_url, referral_url, referral_url + "print/", need_url], 4):
            response = outsider.goto(url)
            assert response.status == 404, url
            assert reference not in outsider.content() and victim_code not in outsider.content()
            shot(outsider, f"e-{n:02d}-404-{re.sub(r'[^a-z]+', '-', url.split('/', 3)[3].split('/')[0])}")

        # --- the administrator's day, for the guide: users, reference data, audit log ----------
        admin = sign_in(browser, live_server, world["admin"])
        expect(admin.locator("#main").get_by_role("link", name="Users and roles")).to_be_visible()
        shot(admin, "f-01-admin-home", guide="admin-home")
        admin.get_by_role("navigation", name="Main").get_by_role("link", name="Audit log").click()
        denied = admin.locator("tbody tr", has_text=world["outsider"].username).filter(has_text="access_denied")
        expect(denied).to_have_count(5)  # each 404 of journey (e) is on the record
        assert CHILD_NAME not in admin.content()
        shot(admin, "f-02-audit-log", guide="admin-audit")

    assert Allegation.objects.get().children_involved
    assert Victim.objects.get().code == victim_code
