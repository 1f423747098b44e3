"""Fresh signed-in sessions and API tokens for the load personas (bench/seed_large.py), written to a
0600 JSON file under var/bench/ for the locust users.

A session is made the way a real sign-in makes it: `auth.login` (audit row, login time, language)
then `django_otp.login` with the persona's confirmed authenticator device, the same call the
two-factor step makes after a right code. Nothing in the settings is relaxed: 2FA stays required.

    .venv/bin/python bench/load_sessions.py --out var/bench/sea_load_big/credentials.json [--sessions 60]
"""

import argparse
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _setup import setup_django  # noqa: E402

setup_django()

import django_otp  # noqa: E402
from django.contrib.auth import get_user_model, login  # noqa: E402
from django.contrib.auth.models import AnonymousUser  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.test import RequestFactory  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

from allegations.models import Allegation  # noqa: E402
from core.models import Force, Mission  # noqa: E402
from accounts.tokens import api_token_create  # noqa: E402

PERSONAS = ("load.officer", "load.analyst")


def verified_session(user) -> str:
    request = RequestFactory().post("/accounts/login/", REMOTE_ADDR="127.0.0.1")
    request.session = SessionStore()
    request.user = AnonymousUser()  # login() then sets the user, which django_otp.login() checks
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    request.session.cycle_key()
    django_otp.login(request, TOTPDevice.objects.get(user=user, confirmed=True))
    request.session.save()
    return request.session.session_key


def main(out: Path, sessions: int) -> None:
    users = {u.username: u for u in get_user_model().objects.filter(username__in=PERSONAS)}
    if set(users) != set(PERSONAS):
        raise SystemExit("Load personas missing: run bench/seed_large.py first.")
    officer = users["load.officer"]
    credentials = {
        "sessions": {name: [verified_session(users[name]) for _ in range(sessions)] for name in PERSONAS},
        "tokens": {name: api_token_create(actor=users[name], name="load test", days=1)[1] for name in PERSONAS},
        # The forces operating in the officer's operation (the intake form lists every active force;
        # one from another operation is rightly refused).
        "intake_forces": [str(pk) for pk in Force.objects.filter(missions__in=Mission.objects.editable_by(officer))
                          .values_list("pk", flat=True)],
        # Detail pages to visit: a sample of what each persona may open (the officer: its operation).
        "detail_ids": {
            "load.officer": [str(pk) for pk in Allegation.objects.visible_to(officer).order_by("?")
                             .values_list("pk", flat=True)[:2000]],
            "load.analyst": [str(pk) for pk in Allegation.objects.order_by("?").values_list("pk", flat=True)[:2000]],
        },
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(credentials, handle)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--sessions", type=int, default=60)
    args = parser.parse_args()
    main(args.out, args.sessions)
