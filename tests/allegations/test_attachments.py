import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from allegations.models import Attachment
from core.models import AuditEvent
from tests.factories import AllegationFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% CANARY-medical-report\n%%EOF\n"


@pytest.fixture
def allegation(car):
    return AllegationFactory(mission=car)


def upload(client, allegation, name="report.pdf", content=PDF, description="medical report"):
    return client.post(f"/allegations/{allegation.pk}/attachments/",
                       {"file": SimpleUploadedFile(name, content, content_type="application/pdf"),
                        "description": description})


def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (40, 30), (200, 10, 10))
    exif = Image.Exif()
    exif[0x010F] = "CanaryCam"  # camera make
    exif.get_ifd(0x8825)[2] = (4.0, 21.0, 0.0)  # GPS latitude: where the photo was taken
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


def test_it_stores_a_file_encrypted_and_serves_it_back_as_a_download(client, officer, allegation, attachment_dir):
    client.force_login(officer)
    assert upload(client, allegation).status_code == 302
    attachment = Attachment.objects.get()
    stored = (attachment_dir / attachment.stored_name).read_bytes()
    assert b"CANARY" not in stored and len(stored) > len(PDF)
    response = client.get(f"/allegations/{allegation.pk}/attachments/{attachment.pk}/")
    assert response.status_code == 200 and response.content == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="report.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff" and "no-store" in response["Cache-Control"]
    assert response["Content-Security-Policy"].startswith("sandbox")
    assert "report.pdf" in client.get(f"/allegations/{allegation.pk}/").content.decode()
    assert list(AuditEvent.objects.filter(object_id=str(attachment.pk)).values_list("action", flat=True)) == [
        "attachment_download", "attachment_add"]


def test_one_byte_over_the_limit_is_refused(client, officer, allegation, settings):
    settings.SEA_ATTACHMENT_MAX_BYTES = len(PDF)
    client.force_login(officer)
    assert upload(client, allegation, content=PDF + b" ").status_code == 400
    assert not Attachment.objects.exists()
    assert upload(client, allegation, content=PDF).status_code == 302


def test_a_pdf_that_is_really_html_is_refused(client, officer, allegation, attachment_dir):
    client.force_login(officer)
    response = upload(client, allegation, content=b"<html><script>alert(1)</script></html>")
    assert response.status_code == 400 and "Only PDF documents" in response.content.decode()
    assert not Attachment.objects.exists() and not any(attachment_dir.glob("*"))


def test_a_path_in_the_file_name_goes_nowhere(client, officer, allegation, attachment_dir):
    client.force_login(officer)
    upload(client, allegation, name="../../etc/passwd\x07.pdf")
    attachment = Attachment.objects.get()
    assert attachment.display_name == "passwd.pdf"
    assert [p.name for p in attachment_dir.iterdir()] == [attachment.stored_name]
    assert len(attachment.stored_name) == 32 and attachment.stored_name.isalnum()


def test_a_file_named_like_a_pdf_keeps_the_extension_of_what_it_is(client, officer, allegation):
    client.force_login(officer)
    upload(client, allegation, name="photo.pdf.exe", content=jpeg_with_gps())
    assert Attachment.objects.get().display_name == "photo.pdf.jpg"


def test_photos_lose_their_location_and_camera_data(client, officer, allegation):
    client.force_login(officer)
    upload(client, allegation, name="bruise.jpg", content=jpeg_with_gps())
    attachment = Attachment.objects.get()
    served = client.get(f"/allegations/{allegation.pk}/attachments/{attachment.pk}/").content
    assert b"CanaryCam" not in served and not Image.open(io.BytesIO(served)).getexif()
    assert Image.open(io.BytesIO(served)).size == (40, 30) and attachment.content_type == "image/jpeg"


def test_an_upload_never_touches_the_disk_in_clear(client, officer, allegation, settings, tmp_path):
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "uploads")
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 10  # Django's own handlers would spool these to disk
    settings.SEA_ATTACHMENT_MAX_BYTES = 3_000_000
    (tmp_path / "uploads").mkdir()
    client.force_login(officer)
    big = PDF + b"0" * 2_900_000
    assert upload(client, allegation, content=big).status_code == 302
    assert upload(client, allegation, content=b"<html>").status_code == 400
    too_big = upload(client, allegation, content=big + b"0" * 200_000)
    assert too_big.status_code == 400 and "too large" in too_big.content.decode()
    assert list((tmp_path / "uploads").iterdir()) == []
    assert not list(settings.SEA_ATTACHMENT_DIR.glob("*.part"))
    assert Attachment.objects.get().size == len(big)


