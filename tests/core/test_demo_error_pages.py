"""`make run` (the demo) shows the product's own error pages, never Django's debug page with the URL
list, and still works on plain HTTP: sign-in, static files, the printed demo logins.

The real `make run` in a subprocess (install skipped: the suite already runs in the installed
venv), on a fresh SQLite file and key file in a temporary directory instead of var/."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from http.cookies import SimpleCookie
from pathlib import Path

import pytest

from tests.conftest import require_service
from tests.core.servers import Answer, Client, free_port, stop, wait_for

ROOT = Path(__file__).resolve().parents[2]
# What `make run` would find in a fresh shell: none of the test run's configuration.
NOT_INHERITED = ("EMAIL_", "SEA_", "DATABASE_URL", "REDIS_URL", "DEFAULT_FROM_EMAIL", "CELERY_", "DEBUG",
                 "SECRET_KEY", "LOG_", "DB_CONN_MAX_AGE", "ALLOWED_HOSTS", "SECURE_", "AXES_", "DJANGO_")


class Demo(Client):
    """The demo on plain HTTP."""

    def __init__(self, port: int, log_path: Path) -> None:
        super().__init__(port)
        self.log_path = log_path

    def request(self, method: str, path: str, form: dict[str, str] | None = None) -> Answer:
        answer = super().request(method, path, form)
        for header in answer.headers.get_all("Set-Cookie") or []:
            # A Secure cookie would never be sent back over http://127.0.0.1: the demo's must not be.
            assert not any(morsel["secure"] for morsel in SimpleCookie(header).values()), header
        return answer

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
        wait_for(lambda: demo.get("/accounts/login/").status == 200, runner, "make run (its login page)", log_path,
                 seconds=120)
        yield demo
    finally:
        stop(runner)  # make and the runserver it started


def assert_product_page(text: str) -> None:
    assert "URLconf" not in text and "Traceback" not in text and "DEBUG = True" not in text
    assert "SEA&nbsp;Cases" in text and 'class="card narrow"' in text  # the product's base template


def test_it_shows_the_product_404_page_in_the_demo_not_the_debug_page(demo):
    page = demo.get("/no-such-page/")
    assert page.status == 404
    assert "There is no such page or record" in page.body
    assert_product_page(page.body)
    assert "no-store" in page.headers["Cache-Control"]


def test_it_still_serves_the_demo_on_plain_http_with_its_logins_and_static_files(demo):
    login = demo.get("/accounts/login/")
    assert login.status == 200 and "Sign in to SEA Cases" in login.body
    stylesheet = re.search(r'<link rel="stylesheet" href="([^"]+)"', login.body).group(1)
    assert demo.get(stylesheet).status == 200  # served without collectstatic
    assert "officer.car" in demo.log() and "sea-demo-2026" in demo.log()  # the printed demo logins

    answer = demo.request("POST", "/accounts/login/", {
        "csrfmiddlewaretoken": demo.csrf(login), "username": "officer.car", "password": "sea-demo-2026"})
    assert answer.status == 302 and answer.headers["Location"] == "/"  # no HTTPS redirect, no second factor in the demo
    home = demo.get("/")
    assert home.status == 200 and "Record an allegation" in home.body
    missing = demo.get("/allegations/00000000-0000-0000-0000-000000000000/")
    assert missing.status == 404 and "There is no such page or record" in missing.body
    assert_product_page(missing.body)


def test_it_shows_the_product_403_page_in_the_demo(demo):
    forged = Demo(demo.port, demo.log_path)  # no CSRF cookie or token: what a forged form sends
    page = forged.request("POST", "/accounts/login/", {"username": "officer.car", "password": "x"})
    assert page.status == 403
    assert "Form expired" in page.body
    assert_product_page(page.body)
