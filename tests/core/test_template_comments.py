"""A `{# … #}` comment must close on its own line: Django prints an unclosed one on the page."""

from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def test_it_has_no_one_line_comment_spanning_lines():
    broken = [f"{path.relative_to(TEMPLATES)}:{number}"
              for path in TEMPLATES.rglob("*.html") for number, line in enumerate(path.read_text().splitlines(), 1)
              if "{#" in line and "#}" not in line[line.index("{#"):]]
    assert broken == []
