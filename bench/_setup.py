"""Point Django at a scratch PostgreSQL database for benchmarks (never the application's own)."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH_DB = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/sea_bench")


def setup_django() -> None:
    import psycopg

    sys.path.insert(0, str(ROOT))
    name = BENCH_DB.rsplit("/", 1)[1]
    with psycopg.connect(BENCH_DB.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = BENCH_DB
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sea_cases.settings")
    os.environ.setdefault("SEA_DEMO", "0")
    import django

    from core.crypto import new_key

    os.environ.setdefault("SEA_FIELD_KEYS", f"bench2:{new_key()},bench1:{new_key()}")
    os.environ.setdefault("SEA_BLIND_INDEX_KEY", new_key())
    os.environ.setdefault("SEA_AUDIT_KEYS", f"bench-audit:{new_key()}")
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
