"""bandit over the application packages: a medium or high finding fails the suite (part of `make test`)."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ["allegations", "victims", "referrals", "reporting", "accounts", "core", "sea_cases"]


def test_it_finds_no_medium_or_high_security_issue_with_bandit():
    result = subprocess.run(
        [sys.executable, "-m", "bandit", "-c", "pyproject.toml", "-r", *PACKAGES, "-ll", "-f", "json", "-q"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    report = json.loads(result.stdout)
    findings = [f"{r['filename']}:{r['line_number']} {r['test_id']} {r['issue_text']}" for r in report["results"]]
    assert findings == []
    assert result.returncode == 0, result.stderr
    # It really read the code (a wrong path would scan nothing and find nothing).
    assert report["metrics"]["_totals"]["loc"] > 1000
