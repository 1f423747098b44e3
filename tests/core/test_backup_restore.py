"""The documented backup and restore: dump, restore into an empty database, and every encrypted
value and evidence file decrypts with the keys (and only with them)."""

import os
import re
import subprocess
import sys
import tarfile
import time
import uuid
from pathlib import Path

import psycopg
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction

from allegations.attachments import attachment_add, attachment_delete
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


# --- the dump and the files describe the same moment (README "Backup and restore") ---------

def start_backup(dest: Path, **env: str) -> subprocess.Popen:
    environment = {k: v for k, v in os.environ.items() if k != "SEA_ATTACHMENT_DIR"}
    return subprocess.Popen([str(ROOT / "ops" / "backup.sh"), str(dest)], stdout=subprocess.PIPE,  # noqa: S603
                            stderr=subprocess.PIPE, text=True,
                            env={**environment, "PYTHON": sys.executable,
                                 "DATABASE_URL": url_for(connection.settings_dict["NAME"]), **env})


def finish(process: subprocess.Popen) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=300)
    return process.returncode, out, err


def archived_names(folder: str) -> set[str]:
    with tarfile.open(Path(folder) / "attachments.tar") as tar:
        return {member.name.removeprefix("./") for member in tar.getmembers() if member.isfile()}


def dumped_stored_names(folder: str) -> set[str]:
    """The attachment rows in the dump, read back by pg_restore (its COPY data as text)."""
    text = subprocess.run(["pg_restore", "--data-only", "--table=allegations_attachment", "--file=-",  # noqa: S603,S607
                           str(Path(folder) / "database.dump")], capture_output=True, text=True, check=True).stdout
    return set(re.findall(r"\t([0-9a-f]{32})\t", text))


def add_file(officer, allegation, content: bytes = b"%PDF-1.4 evidence"):
    return attachment_add(actor=officer, allegation=allegation, uploaded=SimpleUploadedFile("e.pdf", content))


def test_it_fails_when_the_attachment_dir_is_unset_while_the_database_lists_files(officer, car, postgres, tmp_path):
    add_file(officer, AllegationFactory(mission=car))
    code, out, err = finish(start_backup(tmp_path / "b"))  # SEA_ATTACHMENT_DIR not in the environment
    assert code != 0, out
    assert "SEA_ATTACHMENT_DIR is not set" in err and "1 evidence file" in err
    assert not list((tmp_path / "b").glob("sea-cases-*"))  # no half-made backup left to be trusted


def test_it_fails_naming_the_attachment_whose_file_is_missing(officer, car, postgres, tmp_path, attachment_dir):
    allegation = AllegationFactory(mission=car)
    kept, lost = add_file(officer, allegation), add_file(officer, allegation, b"%PDF-1.4 lost")
    (attachment_dir / lost.stored_name).unlink()
    code, out, err = finish(start_backup(tmp_path / "b", SEA_ATTACHMENT_DIR=str(attachment_dir)))
    assert code != 0, out
    assert "missing" in err and str(lost.pk) in err and str(kept.pk) not in err
    assert "e.pdf" not in err  # the uploader's file name can name a victim: ids only


def test_it_archives_exactly_the_files_of_the_dumped_rows_not_one_added_meanwhile(officer, car, postgres, tmp_path,
                                                                                  attachment_dir):
    allegation = AllegationFactory(mission=car)
    before = add_file(officer, allegation)
    (attachment_dir / "0123abcd.part").write_bytes(b"half an upload")  # no row: never archived
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE backup_gate (id int)")
    gate = psycopg.connect(url_for(connection.settings_dict["NAME"]))
    try:
        # pg_dump locks every table it dumps: holding this one stops it after the snapshot was taken
        # and the rows listed, while the application goes on writing.
        gate.execute("LOCK TABLE backup_gate IN ACCESS EXCLUSIVE MODE")
        backup = start_backup(tmp_path / "b", SEA_ATTACHMENT_DIR=str(attachment_dir))
        deadline = time.monotonic() + 60
        while not gate.execute("SELECT 1 FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
                               "WHERE c.relname = 'backup_gate' AND NOT l.granted").fetchone():
            assert backup.poll() is None and time.monotonic() < deadline, finish(backup)
            time.sleep(0.05)
        after = add_file(officer, allegation, b"%PDF-1.4 after the snapshot")  # row and file both committed
        gate.rollback()
        code, out, err = finish(backup)
    finally:
        gate.close()
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS backup_gate")
    assert code == 0, err
    folder = out.strip()
    assert dumped_stored_names(folder) == {before.stored_name}
    assert archived_names(folder) == {before.stored_name}  # not `after`, not the .part file
    assert after.stored_name in {p.name for p in attachment_dir.iterdir()}


def test_it_takes_a_new_snapshot_when_a_user_deletes_a_file_meanwhile(officer, car, postgres, tmp_path,
                                                                     attachment_dir):
    allegation = AllegationFactory(mission=car)
    kept, deleted = add_file(officer, allegation), add_file(officer, allegation, b"%PDF-1.4 deleted")
    with transaction.atomic():
        with connection.cursor() as cursor:
            # The backup's snapshot is taken, then its listing waits on this lock; the deletion
            # commits (and its file goes) before the listing runs, on the older snapshot.
            cursor.execute("LOCK TABLE allegations_attachment IN ACCESS EXCLUSIVE MODE")
            backup = start_backup(tmp_path / "b", SEA_ATTACHMENT_DIR=str(attachment_dir))
            deadline = time.monotonic() + 60
            while True:
                cursor.execute("SELECT 1 FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
                               "WHERE c.relname = 'allegations_attachment' AND NOT l.granted")
                if cursor.fetchone():
                    break
                assert backup.poll() is None and time.monotonic() < deadline, finish(backup)
                time.sleep(0.05)
        attachment_delete(actor=officer, attachment=deleted)
    code, out, err = finish(backup)
    assert code == 0, err
    assert "taking a new snapshot" in err
    assert archived_names(out.strip()) == dumped_stored_names(out.strip()) == {kept.stored_name}
