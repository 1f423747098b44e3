"""Page-weight budget of the intake form, measured in Chromium against static files served the production way.

Budget (issue "Low bandwidth"): under 150 KB uncompressed on a first load, under 30 KB transferred
on a later load. "Later load" = the officer comes back to the form in the same browser (follows the
"Record an allegation" link again): CSS and JS come from the browser cache (hashed names, immutable),
the page itself is fetched again because every dynamic response is no-store (case data is never cached).

Static files are collected into a temporary STATIC_ROOT with CompressedManifestStaticFilesStorage
and served by WhiteNoise (no DEBUG static handler), as behind gunicorn in production. The numbers are
written to test-artifacts/page-weight.json.
"""

import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connections
from django.test.testcases import LiveServerThread

from tests.reference_data import load_forces, load_member_states

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
KB = 1024
FIRST_LOAD_BUDGET = 150 * KB  # uncompressed bytes of every response
CACHED_LOAD_BUDGET = 30 * KB  # bytes on the wire (headers + encoded bodies)


@pytest.fixture
def production_server(settings, tmp_path, transactional_db, chromium_available):
    """A live server whose static files are hashed, compressed and answered by WhiteNoise."""
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {**settings.STORAGES,
                         "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}}
    settings.DEBUG = False
    # Only the project's own files (the pages measured use nothing else): compressing the API
    # documentation bundles with brotli would take minutes on a small CI machine.
    settings.STATICFILES_FINDERS = ["django.contrib.staticfiles.finders.FileSystemFinder"]
    call_command("collectstatic", interactive=False, verbosity=0)
    overrides = {c.alias: c for c in connections.all() if c.vendor == "sqlite" and c.is_in_memory_db()}
    for conn in overrides.values():
        conn.inc_thread_sharing()
    # No static handler: /static/ goes through the middleware stack, i.e. WhiteNoise.
    thread = LiveServerThread("127.0.0.1", static_handler=lambda app: app, connections_override=overrides)
    thread.daemon = True
    thread.start()
    thread.is_ready.wait()
    if thread.error:
        raise thread.error
    yield f"http://127.0.0.1:{thread.port}"
    thread.terminate()
    for conn in overrides.values():
        conn.dec_thread_sharing()


class Traffic:
    """Every response the page receives while recording, with its uncompressed and on-the-wire size."""

    def __init__(self, page):
        self.responses = []
        page.on("response", lambda response: self.responses.append(response))

    def measure(self) -> dict:
        rows = []
        for response in self.responses:
            sizes = response.request.sizes()
            body = response.body() if response.status not in (301, 302, 303, 304) else b""
            rows.append({
                "url": response.url.split("/", 3)[-1],
                "status": response.status,
                "type": response.request.resource_type,
                "encoding": response.headers.get("content-encoding", ""),
                "cache_control": response.headers.get("cache-control", ""),
                "uncompressed": len(body),
                "transferred": sizes["responseBodySize"] + sizes["responseHeadersSize"],
            })
        self.responses.clear()
        return {"uncompressed": sum(r["uncompressed"] for r in rows),
                "transferred": sum(r["transferred"] for r in rows), "responses": rows}


def test_it_keeps_the_intake_form_within_the_page_weight_budget(production_server, page, officer, car, sangaris):
    load_member_states()
    load_forces(car)
    page.goto(f"{production_server}/accounts/login/")
    page.fill("#id_username", officer.username)
    page.fill("#id_password", "correct horse battery")
    page.click("button[type=submit]")
    page.wait_for_url(f"{production_server}/")
    traffic = Traffic(page)

    # First load: a browser cache without the stylesheet or script (signing in filled it).
    page.goto("about:blank")
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.clearBrowserCache")
    traffic.responses.clear()
    page.goto(f"{production_server}/allegations/new/")
    page.wait_for_load_state("networkidle")
    first = traffic.measure()

    # Later load: back to the form through the menu, as an officer would.
    page.goto(f"{production_server}/")
    page.wait_for_load_state("networkidle")
    traffic.responses.clear()
    page.get_by_role("link", name="Record an allegation").first.click()
    page.wait_for_url(f"{production_server}/allegations/new/")
    page.wait_for_load_state("networkidle")
    cached = traffic.measure()

    static = [r for r in first["responses"] if r["url"].startswith("static/")]
    document = next(r for r in first["responses"] if r["type"] == "document")
    report = {"first_load": first, "cached_load": cached,
              "budget": {"first_load_uncompressed": FIRST_LOAD_BUDGET, "cached_load_transferred": CACHED_LOAD_BUDGET}}
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "page-weight.json").write_text(json.dumps(report, indent=2))

    assert page.locator("#id_perpetrators-0-nationality option").count() == 194  # 193 Member States + "---------"
    assert document["cache_control"] and "no-store" in document["cache_control"]
    assert static, "the page loads its stylesheet and script from /static/"
    for row in static:
        assert "immutable" in row["cache_control"] and "max-age=315360000" in row["cache_control"], row
        assert row["encoding"] in {"gzip", "br"}, row  # compressed by WhiteNoise
    assert first["uncompressed"] < FIRST_LOAD_BUDGET, json.dumps(first, indent=1)
    assert cached["transferred"] < CACHED_LOAD_BUDGET, json.dumps(cached, indent=1)
    assert all(r["transferred"] == 0 for r in cached["responses"] if r["url"].startswith("static/")), cached
