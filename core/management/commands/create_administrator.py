from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError

from core.access import administrator_create


class Command(BaseCommand):
    help = ("Create an administrator account (no password, never a superuser) and print its one-time link "
            "to set a password. Identity access is granted only through two administrators' access requests.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")
        parser.add_argument("--email", required=True)

    def handle(self, *args, username: str, email: str, **options) -> None:
        try:
            user, link = administrator_create(username=username, email=email)
        except IntegrityError:
            raise CommandError(f"An account named {username!r} exists already.") from None
        self.stdout.write(f"Administrator {user.username} created. Give them this one-time link (valid one day) "
                          f"to set their password:\n{link}")
