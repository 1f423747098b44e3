#!/usr/bin/env bash
# Restore a backup made by ops/backup.sh into an EMPTY database, then prove that every encrypted
# value and file opens with the configured keys and that the audit chain is intact.
#   DATABASE_URL=postgres://.../empty_db SEA_ATTACHMENT_DIR=/srv/sea/attachments SEA_FIELD_KEYS=... \
#     SEA_BLIND_INDEX_KEY=... SEA_AUDIT_KEYS=... ops/restore.sh /backups/sea-cases-20261128T020000Z
set -euo pipefail
src=${1:?usage: ops/restore.sh BACKUP_DIR}
: "${DATABASE_URL:?DATABASE_URL must point at an empty PostgreSQL database}"
root="$(cd "$(dirname "$0")/.." && pwd)"
python=${PYTHON:-"$root/.venv/bin/python"}
attachments=${SEA_ATTACHMENT_DIR:-"$root/var/attachments"}
(cd "$src" && sha256sum --check --quiet SHA256SUMS)
pg_restore --no-owner --no-privileges --exit-on-error --dbname="$DATABASE_URL" "$src/database.dump"
umask 077
mkdir -p "$attachments"
tar -C "$attachments" -xf "$src/attachments.tar"
"$python" "$root/manage.py" verify_decryption
"$python" "$root/manage.py" verify_audit
