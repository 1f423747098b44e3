"""The layering of DESIGN.md as a check: `reporting → referrals → victims → allegations → accounts → core`
(`sea_cases`, the project, on top). A lower app that imports a higher one fails the suite."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APPS = ["sea_cases", "reporting", "referrals", "victims", "allegations", "accounts", "core"]


def lint_imports(tree: Path) -> subprocess.CompletedProcess:
    # A fresh interpreter whose path starts at `tree`, so the graph is built from that tree's files.
    return subprocess.run(  # noqa: S603 (our own interpreter and tool)
        [sys.executable, "-c", "import sys; from importlinter.cli import lint_imports_command; "
                               "sys.exit(lint_imports_command())", str(tree / "pyproject.toml"), "--no-cache"],
        cwd=tree, env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"}, capture_output=True, text=True,
        timeout=120, check=False)


def test_it_keeps_the_import_contract():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


def test_it_fails_on_a_lower_app_importing_a_higher_one(tmp_path):
    for app in APPS:
        shutil.copytree(ROOT / app, tmp_path / app, ignore=shutil.ignore_patterns("__pycache__", "migrations"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    models = tmp_path / "core" / "models.py"
    models.write_text(models.read_text() + "\nfrom victims.models import Victim  # noqa: E402 (the bad import)\n")
    result = lint_imports(tmp_path)
    assert result.returncode != 0
    assert "core.models -> victims.models" in result.stdout
