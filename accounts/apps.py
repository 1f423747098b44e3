from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from accounts import schema, signals  # noqa: F401  (API token scheme in the schema; sign-in receivers)
        from core.roles import ADMINISTRATOR, permissions_register

        # To revoke; secrets are never stored.
        permissions_register(roles={ADMINISTRATOR: ["accounts.view_apitoken", "accounts.change_apitoken"]})
