"""Stored XSS: 100 payloads in every free-text field, then every page that shows them, in Chromium.

A payload that ran would open a dialog (alert/confirm/prompt): none may. Every HTML response the
browser receives must also carry the CSP without 'unsafe-inline' for scripts.
"""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from playwright.sync_api import expect

from allegations.attachments import attachment_add
from allegations.models import Credibility, Status
from allegations.services import allegation_create, allegation_transition
from core.roles import ADMINISTRATOR, FIELD_OFFICER
from referrals.services import referral_close, referral_draft
from tests.factories import record_step
from tests.browser.xss_payloads import PAYLOADS
from tests.factories import make_provider, make_user
from victims.assistance import child_safeguarding_update, contact_record, need_create
from victims.services import consent_record, victim_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RECORDS = 10
INJECTED = ("script:not([src]), [onerror], [onload], [onfocus], [onmouseover], [onbegin], [ontoggle], [onclick], "
            "iframe, object, embed, base, meta[http-equiv], a[href^='javascript' i], x, marquee")
ALL = "\n".join(PAYLOADS)  # unbounded text fields get every payload in every record


class Rotation:
    """Payloads packed into a field of at most `limit` characters, continuing where the last record stopped."""

    def __init__(self, limit: int, start: int = 0):
        self.limit, self.index = limit, start

    def next(self) -> str:
        chunk = PAYLOADS[self.index % 100][: self.limit]
        self.index += 1
        while len(chunk) + 1 + len(PAYLOADS[self.index % 100]) <= self.limit:
            chunk += " " + PAYLOADS[self.index % 100]
            self.index += 1
        return chunk


def store_payloads(officer, advocate, chief, approve, car, sangaris, france) -> dict:
    """Every free-text field of every record type gets payloads, through the services."""
    today = timezone.localdate()
    fields = {name: Rotation(limit, start=7 * i) for i, (name, limit) in enumerate(
        [("location", 200), ("unit", 120), ("final_action", 500), ("note", 500), ("guardian", 60),
         ("agency", 160), ("provider", 150), ("provider_contact", 300), ("officer", 200),
         ("file_name", 100), ("file_description", 300), ("source_reference", 100), ("informed_by", 200)])}
    made = {"allegations": [], "victims": [], "needs": [], "referrals": []}
    # An actor whose own name is a payload: user names show in the header and the audit log.
    author = make_user("x" + PAYLOADS[10][:100], FIELD_OFFICER, change=[car])
    author.first_name = PAYLOADS[0]
    author.save()
    for i in range(RECORDS):
        allegation = allegation_create(
            actor=officer, mission=car,
            values={"location": fields["location"].next(), "date_received": datetime.date(2016, 5, 2),
                    "source": "ngo", "allegation_type": "SE", "subtype": "transactional_sex",
                    "narrative": ALL, "credibility": Credibility.CREDIBLE},
            perpetrators=[{"force": sangaris, "nationality": france, "unit": fields["unit"].next(),
                           "personnel_category": "military_contingent", "sex": "male",
                           "final_action": fields["final_action"].next()}])
        attachment_add(actor=officer, allegation=allegation, description=fields["file_description"].next(),
                       uploaded=SimpleUploadedFile(fields["file_name"].next() + ".pdf", b"%PDF-1.4 evidence"))
        allegation = allegation_transition(actor=officer, allegation=allegation, to_status=Status.UNDER_REVIEW,
                                           expected_version=allegation.version, note=fields["note"].next())
        child = i % 2 == 0
        victim = victim_create(actor=officer, allegation=allegation, confirm_not_duplicate=True, values={
            "full_name": ALL, "other_names": ALL, "contact_details": ALL, "current_location": ALL,
            "sex": "female", "age_at_incident": 15 if child else 30})
        if child:
            victim = child_safeguarding_update(actor=officer, victim=victim, expected_version=victim.version, values={
                "guardian_name": ALL, "guardian_relationship": fields["guardian"].next(),
                "child_protection_agency": fields["agency"].next()})
        consent_record(actor=officer, victim=victim, scope="contact", decision="given",
                       given_by="guardian" if child else "victim",
                       guardian_relationship=fields["guardian"].next() if child else "")
        contact_record(actor=advocate, victim=victim, contacted_on=today, channel="in_person", content=ALL)
        provider = make_provider(car, f"{i} {fields['provider'].next()}", ["medical"])
        provider.contact = fields["provider_contact"].next()
        provider.save()
        made["needs"].append(need_create(actor=advocate, victim=victim, category="medical", provider=provider,
                                         notes=ALL))
        referral = approve(chief, referral_draft(actor=officer, allegation=allegation, member_state=france))
        referral.refresh_from_db()
        record_step(officer, referral, "will_investigate", today, source_reference=fields["source_reference"].next(),
                    note=ALL)
        record_step(officer, referral, "officer_appointed", today, officer_name=fields["officer"].next())
        record_step(officer, referral, "findings", today, result="substantiated", note=ALL)
        record_step(officer, referral, "victim_informed_outcome", today, informed_by=fields["informed_by"].next(),
                    informed_how="phone")
        referral.refresh_from_db()
        made["referrals"].append(referral_close(actor=officer, referral=referral, expected_version=referral.version,
                                                accountability_measures=ALL))
        made["allegations"].append(allegation)
        made["victims"].append(victim)
    return made


