"""The production stack without Docker: gunicorn on sea_cases.settings with DEBUG off and two-factor on
(a real SECRET_KEY, fresh keys, collected static files with their manifest), behind Debian's nginx
running the committed ops/nginx/sea-cases.conf.template (filled in as the nginx image's envsubst
does), on free loopback ports with a self-signed certificate made here. Through the proxy: plain
HTTP redirects to HTTPS, /healthz answers, a user signs in with password and TOTP code and reaches
the home page, static files come from nginx. The database is this run's test database; under
CI=true a missing nginx fails, it does not skip.
"""

from __future__ import annotations

import datetime
import ipaddress
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.conf import global_settings
from django.db import connection
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.crypto import new_key
from core.roles import FIELD_OFFICER
from tests.conftest import require_service
from tests.core.servers import Client, free_port, stop, wait_for
from tests.factories import make_user

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "ops" / "nginx" / "sea-cases.conf.template"
PASSWORD = "correct horse battery"
# Nothing of the test run's own configuration may reach the server: it gets the production settings only.
NOT_INHERITED = ("EMAIL_", "SEA_", "DATABASE_URL", "REDIS_URL", "DEFAULT_FROM_EMAIL", "CELERY_", "DEBUG",
                 "SECRET_KEY", "LOG_", "DB_CONN_MAX_AGE", "ALLOWED_HOSTS", "SECURE_", "AXES_", "DJANGO_",
                 "STATIC_ROOT", "SITE_URL", "CSRF_")


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if os.access(p, os.X_OK)), None)


