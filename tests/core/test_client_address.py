"""Which address the audit trail, the login lockout and the public limits count: the client's, also
behind our nginx; a header written by a client itself counts for nothing."""

from django.test import RequestFactory

from core.audit import client_ip


def _request(peer: str, real_ip: str | None = None):
    extra = {"HTTP_X_REAL_IP": real_ip} if real_ip else {}
    return RequestFactory().get("/", REMOTE_ADDR=peer, **extra)


def test_it_takes_the_address_our_proxy_saw(settings):
    settings.SEA_TRUSTED_PROXIES = ["127.0.0.1", "172.16.0.0/12"]
    assert client_ip(_request("127.0.0.1", "203.0.113.7")) == "203.0.113.7"
    assert client_ip(_request("172.18.0.5", "2001:db8::0:1")) == "2001:db8::1"


def test_it_ignores_the_header_from_anyone_else(settings):
    settings.SEA_TRUSTED_PROXIES = ["127.0.0.1"]
    assert client_ip(_request("198.51.100.9", "203.0.113.7")) == "198.51.100.9"


def test_it_keeps_the_peer_when_the_proxy_sends_no_usable_header(settings):
    settings.SEA_TRUSTED_PROXIES = ["127.0.0.1"]
    assert client_ip(_request("127.0.0.1")) == "127.0.0.1"
    assert client_ip(_request("127.0.0.1", "not-an-address")) == "127.0.0.1"


def test_it_trusts_no_proxy_by_default(settings):
    settings.SEA_TRUSTED_PROXIES = []
    assert client_ip(_request("127.0.0.1", "203.0.113.7")) == "127.0.0.1"
