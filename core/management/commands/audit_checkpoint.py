from django.core.management.base import BaseCommand

from core.audit import audit_checkpoint_write


class Command(BaseCommand):
    help = ("Append a signed checkpoint of the audit chain's head to SEA_AUDIT_CHECKPOINT_FILE (beat does it "
            "every ten minutes); ship that file or the sea.audit.checkpoint log stream off this machine.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("--file", help="checkpoint file (default: SEA_AUDIT_CHECKPOINT_FILE)")

    def handle(self, *args, file: str | None = None, **options) -> None:
        checkpoint = audit_checkpoint_write(file)
        if checkpoint is None:
            self.stdout.write("The audit trail is empty: nothing to checkpoint.")
        else:
            self.stdout.write(f"Checkpoint: {checkpoint['events']} events up to {checkpoint['last_id']}.")