def test_another_operation_and_headquarters_get_404(client, officer, outsider, analyst, allegation):
    client.force_login(officer)
    upload(client, allegation)
    attachment = Attachment.objects.get()
    url = f"/allegations/{allegation.pk}/attachments/{attachment.pk}/"
    for user in (outsider, analyst):
        client.force_login(user)
        assert client.get(url).status_code == 404
        assert client.post(f"{url}delete/").status_code == 404
        assert upload(client, allegation).status_code == 404
    assert "Evidence files" not in client.get(f"/allegations/{allegation.pk}/").content.decode()
    assert Attachment.objects.count() == 1


def test_a_file_of_another_allegation_is_not_found_through_this_one(client, officer, allegation, car):
    client.force_login(officer)
    upload(client, allegation)
    other = AllegationFactory(mission=car)
    attachment = Attachment.objects.get()
    assert client.get(f"/allegations/{other.pk}/attachments/{attachment.pk}/").status_code == 404


def test_a_tampered_file_is_never_served(client, officer, allegation, attachment_dir):
    client.force_login(officer)
    upload(client, allegation)
    attachment = Attachment.objects.get()
    path = attachment_dir / attachment.stored_name
    blob = bytearray(path.read_bytes())
    blob[-1] ^= 1
    path.write_bytes(bytes(blob))
    response = client.get(f"/allegations/{allegation.pk}/attachments/{attachment.pk}/")
    assert response.status_code == 409 and b"CANARY" not in response.content
    assert AuditEvent.objects.filter(action="attachment_integrity_failed", outcome="failure").exists()


def test_removing_a_file_deletes_it_from_disk(client, officer, allegation, attachment_dir,
                                               django_capture_on_commit_callbacks):
    client.force_login(officer)
    upload(client, allegation)
    attachment = Attachment.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/allegations/{allegation.pk}/attachments/{attachment.pk}/delete/").status_code == 302
    assert not Attachment.objects.exists() and not any(attachment_dir.iterdir())
    assert AuditEvent.objects.filter(action="attachment_delete").exists()


def test_the_api_uploads_lists_downloads_and_removes(api, officer, allegation):
    client = api(officer)
    url = f"/api/v1/allegations/{allegation.pk}/attachments/"
    created = client.post(url, {"file": SimpleUploadedFile("r.pdf", PDF), "description": "report"}, format="multipart")
    assert created.status_code == 201, created.json()
    assert [f["display_name"] for f in client.get(url).json()] == ["r.pdf"]
    download = client.get(f"{url}{created.json()['id']}/")
    assert download.status_code == 200 and download.content == PDF
    refused = client.post(url, {"file": SimpleUploadedFile("x.pdf", b"<svg onload=alert(1)>")}, format="multipart")
    assert refused.status_code == 400 and "file" in refused.json()
    assert client.delete(f"{url}{created.json()['id']}/").status_code == 204


def test_rotate_keys_reseals_files_and_the_check_guards_the_old_key(client, officer, allegation, settings):
    from django.core.management import call_command

    from core.checks import encryption_keys_configured
    from core.crypto import new_key
    from tests.conftest import TEST_FIELD_KEYS

    client.force_login(officer)
    upload(client, allegation)
    old_kid = Attachment.objects.get().key_id
    fresh = f"fresh:{new_key()}"
    settings.SEA_FIELD_KEYS = fresh  # the old keys dropped too early: the check says so
    assert any(e.id == "core.E003" for e in encryption_keys_configured(None))
    settings.SEA_FIELD_KEYS = f"{fresh},{TEST_FIELD_KEYS}"
    call_command("rotate_keys", stdout=io.StringIO())
    assert Attachment.objects.get().key_id == "fresh" != old_kid
    settings.SEA_FIELD_KEYS = fresh
    assert not encryption_keys_configured(None)
    attachment = Attachment.objects.get()
    assert client.get(f"/allegations/{allegation.pk}/attachments/{attachment.pk}/").content == PDF


def test_a_french_file_name_survives_and_is_encoded_in_the_header(client, officer, allegation):
    client.force_login(officer)
    upload(client, allegation, name="rapport médical.pdf")
    attachment = Attachment.objects.get()
    assert attachment.display_name == "rapport_médical.pdf"
    response = client.get(f"/allegations/{allegation.pk}/attachments/{attachment.pk}/")
    assert response["Content-Disposition"] == "attachment; filename*=utf-8''rapport_m%C3%A9dical.pdf"


def test_it_scopes_evidence_to_those_who_may_read_confidential_narratives(client, officer, outsider, analyst,
                                                                          allegation):
    from allegations.models import Attachment

    client.force_login(officer)
    upload(client, allegation)
    attachment = Attachment.objects.get()
    assert list(Attachment.objects.visible_to(officer)) == [attachment]
    assert list(Attachment.objects.editable_by(officer)) == [attachment]
    assert list(Attachment.objects.visible_to(outsider)) == []  # another operation
    assert list(Attachment.objects.visible_to(analyst)) == []  # sees the allegation, not its evidence
