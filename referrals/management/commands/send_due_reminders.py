from django.core.management.base import BaseCommand

from referrals.tasks import sweep_due_reminders


class Command(BaseCommand):
    help = "Create the reminders that are due and queue them (sent in-process when no broker is configured)."

    def handle(self, *args, **options) -> None:
        queued = sweep_due_reminders()
        self.stdout.write(f"{queued} reminder(s) queued for sending.")
