"""Erase victims' identity once all their cases are closed past SEA_RETENTION_DAYS (see README: Retention)."""

import json

from django.core.management.base import BaseCommand

from victims.retention import retention_erase


class Command(BaseCommand):
    help = "Erase identities (and evidence files) whose retention period has passed. --dry-run only counts."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="report what would be erased, change nothing")

    def handle(self, *args, dry_run: bool = False, **options):
        report = retention_erase(dry_run=dry_run)
        self.stdout.write(json.dumps(report, indent=2, ensure_ascii=False))
