"""Two-factor authentication: enrolment, verification, backup codes, enforcement, admin reset."""

import re
import time

import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.models import AuditEvent
from core.roles import ADMINISTRATOR
from tests.factories import AllegationFactory, make_user

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"


@pytest.fixture(autouse=True)
def required(settings):
    settings.SEA_REQUIRE_2FA = True


def current_code(device: TOTPDevice, *, offset_steps: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + offset_steps * device.step
    return f"{totp.token():0{device.digits}d}"


def enrolled(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


def sign_in(client, user):
    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return response


def test_it_sends_a_password_only_session_without_a_device_to_enrolment(client, officer, car):
    allegation = AllegationFactory(mission=car)
    sign_in(client, officer)
    for path in ["/", f"/allegations/{allegation.pk}/", "/victims/", "/admin/", "/accounts/password/"]:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.url.startswith("/accounts/2fa/setup/"), path


def test_it_sends_an_enrolled_password_only_session_to_verification(client, officer):
    enrolled(officer)
    sign_in(client, officer)
    response = client.get("/allegations/")
    assert response.status_code == 302
    assert response.url == "/accounts/2fa/verify/?next=%2Fallegations%2F"


def test_it_leaves_sign_in_health_static_and_language_pages_open(client, officer):
    sign_in(client, officer)
    assert client.get("/healthz").status_code == 200
    assert client.get("/accounts/2fa/setup/").status_code == 200
    assert client.post("/i18n/setlang/", {"language": "fr", "next": "/accounts/2fa/setup/"}).status_code == 302
    assert client.post("/accounts/logout/").status_code == 302
    assert AuditEvent.objects.filter(action="logout", actor=officer).exists()


def test_it_answers_the_api_403_json_for_a_password_only_session(client, officer):
    sign_in(client, officer)
    response = client.get("/api/v1/reports/annex/?year=2016&format=json")
    assert response.status_code == 403
    assert response.json() == {"detail": "Two-factor authentication required."}


def test_a_token_header_does_not_let_a_password_only_session_into_the_api(client, analyst):
    # The middleware leaves token requests to DRF: a forged token is refused outright (and the
    # attempt audited); the unverified session behind it never comes into play.
    sign_in(client, analyst)
    response = client.get("/api/v1/reports/annex/?year=2016&format=json", HTTP_AUTHORIZATION="Token forged")
    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid, expired or revoked token."}


def test_a_verified_session_reaches_the_api(client, analyst):
    device = enrolled(analyst)
    sign_in(client, analyst)
    client.post("/accounts/2fa/verify/", {"code": current_code(device)})
    assert client.get("/api/v1/reports/annex/?year=2016&format=json").status_code == 200


def test_it_enrols_with_a_qr_code_and_shows_ten_backup_codes_once(client, officer):
    sign_in(client, officer)
    page = client.get("/accounts/2fa/setup/").content.decode()
    assert "<svg" in page and "<script" not in page
    device = TOTPDevice.objects.get(user=officer, confirmed=False)
    secret = re.search(r'class="secret"><code>([A-Z2-7 ]+)</code>', page).group(1)
    from base64 import b32encode
    assert secret.replace(" ", "") == b32encode(device.bin_key).decode()
    assert client.get("/").url.startswith("/accounts/2fa/setup/")  # not yet confirmed

    response = client.post("/accounts/2fa/setup/", {"code": current_code(device)})
    assert response.url == "/accounts/2fa/backup-codes/"
    codes_page = client.get("/accounts/2fa/backup-codes/").content.decode()
    codes = re.findall(r"<li><code>([a-z2-7 ]+)</code></li>", codes_page)
    assert len(codes) == 10
    assert {c.replace(" ", "") for c in codes} == set(
        StaticToken.objects.filter(device__user=officer).values_list("token", flat=True))
    assert client.get("/accounts/2fa/backup-codes/").status_code == 302  # shown once
    assert client.get("/").status_code == 200  # this session is verified
    assert AuditEvent.objects.filter(action="2fa_enrol", actor=officer, outcome="success").exists()


def test_it_refuses_enrolment_with_a_wrong_code_and_audits_it(client, officer):
    sign_in(client, officer)
    client.get("/accounts/2fa/setup/")
    response = client.post("/accounts/2fa/setup/", {"code": "000000"})
    assert "That code is not valid" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=officer, confirmed=True).exists()
    assert AuditEvent.objects.filter(action="2fa_enrol", actor=officer, outcome="failure").exists()


def test_a_password_only_session_cannot_replace_an_enrolled_authenticator(client, officer):
    enrolled(officer)
    sign_in(client, officer)
    response = client.get("/accounts/2fa/setup/")
    assert response.url.startswith("/accounts/2fa/verify/")
    assert TOTPDevice.objects.filter(user=officer).count() == 1


def test_it_verifies_a_code_once_and_audits_success_and_failure(client, officer):
    device = enrolled(officer)
    sign_in(client, officer)
    key_before = client.session.session_key
    assert "not valid" in client.post("/accounts/2fa/verify/", {"code": "123456"}).content.decode()
    device.refresh_from_db()
    device.throttling_failure_count = 0  # skip django-otp's back-off wait for this test
    device.save()
    code = current_code(device)
    response = client.post("/accounts/2fa/verify/", {"code": code, "next": "/allegations/"})
    assert response.url == "/allegations/"
    assert client.get("/allegations/").status_code == 200
    assert client.session.session_key != key_before  # new session key at verification
    assert AuditEvent.objects.filter(action="2fa_verify", actor=officer, outcome="failure").count() == 1
    assert AuditEvent.objects.filter(action="2fa_verify", actor=officer, outcome="success").count() == 1

    # The same code, in another session, is refused: it was already used.
    other = client.__class__()
    sign_in(other, officer)
    response = other.post("/accounts/2fa/verify/", {"code": code})
    assert "already used" in response.content.decode()
    assert other.get("/allegations/").status_code == 302


def test_it_slows_down_repeated_wrong_codes(client, officer):
    device = enrolled(officer)
    sign_in(client, officer)
    client.post("/accounts/2fa/verify/", {"code": "111111"})
    # Straight after a failure even the right code waits for the back-off to pass.
    client.post("/accounts/2fa/verify/", {"code": current_code(device)})
    assert client.get("/").status_code == 302


def test_a_backup_code_works_once(client, officer):
    from accounts.two_factor import backup_codes_generate

    enrolled(officer)
    code = backup_codes_generate(actor=officer)[0]
    sign_in(client, officer)
    grouped = " ".join(code[i:i + 4] for i in range(0, 16, 4))
    assert client.post("/accounts/2fa/verify/", {"code": grouped.upper()}).status_code == 302
    assert client.get("/").status_code == 200
    assert AuditEvent.objects.get(action="2fa_verify", outcome="success").detail == {
        "method": "backup_code", "backup_codes_left": 9}
    other = client.__class__()
    sign_in(other, officer)
    assert other.post("/accounts/2fa/verify/", {"code": code}).status_code == 200
    assert other.get("/").status_code == 302


def test_a_verified_user_can_replace_the_backup_codes(client, officer):
    from accounts.two_factor import backup_codes_generate

    device = enrolled(officer)
    old = backup_codes_generate(actor=officer)
    sign_in(client, officer)
    client.post("/accounts/2fa/verify/", {"code": current_code(device)})
    assert "10 unused backup codes" in client.get("/accounts/2fa/setup/").content.decode()
    client.post("/accounts/2fa/backup-codes/")
    new = set(StaticToken.objects.filter(device__user=officer).values_list("token", flat=True))
    assert len(new) == 10 and not new & set(old)


def test_an_administrator_resets_two_factor_and_it_is_audited(client, officer):
    device = enrolled(officer)
    sign_in(client, officer)
    client.post("/accounts/2fa/verify/", {"code": current_code(device)})
    assert client.get("/").status_code == 200

    admin = make_user("admin1", ADMINISTRATOR)
    admin.is_staff = True
    admin.save()
    admin_client = client.__class__()
    sign_in(admin_client, admin)
    admin_client.post("/accounts/2fa/verify/", {"code": current_code(enrolled(admin))})
    response = admin_client.post("/admin/auth/user/", {"action": "reset_two_factor", "_selected_action": [officer.pk]})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=officer).exists()
    assert AuditEvent.objects.filter(action="2fa_reset", object_id=str(officer.pk), actor=admin).exists()
    # The officer's verified session ended with the reset.
    assert client.get("/").url.startswith("/accounts/login/")


def test_login_page_then_middleware_lead_to_verification(client, officer):
    enrolled(officer)
    response = client.post("/accounts/login/", {"username": "officer", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("two_factor_verify"))


def test_it_does_not_require_two_factor_in_the_demo(client, officer, settings):
    settings.SEA_REQUIRE_2FA = False
    sign_in(client, officer)
    assert client.get("/").status_code == 200
    assert client.get("/accounts/2fa/setup/").status_code == 200  # may still enrol


def test_a_password_only_session_sees_no_case_menu(client, officer):
    sign_in(client, officer)
    page = client.get("/accounts/2fa/setup/").content.decode()
    assert 'href="/allegations/"' not in page and 'href="/accounts/password/"' not in page
    assert "Sign out" in page
