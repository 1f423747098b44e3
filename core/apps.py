from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Reference data and audit"

    def ready(self) -> None:
        from core import checks  # noqa: F401  (system checks)
