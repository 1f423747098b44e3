#!/usr/bin/env bash
# Back up SEA Cases: the PostgreSQL database and the sealed evidence files, with checksums.
#   DATABASE_URL=postgres://... SEA_ATTACHMENT_DIR=/srv/sea/attachments ops/backup.sh /backups
# The dump and the file archive are of one moment (one exported snapshot, ops/backup_snapshot.py):
# the archive holds exactly the files of the dumped attachment rows. The backup FAILS (exit 1) when
# a listed file is missing, or when SEA_ATTACHMENT_DIR is unset while the database lists files.
# Everything in the backup is ciphertext where it matters (identity, narratives, files): it is
# useless without the field keys, which are NOT in it. Keep the keys (SEA_FIELD_KEYS,
# SEA_BLIND_INDEX_KEY, SEA_AUDIT_KEYS, or the key file) in a separate, offline place: see README "Backup and restore".
set -euo pipefail
dest=${1:?usage: ops/backup.sh DEST_DIR}
: "${DATABASE_URL:?DATABASE_URL must point at the PostgreSQL database}"
root="$(cd "$(dirname "$0")/.." && pwd)"
# The project's venv, else the image's python (docker: psycopg is installed system-wide).
python=${PYTHON:-"$root/.venv/bin/python"}
[ -x "$python" ] || python=python3
out="$dest/sea-cases-$(date -u +%Y%m%dT%H%M%SZ)"
umask 077
mkdir -p "$out"
# A failed backup must not look like one: remove the half-written folder.
if ! "$python" "$root/ops/backup_snapshot.py" "$out"; then
  rm -rf -- "$out"
  exit 1
fi
(cd "$out" && sha256sum database.dump attachments.tar > SHA256SUMS)
echo "$out"
