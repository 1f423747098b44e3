"""A session that proved an answer link's code signs no one in: generated over the URL map, every other
route answers it exactly what it answers an anonymous visitor (sign-in, 401, 404...), and another
referral's records stay out of reach."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client

from referrals.answer_links import answer_link_issue, answer_url
from referrals.models import Referral, ReferralStatus
from tests.security.access_world import build_world
from tests.security.expected_access import EXPECTED
from tests.security.test_access_matrix import _call, _url, all_routes, methods_for

pytestmark = pytest.mark.django_db
ANONYMOUS = 0  # the personas' order in EXPECTED


def verified_client(referral: Referral) -> tuple[Client, str]:
    """A browser that opened the focal point's link and entered the code it was sent."""
    Referral.objects.filter(pk=referral.pk).update(status=ReferralStatus.SENT, sent_on="2016-06-01",
                                                   response_due="2016-06-15", investigation_due="2099-01-01")
    path = answer_url(answer_link_issue(referral=referral, focal_point=referral.focal_points.first()))
    path = path.removeprefix("http://127.0.0.1:8000")
    client = Client()
    client.post(path + "code/")
    code = re.search(r"code is (\d{6})", mail.outbox[-1].body).group(1)
    assert client.post(path, {"code": code}).status_code == 302
    assert b"Record a step" in client.get(path).content
    return client, path


def test_a_verified_answer_session_reaches_every_other_route_as_an_anonymous_visitor(settings):
    settings.SITE_URL = "http://127.0.0.1:8000"
    world = build_world()
    client, _path = verified_client(Referral.objects.get(pk=world.kwargs["referral_id"]))
    checked = 0
    for name, route in all_routes().items():
        if name.startswith("answer:"):
            continue
        url = _url(name, world, route)
        for method in methods_for(route):
            response = _call(client, method, url)
            assert response.status_code == EXPECTED[name][method][ANONYMOUS], (method, url, response.status_code)
            if response.status_code == 302:
                assert response["Location"].startswith("/accounts/login/") or name in {"language", "set_language", "logout"}
            body = b"".join(response.streaming_content) if response.streaming else response.content
            for secret in world.secrets:
                assert secret.encode() not in body, (method, url, secret)
            checked += 1
    assert checked > 100
    assert "_auth_user_id" not in client.session


def test_another_token_is_refused_even_in_a_verified_session(settings):
    settings.SITE_URL = "http://127.0.0.1:8000"
    world = build_world()
    client, path = verified_client(Referral.objects.get(pk=world.kwargs["referral_id"]))
    refusal = client.get("/answer/not-a-token/")
    assert refusal.status_code == 404 and b"This link cannot be used" in refusal.content
    for suffix in ("", "code/", "steps/"):
        assert client.post(f"/answer/{world.kwargs['token']}/{suffix}").status_code == 404
