"""The OpenAPI schema stays valid and keeps every operation clients already use."""

from pathlib import Path

import yaml
from django.core.management import call_command

PUBLISHED = Path(__file__).with_name("published_operations.txt")
METHODS = ("get", "post", "put", "patch", "delete")


def current_operations(tmp_path: Path) -> set[str]:
    schema_file = tmp_path / "schema.yaml"
    # --validate checks the document against the OpenAPI specification; --fail-on-warn turns any view
    # spectacular could not describe into a failure.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(schema_file))
    paths = yaml.safe_load(schema_file.read_text())["paths"]
    return {f"{method.upper()} {path}" for path, item in paths.items() for method in item if method in METHODS}


def published_operations() -> set[str]:
    return {line for line in PUBLISHED.read_text().splitlines() if line and not line.startswith("#")}


def test_it_keeps_every_published_operation_in_a_valid_schema(tmp_path):
    assert published_operations() - current_operations(tmp_path) == set()


def test_it_lists_every_operation_of_the_schema_as_published(tmp_path):
    assert current_operations(tmp_path) - published_operations() == set()
