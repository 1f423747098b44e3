"""Regenerate the catalogues of the public pages' extra languages (Sango, Somali, Arabic) from the files
those pages are made of, keeping every translation already written (msgmerge).

The whole interface is in English and French; the public pages (the reporting channel /report/ and the
shared public layout) are also in the languages of the people they serve. Their catalogues hold exactly
the strings those pages can show: the templates below, the named classes and functions of the Python
files below, and the few strings of Django itself that can appear there (form errors, month names).

    manage.py public_messages           # rewrite locale/{sg,so,ar}/LC_MESSAGES/django.po and compile the .mo
    manage.py public_messages --check   # fail if a catalogue lacks or has extra strings (nothing written)

A new string shows up untranslated (msgstr ""); tests/core/test_translations.py fails until it is
translated. A page that starts to use another file or class needs it added to PUBLIC_SOURCES."""

from __future__ import annotations

import ast
import glob
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

import django

# The languages only the public pages are written in (settings.PUBLIC_LANGUAGES without LANGUAGES).
LANGUAGES = {
    "sg": {"team": "Sango", "plural": "nplurals=1; plural=0;"},  # CLDR: Sango has no plural forms
    "so": {"team": "Somali", "plural": "nplurals=2; plural=(n != 1);"},
    "ar": {"team": "Arabic", "plural": "nplurals=6; plural=n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : "
                                       "n%100>=3 && n%100<=10 ? 3 : n%100>=11 && n%100<=99 ? 4 : 5;"},
}
REVIEW_NOTE = "Machine-assisted translation: needs review by a native speaker in the field before use."

# What the public pages are made of: a template in full, or a Python file's named top-level classes and
# functions (None: the whole file).
PUBLIC_SOURCES: dict[str, list[str] | None] = {
    "templates/public/base.html": None,
    "templates/report/*.html": None,
    "templates/includes/field.html": None,
    "templates/includes/error_summary.html": None,
    "allegations/report_views.py": None,
    "allegations/forms.py": ["PublicReportForm", "ReceiptForm", "ReportMessageForm"],
    "allegations/reports.py": ["_errors", "_message_errors", "report_message_from_person"],
    "allegations/choices.py": ["Milestone", "PersonSafe", "ContactWay", "ReportCloseReason"],
    "core/forms.py": ["_form_errors"],  # "%(field)s: %(message)s" of the error summary
}
# Django's own strings those forms and dates can show (taken with their source from Django's catalogue).
DJANGO_MESSAGES = [
    "This field is required.",
    "Ensure this value has at most %(limit_value)d character (it has %(show_value)d).",
    "Select a valid choice. That choice is not one of the available choices.",
    "Select a valid choice. %(value)s is not one of the available choices.",
    "Null characters are not allowed.",
    "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
    "November", "December",
]


def catalogue(language: str) -> Path:
    return Path(settings.BASE_DIR) / "locale" / language / "LC_MESSAGES" / "django.po"


def _run(*command: str) -> None:
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode:
        raise CommandError(f"{' '.join(command)}: {done.stderr.strip()}")


def _only(source: str, names: list[str], path: str) -> str:
    """The file with every line outside the named definitions blanked (line numbers stay true)."""
    lines = source.splitlines()
    keep: set[int] = set()
    found = set()
    for node in ast.parse(source).body:
        if isinstance(node, (ast.ClassDef, ast.FunctionDef)) and node.name in names:
            found.add(node.name)
            start = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            keep.update(range(start - 1, node.end_lineno))
    if missing := set(names) - found:
        raise CommandError(f"{path} has no {', '.join(sorted(missing))} (see PUBLIC_SOURCES)")
    return "\n".join(line if n in keep else "" for n, line in enumerate(lines)) + "\n"


