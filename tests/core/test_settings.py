import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_check(env_overrides: dict[str, str], *args: str, tmp_path) -> subprocess.CompletedProcess:
    # DJANGO_ALLOW_ASYNC_UNSAFE is the test harness's (conftest), never a deployment's.
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'empty.sqlite3'}"  # a fresh, empty database
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", "check", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_it_refuses_to_start_in_production_with_the_default_secret_key(tmp_path):
    result = run_check({"DEBUG": "0"}, tmp_path=tmp_path)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_it_starts_in_production_with_a_real_secret_key(tmp_path):
    result = run_check({"DEBUG": "0", "SECRET_KEY": "x" * 64, "SEA_FIELD_KEYS": "k1:" + "A" * 43,
                        "SEA_BLIND_INDEX_KEY": "B" * 43}, tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr


def test_it_passes_the_deployment_checklist_without_a_warning(tmp_path):
    import base64
    import secrets

    def key() -> str:
        return base64.b64encode(secrets.token_bytes(32)).decode()

    result = run_check({"DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(64), "ALLOWED_HOSTS": "sea.example.org",
                        "SEA_FIELD_KEYS": f"k1:{key()}", "SEA_BLIND_INDEX_KEY": key(), "SEA_AUDIT_KEYS": f"a1:{key()}"},
                       "--deploy", "--fail-level", "WARNING", tmp_path=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout + result.stderr


def test_it_refuses_to_start_on_a_bad_number_naming_the_variable(tmp_path):
    result = run_check({"SEA_RETENTION_DAYS": "ten years"}, tmp_path=tmp_path)
    assert result.returncode != 0
    assert "SEA_RETENTION_DAYS must be a whole number, not 'ten years'" in result.stderr


def test_it_refuses_to_start_on_a_yes_no_variable_it_cannot_read(tmp_path):
    """"ture" would have turned two-factor off under the old, lenient reading."""
    result = run_check({"SEA_REQUIRE_2FA": "ture"}, tmp_path=tmp_path)
    assert result.returncode != 0
    assert "SEA_REQUIRE_2FA must be one of 1/0, true/false" in result.stderr


def test_it_refuses_a_page_size_below_one(tmp_path):
    result = run_check({"SEA_PAGE_SIZE": "0"}, tmp_path=tmp_path)
    assert result.returncode != 0 and "SEA_PAGE_SIZE must be at least 1" in result.stderr
