import pytest
from rest_framework.test import APIClient

from core.tokens import api_token_create


@pytest.fixture
def api():
    """An API client for a persona, signed in with a personal token as a script would be."""

    def client_for(user) -> APIClient:
        client = APIClient()
        _token, key = api_token_create(user=user, name="test")
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        return client

    return client_for
