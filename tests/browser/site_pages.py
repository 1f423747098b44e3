"""Realistic demo data and the pages each role reaches, shared by the accessibility and layout tests.

The demo seed (`manage.py seed_demo`: 40 fictional allegations, victims with identity and consent,
assistance, referrals, reminders) plus one evidence file, so every page shows real content.
"""

from __future__ import annotations

import io
import json
import os
from dataclasses import dataclass
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from allegations.attachments import attachment_add
from allegations.models import Allegation
from core.demo import DEMO_PASSWORD
from referrals.models import Referral, ReferralStatus, Reminder
from tests.conftest import require_service
from victims.models import AssistanceNeed, PaternityClaim, Victim

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@dataclass
class Site:
    allegation: Allegation  # CAR, credible, with perpetrators, victims, a referral and an evidence file
    victim: Victim  # identity, consent decisions, assistance needs
    child: Victim | None
    need: AssistanceNeed
    claim: PaternityClaim | None
    referral_sent: Referral
    reminder_sent: Reminder  # one of referral_sent's reminders that went out: printable as a note verbale
    referral_draft: Referral  # the one awaiting approval (the demo's other draft was returned to its drafter)
    past_year: int  # a past year with allegations, for the dashboard and the annex (the demo is dated from today)


def _png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 120, 80)).save(out, format="PNG")
    return out.getvalue()


def seed_site() -> Site:
    from django.contrib.auth import get_user_model

    call_command("seed_demo", stdout=io.StringIO())
    officer = get_user_model().objects.get(username="officer.car")
    sent = (Referral.objects.filter(status=ReferralStatus.SENT, allegation__victim_links__isnull=False)
            .select_related("allegation").order_by("allegation__reference").first())
    allegation = sent.allegation
    attachment_add(actor=officer, allegation=allegation, description="Medical report (demo)",
                   uploaded=SimpleUploadedFile("report.png", _png(), content_type="image/png"))
    victims = Victim.objects.filter(links__allegation__mission__name="Central African Republic").distinct()
    # A victim with consent decisions and an open need (its page then shows every form).
    victim = victims.filter(needs__status="identified", consents__isnull=False).distinct().order_by("code").first()
    child = victims.filter(age_group="child").order_by("code").first()
    return Site(
        allegation=allegation, victim=victim, child=child,
        need=AssistanceNeed.objects.filter(victim=victim, status="identified").order_by("category").first(),
        claim=PaternityClaim.objects.order_by("pk").first(),
        referral_sent=sent,
        reminder_sent=sent.reminders.sent().order_by("due_date").first(),
        # Not "the first draft" (ids are random UUIDs): the one the approving officer has to approve.
        referral_draft=Referral.objects.awaiting_approval().get(),
        past_year=Allegation.objects.order_by("date_received").values_list("date_received__year", flat=True)[0],
    )


def sign_in(page, base_url: str, username: str, password: str = DEMO_PASSWORD, landing: str = "/") -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base_url}{landing}*")


def axe_available() -> None:
    require_service(AXE.exists(), "axe-core (run `make install`, which runs `npm ci`)")


def axe_violations(page) -> list[dict]:
    """Run axe-core in the page. The CSP forbids injected <script> tags, so the source is evaluated
    through the DevTools protocol (which the page's CSP does not govern) instead of add_script_tag."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        """async (tags) => {
            const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => ({target: n.target.join(' '), summary: n.failureSummary}))}));
        }""",
        WCAG_TAGS + ["best-practice"],
    )
    return result


def format_violations(found: dict[str, list[dict]]) -> str:
    return json.dumps(found, indent=1, ensure_ascii=False)[:20000]


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"
