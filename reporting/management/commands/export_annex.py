from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from reporting.annex import all_allegations
from reporting.services import annex_file, export_audit


class Command(BaseCommand):
    help = "Write the annex tables for the allegations received in a year (no victim identity, ever)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--format", choices=["csv", "xlsx", "json"], required=True,
                            help="csv writes a zip of both tables unless --table is given")
        parser.add_argument("--table", choices=["allegations", "summary"], default="")
        parser.add_argument("--out", required=True)
        parser.add_argument("--language", choices=[code for code, _name in settings.LANGUAGES], default="en",
                            help="language of the headings and labels in CSV and XLSX (JSON is always English)")

    def handle(self, *args, year: int, format: str, table: str, out: str, language: str, **options) -> None:
        if not 1990 <= year <= 2100:
            raise CommandError("--year must be a year such as 2016")
        annex, content, _type, _name = annex_file(all_allegations(), year=year, fmt=format, table=table,
                                                  language=language)
        Path(out).write_bytes(content)
        export_audit(actor=None, annex=annex, year=year, fmt=format, table=table, via="command line")
        self.stdout.write(f"Annex {year}: {len(annex.allegations)} allegations, {len(annex.summary) - 1} "
                          f"country/force rows, written to {out}")
