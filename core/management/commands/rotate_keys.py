from django.core.management.base import BaseCommand, CommandError

from core.crypto import keyring
from core.rotation import RotationProgress, rotate_all


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted value under the current key (the first of SEA_FIELD_KEYS), in "
        "batches, each in its own transaction. Safe to interrupt and run again."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--batch-size", type=int, default=500)
        parser.add_argument("--passes", type=int, default=3, help="re-run while values written meanwhile remain")

    def handle(self, *args, batch_size: int, passes: int, **options) -> None:
        def report(progress: RotationProgress) -> None:
            self.stdout.write(f"  {progress.model}: {progress.done} rows checked, {progress.remaining} values still to rotate")

        self.stdout.write(f"Rotating to key {keyring().current_id!r}")
        remaining = None
        for _ in range(passes):
            remaining = rotate_all(batch_size=batch_size, report=report)
            if remaining == 0:
                break
        if remaining:
            raise CommandError(f"{remaining} values are still under an older key; run rotate_keys again.")
        self.stdout.write(self.style.SUCCESS("Every encrypted value is under the current key."))
