"""The real broker and real workers, for the tests that need them (tests/referrals/worker.py starts them)."""

import uuid

import pytest
import time_machine
import redis
from django.db import connection

from tests.conftest import TEST_AUDIT_KEYS, TEST_BLIND_KEY, TEST_FIELD_KEYS
from tests.referrals.worker import Worker, database_url_for

FILE_BACKEND = "django.core.mail.backends.filebased.EmailBackend"


@pytest.fixture
def broker(redis_url):
    """Redis db of REDIS_URL, empty, with eager mode off: `.delay()` publishes for real."""
    from sea_cases.celery import app

    assert app.conf.broker_url == redis_url, "the test process must publish to the broker the worker consumes"
    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False
    yield app, client
    app.conf.task_always_eager = previous
    client.flushdb()
    client.close()


@pytest.fixture
def mail_dir(tmp_path):
    path = tmp_path / "mail"
    path.mkdir()
    return path


@pytest.fixture
def start_worker(postgres, broker, redis_url, mail_dir, settings, tmp_path):
    """Start real workers on the test database; every one is SIGKILLed (whole group) at teardown,
    before pytest-django flushes the database."""
    app, _ = broker
    assert settings.SEA_FIELD_KEYS == TEST_FIELD_KEYS and settings.SEA_BLIND_INDEX_KEY == TEST_BLIND_KEY
    base_env = {
        "DATABASE_URL": database_url_for(connection.settings_dict["NAME"]),
        "REDIS_URL": redis_url,
        "SEA_FIELD_KEYS": TEST_FIELD_KEYS,
        "SEA_BLIND_INDEX_KEY": TEST_BLIND_KEY,
        "SEA_AUDIT_KEYS": TEST_AUDIT_KEYS,
        "SEA_AUDIT_CHECKPOINT_FILE": str(tmp_path / "audit-checkpoints.jsonl"),
        "SEA_DEMO": "0",
        "DEBUG": "0",
        "SECRET_KEY": f"worker-test-{uuid.uuid4().hex}",
        "EMAIL_BACKEND": FILE_BACKEND,
        "EMAIL_FILE_PATH": str(mail_dir),
    }
    started: list[Worker] = []

    def start(**env: str) -> Worker:
        worker = Worker(env={**base_env, **env}, log_dir=tmp_path)
        started.append(worker)
        return worker.start(app)

    yield start
    for worker in started:
        worker.kill()


@pytest.fixture
def referral(officer, chief, credible, france, approve):
    """A referral to France sent on 2 March 2026: its answer is due on 16 March."""
    from referrals.models import Referral
    from referrals.services import referral_draft

    with time_machine.travel("2026-03-02 09:00", tick=False):
        draft = referral_draft(actor=officer, allegation=credible, member_state=france)
        approve(chief, draft)
    return Referral.objects.get(pk=draft.pk)
