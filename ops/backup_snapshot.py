"""The consistent part of ops/backup.sh: the database dump and the evidence-file archive of ONE moment.

One REPEATABLE READ transaction exports its snapshot, lists the attachment rows it sees, archives
exactly those files (nothing else in the directory: half-written uploads, files whose row has not
committed or was deleted), then has pg_dump dump that same snapshot (`pg_dump --snapshot`) while
the transaction is still open. The backup fails, with the ids (never the uploaders' file names,
which can name a victim), when a listed file is missing or the directory is unknown while rows
exist: an archive that does not match its dump restores as evidence that can no longer be opened.

A file deleted between the snapshot and its copy (a user deleted an evidence file meanwhile: the
file goes on commit) is told apart from a lost one by looking again outside the snapshot; the
whole backup is then taken again on a new snapshot. Files are written once under a random name
(os.replace of a sealed file); a key rotation may re-seal one in place, atomically, and the file's
own header names its key, so a copy from either side of the rotation opens with the keyring.

Run by ops/backup.sh; stdlib and psycopg only (no Django settings, no keys needed).
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import tarfile
from pathlib import Path

import psycopg

ATTEMPTS = 3
# Attachment.stored_name is secrets.token_hex(16); anything else is refused rather than joined to a path.
STORED_NAME = re.compile(r"^[0-9a-f]{16,64}$")


class BackupFailed(Exception):
    pass


class Retry(Exception):
    pass


def listed_rows(cursor: psycopg.Cursor) -> list[tuple[str, str]]:
    cursor.execute("SELECT id::text, stored_name FROM allegations_attachment ORDER BY stored_name")
    return [(row[0], row[1]) for row in cursor.fetchall()]


def archive(rows: list[tuple[str, str]], directory: Path | None, tar_path: Path, database_url: str) -> None:
    if rows and directory is None:
        raise BackupFailed(f"SEA_ATTACHMENT_DIR is not set, but the database lists {len(rows)} evidence file(s): "
                           "set it to the directory the application stores them in (settings.SEA_ATTACHMENT_DIR).")
    missing: list[tuple[str, str]] = []
    with tarfile.open(tar_path, "w", format=tarfile.PAX_FORMAT) as tar:
        for pk, name in rows:
            if directory is None or not STORED_NAME.match(name):
                raise BackupFailed(f"attachment {pk}: unexpected stored name {name!r}; nothing was archived")
            try:
                # Read through one descriptor: a re-seal (os.replace) between a stat and an open of
                # the path could otherwise pair one file's size with the other's bytes.
                with open(directory / name, "rb") as handle:
                    data = handle.read()
                    mtime = os.fstat(handle.fileno()).st_mtime
            except FileNotFoundError:
                missing.append((pk, name))
                continue
            info = tarfile.TarInfo(name)
            info.size, info.mode, info.mtime = len(data), 0o600, int(mtime)
            tar.addfile(info, io.BytesIO(data))
    if missing:
        with psycopg.connect(database_url, autocommit=True) as now:
            still_there = {row[0] for row in now.execute(
                "SELECT id::text FROM allegations_attachment WHERE id::text = ANY(%s)", ([pk for pk, _ in missing],))}
        lost = [(pk, name) for pk, name in missing if pk in still_there]
        if lost:
            listing = ", ".join(f"{pk} (file {name})" for pk, name in lost)
            raise BackupFailed(f"{len(lost)} evidence file(s) listed in the database are missing from {directory}: "
                               f"{listing}")
        raise Retry  # deleted by a user since the snapshot: take the backup again on a fresh one


def backup_once(database_url: str, directory: Path | None, out: Path) -> int:
    with psycopg.connect(database_url) as conn:
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        conn.read_only = True
        with conn.cursor() as cursor:
            cursor.execute("SELECT pg_export_snapshot()")  # the first statement fixes the transaction's snapshot
            snapshot = cursor.fetchone()[0]
            rows = listed_rows(cursor)
            archive(rows, directory, out / "attachments.tar", database_url)
            # The exporting transaction stays open until pg_dump is done: its snapshot lives as long.
            dump = subprocess.run(  # noqa: S603 (fixed arguments; the URL is the operator's own)
                ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot}",  # noqa: S607
                 f"--file={out / 'database.dump'}", database_url], check=False)
            if dump.returncode != 0:
                raise BackupFailed(f"pg_dump failed (exit {dump.returncode})")
        conn.rollback()
    return len(rows)


def main() -> int:
    out = Path(sys.argv[1])
    database_url = os.environ["DATABASE_URL"]
    configured = os.environ.get("SEA_ATTACHMENT_DIR", "")
    directory = Path(configured) if configured else None
    for attempt in range(1, ATTEMPTS + 1):
        try:
            count = backup_once(database_url, directory, out)
        except Retry:
            print(f"backup: an evidence file was deleted during attempt {attempt}; taking a new snapshot", file=sys.stderr)
            continue
        except BackupFailed as failure:
            print(f"backup FAILED: {failure}", file=sys.stderr)
            return 1
        print(f"backup: database dump and {count} evidence file(s) of one snapshot", file=sys.stderr)
        return 0
    print(f"backup FAILED: evidence files kept being deleted during {ATTEMPTS} attempts", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