def self_signed(directory: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    key_path.chmod(0o600)
    return cert_path, key_path


def render(template: str, values: dict[str, str]) -> str:
    """envsubst as the nginx image runs it: only the named ${VAR}s, nginx's own $vars untouched."""
    rendered = re.sub(r"\$\{([A-Z_]+)\}", lambda m: values.get(m.group(1), m.group(0)), template)
    left = [line for line in rendered.splitlines() if "${" in line and not line.lstrip().startswith("#")]
    assert not left, left  # a placeholder the compose file would not fill in either
    return rendered


@dataclass
class Stack:
    http_port: int
    https_port: int
    ca: Path
    logs: list[Path]

    def browser(self) -> Client:
        """HTTPS through the proxy, verifying its certificate."""
        return Client(self.https_port, scheme="https", ca=self.ca, headers={"Accept-Language": "en"})

    def plain_http(self, headers: dict[str, str]) -> Client:
        """Plain HTTP to the proxy, sending these headers."""
        return Client(self.http_port, headers=headers)

    def log(self) -> str:
        return "\n".join(f"--- {p.name}\n{p.read_text(errors='replace')[-4000:]}" for p in self.logs if p.exists())


@pytest.fixture(scope="module")
def stack(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[Stack]:
    nginx = nginx_binary()
    require_service(nginx is not None, "nginx (apt-get install nginx-light)")
    with django_db_blocker.unblock():
        require_service(connection.vendor == "postgresql", "PostgreSQL (set DATABASE_URL)")
        s = connection.settings_dict
    tmp = tmp_path_factory.mktemp("stack")
    http_port, https_port, app_port = free_port(), free_port(), free_port()
    database_url = f"postgres://{s['USER']}{':' + s['PASSWORD'] if s['PASSWORD'] else ''}@{s['HOST'] or '127.0.0.1'}:" \
                   f"{s['PORT'] or 5432}/{s['NAME']}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(NOT_INHERITED)}
    # What .env.example asks a deployment for, generated here.
    env |= {"DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "127.0.0.1",
            "SITE_URL": f"https://127.0.0.1:{https_port}", "DATABASE_URL": database_url,
            "SEA_FIELD_KEYS": f"k1:{new_key()}", "SEA_BLIND_INDEX_KEY": new_key(), "SEA_AUDIT_KEYS": f"a1:{new_key()}",
            "STATIC_ROOT": str(tmp / "static"), "SEA_ATTACHMENT_DIR": str(tmp / "attachments"),
            "SEA_EXPORT_DIR": str(tmp / "exports"), "SEA_AUDIT_CHECKPOINT_FILE": str(tmp / "checkpoints.jsonl"),
            "SEA_TRUSTED_PROXIES": "127.0.0.1",
            "EMAIL_FILE_PATH": str(tmp / "mail"), "PYTHONUNBUFFERED": "1"}
    if os.environ.get("REDIS_URL"):
        env["REDIS_URL"] = os.environ["REDIS_URL"]
    collect = subprocess.run(  # noqa: S603 (our own command)
        [sys.executable, "manage.py", "collectstatic", "--noinput"], cwd=ROOT, capture_output=True, text=True,
        timeout=120, env={**env, "DJANGO_SETTINGS_MODULE": "tests.core.static_build_settings"})
    assert collect.returncode == 0, collect.stderr

    cert, key = self_signed(tmp)
    values = {"SEA_HTTP_LISTEN": f"127.0.0.1:{http_port}", "SEA_HTTPS_LISTEN": f"127.0.0.1:{https_port}",
              "SEA_UPSTREAM": f"127.0.0.1:{app_port}", "SEA_STATIC_ROOT": str(tmp / "static"),
              "SEA_TLS_CERTIFICATE": str(cert), "SEA_TLS_CERTIFICATE_KEY": str(key),
              "SITE_URL": env["SITE_URL"]}
    (tmp / "sea-cases.conf").write_text(render(TEMPLATE.read_text(), values))
    for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (tmp / "nginx" / sub).mkdir(parents=True)
    # A private nginx: its own main file, pid, logs and temp paths; the committed file inside http{}.
    # Under root its workers stay root so they can read the test's private (0700) directories.
    (tmp / "nginx.conf").write_text(f"""
{"user root;" if os.geteuid() == 0 else ""}
worker_processes 1;
daemon off;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log info;
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {tmp}/nginx-access.log;
    client_body_temp_path {tmp}/nginx/body;
    proxy_temp_path {tmp}/nginx/proxy;
    fastcgi_temp_path {tmp}/nginx/fastcgi;
    uwsgi_temp_path {tmp}/nginx/uwsgi;
    scgi_temp_path {tmp}/nginx/scgi;
    include {tmp}/sea-cases.conf;
}}
""")
    nginx_cmd = [nginx, "-p", str(tmp), "-e", str(tmp / "nginx-error.log"), "-c", str(tmp / "nginx.conf")]
    checked = subprocess.run([*nginx_cmd, "-t"], capture_output=True, text=True, timeout=30)  # noqa: S603
    assert checked.returncode == 0, checked.stderr

    app_log, proxy_log = tmp / "gunicorn.log", tmp / "nginx-error.log"
    with open(app_log, "ab") as log:
        app = subprocess.Popen(  # noqa: S603 (the compose file's command, on a loopback port)
            [sys.executable, "-m", "gunicorn", "sea_cases.wsgi:application", "--bind", f"127.0.0.1:{app_port}",
             "--workers", "2", "--timeout", "60"], cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=log,
            stderr=subprocess.STDOUT, start_new_session=True)
    proxy = subprocess.Popen(nginx_cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,  # noqa: S603
                             stderr=subprocess.DEVNULL, start_new_session=True)
    stack = Stack(http_port, https_port, cert, [app_log, proxy_log, tmp / "nginx-access.log"])
    try:
        wait_for(lambda: socket.create_connection(("127.0.0.1", https_port), timeout=1).close() is None,
                 proxy, "nginx", proxy_log)
        wait_for(lambda: stack.browser().request("GET", "/healthz").status == 200, app, "gunicorn", app_log)
        yield stack
    finally:
        stop(proxy)
        stop(app)


@pytest.fixture
def officer_with_totp(car, settings) -> tuple[object, TOTPDevice]:
    # The server verifies with the production hashers, not the tests' fast one.
    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS
    user = make_user("stack.officer", FIELD_OFFICER, change=[car])
    return user, TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


def totp_code(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return f"{totp.token():0{device.digits}d}"


def test_it_redirects_plain_http_to_the_https_site(stack):
    response = stack.plain_http({"Host": "evil.example"}).get("/accounts/login/?next=/victims/")
    assert response.status == 301
    # To SITE_URL, whatever Host the request named.
    assert response.headers["Location"] == f"https://127.0.0.1:{stack.https_port}/accounts/login/?next=/victims/"


def test_it_answers_healthz_over_https_as_json_without_redirecting(stack):
    answer = stack.browser().request("GET", "/healthz")
    assert answer.status == 200, stack.log()
    assert answer.json()["status"] in {"ok", "degraded"}  # as JSON
    # Django saw HTTPS through X-Forwarded-Proto: it adds HSTS and does not redirect.
    assert answer.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_it_refuses_a_forged_forwarded_proto_on_plain_http(stack):
    response = stack.plain_http({"X-Forwarded-Proto": "https"}).get("/healthz")
    assert response.status == 301  # port 80 never reaches the application


def test_it_signs_in_with_password_and_totp_and_reaches_the_home_page(stack, officer_with_totp):
    user, device = officer_with_totp
    browser = stack.browser()
    login = browser.request("GET", "/accounts/login/")
    assert login.status == 200, stack.log()
    answer = browser.request("POST", "/accounts/login/", {"csrfmiddlewaretoken": browser.csrf(login),
                                                         "username": user.username, "password": PASSWORD})
    assert answer.status == 302, (answer.status, answer.body[:300], stack.log())
    assert all("; Secure" in h for h in browser.set_cookies), browser.set_cookies
    home = browser.request("GET", "/")
    assert home.status == 302 and home.headers["Location"].startswith("/accounts/2fa/verify/")  # password is not enough
    verify = browser.request("GET", home.headers["Location"])
    assert verify.status == 200, verify.body[:300]
    answer = browser.request("POST", "/accounts/2fa/verify/",
                             {"csrfmiddlewaretoken": browser.csrf(verify), "code": totp_code(device), "next": "/"})
    assert answer.status == 302 and answer.headers["Location"] == "/", (answer.status, answer.body[:500])
    home = browser.request("GET", "/")
    assert home.status == 200, stack.log()
    assert "Welcome, stack.officer" in home.body and "Record an allegation" in home.body


def test_it_serves_the_collected_static_files_from_nginx(stack):
    login = stack.browser().request("GET", "/accounts/login/")
    stylesheet = re.search(r'<link rel="stylesheet" href="(/static/[^"]+\.css)"', login.body).group(1)
    assert re.search(r"\.[0-9a-f]{12}\.css$", stylesheet), stylesheet  # the manifest's hashed name: production storage
    css = stack.browser().request("GET", stylesheet)
    assert css.status == 200
    assert css.headers["Content-Type"] == "text/css"
    assert css.headers["Cache-Control"] == "public, max-age=2592000"  # nginx's location, not WhiteNoise's answer
    assert css.body.strip()


# --- the compose file and .env.example, read as Docker would (no Docker daemon here) ----------

def compose() -> dict:
    import yaml

    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_it_lists_every_variable_the_settings_read_in_env_example():
    source = (ROOT / "sea_cases" / "settings.py").read_text()
    read = set(re.findall(r'(?:os\.environ\.get\(|env_(?:bool|int|float|list)\()\s*"([A-Z0-9_]+)"', source))
    assert {"SECRET_KEY", "SITE_URL", "SEA_FIELD_KEYS", "SEA_AUDIT_KEYS", "EMAIL_HOST", "SEA_HQ_ESCALATION_EMAILS"} <= read
    example = (ROOT / ".env.example").read_text()
    set_by_compose = set(compose()["x-env"])
    assert not {name for name in read if name not in example and name not in set_by_compose}
    assert re.search(r"^POSTGRES_PASSWORD=", example, re.M) and re.search(r"^SITE_URL=https://", example, re.M)


def test_it_starts_web_worker_and_beat_after_the_migrations_with_writable_volumes():
    services = compose()["services"]
    for name in ("web", "worker", "beat"):
        assert services[name]["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}, name
        assert "migrate" not in services[name]["command"], name
    assert "manage.py migrate" in services["migrate"]["command"] and services["migrate"]["restart"] == "no"
    environment = compose()["x-env"]
    for name in ("web", "worker"):
        mounts = {m.split(":")[1] for m in services[name]["volumes"]}
        assert {environment["SEA_ATTACHMENT_DIR"], environment["SEA_EXPORT_DIR"],
                str(Path(environment["SEA_AUDIT_CHECKPOINT_FILE"]).parent)} <= mounts, name
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "USER sea" in dockerfile and "chown sea /srv/sea/checkpoints /srv/sea/attachments /srv/sea/exports" in dockerfile


def test_it_publishes_only_the_proxy_which_runs_the_committed_template():
    services = compose()["services"]
    assert [name for name, service in services.items() if service.get("ports")] == ["proxy"]
    assert "./ops/nginx/sea-cases.conf.template:/etc/nginx/templates/default.conf.template:ro" in services["proxy"]["volumes"]
    placeholders = set(re.findall(r"\$\{([A-Z_]+)\}", TEMPLATE.read_text()))
    assert placeholders <= set(services["proxy"]["environment"])
    health = " ".join(services["web"]["healthcheck"]["test"])
    assert "X-Forwarded-Proto': 'https'" in health and "/healthz" in health
