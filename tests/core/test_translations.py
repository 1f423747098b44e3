"""French for the whole interface: every string in the code and templates is translated, and the
compiled catalogue the server reads (.mo, committed) says what the .po says."""

from __future__ import annotations

import ast
import os
import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.utils import translation

from tests.conftest import require_service

PO = Path(settings.BASE_DIR) / "locale" / "fr" / "LC_MESSAGES" / "django.po"
# Same exclusions as the README's makemessages command; `locale` keeps makemessages off the real catalogue.
IGNORE = [".venv", "tests", "bench", "staticfiles", "locale", "var", "media", "test-artifacts", "*.egg-info",
          "node_modules", "*.sqlite3"]
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]")


def parse_po(path: Path) -> list[dict]:
    """Entries of a .po file: msgid, msgid_plural, msgstr (list of forms) and flags. polib is not a dependency."""
    entries = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        fields: dict[str, list[str]] = {}
        flags: set[str] = set()
        current = None
        for line in block.splitlines():
            if line.startswith("#,"):
                flags |= {f.strip() for f in line[2:].split(",")}
            elif line.startswith("#"):
                continue
            elif line.startswith('"'):
                fields[current].append(ast.literal_eval(line))
            elif line:
                current, _, value = line.partition(" ")
                fields[current] = [ast.literal_eval(value)]
        if "msgid" not in fields:
            continue
        joined = {k: "".join(v) for k, v in fields.items()}
        if joined["msgid"] == "":
            continue  # the header
        forms = [joined[k] for k in sorted(joined) if k.startswith("msgstr")]
        entries.append({"msgid": joined["msgid"], "plural": joined.get("msgid_plural"), "msgstr": forms,
                        "flags": flags, "context": joined.get("msgctxt")})
    return entries


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> list[dict]:
    """A fresh extraction of the code and templates, merged with a copy of the committed French catalogue.

    makemessages writes into any `locale` folder of the tree it walks, so it walks a copy of the
    sources (small: no venv, no tests) and the committed catalogue is never touched."""
    # A laptop without gettext skips this check; under CI=true a missing tool is a failure.
    require_service(shutil.which("xgettext") is not None and shutil.which("msgmerge") is not None,
                    "gettext tools (apt-get install gettext; .ci/run does)")
    base = tmp_path_factory.mktemp("i18n")
    shutil.copytree(settings.BASE_DIR, base / "src", ignore=shutil.ignore_patterns(*IGNORE, ".git", "__pycache__"))
    target = base / "locale" / "fr" / "LC_MESSAGES"
    target.mkdir(parents=True)
    shutil.copy(PO, target / "django.po")
    cwd = os.getcwd()
    os.chdir(base / "src")
    try:
        with override_settings(LOCALE_PATHS=[str(base / "locale")]):
            call_command("makemessages", locale=["fr"], ignore_patterns=IGNORE, verbosity=0)
    finally:
        os.chdir(cwd)
    return parse_po(target / "django.po")


def test_it_has_a_french_translation_for_every_string_in_the_code_and_templates(extracted):
    untranslated = [e["msgid"] for e in extracted if not all(e["msgstr"])]
    fuzzy = [e["msgid"] for e in extracted if "fuzzy" in e["flags"]]
    assert len(extracted) > 700  # the extraction really ran over the apps and templates
    assert untranslated == [], "add French to locale/fr/LC_MESSAGES/django.po (see README, Languages)"
    assert fuzzy == [], "check these French strings and remove their fuzzy flag"


def test_it_keeps_every_placeholder_in_the_french_strings():
    for entry in parse_po(PO):
        source = set(PLACEHOLDER.findall(entry["msgid"] + (entry["plural"] or "")))
        for form in entry["msgstr"]:
            assert set(PLACEHOLDER.findall(form)) <= source, entry["msgid"]
        if entry["plural"] is None:
            assert sorted(PLACEHOLDER.findall(entry["msgstr"][0])) == sorted(PLACEHOLDER.findall(entry["msgid"]))


def test_it_serves_what_the_po_says_so_the_committed_mo_is_up_to_date():
    # Read back through Django's own catalogue loading: a stale .mo shows up as a mismatch.
    with translation.override("fr"):
        for entry in parse_po(PO):
            if entry["context"] is not None:
                assert translation.pgettext(entry["context"], entry["msgid"]) == entry["msgstr"][0]
            elif entry["plural"] is None:
                assert translation.gettext(entry["msgid"]) == entry["msgstr"][0], "run manage.py compilemessages"
            else:
                assert translation.ngettext(entry["msgid"], entry["plural"], 1) == entry["msgstr"][0]
                assert translation.ngettext(entry["msgid"], entry["plural"], 5) == entry["msgstr"][1]
