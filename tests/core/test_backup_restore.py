"""The documented backup and restore: dump, restore into an empty database, and every encrypted
value and evidence file decrypts with the keys (and only with them)."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from allegations.attachments import attachment_add
from core.crypto import new_key
from tests.conftest import TEST_AUDIT_KEYS, TEST_BLIND_KEY, TEST_FIELD_KEYS
from tests.factories import AllegationFactory, make_victim

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[2]


def url_for(name: str) -> str:
    s = connection.settings_dict
    return f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{name}"


@pytest.fixture
def empty_database(postgres):
    name = f"sea_restore_{uuid.uuid4().hex[:8]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    yield name
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run(script: str, arg: str, **env) -> subprocess.CompletedProcess:
    return subprocess.run([str(ROOT / "ops" / script), arg], capture_output=True, text=True, timeout=300,  # noqa: S603
                          env={**os.environ, "PYTHON": sys.executable, **env})


def test_a_backup_restores_into_an_empty_database_and_everything_decrypts(officer, car, empty_database, tmp_path,
                                                                          attachment_dir):
    allegation = AllegationFactory(mission=car, narrative="restore canary narrative")
    make_victim(officer, allegation, full_name="Restore Canary")
    attachment_add(actor=officer, allegation=allegation, uploaded=SimpleUploadedFile("r.pdf", b"%PDF-1.4 canary"))
    backup = run("backup.sh", str(tmp_path / "backups"), DATABASE_URL=url_for(connection.settings_dict["NAME"]),
                 SEA_ATTACHMENT_DIR=str(attachment_dir))
    assert backup.returncode == 0, backup.stderr
    folder = backup.stdout.strip()
    assert b"Restore Canary" not in (Path(folder) / "database.dump").read_bytes()  # ciphertext only

    keys = {"SEA_FIELD_KEYS": TEST_FIELD_KEYS, "SEA_BLIND_INDEX_KEY": TEST_BLIND_KEY, "SEA_AUDIT_KEYS": TEST_AUDIT_KEYS}
    restored = run("restore.sh", folder, DATABASE_URL=url_for(empty_database),
                   SEA_ATTACHMENT_DIR=str(tmp_path / "restored-files"), **keys)
    assert restored.returncode == 0, restored.stderr + restored.stdout
    assert "encrypted values and files decrypt" in restored.stdout and "Audit chain intact" in restored.stdout

    wrong = subprocess.run([sys.executable, str(ROOT / "manage.py"), "verify_decryption"], capture_output=True,  # noqa: S603
                           text=True, timeout=120, env={**os.environ, "DATABASE_URL": url_for(empty_database),
                                                        "SEA_ATTACHMENT_DIR": str(tmp_path / "restored-files"),
                                                        # same key ids, other keys: only decrypting tells
                                                        "SEA_FIELD_KEYS": f"test2:{new_key()},test1:{new_key()}",
                                                        "SEA_BLIND_INDEX_KEY": TEST_BLIND_KEY,
                                                        "SEA_AUDIT_KEYS": TEST_AUDIT_KEYS})
    assert wrong.returncode != 0 and "cannot be decrypted" in wrong.stderr + wrong.stdout


def test_a_corrupted_backup_is_refused_before_anything_is_restored(officer, car, empty_database, tmp_path,
                                                                   attachment_dir):
    AllegationFactory(mission=car)
    folder = run("backup.sh", str(tmp_path / "b"), DATABASE_URL=url_for(connection.settings_dict["NAME"]),
                 SEA_ATTACHMENT_DIR=str(attachment_dir)).stdout.strip()
    dump = Path(folder) / "database.dump"
    dump.write_bytes(dump.read_bytes()[:-10] + b"0123456789")
    restored = run("restore.sh", folder, DATABASE_URL=url_for(empty_database),
                   SEA_ATTACHMENT_DIR=str(tmp_path / "r"), SEA_FIELD_KEYS=TEST_FIELD_KEYS,
                   SEA_BLIND_INDEX_KEY=TEST_BLIND_KEY, SEA_AUDIT_KEYS=TEST_AUDIT_KEYS)
    assert restored.returncode != 0 and "FAILED" in restored.stdout + restored.stderr
