from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from accounts import schema, signals  # noqa: F401  (API token scheme in the schema; sign-in receivers)
        from accounts.choices import AUDIT_ACTIONS
        from core.audit_actions import audit_actions_register
        from core.roles import ADMINISTRATOR, permissions_register

        audit_actions_register(AUDIT_ACTIONS)

        # To revoke; secrets are never stored.
        permissions_register(roles={ADMINISTRATOR: ["accounts.view_apitoken", "accounts.change_apitoken"]})