def test_it_runs_none_of_100_stored_payloads_on_any_page(login, live_server, page, browser, officer, advocate,
                                                        analyst, chief, approve, car, sangaris, france):
    made = store_payloads(officer, advocate, chief, approve, car, sangaris, france)
    administrator = make_user("administrator", ADMINISTRATOR, global_view=True)

    dialogs: list[str] = []
    html_responses: list[tuple[str, str | None]] = []

    def watch(p):
        p.on("dialog", lambda d: (dialogs.append(f"{p.url}: {d.message}"), d.dismiss()))
        p.on("response", lambda r: html_responses.append((r.url, r.headers.get("content-security-policy")))
             if "text/html" in r.headers.get("content-type", "") else None)

    injected: list[str] = []

    def visit(p, path):
        p.goto(f"{live_server.url}{path}")
        p.wait_for_load_state("load")
        # Escaping on its own, CSP aside: no payload may have become an element or attribute.
        if p.locator(INJECTED).count():
            injected.append(path)

    watch(page)
    login(officer)
    visit(page, "/allegations/")
    for allegation in made["allegations"]:
        visit(page, f"/allegations/{allegation.pk}/")
    expect(page.locator("body")).to_contain_text("<script>alert(1)</script>")  # stored, shown as text
    visit(page, "/victims/")
    for victim in made["victims"]:
        visit(page, f"/victims/{victim.pk}/")
    for referral in made["referrals"]:
        visit(page, f"/referrals/{referral.pk}/")
        visit(page, f"/referrals/{referral.pk}/print/")
    visit(page, "/referrals/")
    visit(page, "/referrals/outbox/")

    for persona, paths in [
        (advocate, ["/victims/caseload/"] + [f"/victims/needs/{n.pk}/" for n in made["needs"]]
         + [f"/victims/{v.pk}/" for v in made["victims"]]),
        (analyst, ["/reports/", "/reports/annex/", "/allegations/"]),
        (administrator, ["/audit/"]),
    ]:
        context = browser.new_context()
        other = context.new_page()
        watch(other)
        other.goto(f"{live_server.url}/accounts/login/")
        other.fill("#id_username", persona.username)
        other.fill("#id_password", "correct horse battery")
        other.click("button[type=submit]")
        other.wait_for_url(f"{live_server.url}/")
        for path in paths:
            visit(other, path)
            if persona == advocate and path.startswith("/victims/") and other.get_by_role(
                    "button", name="Reveal identity").count():
                other.get_by_role("button", name="Reveal identity").click()  # identity fields rendered too
                other.wait_for_load_state("load")
                expect(other.locator("main")).to_contain_text("<svg onload=alert(21)>")
                if other.locator(INJECTED).count():
                    injected.append(f"{path} (revealed)")
        context.close()

    assert dialogs == []
    assert injected == []
    assert len(html_responses) > 60
    missing = [url for url, csp in html_responses if not csp or "script-src 'self'" not in csp]
    assert missing == []
    assert not [url for url, csp in html_responses if "unsafe-inline" in csp or "unsafe-eval" in csp]
