"""`make run` (the demo) shows the product's own error pages, never Django's debug page with the URL
list, and still works on plain HTTP: sign-in, static files, the printed demo logins.

The real `make run` in a subprocess (install skipped: the suite already runs in the installed
venv), on a fresh SQLite file and key file in a temporary directory instead of var/."""

from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import subprocess
import time
import urllib.parse
from collections.abc import Iterator
from http.cookies import SimpleCookie
from pathlib import Path

import pytest

from tests.conftest import require_service
from tests.core.own_postgres import free_port

ROOT = Path(__file__).resolve().parents[2]
# What `make run` would find in a fresh shell: none of the test run's configuration.
NOT_INHERITED = ("EMAIL_", "SEA_", "DATABASE_URL", "REDIS_URL", "DEFAULT_FROM_EMAIL", "CELERY_", "DEBUG",
                 "SECRET_KEY", "LOG_", "DB_CONN_MAX_AGE", "ALLOWED_HOSTS", "SECURE_", "AXES_", "DJANGO_")


class Demo:
    def __init__(self, port: int, log_path: Path) -> None:
        self.port, self.log_path = port, log_path
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict[str, str] | None = None) -> tuple[int, dict, str]:
        headers = {"Host": f"127.0.0.1:{self.port}"}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers |= {"Content-Type": "application/x-www-form-urlencoded", "Origin": f"http://127.0.0.1:{self.port}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            status, answer_headers, text = response.status, response.headers, response.read().decode(errors="replace")
        finally:
            connection.close()
        for header in answer_headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                # A Secure cookie would never be sent back over http://127.0.0.1: the demo's must not be.
                assert not morsel["secure"], header
                self.cookies[name] = morsel.value
        return status, answer_headers, text

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Iterator[Demo]:
    require_service(shutil.which("make") is not None, "make")
    require_service((ROOT / ".venv" / "bin" / "python").exists(), "the project's .venv (make install)")
    tmp = tmp_path_factory.mktemp("demo")
    env = {k: v for k, v in os.environ.items() if not k.startswith(NOT_INHERITED)}
    env |= {"DATABASE_URL": f"sqlite:///{tmp / 'demo.sqlite3'}", "SEA_KEY_FILE": str(tmp / "keys.json"),
            "SEA_AUDIT_CHECKPOINT_FILE": str(tmp / "checkpoints.jsonl"), "EMAIL_FILE_PATH": str(tmp / "mail"),
            "SEA_ATTACHMENT_DIR": str(tmp / "attachments"), "SEA_EXPORT_DIR": str(tmp / "exports"),
            "PYTHONUNBUFFERED": "1"}
    port = free_port()
    log_path = tmp / "make-run.log"
    with open(log_path, "ab") as log:
        runner = subprocess.Popen(  # noqa: S603 (the README's own command)
            ["make", "--no-print-directory", "-o", "install", "run", f"PORT={port}"], cwd=ROOT, env=env,  # noqa: S607
            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    demo = Demo(port, log_path)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if demo.request("GET", "/accounts/login/")[0] == 200:
                    break
            except OSError:
                pass
            if runner.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"make run did not serve the login page\n{demo.log()}")
            time.sleep(0.3)
        yield demo
    finally:
        if runner.poll() is None:
            os.killpg(runner.pid, signal.SIGTERM)  # make and the runserver it started
            try:
                runner.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(runner.pid, signal.SIGKILL)
                runner.wait(timeout=15)


def assert_product_page(text: str) -> None:
    assert "URLconf" not in text and "Traceback" not in text and "DEBUG = True" not in text
    assert "SEA&nbsp;Cases" in text and 'class="card narrow"' in text  # the product's base template


def test_it_shows_the_product_404_page_in_the_demo_not_the_debug_page(demo):
    status, headers, text = demo.request("GET", "/no-such-page/")
    assert status == 404
    assert "There is no such page or record" in text
    assert_product_page(text)
    assert "no-store" in headers["Cache-Control"]


def test_it_still_serves_the_demo_on_plain_http_with_its_logins_and_static_files(demo):
    status, _headers, text = demo.request("GET", "/accounts/login/")
    assert status == 200 and "Sign in to SEA Cases" in text
    stylesheet = re.search(r'<link rel="stylesheet" href="([^"]+)"', text).group(1)
    assert demo.request("GET", stylesheet)[0] == 200  # served without collectstatic
    assert "officer.car" in demo.log() and "sea-demo-2026" in demo.log()  # the printed demo logins

    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', text).group(1)
    status, headers, _text = demo.request("POST", "/accounts/login/", {
        "csrfmiddlewaretoken": token, "username": "officer.car", "password": "sea-demo-2026"})
    assert status == 302 and headers["Location"] == "/"  # no HTTPS redirect, no second factor in the demo
    status, _headers, home = demo.request("GET", "/")
    assert status == 200 and "Record an allegation" in home
    status, _headers, missing = demo.request("GET", "/allegations/00000000-0000-0000-0000-000000000000/")
    assert status == 404 and "There is no such page or record" in missing
    assert_product_page(missing)


def test_it_shows_the_product_403_page_in_the_demo(demo):
    forged = Demo(demo.port, demo.log_path)  # no CSRF cookie or token: what a forged form sends
    status, _headers, text = forged.request("POST", "/accounts/login/", {"username": "officer.car", "password": "x"})
    assert status == 403
    assert "Form expired" in text
    assert_product_page(text)
