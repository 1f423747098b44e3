from django.core.management.base import BaseCommand, CommandError

from core.audit import first_broken_link
from core.models import AuditEvent


class Command(BaseCommand):
    help = "Check the audit trail's hash chain and report the first broken link."

    def handle(self, *args, **options) -> None:
        broken = first_broken_link()
        if broken is not None:
            event_id, reason = broken
            raise CommandError(f"Audit chain broken at event {event_id}: {reason}.")
        self.stdout.write(f"Audit chain intact: {AuditEvent.objects.count()} events verified.")
