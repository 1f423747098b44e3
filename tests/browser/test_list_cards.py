"""At 360 px (a small phone) each list row is a card: the reference, the status, the child flag and
the next deadline in words are on it, and nothing scrolls sideways (neither the page nor the list)."""

from __future__ import annotations

import datetime

import pytest

from allegations.models import Credibility
from referrals.choices import ReferralStatus
from referrals.models import Referral
from tests.browser.site_pages import ROOT
from tests.factories import AllegationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = ROOT / "test-artifacts" / "screenshots" / "cards"

# The first card of the list: its text, how it is laid out, and how wide the page and list are.
MEASURE = """() => {
    const wrap = document.querySelector('.table-wrap.cards');
    const row = wrap.querySelector('tbody tr');
    const card = row.getBoundingClientRect();
    const cells = [...row.children].filter(c => getComputedStyle(c).display !== 'none');
    return {text: row.innerText, display: getComputedStyle(row).display, width: card.width,
            stacked: cells.every((c, i) => i === 0 || c.getBoundingClientRect().top >= cells[i - 1].getBoundingClientRect().bottom - 1),
            pageWidth: document.documentElement.scrollWidth, listWidth: wrap.scrollWidth, listBox: wrap.clientWidth,
            innerWidth: window.innerWidth};
}"""


def test_it_shows_each_row_as_a_card_at_360_px(officer, car, france, login, live_server):
    allegation = AllegationFactory(mission=car, location="Bambari, Ouaka prefecture", children_involved=True,
                                   credibility=Credibility.CREDIBLE)
    referral = Referral.objects.create(allegation=allegation, member_state=france, status=ReferralStatus.SENT,
                            sent_on=car.today() - datetime.timedelta(days=20),
                            response_due=car.today() - datetime.timedelta(days=5),
                            investigation_due=car.today() + datetime.timedelta(days=170))
    page = login(officer)
    page.set_viewport_size({"width": 360, "height": 740})
    SHOTS.mkdir(parents=True, exist_ok=True)
    # The status of an allegation; of a referral, the authority's answer (none yet).
    for name, path, status in [("allegations", "/allegations/", allegation.get_status_display()),
                               ("referrals-pending", "/referrals/", referral.get_response_display())]:
        page.goto(f"{live_server.url}{path}")
        page.screenshot(path=str(SHOTS / f"{name}-360.png"), full_page=True)
        m = page.evaluate(MEASURE)
        assert m["display"] == "block" and m["stacked"], (name, m)
        for words in (allegation.reference, status, "Child", "5 days overdue"):
            assert words in m["text"], (name, words, m["text"])
        assert m["pageWidth"] <= m["innerWidth"], (name, m)
        assert m["listWidth"] <= m["listBox"], (name, m)
        # Sorting stays at hand on a phone: the headers are a row of links above the cards.
        assert page.locator("thead th[aria-sort] a").is_visible()
