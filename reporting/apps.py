from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "reporting"

    def ready(self) -> None:
        from core.roles import HQ_ANALYST, permissions_register

        permissions_register(roles={HQ_ANALYST: ["reporting.view_reports"]})

        from reporting import tasks  # noqa: F401 (registers the tasks services queue by name)
