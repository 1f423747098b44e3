from django.core.management.base import BaseCommand, CommandError

from core.rotation import unreadable_values


class Command(BaseCommand):
    help = "Decrypt every encrypted value and evidence file with the configured keys (after a restore, a rotation)."

    def handle(self, *args, **options) -> None:
        checked, failures = unreadable_values()
        if failures:
            shown = ", ".join(failures[:20]) + (" …" if len(failures) > 20 else "")
            raise CommandError(f"{len(failures)} of {checked} stored values cannot be decrypted: {shown}")
        self.stdout.write(f"All {checked} encrypted values and files decrypt with the configured keys.")
