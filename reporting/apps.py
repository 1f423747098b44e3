from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "reporting"

    def ready(self) -> None:
        from core.audit_actions import audit_actions_register
        from core.roles import HQ_ANALYST, permissions_register
        from reporting.choices import AUDIT_ACTIONS

        audit_actions_register(AUDIT_ACTIONS)

        permissions_register(roles={HQ_ANALYST: ["reporting.view_reports", "reporting.publish_statistics"]})

        from reporting import tasks  # noqa: F401 (registers the tasks services queue by name)
