#!/usr/bin/env bash
# Load test: gunicorn (as in the Dockerfile: 3 sync workers) on PostgreSQL with DEBUG off, driven by
# locust at 10 and 50 concurrent users; prints a Markdown table (README "Load test").
#
#   bench/load_run.sh                       # database sea_load_big, seeded first if empty
#   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/sea_load_fresh bench/load_run.sh
#   LOAD_USERS="10 50" LOAD_SECONDS=60 LOAD_WARMUP=15 bench/load_run.sh
#
# Needs the bench extra (`pip install -e '.[bench]'`: locust). Everything it writes (keys, sessions,
# tokens, locust CSVs, gunicorn log) stays under var/bench/, which git ignores.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PY=$ROOT/.venv/bin/python
export BENCH_DATABASE_URL=${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/sea_load_big}
DB_NAME=${BENCH_DATABASE_URL##*/}
OUT=$ROOT/var/bench/$DB_NAME
PORT=${LOAD_PORT:-8765}
WORKERS=${LOAD_WORKERS:-3}
USERS=${LOAD_USERS:-"10 50"}
SECONDS_EACH=${LOAD_SECONDS:-60}
WARMUP=${LOAD_WARMUP:-15}
mkdir -p "$OUT" && chmod 700 "$ROOT/var/bench" "$OUT"

# Keys and SECRET_KEY for this database only: the seeder seals with them, gunicorn opens with them.
if [ ! -f "$OUT/keys.env" ]; then
  (umask 077; "$PY" - > "$OUT/keys.env" <<'EOF'
import secrets
from core.crypto import new_key
print(f"SECRET_KEY={secrets.token_urlsafe(50)}")
print(f"SEA_FIELD_KEYS=load1:{new_key()}")
print(f"SEA_BLIND_INDEX_KEY={new_key()}")
print(f"SEA_AUDIT_KEYS=load-audit:{new_key()}")
EOF
  )
fi
set -a; . "$OUT/keys.env"; set +a
# Production settings: DEBUG off (secure cookies, SSL redirect, HSTS); 2FA required. Requests carry
# X-Forwarded-Proto: https as from the TLS proxy in front of gunicorn.
export DEBUG=0 SEA_DEMO=0 DATABASE_URL=$BENCH_DATABASE_URL REDIS_URL=${LOAD_REDIS_URL:-redis://127.0.0.1:6379/10}
export ALLOWED_HOSTS=127.0.0.1,localhost LOG_LEVEL=WARNING SEA_ATTACHMENT_DIR=$OUT/attachments SEA_EXPORT_DIR=$OUT/exports
export SEA_API_RATE=${SEA_API_RATE:-6000/hour} DJANGO_SETTINGS_MODULE=sea_cases.settings

if ! "$PY" - <<'EOF'
import os, sys, psycopg
url = os.environ["BENCH_DATABASE_URL"]
try:
    with psycopg.connect(url) as c:
        sys.exit(0 if c.execute("SELECT count(*) FROM allegations_allegation").fetchone()[0] else 1)
except psycopg.Error:
    sys.exit(1)
EOF
then
  echo "Seeding $DB_NAME (100,000 allegations, 200,000 victims) ..." >&2
  (cd bench && "$PY" seed_large.py ${LOAD_SEED_ARGS:-}) | tee "$OUT/seed.md" >&2
else
  "$PY" manage.py migrate --noinput -v0
fi
"$PY" manage.py collectstatic --noinput -v0

"$PY" bench/load_sessions.py --out "$OUT/credentials.json" --sessions 60

"$ROOT/.venv/bin/gunicorn" sea_cases.wsgi:application --bind 127.0.0.1:$PORT --workers "$WORKERS" --timeout 60 \
  --pid "$OUT/gunicorn.pid" --error-logfile "$OUT/gunicorn.log" --daemon
trap 'kill "$(cat "$OUT/gunicorn.pid")" 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -fs -o /dev/null "http://127.0.0.1:$PORT/healthz" -H 'X-Forwarded-Proto: https' && break; sleep 0.2; done

export LOAD_CREDENTIALS=$OUT/credentials.json
LOCUST=("$ROOT/.venv/bin/locust" -f bench/locustfile.py --headless --host "http://127.0.0.1:$PORT" --only-summary
        --loglevel WARNING --stop-timeout 10)
echo "Warm-up ${WARMUP}s ..." >&2
"${LOCUST[@]}" -u 10 -r 10 --run-time "${WARMUP}s" > /dev/null 2>&1 || true

for users in $USERS; do
  echo "Running $users users for ${SECONDS_EACH}s ..." >&2
  "$PY" bench/rss_sampler.py "$(cat "$OUT/gunicorn.pid")" > "$OUT/rss-$users.txt" &
  SAMPLER=$!
  "${LOCUST[@]}" -u "$users" -r "$users" --run-time "${SECONDS_EACH}s" --csv "$OUT/u$users" > "$OUT/locust-$users.log" 2>&1 || true
  kill -INT "$SAMPLER"; wait "$SAMPLER" || true
done
"$PY" bench/load_report.py "$OUT" $USERS
