"""Shared test setup: keys, personas (officer / teammate / outsider / analyst), and service gates.

Under CI=true a missing PostgreSQL, Redis or Chromium is a failure, never a skip.
"""

import datetime
import os
import shutil

import pytest
from django.db import connection

from allegations.models import Credibility
from core.crypto import new_key
from core.roles import FIELD_OFFICER, HQ_ANALYST, VICTIMS_RIGHTS_ADVOCATE
from tests.factories import (
    AllegationFactory,
    ForceFactory,
    MemberStateFactory,
    MissionFactory,
    PerpetratorFactory,
    make_approver,
    make_focal_point,
    make_user,
)

# Playwright's sync API runs an event loop in the test thread; the ORM calls made by
# the test itself are still ordinary synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

IN_CI = os.environ.get("CI", "").lower() == "true"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
TEST_FIELD_KEYS = f"test2:{new_key()},test1:{new_key()}"
TEST_BLIND_KEY = new_key()
TEST_AUDIT_KEYS = f"audit2:{new_key()},audit1:{new_key()}"


def require_service(available: bool, what: str) -> None:
    if available:
        return
    if IN_CI:
        pytest.fail(f"{what} is required under CI=true")
    pytest.skip(f"{what} not available here")


@pytest.fixture
def postgres(db):
    require_service(connection.vendor == "postgresql", "PostgreSQL (set DATABASE_URL)")


@pytest.fixture
def redis_url():
    url = os.environ.get("REDIS_URL", "")
    require_service(bool(url), "Redis (set REDIS_URL)")
    return url


@pytest.fixture(autouse=True)
def tasks_run_in_process():
    """Tasks run eagerly unless a test asks for the real broker and worker (see `celery_worker_process`)."""
    from sea_cases.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def each_test_starts_in_english():
    """A request in French leaves French active in the thread (as in a server, where the next request
    activates its own language); a test starts from the default, whatever ran before it."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def empty_cache():
    """The cache counts guesses at answer links per address (every test client is 127.0.0.1): each
    test starts with none counted."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Personas are created by the dozen; the production hasher's cost is not what tests measure."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def attachment_dir(settings, tmp_path):
    settings.SEA_ATTACHMENT_DIR = tmp_path / "attachments"
    return settings.SEA_ATTACHMENT_DIR


@pytest.fixture(autouse=True)
def field_keys(settings):
    settings.SEA_FIELD_KEYS = TEST_FIELD_KEYS
    settings.SEA_BLIND_INDEX_KEY = TEST_BLIND_KEY
    settings.SEA_AUDIT_KEYS = TEST_AUDIT_KEYS
    settings.SEA_DEMO = False


@pytest.fixture(autouse=True)
def audit_checkpoint_file(settings, tmp_path):
    settings.SEA_AUDIT_CHECKPOINT_FILE = tmp_path / "audit-checkpoints.jsonl"
    return settings.SEA_AUDIT_CHECKPOINT_FILE


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Transactional tests end with Django's flush, a TRUNCATE of every table, which the audit
    trail's trigger refuses: the test database alone lets it through (tests/core/test_audit_trail.py
    turns the trigger back on to show it works)."""
    with django_db_blocker.unblock():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ALTER TABLE core_auditevent DISABLE TRIGGER core_auditevent_no_truncate")


@pytest.fixture
def car(db):
    country = MemberStateFactory(iso3="CAF", iso2="CF", name="Central African Republic")
    return MissionFactory(name="Central African Republic", country=country)


@pytest.fixture
def somalia(db):
    country = MemberStateFactory(iso3="SOM", iso2="SO", name="Somalia")
    return MissionFactory(name="Somalia", country=country)


@pytest.fixture
def sangaris(car):
    return ForceFactory(name="Sangaris", missions=[car])


@pytest.fixture
def amisom(somalia):
    return ForceFactory(name="AMISOM", missions=[somalia])


@pytest.fixture
def officer(car):
    return make_user("officer", FIELD_OFFICER, change=[car])


@pytest.fixture
def teammate(car):
    return make_user("teammate", FIELD_OFFICER, change=[car])


@pytest.fixture
def outsider(somalia):
    return make_user("outsider", FIELD_OFFICER, change=[somalia])


@pytest.fixture
def analyst(db):
    return make_user("analyst", HQ_ANALYST, global_view=True)


@pytest.fixture
def advocate(car):
    return make_user("advocate", VICTIMS_RIGHTS_ADVOCATE, change=[car])


# --- referrals: a credible allegation, its authority, an approver -------------------------

@pytest.fixture
def france(db):
    state = MemberStateFactory(iso3="FRA", iso2="FR", name="France")
    make_focal_point(state, "general", "sea-focal@defense.example.fr")
    make_focal_point(state, "permanent_mission", "pm@france.example.org")
    return state


@pytest.fixture
def credible(car, sangaris, france):
    sangaris.lead_member_state, sangaris.lead_regional_organisation = france, None
    sangaris.save()
    allegation = AllegationFactory(mission=car, credibility=Credibility.CREDIBLE, date_received=datetime.date(2016, 5, 2))
    PerpetratorFactory(allegation=allegation, force=sangaris, nationality=france, identified=True)
    return allegation


@pytest.fixture
def chief(car):
    return make_approver("chief", car)


@pytest.fixture
def approve(django_capture_on_commit_callbacks):
    """Approve as the view does; the sending task (queued on commit) runs at once, in-process."""
    from referrals.services import referral_approve

    def run(actor, referral, version=None):
        with django_capture_on_commit_callbacks(execute=True):
            return referral_approve(actor=actor, referral=referral,
                                    expected_version=referral.version if version is None else version)

    return run



# --- browser tests: Debian's Chromium driven by pytest-playwright -----------------------

BROWSER_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
]


@pytest.fixture(scope="session")
def base_url(pytestconfig):
    """pytest-playwright's own `base_url` (when pytest-base-url is absent) is a session fixture
    defined as a method of a plugin object, which pytest deprecates (refused by pytest 10); this
    plain function gives the same value. The tests pass live_server.url themselves."""
    return pytestconfig.getoption("--base-url", default=None) or pytestconfig.getini("base_url") or None


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "headless": True, "args": BROWSER_ARGS}


@pytest.fixture
def chromium_available():
    require_service(shutil.which(CHROMIUM) is not None or os.path.exists(CHROMIUM), f"Chromium at {CHROMIUM}")


@pytest.fixture
def login(live_server, page, chromium_available):
    """Sign a persona in through the real login form; returns the page."""

    def sign_in(user, password="correct horse battery"):
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", user.username)
        page.fill("#id_password", password)
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server.url}/")
        return page

    return sign_in


@pytest.fixture
def api():
    """An API client for a persona, signed in with a personal token as a script would be."""
    from rest_framework.test import APIClient

    from accounts.tokens import api_token_create

    def client_for(user):
        client = APIClient()
        _token, key = api_token_create(actor=user, name="test")
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        return client

    return client_for
