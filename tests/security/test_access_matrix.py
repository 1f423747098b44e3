"""The access-control matrix: every route of the URL resolver and every operation of the OpenAPI
schema, for every persona, answers exactly the expected status. Out-of-scope records answer 404
and never leak data. A new route without a row here fails the test."""

from __future__ import annotations

import json
import os

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.security.access_world import PERSONAS, build_world
from tests.security.expected_access import EXPECTED

pytestmark = pytest.mark.django_db

# The Django admin has its own staff-and-model-permission checks (tested in tests/core); static
# and translation plumbing carry no data.
EXCLUDED_NAMESPACES = ("admin",)
PAGE_METHODS = ("GET", "POST")
# Routes whose parameters are a secret link, not a record: a wrong guess is answered like any other.
SECRET_LINK_ROUTES = {"password_reset_confirm", "answer:open", "answer:code", "answer:step"}
# Published for everyone (a statistics release belongs to no operation): the same answer to every persona.
PUBLISHED_ROUTES = {"statistics:year", "statistics:release", "statistics:csv", "statistics:json"}
API_METHODS = ("GET", "POST", "PATCH", "DELETE")


def methods_for(route: str) -> tuple[str, ...]:
    return API_METHODS if route.startswith("api/") else PAGE_METHODS


def _routes(patterns, namespace: str = "", prefix: str = ""):
    """(name, route) for every named URL pattern, namespaced as `reverse` wants it."""
    for entry in patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace in EXCLUDED_NAMESPACES:
                continue
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _routes(entry.url_patterns, inner, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", prefix + str(entry.pattern)


def all_routes() -> dict[str, str]:
    return dict(_routes(get_resolver().url_patterns))


def _url(name: str, world, route: str) -> str:
    kwargs = {key: value for key, value in world.kwargs.items() if f":{key}>" in route or f"<{key}>" in route}
    if ":pk>" in route:
        kwargs["pk"] = world.kwargs[f"pk:{name.split('-')[0]}"]
    return reverse(name, kwargs=kwargs)


def _call(client, method: str, url: str):
    if method == "GET":
        return client.get(url)
    if url.startswith("/api/"):
        return client.generic(method, url, data=json.dumps({}), content_type="application/json")
    return client.post(url, data={})


def _client_for(persona: str, world):
    from django.test import Client

    client = Client()
    if world.users[persona] is not None:
        client.force_login(world.users[persona])
    return client


def test_every_route_has_an_expectation():
    missing = sorted(set(all_routes()) - set(EXPECTED))
    stale = sorted(set(EXPECTED) - set(all_routes()))
    assert not missing, f"routes without an access expectation: {missing}"
    assert not stale, f"expectations for routes that no longer exist: {stale}"


def test_every_api_operation_in_the_schema_has_an_expectation():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    routes = {route.replace("<uuid:", "{").replace("<int:", "{").replace(">", "}"): name
              for name, route in all_routes().items()}
    for path, operations in schema["paths"].items():
        normalised = path.lstrip("/").replace("{id}", "{pk}")
        name = routes.get(normalised)
        assert name is not None, f"schema path {path} is not a resolver route"
        for method in operations:
            assert method.upper() in EXPECTED[name], f"{method.upper()} {path} has no expectation"


@pytest.mark.parametrize("name", sorted(set(EXPECTED) | set(all_routes())))
def test_each_persona_gets_the_expected_answer(name):
    world = build_world()
    route = all_routes()[name]
    url = _url(name, world, route)
    has_object = "<" in route
    methods = methods_for(route)
    observed = {}
    for method in methods:
        for persona in PERSONAS:
            response = _call(_client_for(persona, world), method, url)
            observed[(method, persona)] = response.status_code
            body = b"".join(response.streaming_content) if response.streaming else response.content
            if has_object and persona == "outsider":
                for secret in world.secrets:
                    assert secret.encode() not in body, f"{method} {url} leaks {secret!r} to another operation"
    if os.environ.get("MATRIX_PRINT"):
        print(f"\nMATRIX {name!r}: " + repr({m: tuple(observed[(m, p)] for p in PERSONAS) for m in methods}) + ",")
        return
    assert name in EXPECTED, f"no expectation for {name}: observed {observed}"
    expected = {(m, p): EXPECTED[name][m][i] for m in methods for i, p in enumerate(PERSONAS)}
    assert observed == expected
    if has_object and name not in SECRET_LINK_ROUTES | PUBLISHED_ROUTES:
        # whatever the officer of the operation may do, the officer of another operation gets a 404
        for method in methods:
            if observed[(method, "officer")] not in (403, 405):
                assert observed[(method, "outsider")] == 404, f"{method} {url} answers another operation"


# What another operation's record may answer: never its content, never a validation of it.
OUT_OF_SCOPE_ANSWERS = {"page": {302, 404, 405}, "api": {401, 403, 404, 405}}


def _made_up_url(name: str, world, route: str) -> str:
    """The same route with ids that match no record."""
    import uuid

    made_up = type(world)(users=world.users, secrets=world.secrets, kwargs={
        key: (uuid.uuid4() if isinstance(value, uuid.UUID) else 987654321 if isinstance(value, int) else f"{value}-x")
        for key, value in world.kwargs.items()})
    return _url(name, made_up, route)


@pytest.mark.parametrize("name", sorted(name for name, route in all_routes().items() if "<" in route))
def test_a_refusal_never_depends_on_whether_the_record_exists_or_is_in_scope(name):
    """403 is decided before the lookup (same answer for any id); an out-of-scope or made-up id only
    ever gets the answers of OUT_OF_SCOPE_ANSWERS; pages never answer 403."""
    world = build_world()
    route = all_routes()[name]
    kind = "api" if route.startswith("api/") else "page"
    real, made_up = _url(name, world, route), _made_up_url(name, world, route)
    if name in SECRET_LINK_ROUTES:
        for method, persona in ((m, p) for m in methods_for(route) for p in PERSONAS):
            client = _client_for(persona, world)
            assert _call(client, method, real).status_code == _call(client, method, made_up).status_code
        return
    for method in methods_for(route):
        for persona in PERSONAS:
            client = _client_for(persona, world)
            on_real, on_made_up = _call(client, method, real).status_code, _call(client, method, made_up).status_code
            assert on_made_up in OUT_OF_SCOPE_ANSWERS[kind], (method, persona, made_up, on_made_up)
            if on_real == 403:
                assert on_made_up == 403, (method, persona, real, "403 depends on the record")
            if persona == "outsider" and name not in PUBLISHED_ROUTES:
                assert on_real in OUT_OF_SCOPE_ANSWERS[kind], (method, real, on_real)
            if kind == "page":
                assert on_real != 403, (method, persona, real)


# Sign-in, the second-factor pages themselves, health, language and sign-out stay reachable.
OPEN_BEFORE_SECOND_FACTOR = {"login", "logout", "healthz", "set_language", "two_factor_setup", "two_factor_verify",
                             "two_factor_backup_codes"}


def test_a_password_only_session_reaches_no_page_and_no_endpoint(settings):
    """Generated from the resolver: with two-factor required, every other route sends a session
    that has only passed the password to the second step (pages) or refuses it (API)."""
    settings.SEA_REQUIRE_2FA = True
    world = build_world()
    client = _client_for("officer", world)
    for name, route in all_routes().items():
        if name in OPEN_BEFORE_SECOND_FACTOR:
            continue
        url = _url(name, world, route)
        for method in methods_for(route):
            response = _call(client, method, url)
            if url.startswith("/api/"):
                assert response.status_code == 403, (method, url, response.status_code)
            else:
                assert response.status_code == 302 and "/accounts/2fa/" in response["Location"], (method, url)
