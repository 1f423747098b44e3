from django.core.management.base import BaseCommand, CommandError

from core.audit import (
    CheckpointError,
    chain_verification_record,
    checkpoint_mismatch,
    first_broken_link,
    latest_checkpoint,
)
from core.models import AuditEvent


class Command(BaseCommand):
    help = ("Check the audit trail's keyed hash chain, then that it still extends the latest signed "
            "checkpoint (so removed newest events are named). Each run, passed or failed, is recorded in "
            "the trail (audit_chain_verified) for the administrators' home page.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("--checkpoint", help="checkpoint file, e.g. the copy shipped elsewhere "
                                                 "(default: SEA_AUDIT_CHECKPOINT_FILE)")

    def handle(self, *args, checkpoint: str | None = None, **options) -> None:
        events = AuditEvent.objects.count()  # before this run's own record
        problem = self._problem(checkpoint)
        chain_verification_record(broken=problem or "", events=events)
        if problem:
            raise CommandError(problem)
        self.stdout.write(f"Audit chain intact: {events} events verified{self._against}.")

    def _problem(self, checkpoint: str | None) -> str | None:
        broken = first_broken_link()
        if broken is not None:
            event_id, reason = broken
            return f"Audit chain broken at event {event_id}: {reason}."
        try:
            latest = latest_checkpoint(checkpoint)
        except CheckpointError as error:
            return f"Checkpoint file not trusted: {error}."
        if latest is not None and (mismatch := checkpoint_mismatch(latest)):
            return f"Audit chain does not match its checkpoint: {mismatch}."
        self._against = f"; it extends the checkpoint of {latest['at']}" if latest else "; no checkpoint to compare with"
        return None