def public_template(work: Path) -> Path:
    """A .pot of every string the public pages can show, with its references."""
    base = Path(settings.BASE_DIR)
    src = work / "src"
    for pattern, names in PUBLIC_SOURCES.items():
        paths = sorted(glob.glob(str(base / pattern)))
        if not paths:
            raise CommandError(f"no file matches {pattern} (see PUBLIC_SOURCES)")
        for path in paths:
            relative = Path(path).relative_to(base)
            text = Path(path).read_text(encoding="utf-8")
            (src / relative).parent.mkdir(parents=True, exist_ok=True)
            (src / relative).write_text(_only(text, names, str(relative)) if names else text, encoding="utf-8")
    out = work / "locale"
    out.mkdir()
    cwd = os.getcwd()
    os.chdir(src)
    try:
        with override_settings(LOCALE_PATHS=[str(out)]):
            call_command("makemessages", locale=["sg"], keep_pot=True, verbosity=0)
    finally:
        os.chdir(cwd)
    ours = out / "django.pot"
    theirs = work / "django-own.pot"
    expressions = [arg for message in DJANGO_MESSAGES for arg in ("-e", f"^{_regex(message)}$")]
    _run("msggrep", "-K", "-E", *expressions, "-o", str(theirs),
         str(Path(django.__file__).parent / "conf" / "locale" / "en" / "LC_MESSAGES" / "django.po"))
    # "May", not the same word in another context ("abbrev. month")
    _run("msggrep", "--invert-match", "-J", "-E", "-e", ".", "-o", str(theirs), str(theirs))
    pot = work / "public.pot"
    _run("msgcat", "--use-first", "-o", str(pot), str(ours), str(theirs))
    return pot


def _regex(text: str) -> str:
    return "".join("\\" + ch if ch in r".^$*+?()[]{}|\\" else ch for ch in text)


def _header(language: str) -> str:
    info = LANGUAGES[language]
    return (f"# {info['team']} translation of the SEA Cases public pages (the reporting channel).\n"
            f"# {REVIEW_NOTE}\n"
            "# Regenerate with: manage.py public_messages (keeps the translations).\n"
            'msgid ""\nmsgstr ""\n'
            '"Project-Id-Version: SEA Cases\\n"\n'
            '"Report-Msgid-Bugs-To: \\n"\n'
            '"Last-Translator: SEA Cases team (machine-assisted, to be reviewed)\\n"\n'
            f'"Language-Team: {info["team"]}\\n"\n'
            f'"Language: {language}\\n"\n'
            '"MIME-Version: 1.0\\n"\n'
            '"Content-Type: text/plain; charset=UTF-8\\n"\n'
            '"Content-Transfer-Encoding: 8bit\\n"\n'
            f'"Plural-Forms: {info["plural"]}\\n"\n\n')


def _merged(language: str, pot: Path, work: Path) -> Path:
    """The committed catalogue (or a new one) merged with the template; Django's own translation of its
    strings, where Django has one, fills what is still empty."""
    existing = catalogue(language)
    old = work / f"{language}-old.po"
    if existing.exists():
        shutil.copy(existing, old)
    else:
        old.write_text(_header(language), encoding="utf-8")
    merged = work / f"{language}.po"
    compendium = Path(django.__file__).parent / "conf" / "locale" / language / "LC_MESSAGES" / "django.po"
    extra = ["--compendium", str(compendium)] if compendium.exists() else []
    _run("msgmerge", "--quiet", "--no-fuzzy-matching", *extra, "-o", str(merged), str(old), str(pot))
    _run("msgattrib", "--no-obsolete", "-o", str(merged), str(merged))
    return merged


class Command(BaseCommand):
    help = "Regenerate the Sango, Somali and Arabic catalogues of the public pages (see the module's docstring)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--check", action="store_true",
                            help="only say whether the committed catalogues hold exactly the public strings")

    def handle(self, *args, check: bool = False, **options) -> None:
        with tempfile.TemporaryDirectory() as folder:
            work = Path(folder)
            pot = public_template(work)
            problems = []
            for language in LANGUAGES:
                merged = _merged(language, pot, work)
                if check:
                    if not catalogue(language).exists() or _entries(merged) != _entries(catalogue(language)):
                        problems.append(language)
                    continue
                catalogue(language).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(merged, catalogue(language))
                _run("msgfmt", "--check", "-o", str(catalogue(language).with_suffix(".mo")), str(catalogue(language)))
                self.stdout.write(f"{catalogue(language).relative_to(settings.BASE_DIR)}: {_count(merged)}")
            if problems:
                raise CommandError(f"out of date: {', '.join(problems)} (run manage.py public_messages)")


def _entries(path: Path) -> str:
    """The catalogue's messages and translations, without header, comments and wrapping."""
    done = subprocess.run(["msgcat", "--no-wrap", "--no-location", "--sort-output", str(path)],
                          capture_output=True, text=True, check=True)
    text = done.stdout
    return text[text.index("\n\n") + 2:] if "\n\n" in text else ""


def _count(path: Path) -> str:
    done = subprocess.run(["msgfmt", "--statistics", "-o", os.devnull, str(path)], capture_output=True, text=True)
    return done.stderr.strip()
