"""Locust scenarios for bench/load_run.sh: field officers and HQ analysts reading lists and records,
officers recording new allegations, and API clients listing allegations with a token.

Credentials (verified sessions, API tokens, record ids) come from bench/load_sessions.py through
LOAD_CREDENTIALS. Cookies are sent by hand: outside DEBUG they are Secure, and the server sits behind
a TLS proxy (X-Forwarded-Proto: https) while locust talks plain HTTP to gunicorn.
"""

import datetime
import itertools
import json
import os
import random
import re

from locust import HttpUser, between, task

CREDENTIALS = json.loads(open(os.environ["LOAD_CREDENTIALS"]).read())
_SESSIONS = {name: itertools.cycle(keys) for name, keys in CREDENTIALS["sessions"].items()}
SEARCHES = ["Bangui", "Kismayo", "CAF-2019", "SOM-2024-01", "0042", "Bria"]
YEARS = range(2015, 2026)
STATUSES = ["preliminary_assessment", "under_investigation", "substantiated"]
WAIT = [float(x) for x in os.environ.get("LOAD_WAIT", "1 3").split()]

_CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_SELECT = r'<select name="{}"[^>]*>(.*?)</select>'
_OPTION = re.compile(r'<option value="([^"]+)"')


def _options(html: str, name: str) -> list[str]:
    found = re.search(_SELECT.format(re.escape(name)), html, re.S)
    return _OPTION.findall(found.group(1)) if found else []


class Persona(HttpUser):
    abstract = True
    persona = ""
    wait_time = between(*WAIT)

    def on_start(self) -> None:
        origin = self.host.replace("http://", "https://")
        self.cookies = {"sessionid": next(_SESSIONS[self.persona])}
        self.headers = {"X-Forwarded-Proto": "https", "Referer": origin + "/", "Origin": origin}
        self.details = CREDENTIALS["detail_ids"][self.persona]

    def _cookie_header(self) -> dict:
        return {**self.headers, "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}

    def page(self, path: str, name: str, params: dict | None = None) -> None:
        with self.client.get(path, params=params, name=name, headers=self._cookie_header(), allow_redirects=False,
                             catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code} {response.headers.get('Location', '')}")

    @task(3)
    def allegation_list(self) -> None:
        self.page("/allegations/", "list")

    @task(1)
    def allegation_list_filtered(self) -> None:
        self.page("/allegations/", "list (filters)",
                  {"status": random.choice(STATUSES), "year": random.choice(YEARS), "page": random.randint(1, 5)})

    @task(2)
    def allegation_search(self) -> None:
        self.page("/allegations/", "list (search)", {"q": random.choice(SEARCHES)})

    @task(4)
    def allegation_detail(self) -> None:
        self.page(f"/allegations/{random.choice(self.details)}/", "detail")

    @task(2)
    def api_list(self) -> None:
        token = CREDENTIALS["tokens"][self.persona]
        with self.client.get("/api/v1/allegations/", params={"page": random.randint(1, 5)}, name="API list",
                             headers={"X-Forwarded-Proto": "https", "Authorization": f"Token {token}"},
                             allow_redirects=False, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")


class FieldOfficer(Persona):
    weight = 3
    persona = "load.officer"

    def on_start(self) -> None:
        super().on_start()
        self.form = None

    def _intake_form(self) -> None:
        """The blank intake form: CSRF token (field and cookie) and the choices it offers."""
        response = self.client.get("/allegations/new/", name="intake form (GET)", headers=self._cookie_header(),
                                   allow_redirects=False)
        html = response.text
        csrf = re.search(r"csrftoken=([A-Za-z0-9]+)", response.headers.get("Set-Cookie", ""))
        if csrf:
            self.cookies["csrftoken"] = csrf.group(1)
        self.form = {
            "token": _CSRF_FIELD.search(html).group(1),
            "mission": _options(html, "mission")[0],
            "forces": [v for v in _options(html, "perpetrators-0-force") if v in CREDENTIALS["intake_forces"]],
            "nationalities": [v for v in _options(html, "perpetrators-0-nationality") if v],
        }

    @task(1)
    def intake(self) -> None:
        if self.form is None or "csrftoken" not in self.cookies:
            self._intake_form()
        form = self.form
        received = datetime.date.today() - datetime.timedelta(days=random.randint(0, 300))
        data = {
            "csrfmiddlewaretoken": form["token"], "mission": form["mission"], "country": "",
            "location": random.choice(SEARCHES[:2]), "date_received": received.isoformat(),
            "incident_date": (received - datetime.timedelta(days=30)).strftime("%Y-%m"),
            "source": "ngo", "allegation_type": "SA", "subtype": "sexual_assault", "credibility": "pending",
            "narrative": "Load test intake. The victim is referred to by code only. " * 8,
            "narrative_confidential": "on",
            "perpetrators-TOTAL_FORMS": "1", "perpetrators-INITIAL_FORMS": "0",
            "perpetrators-MIN_NUM_FORMS": "0", "perpetrators-MAX_NUM_FORMS": "50",
            "perpetrators-0-force": random.choice(form["forces"]), "perpetrators-0-unit": "Unit 7",
            "perpetrators-0-nationality": random.choice(form["nationalities"]),
            "perpetrators-0-personnel_category": "military_contingent", "perpetrators-0-sex": "male",
            "perpetrators-0-final_action_category": "pending", "perpetrators-0-final_action": "",
        }
        with self.client.post("/allegations/new/", data=data, name="intake POST", headers=self._cookie_header(),
                              allow_redirects=False, catch_response=True) as response:
            location = response.headers.get("Location", "")
            if response.status_code != 302 or not re.match(r"^/allegations/[0-9a-f-]{36}/$", location):
                response.failure(f"HTTP {response.status_code} {location}")


class HeadquartersAnalyst(Persona):
    weight = 2
    persona = "load.analyst"
