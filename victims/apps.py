from django.apps import AppConfig


class VictimsConfig(AppConfig):
    name = "victims"

    def ready(self) -> None:
        from allegations import hooks
        from victims.services import refresh_age_groups_for_allegation

        hooks.incident_date_changed.append(refresh_age_groups_for_allegation)
