"""French for the whole interface: every string in the code and templates is translated, and the
compiled catalogue the server reads (.mo, committed) says what the .po says."""

from __future__ import annotations

import ast
import gettext
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import translation
from django.utils.text import capfirst

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


# --- The public pages' other languages: Sango, Somali, Arabic (manage.py public_messages) -------------

PUBLIC_ONLY = ["sg", "so", "ar"]


def public_po(language: str) -> Path:
    return Path(settings.BASE_DIR) / "locale" / language / "LC_MESSAGES" / "django.po"


def po_header(path: Path) -> dict[str, str]:
    block = path.read_text(encoding="utf-8").split("\n\n")[0]
    text = "".join(ast.literal_eval(line) for line in block.splitlines() if line.startswith('"'))
    return dict(line.split(": ", 1) for line in text.splitlines() if ": " in line)


@pytest.fixture(scope="module")
def public_strings(tmp_path_factory) -> list[dict]:
    """Every string the public pages can show, freshly extracted from their files (the command's template)."""
    from core.management.commands.public_messages import public_template

    require_service(all(shutil.which(tool) for tool in ["xgettext", "msgmerge", "msggrep", "msgcat"]),
                    "gettext tools (apt-get install gettext; .ci/run does)")
    return parse_po(public_template(tmp_path_factory.mktemp("public")))


def test_it_finds_the_public_pages_strings_and_only_them(public_strings):
    ids = {e["msgid"] for e in public_strings}
    assert {"Send the report", "Yes, the person is safe now", "There is a problem", "Received on %(date)s.",
            "This field is required.", "December", "Please keep this under %(limit)s characters."} <= ids
    assert "Allegation recorded" not in ids and "Choose the reason the person will read." not in ids  # office side


@pytest.mark.parametrize("language", PUBLIC_ONLY)
def test_it_has_every_public_string_translated_in_sango_somali_and_arabic(public_strings, language):
    from core.management.commands.public_messages import LANGUAGES, REVIEW_NOTE

    path = public_po(language)
    header = po_header(path)
    assert header["Plural-Forms"] == LANGUAGES[language]["plural"] and header["Language"] == language
    assert f"# {REVIEW_NOTE}" in path.read_text(encoding="utf-8").split("msgid")[0]
    entries = {(e["context"], e["msgid"]): e for e in parse_po(path)}
    wanted = {(e["context"], e["msgid"]) for e in public_strings}
    assert sorted(wanted - set(entries), key=str) == [], "run manage.py public_messages, then translate"
    assert sorted(set(entries) - wanted, key=str) == [], "strings no public page shows: run manage.py public_messages"
    forms = int(header["Plural-Forms"].split("nplurals=")[1].split(";")[0])
    for entry in entries.values():
        assert all(entry["msgstr"]) and "fuzzy" not in entry["flags"], entry["msgid"]
        assert len(entry["msgstr"]) == (forms if entry["plural"] else 1), entry["msgid"]
        source = PLACEHOLDER.findall(entry["msgid"]) if entry["plural"] is None else \
            sorted(set(PLACEHOLDER.findall(entry["plural"])))
        for form in entry["msgstr"]:
            found = PLACEHOLDER.findall(form) if entry["plural"] is None else sorted(set(PLACEHOLDER.findall(form)))
            assert sorted(found) == sorted(source), (entry["msgid"], form)


