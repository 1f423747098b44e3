import pytest

from accounts.models import ApiToken
from core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_it_shows_a_new_token_once_and_stores_only_its_hash(client, officer):
    client.force_login(officer)
    response = client.post("/accounts/tokens/", {"name": "export script", "days": 30})
    key = response.context["created_key"]
    assert response.status_code == 200 and key in response.content.decode()
    token = ApiToken.objects.get(user=officer)
    assert key not in (token.key_hash, token.prefix) and key.startswith(token.prefix)
    assert key not in client.get("/accounts/tokens/").content.decode()
    assert AuditEvent.objects.filter(action="api_token_create", actor=officer).exists()


def test_it_refuses_a_token_longer_than_a_year(client, officer):
    client.force_login(officer)
    response = client.post("/accounts/tokens/", {"name": "forever", "days": 5000})
    assert response.status_code == 400 and "days" in response.context["form"].errors
    assert not ApiToken.objects.exists()


def test_a_user_revokes_their_own_token_but_not_someone_elses(client, api, officer, teammate):
    officer_api = api(officer)
    token = ApiToken.objects.get(user=officer)
    client.force_login(teammate)
    assert client.post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 404
    assert officer_api.get("/api/v1/allegations/").status_code == 200
    client.force_login(officer)
    client.post(f"/accounts/tokens/{token.pk}/revoke/")
    assert officer_api.get("/api/v1/allegations/").status_code == 401


def test_an_administrator_revokes_any_token_from_the_admin(client, api, officer):
    from core.roles import ADMINISTRATOR
    from tests.factories import make_user

    officer_api = api(officer)
    token = ApiToken.objects.get(user=officer)
    admin = make_user("admin", ADMINISTRATOR)
    admin.is_staff = True
    admin.save()
    client.force_login(admin)
    response = client.post("/admin/accounts/apitoken/", {"action": "revoke", "_selected_action": [token.pk]})
    assert response.status_code == 302
    assert officer_api.get("/api/v1/allegations/").status_code == 401
    assert AuditEvent.objects.filter(action="api_token_revoke", actor=admin).exists()


def test_a_two_factor_reset_or_a_password_change_revokes_the_users_tokens(client, api, officer, teammate):
    from accounts.two_factor import two_factor_reset

    officer_api, teammate_api = api(officer), api(teammate)
    two_factor_reset(actor=teammate, user=officer)  # the lost-phone procedure
    assert officer_api.get("/api/v1/allegations/").status_code == 401
    client.force_login(teammate)
    response = client.post("/accounts/password/", {"old_password": "correct horse battery",
                                                    "new_password1": "a much longer passphrase 2026",
                                                    "new_password2": "a much longer passphrase 2026"})
    assert response.status_code == 302
    assert teammate_api.get("/api/v1/allegations/").status_code == 401
    assert AuditEvent.objects.filter(action="api_tokens_revoke_all").count() == 2
