"""One home for every rule: a domain value (a value of the apps' choices) is named through its vocabulary
module, never compared as a bare string in a template, a queryset, a service or a selector. Templates ask
the model (`referral.is_sent`, `job.in_progress`) or a selector's annotation (`r.answer_overdue`)."""

from __future__ import annotations

import ast
import importlib
import inspect
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import models

BASE = Path(settings.BASE_DIR)
APPS = ("allegations", "victims", "referrals", "reporting")
# Where rules are applied to data: the querysets, the services and the selectors (lists, caseloads, work items).
PYTHON_MODULES = ("querysets.py", "services.py", "selectors.py", "caseload.py", "work.py")
# `x == "value"`, `x != "value"`, `x in "value"` in a template tag, either quote.
TEMPLATE_COMPARISON = re.compile(r"""(?:==|!=|\bin)\s*(["'])([A-Za-z_]+)\1""")


def choice_values() -> frozenset[str]:
    """Every value of a TextChoices in the apps' vocabulary modules, and of those nested in their models
    (`Reminder.Status`, `ExportJob.Status`)."""
    choices: set[type[models.TextChoices]] = set()
    for app in APPS:
        module = importlib.import_module(f"{app}.choices")
        choices |= {obj for _, obj in inspect.getmembers(module, inspect.isclass)
                    if issubclass(obj, models.TextChoices) and obj is not models.TextChoices}
        for model in apps.get_app_config(app).get_models():
            choices |= {obj for obj in vars(model).values()
                        if inspect.isclass(obj) and issubclass(obj, models.TextChoices)}
    return frozenset(value for choice in choices for value in choice.values)


def template_offences(root: Path, values: frozenset[str]) -> list[str]:
    found = []
    for path in sorted([*root.rglob("*.html"), *root.rglob("*.txt")]):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            for match in TEMPLATE_COMPARISON.finditer(line):
                if match.group(2) in values:
                    found.append(f"{path.relative_to(root.parent)}:{number}: {match.group(0)}")
    return found


def _strings(node: ast.expr) -> Iterator[ast.Constant]:
    """The string constants a comparison or keyword argument names: itself, or inside a tuple, list or set."""
    items: Iterable[ast.expr] = node.elts if isinstance(node, (ast.Tuple, ast.List, ast.Set)) else (node,)
    for item in items:
        if isinstance(item, ast.Constant) and isinstance(item.value, str):
            yield item


def python_offences(path: Path, values: frozenset[str], *, root: Path) -> list[str]:
    found: list[ast.Constant] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Compare):
            candidates = [node.left, *node.comparators]
        # `status="sent"`, `kind__in=[...]`; not `select_for_update(of=("self",))`, Django's own word for the
        # model itself (it became a domain value too when ReportSubmitter.SELF arrived).
        elif isinstance(node, ast.keyword) and node.arg is not None and node.arg != "of":
            candidates = [node.value]
        else:
            continue
        for constant in (c for candidate in candidates for c in _strings(candidate)):
            if constant.value in values:
                found.append(constant)
    # ast.walk goes breadth first: report in the file's order.
    return [f"{path.relative_to(root)}:{c.lineno}: {c.value!r}"
            for c in sorted(found, key=lambda c: (c.lineno, c.col_offset))]


def python_files(root: Path) -> list[Path]:
    # choices.py (where the values are defined) and migrations (frozen history) are not scanned.
    return [root / app / name for app in APPS for name in PYTHON_MODULES if (root / app / name).exists()]


def test_it_finds_no_bare_domain_value_compared_in_templates() -> None:
    offences = template_offences(BASE / "templates", choice_values())
    assert not offences, "Name these through a model property or predicate:\n" + "\n".join(offences)


def test_it_finds_no_bare_domain_value_in_querysets_services_and_selectors() -> None:
    values = choice_values()
    offences = [o for path in python_files(BASE) for o in python_offences(path, values, root=BASE)]
    assert not offences, "Name these through the app's choices.py:\n" + "\n".join(offences)


def test_it_catches_planted_bare_values(tmp_path: Path) -> None:
    """The guard works: bare values planted in a template and a module are reported with file and line."""
    values = choice_values()
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "page.html").write_text(
        '{% if field.name != "notes" %}{% endif %}\n{% if referral.status == "sent" %}{% endif %}\n')
    (tmp_path / "services.py").write_text(
        'def f(r, qs):\n    qs.filter(kind="escalation", status__in=["queued"])\n    return r.age_group == "child"\n')
    assert template_offences(tmp_path / "templates", values) == ['templates/page.html:2: == "sent"']
    assert python_offences(tmp_path / "services.py", values, root=tmp_path) == [
        "services.py:2: 'escalation'", "services.py:2: 'queued'", "services.py:3: 'child'"]
