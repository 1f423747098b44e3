"""The approving officer approves the waiting referral from his home page in 3 page loads or fewer:
the home page lists it under "Referrals awaiting your approval"."""

import pytest
from playwright.sync_api import expect

from referrals.models import Referral, ReferralStatus
from referrals.services import referral_draft

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_approves_the_waiting_referral_in_three_page_loads(login, live_server, officer, chief, credible, france):
    draft = referral_draft(actor=officer, allegation=credible, member_state=france)
    page = login(chief)  # ends on the home page
    loads: list[str] = []
    page.on("load", lambda: loads.append(page.url))
    loads.append(page.url)  # the home page itself is the first load
    page.locator(f"#work-referrals_awaiting_approval a[href='/referrals/{draft.pk}/']").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Approve and send").click()
    expect(page.get_by_text("Sent, in follow-up")).to_be_visible()
    assert len(loads) <= 3, loads
    assert Referral.objects.get(pk=draft.pk).status == ReferralStatus.SENT
