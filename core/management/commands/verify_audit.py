from django.core.management.base import BaseCommand, CommandError

from core.audit import CheckpointError, checkpoint_mismatch, first_broken_link, latest_checkpoint
from core.models import AuditEvent


class Command(BaseCommand):
    help = ("Check the audit trail's keyed hash chain, then that it still extends the latest signed "
            "checkpoint (so removed newest events are named).")

    def add_arguments(self, parser) -> None:
        parser.add_argument("--checkpoint", help="checkpoint file, e.g. the copy shipped elsewhere "
                                                 "(default: SEA_AUDIT_CHECKPOINT_FILE)")

    def handle(self, *args, checkpoint: str | None = None, **options) -> None:
        broken = first_broken_link()
        if broken is not None:
            event_id, reason = broken
            raise CommandError(f"Audit chain broken at event {event_id}: {reason}.")
        try:
            latest = latest_checkpoint(checkpoint)
        except CheckpointError as error:
            raise CommandError(f"Checkpoint file not trusted: {error}.") from None
        if latest is not None and (mismatch := checkpoint_mismatch(latest)):
            raise CommandError(f"Audit chain does not match its checkpoint: {mismatch}.")
        against = f"; it extends the checkpoint of {latest['at']}" if latest else "; no checkpoint to compare with"
        self.stdout.write(f"Audit chain intact: {AuditEvent.objects.count()} events verified{against}.")
