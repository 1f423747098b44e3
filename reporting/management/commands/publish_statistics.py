from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from reporting.services import ReleaseConflict, statistics_release_publish


class Command(BaseCommand):
    help = ("Publish the statistics of a year at /statistics/, through the disclosure gate (a new release; "
            "earlier ones stay as they were published).")

    def add_arguments(self, parser) -> None:
        parser.add_argument("--year", type=int, required=True)

    def handle(self, *args, year: int, **options) -> None:
        if not 1990 <= year <= 2100:
            raise CommandError("--year must be a year such as 2016")
        try:
            release = statistics_release_publish(actor=None, year=year)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        except ReleaseConflict:
            raise CommandError("Someone published this year at the same moment: run the command again.") from None
        data = release.data
        self.stdout.write(f"Statistics {year}, release {release.number}: {len(data['tables'])} tables published, "
                          f"{len(data['withheld'])} withheld, {len(data['suppressions'])} cells hidden "
                          f"(see /statistics/{year}/{release.number}/).")
