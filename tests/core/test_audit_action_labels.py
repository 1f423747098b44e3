"""Every action the application writes to the audit trail has a label in words (core.audit_actions): the
audit page and the victim page never show a bare code to their readers."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings

from core.audit_actions import AUDIT_ACTIONS, action_choices, action_label

BASE = Path(settings.BASE_DIR)
SKIPPED = {".venv", "node_modules", "tests", "migrations", "var", "test-artifacts", "static", "locale"}
# The one place events are made; it takes the code from its caller.
WRITER = BASE / "core" / "audit.py"


def project_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*.py") if not SKIPPED & set(p.relative_to(root).parts))


def _codes(node: ast.expr, where: str) -> Iterator[str]:
    """The codes an `action=` argument can take: a literal, or either branch of `a if c else b`."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node.value
    elif isinstance(node, ast.IfExp):
        yield from _codes(node.body, where)
        yield from _codes(node.orelse, where)
    else:
        raise AssertionError(f"{where}: the action is not a literal code, so its label cannot be checked")


def _called(node: ast.Call) -> str:
    func = node.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def written_codes(root: Path) -> dict[str, str]:
    """Every action code passed to `audit_record` in the code base, with where it is written."""
    found: dict[str, str] = {}
    for path in project_files(root):
        if path == root / WRITER.relative_to(BASE):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _called(node) in {"audit_record", "AuditEvent", "create"}:
                action = next((k.value for k in node.keywords if k.arg == "action"), None)
                if action is None:
                    continue
                if _called(node) == "create" and "AuditEvent" not in ast.unparse(node.func):
                    continue  # some other model's create(action=...)
                where = f"{path.relative_to(root)}:{node.lineno}"
                for code in _codes(action, where):
                    found.setdefault(code, where)
    return found


def test_it_finds_the_codes_the_application_writes() -> None:
    codes = written_codes(BASE)
    # A sample from each app, so a collector that silently found nothing would fail here.
    assert {"login", "allegation_create", "identity_reveal", "referral_sent", "export", "access_denied",
            "user_change", "user_create"} <= codes.keys()


def test_it_has_a_label_for_every_action_code_written() -> None:
    missing = {code: where for code, where in written_codes(BASE).items() if code not in AUDIT_ACTIONS}
    assert not missing, "Label these in the app's AUDIT_ACTIONS (choices.py):\n" + "\n".join(
        f"{where}: {code!r}" for code, where in sorted(missing.items()))


def test_it_has_no_other_writer_of_audit_events() -> None:
    """Events are made in core/audit.py only (`audit_record`): the collector above sees every code."""
    making = re.compile(r"(?<!class )\bAuditEvent\(|AuditEvent\.objects\.(?:bulk_)?create")
    others = [str(p.relative_to(BASE)) for p in project_files(BASE)
              if p != WRITER and making.search(p.read_text(encoding="utf-8"))]
    assert others == []


def test_it_catches_a_code_without_a_label(tmp_path: Path) -> None:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "services.py").write_text(
        'def f(actor, x):\n    audit_record(action="login", actor=actor)\n'
        '    audit_record(action="made_up_action" if x else "logout", actor=actor)\n')
    codes = written_codes(tmp_path)
    assert codes == {"login": "app/services.py:2", "made_up_action": "app/services.py:3",
                     "logout": "app/services.py:3"}
    assert [c for c in codes if c not in AUDIT_ACTIONS] == ["made_up_action"]


def test_it_reads_an_unknown_code_as_words_and_lists_labels_sorted_as_read() -> None:
    assert action_label("some_old_action") == "some old action"
    assert action_label("identity_reveal") == "Identity viewed"
    labels = [label for _code, label in action_choices()]
    assert labels == sorted(labels, key=str.casefold) and len(labels) == len(AUDIT_ACTIONS)