@pytest.mark.parametrize("language", PUBLIC_ONLY)
def test_it_compiles_the_public_catalogues_and_serves_what_they_say(language):
    require_service(shutil.which("msgfmt") is not None, "gettext tools (apt-get install gettext; .ci/run does)")
    path = public_po(language)
    checked = subprocess.run(["msgfmt", "--check", "-o", os.devnull, str(path)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    choose = gettext.c2py(po_header(path)["Plural-Forms"].split("plural=")[1].rstrip(";"))
    with translation.override(language):
        for entry in parse_po(path):
            if entry["plural"] is None:
                assert translation.gettext(entry["msgid"]) == entry["msgstr"][0], "run manage.py public_messages"
            else:
                for n in [0, 1, 2, 5, 11, 100, 10_000]:
                    assert translation.ngettext(entry["msgid"], entry["plural"], n) == entry["msgstr"][choose(n)]


class _Text(HTMLParser):
    """The words a reader sees: text nodes and the attributes read aloud, whitespace collapsed."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_data(self, data):
        if text := " ".join(data.split()):
            self.found.append(text)

    def handle_starttag(self, tag, attrs):
        self.found.extend(value for name, value in attrs if name in ("aria-label", "title", "alt") and value)


def _words(response) -> set[str]:
    parser = _Text()
    parser.feed(response.content.decode())
    return set(parser.found)


def _pages(client, car, language: str) -> set[str]:
    """Every public page and error state, as one person meets them, in `language`."""
    from allegations.choices import ReportCloseReason
    from allegations.models import IncomingReport

    seen: set[str] = set()
    new, status = reverse("report:new"), reverse("report:status")
    q = f"?lang={language}"
    seen |= _words(client.get(new + q))
    seen |= _words(client.post(new + q, {"lang": language, "person_safe": "maybe", "contact_way": "phone",
                                         "mission": "0", "what_happened": "x" * 10_001}))
    seen |= _words(client.post(new + q, {"lang": language, "person_safe": "no", "contact_way": "phone",
                                         "mission": car.pk, "what_happened": "x" * 10_001}))
    receipt_page = client.post(new + q, {"lang": language, "person_safe": "no", "contact_way": "none",
                                         "mission": car.pk, "what_happened": "At the checkpoint."})
    seen |= _words(receipt_page)
    receipt = re.search(r'class="receipt-number"[^>]*><strong>([\d ]+)</strong>', receipt_page.content.decode())[1]
    seen |= _words(client.get(status + q))
    seen |= _words(client.post(status + q, {"receipt": "0000"}))
    IncomingReport.objects.update(close_reason=ReportCloseReason.NOT_ENOUGH)  # only for what the page says
    client.post(status + q, {"receipt": receipt})
    seen |= _words(client.get(status + q))
    seen |= _words(client.post(reverse("report:message") + q, {"body": ""}))
    seen |= _words(client.post(reverse("report:message") + q, {"body": "x" * 5_001}))
    seen |= _words(client.post(reverse("report:end") + q))
    IncomingReport.objects.all().delete()
    return seen


@pytest.mark.django_db
@pytest.mark.parametrize("language", PUBLIC_ONLY)
def test_it_shows_no_english_on_the_public_pages_in_sango_somali_and_arabic(client, car, sangaris, language):
    # Independent of the extraction: whatever English the pages show in English must not show in the others.
    english = _pages(client, car, "en")
    assert {"Tell us how to reach you, or choose “Do not contact me”.",
            "There is not enough information to follow it up. You may send a new report with more details.",
            "Your receipt is ended",
            "Please keep this under 10000 characters.",
            "Ensure this value has at most 5000 characters (it has 5001).",
            "This receipt opens no report. Check the 16 digits. A receipt stops working 90 days after it was last "
            "used, or when it was ended."} <= english  # every state was reached
    client.cookies.clear()
    same = _pages(client, car, language) & english
    names = {capfirst(translation.get_language_info(code)["name_local"]) for code, _n in settings.PUBLIC_LANGUAGES}
    allowed = {"SEA Cases", "*", "·", "/report/status/", car.name, "Sangaris", "x" * 10_001, "x" * 5_001,
               "At the checkpoint.", "%(field)s: %(message)s"} | names
    leftover = sorted(text for text in same - allowed if not re.fullmatch(r"[\d :·.]+", text))
    assert leftover == [], f"English on the {language} pages: add these to the public files or PUBLIC_SOURCES"
