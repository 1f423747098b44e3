"""Custody of evidence files: the SHA-256 taken at upload is shown on the file's page and checked at
every download (an altered or replaced file is refused and the refusal audited), and the file's
custody log, read from the audit trail, says who did what to it and when."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from allegations.attachments import _associated_data, attachment_add, attachment_delete
from allegations.models import Attachment
from allegations.selectors import attachment_custody_log
from core.crypto import keyring
from core.models import AuditEvent
from tests.factories import AllegationFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% CANARY-medical-report\n%%EOF\n"
FORGED = b"%PDF-1.4\n% CANARY-forged-report\n%%EOF\n"


@pytest.fixture
def allegation(car):
    return AllegationFactory(mission=car)


@pytest.fixture
def attachment(officer, allegation) -> Attachment:
    return attachment_add(actor=officer, allegation=allegation,
                          uploaded=SimpleUploadedFile("report.pdf", PDF), description="medical report")


def url(attachment: Attachment, tail: str = "") -> str:
    return f"/allegations/{attachment.allegation_id}/attachments/{attachment.pk}/{tail}"


def alter_ciphertext(attachment: Attachment, attachment_dir) -> None:
    path = attachment_dir / attachment.stored_name
    blob = bytearray(path.read_bytes())
    blob[len(blob) // 2] ^= 1
    path.write_bytes(bytes(blob))


def replace_with_sealed(attachment: Attachment, attachment_dir, content: bytes) -> None:
    """Other bytes, sealed exactly as an upload seals them for this row: they decrypt, but are not
    what was uploaded."""
    (attachment_dir / attachment.stored_name).write_bytes(keyring().seal_bytes(content, _associated_data(attachment)))


def test_it_shows_the_sha256_taken_at_upload_on_the_files_custody_page(client, officer, attachment):
    import hashlib

    assert attachment.sha256 == hashlib.sha256(PDF).hexdigest()
    client.force_login(officer)
    page = client.get(url(attachment, "custody/"))
    assert page.status_code == 200 and attachment.sha256 in page.content.decode()
    assert url(attachment, "custody/") in client.get(f"/allegations/{attachment.allegation_id}/").content.decode()


def test_it_refuses_a_file_whose_ciphertext_was_altered_on_disk_and_audits_it(client, officer, attachment,
                                                                              attachment_dir):
    alter_ciphertext(attachment, attachment_dir)
    client.force_login(officer)
    response = client.get(url(attachment))
    assert response.status_code == 409 and b"CANARY" not in response.content
    assert "failed its integrity check" in response.content.decode()
    event = AuditEvent.objects.get(action="attachment_integrity_failed")
    assert (event.actor, event.object_id, event.outcome, event.detail["reason"]) == (
        officer, str(attachment.pk), "failure", "undecryptable")
    assert not AuditEvent.objects.filter(action="attachment_download").exists()


def test_it_refuses_a_file_replaced_by_other_validly_sealed_content(client, officer, attachment, attachment_dir):
    replace_with_sealed(attachment, attachment_dir, FORGED)
    client.force_login(officer)
    response = client.get(url(attachment))
    assert response.status_code == 409 and b"CANARY-forged" not in response.content
    assert "SHA-256 mismatch" in response.content.decode()
    assert AuditEvent.objects.get(action="attachment_integrity_failed").detail["reason"] == "hash_mismatch"


def test_it_refuses_a_missing_file(client, officer, attachment, attachment_dir):
    (attachment_dir / attachment.stored_name).unlink()
    client.force_login(officer)
    assert client.get(url(attachment)).status_code == 409
    assert AuditEvent.objects.get(action="attachment_integrity_failed").detail["reason"] == "missing"


def test_the_api_refuses_an_altered_file_too(api, officer, attachment, attachment_dir):
    replace_with_sealed(attachment, attachment_dir, FORGED)
    response = api(officer).get(f"/api/v1{url(attachment)}")
    assert response.status_code == 409 and b"CANARY" not in response.content
    assert response.json()["code"] == "integrity_failed" and response.json()["reason"] == "hash_mismatch"
    assert AuditEvent.objects.filter(action="attachment_integrity_failed", actor=officer).count() == 1


def test_the_key_check_counts_a_replaced_file_as_failing(attachment, attachment_dir):
    from allegations.attachments import attachments_unreadable

    replace_with_sealed(attachment, attachment_dir, FORGED)
    assert attachments_unreadable() == (1, [str(attachment.pk)])


def test_the_custody_log_lists_upload_view_download_refusal_and_deletion_with_who_and_when(
        client, officer, teammate, advocate, attachment, attachment_dir):
    client.force_login(advocate)
    assert client.get(url(attachment)).content == PDF
    replace_with_sealed(attachment, attachment_dir, FORGED)
    assert client.get(url(attachment)).status_code == 409
    client.force_login(teammate)
    page = client.get(url(attachment, "custody/")).content.decode()
    for words in ("Evidence file added", "Evidence file downloaded", "Evidence file refused: failed its integrity check",
                  "SHA-256 mismatch", "Evidence file&#x27;s custody page viewed", officer.username, advocate.username):
        assert words in page
    kept = Attachment.objects.get(pk=attachment.pk)  # the deleted instance loses its pk
    attachment_delete(actor=teammate, attachment=attachment)
    log = attachment_custody_log(kept)
    assert [(entry.what, entry.who, entry.outcome) for entry in log] == [
        ("Evidence file added", officer.username, "success"),
        ("Evidence file downloaded", advocate.username, "success"),
        ("Evidence file refused: failed its integrity check", advocate.username, "failure"),
        ("Evidence file's custody page viewed", teammate.username, "success"),
        ("Evidence file deleted", teammate.username, "success"),
    ]
    assert [entry.at for entry in log] == sorted(entry.at for entry in log) and all(entry.at for entry in log)
    assert log[2].why.endswith("(SHA-256 mismatch).") and not log[0].why


def test_the_custody_log_names_the_system_for_the_retention_run(attachment):
    kept = Attachment.objects.get(pk=attachment.pk)
    attachment_delete(actor=None, attachment=attachment)
    assert [(entry.what, entry.who) for entry in attachment_custody_log(kept)][-1] == ("Evidence file deleted", "")


def test_the_custody_page_is_closed_to_other_operations_and_to_headquarters(client, outsider, analyst, attachment):
    for user in (outsider, analyst):
        client.force_login(user)
        assert client.get(url(attachment, "custody/")).status_code == 404
    assert not AuditEvent.objects.filter(action="attachment_view").exists()


def test_the_custody_page_costs_the_same_queries_however_long_the_log(client, officer, attachment,
                                                                      django_assert_max_num_queries):
    client.force_login(officer)
    client.get(url(attachment))
    with django_assert_max_num_queries(20) as short_log:
        client.get(url(attachment, "custody/"))
    queries = len(short_log)  # now: the next request resets the connection's query log
    for _ in range(5):
        client.get(url(attachment))
    with django_assert_max_num_queries(queries):
        assert client.get(url(attachment, "custody/")).content.decode().count("Evidence file downloaded") == 6
