#!/usr/bin/env bash
# Back up SEA Cases: the PostgreSQL database and the sealed evidence files, with checksums.
#   DATABASE_URL=postgres://... SEA_ATTACHMENT_DIR=/srv/sea/attachments ops/backup.sh /backups
# Everything in the backup is ciphertext where it matters (identity, narratives, files): it is
# useless without the field keys, which are NOT in it. Keep the keys (SEA_FIELD_KEYS,
# SEA_BLIND_INDEX_KEY, SEA_AUDIT_KEYS, or the key file) in a separate, offline place: see README "Backup and restore".
set -euo pipefail
dest=${1:?usage: ops/backup.sh DEST_DIR}
: "${DATABASE_URL:?DATABASE_URL must point at the PostgreSQL database}"
attachments=${SEA_ATTACHMENT_DIR:-"$(cd "$(dirname "$0")/.." && pwd)/var/attachments"}
out="$dest/sea-cases-$(date -u +%Y%m%dT%H%M%SZ)"
umask 077
mkdir -p "$out"
pg_dump --format=custom --no-owner --no-privileges --file="$out/database.dump" "$DATABASE_URL"
mkdir -p "$attachments"
tar -C "$attachments" -cf "$out/attachments.tar" .
(cd "$out" && sha256sum database.dump attachments.tar > SHA256SUMS)
echo "$out"
