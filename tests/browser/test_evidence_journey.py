"""An officer attaches a medical report to an allegation in the browser, sees it listed and
downloads it; a fake PDF is refused with the reason beside the field."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_allegation_journey import shot
from tests.factories import AllegationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_officer_attaches_and_downloads_a_medical_report(login, live_server, officer, car, tmp_path):
    allegation = AllegationFactory(mission=car)
    report = tmp_path / "medical-report.pdf"
    report.write_bytes(b"%PDF-1.4\n% examination of 3 May\n%%EOF\n")
    fake = tmp_path / "invoice.pdf"
    fake.write_bytes(b"<html><body>not a pdf</body></html>")
    page = login(officer)
    page.goto(f"{live_server.url}/allegations/{allegation.pk}/")
    page.locator("#id_file").set_input_files(str(fake))
    page.get_by_role("button", name="Attach file").click()
    expect(page.get_by_text("Only PDF documents and PNG or JPEG images can be attached")).to_be_visible()
    page.locator("#id_file").set_input_files(str(report))
    page.get_by_label("What is it?").fill("medical report, 3 May")
    page.get_by_role("button", name="Attach file").click()
    expect(page.get_by_role("link", name="medical-report.pdf", exact=True)).to_be_visible()
    shot(page, "evidence-file-attached")
    with page.expect_download() as download:
        page.get_by_role("link", name="medical-report.pdf", exact=True).click()
    saved = tmp_path / "downloaded.pdf"
    download.value.save_as(saved)
    assert saved.read_bytes() == report.read_bytes()


def test_a_files_custody_page_and_its_refusal_fit_a_phone_and_pass_axe(login, live_server, officer, car,
                                                                         attachment_dir):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from allegations.attachments import attachment_add
    from tests.browser.site_pages import axe_available, axe_violations, format_violations

    axe_available()
    allegation = AllegationFactory(mission=car)
    attachment = attachment_add(actor=officer, allegation=allegation, description="medical report, 3 May",
                                uploaded=SimpleUploadedFile("medical-report.pdf", b"%PDF-1.4\n%%EOF\n"))
    page = login(officer)
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(f"{live_server.url}/allegations/{allegation.pk}/")
    page.get_by_role("link", name="SHA-256 and custody log medical-report.pdf").click()
    expect(page.get_by_text(attachment.sha256)).to_be_visible()
    expect(page.get_by_text("Evidence file added")).to_be_visible()
    assert page.evaluate("() => document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    assert not (found := axe_violations(page)), format_violations({"custody": found})
    shot(page, "evidence-custody-360")
    (attachment_dir / attachment.stored_name).write_bytes(b"not the sealed file")
    page.goto(f"{live_server.url}/allegations/{allegation.pk}/attachments/{attachment.pk}/")
    expect(page.get_by_role("heading", name="File refused: failed its integrity check")).to_be_visible()
    assert page.evaluate("() => document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    assert not (found := axe_violations(page)), format_violations({"refused": found})
    shot(page, "evidence-refused-360")
