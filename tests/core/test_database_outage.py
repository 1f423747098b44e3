"""A PostgreSQL restart and outage under the production setup: gunicorn (one worker, so every request
lands on the same kept connection), DEBUG off, CONN_MAX_AGE=60, a signed-in browser. The database
is a cluster of the test's own (tests/core/own_postgres.py), restarted and stopped at will.

After a restart no request fails; while it is down every page answers the product's 503 page (the
session middleware's failure included), /healthz its JSON, the API its JSON error, with Retry-After,
one log line per request and no identity in the log; once it is back the same session works.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest

from tests.conftest import TEST_AUDIT_KEYS, TEST_BLIND_KEY, TEST_FIELD_KEYS
from tests.core.own_postgres import OwnPostgres
from tests.core.servers import Client, free_port, stop, wait_for

ROOT = Path(__file__).resolve().parents[2]
USERNAME, PASSWORD, FULL_NAME = "outage.officer", "outage-test-password-2026", ("Amaya", "Quillfeather")
# Nothing of the test's shell may configure the server (it would point it elsewhere).
NOT_INHERITED = ("EMAIL_", "SEA_", "DATABASE_URL", "REDIS_URL", "DEFAULT_FROM_EMAIL", "CELERY_", "DEBUG",
                 "SECRET_KEY", "LOG_", "DB_CONN_MAX_AGE", "ALLOWED_HOSTS", "SECURE_", "AXES_",
                 "DJANGO_ALLOW_ASYNC_UNSAFE")
UNAVAILABLE_TEXT = "SEA Cases cannot reach its database at the moment."


class Browser(Client):
    """A browser behind the TLS proxy: says https in X-Forwarded-Proto, as nginx does."""

    def __init__(self, port: int) -> None:
        super().__init__(port, headers={"X-Forwarded-Proto": "https", "Accept-Language": "en"},
                         origin=f"https://127.0.0.1:{port}")

    def sign_in(self) -> None:
        page = self.get("/accounts/login/")
        assert page.status == 200, (page.status, page.body[:500])
        answer = self.request("POST", "/accounts/login/",
                              {"csrfmiddlewaretoken": self.csrf(page), "username": USERNAME, "password": PASSWORD})
        assert answer.status == 302 and answer.headers["Location"] == "/", (answer.status, answer.body[:500])
        assert "sessionid" in self.cookies


class Server:
    """gunicorn, one sync worker, in its own process group; its log (JSON lines) in a file."""

    def __init__(self, env: dict[str, str], log_path: Path) -> None:
        self.port = free_port()
        self.log_path = log_path
        with open(log_path, "ab") as log:
            self.process = subprocess.Popen(  # noqa: S603 (our own server, fixed arguments)
                [sys.executable, "-m", "gunicorn", "sea_cases.wsgi:application", "--bind", f"127.0.0.1:{self.port}",
                 "--workers", "1", "--timeout", "60", "--graceful-timeout", "5"],
                cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True)
        try:
            wait_for(lambda: Browser(self.port).get("/healthz").status == 200, self.process, "gunicorn", log_path,
                     seconds=60)
        except AssertionError:
            self.stop()
            raise

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        stop(self.process)


@dataclass
class App:
    cluster: OwnPostgres
    server: Server

    def browser(self) -> Browser:
        return Browser(self.server.port)

    def app_connections(self) -> int:
        with psycopg.connect(self.cluster.url("postgres"), autocommit=True) as admin:
            return admin.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = 'sea_outage'").fetchone()[0]


@pytest.fixture(scope="module")
def app(tmp_path_factory) -> Iterator[App]:
    tmp = tmp_path_factory.mktemp("outage")
    with OwnPostgres.create() as cluster:
        with psycopg.connect(cluster.url("postgres"), autocommit=True) as admin:
            admin.execute("CREATE DATABASE sea_outage")
        env = {k: v for k, v in os.environ.items() if not k.startswith(NOT_INHERITED)}
        env |= {
            "DEBUG": "0", "SEA_DEMO": "0", "SECRET_KEY": secrets.token_urlsafe(50),
            "DATABASE_URL": cluster.url("sea_outage"), "DB_CONN_MAX_AGE": "60",
            "SEA_FIELD_KEYS": TEST_FIELD_KEYS, "SEA_BLIND_INDEX_KEY": TEST_BLIND_KEY, "SEA_AUDIT_KEYS": TEST_AUDIT_KEYS,
            "SEA_AUDIT_CHECKPOINT_FILE": str(tmp / "checkpoints.jsonl"), "SEA_ATTACHMENT_DIR": str(tmp / "attachments"),
            "SEA_EXPORT_DIR": str(tmp / "exports"), "EMAIL_FILE_PATH": str(tmp / "mail"),
            "SEA_REQUIRE_2FA": "0",  # signs in with the password form alone; two-factor is not what is tested
            "LOG_FORMAT": "json", "PYTHONUNBUFFERED": "1", "DJANGO_SETTINGS_MODULE": "tests.core.outage_settings",
        }
        first, last = FULL_NAME
        setup = subprocess.run(  # noqa: S603
            [sys.executable, "manage.py", "shell", "-c",
             "from django.core.management import call_command; call_command('migrate', verbosity=0); "
             "from django.contrib.auth import get_user_model; "
             f"get_user_model().objects.create_user({USERNAME!r}, password={PASSWORD!r}, first_name={first!r}, "
             f"last_name={last!r})"],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
        assert setup.returncode == 0, setup.stdout + setup.stderr
        server = Server(env, tmp / "gunicorn.log")
        try:
            yield App(cluster, server)
        finally:
            server.stop()


def outage_lines(log: str) -> list[dict]:
    lines = [json.loads(line) for line in log.splitlines() if line.startswith("{")]
    return [line for line in lines if line["logger"] == "sea.outage"]


def test_it_serves_the_first_request_after_a_postgresql_restart(app):
    browser = app.browser()
    browser.sign_in()
    assert browser.get("/").status == 200
    assert app.app_connections() == 1  # the worker keeps its connection (CONN_MAX_AGE): the case at stake

    app.cluster.restart()  # terminates that connection under the worker's feet

    home = browser.get("/")
    assert home.status == 200, home.body[:300]
    assert "Ask an administrator to grant you access" in home.body
    assert browser.get("/healthz").json()["status"] == "ok"
    assert "Internal Server Error" not in app.server.log()


def test_it_answers_503_during_an_outage_and_recovers_after_it(app):
    browser = app.browser()
    browser.sign_in()
    assert browser.get("/").status == 200
    session = browser.cookies["sessionid"]
    log_before = len(app.server.log())

    app.cluster.stop()
    try:
        failed = 0
        for path in ["/", "/allegations/", "/no-such-page/"]:  # a view, a list, a 404 (its page reads the user)
            page = browser.get(path)
            failed += 1
            assert page.status == 503, (path, page.status, page.body[:300])
            assert page.headers["Content-Type"].startswith("text/html")
            assert page.headers["Retry-After"] == "30"
            assert "Temporarily unavailable" in page.body and UNAVAILABLE_TEXT in page.body
            assert '<html lang="en">' in page.body and '<main id="main"' in page.body
            assert "Traceback" not in page.body and "Server error" not in page.body and USERNAME not in page.body
            assert "no-store" in page.headers["Cache-Control"]  # still outside the 503: headers middleware
            assert "default-src 'self'" in page.headers["Content-Security-Policy"]

        health = browser.get("/healthz")  # with the session cookie: the middleware fails before the view
        failed += 1
        assert health.status == 503 and health.headers["Retry-After"] == "30"
        assert health.json() == {"status": "error", "checks": {"database": "error", "keys": "ok",
                                                              "broker": "in-process", "worker": "in-process"}}
        anonymous = Browser(app.server.port).get("/healthz")  # the view's own check, as before
        assert anonymous.status == 503 and anonymous.json()["checks"]["database"] == "error"

        api = browser.get("/api/v1/allegations/")
        failed += 1
        assert api.status == 503 and api.headers["Retry-After"] == "30"
        assert api.json() == {"detail": "The service is temporarily unavailable. Try again in a minute."}

        french = Browser(app.server.port)
        french.cookies = {"sessionid": session, "django_language": "fr"}
        assert '<html lang="fr">' in french.get("/").body
        failed += 1

        assert browser.cookies.get("sessionid") == session  # nobody was signed out by the outage
    finally:
        app.cluster.start()

    home = browser.get("/")
    assert home.status == 200, home.body[:300]
    assert browser.get("/healthz").json()["status"] == "ok"

    log = app.server.log()[log_before:]
    lines = outage_lines(log)
    assert len(lines) == failed, log  # one line per failed request, no second one from Django
    assert all(line["level"] == "ERROR" and "answered 503" in line["message"] for line in lines)
    assert "Internal Server Error" not in log and "Traceback" not in log
    for identity in (USERNAME, *FULL_NAME, session):
        assert identity not in app.server.log()
