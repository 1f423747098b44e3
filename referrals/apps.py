from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "referrals"

    def ready(self) -> None:
        from referrals.services import redact_identity_in_notices
        from victims import hooks

        hooks.identity_erasing.append(redact_identity_in_notices)
