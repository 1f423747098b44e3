from django.apps import AppConfig


class VictimsConfig(AppConfig):
    name = "victims"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from core.audit_actions import AuditSubject, audit_actions_register, audit_subject_register
        from core.roles import ADMINISTRATOR, FIELD_OFFICER, HQ_ANALYST, VICTIMS_RIGHTS_ADVOCATE, permissions_register
        from victims.choices import AUDIT_ACTIONS
        from victims.selectors import victim_audit_events, victim_by_code

        audit_actions_register(AUDIT_ACTIONS)
        audit_subject_register(AuditSubject(
            name="victim", label=_("Victim code"), help_text=_("For example V-2016-0012."),
            unknown=_("No victim has this code."), find=victim_by_code, parts=[victim_audit_events]))

        permissions_register(roles={
            FIELD_OFFICER: [
                "victims.view_victim", "victims.add_victim", "victims.change_victim",
                "victims.view_consent", "victims.add_consent",
                "victims.view_assistanceneed", "victims.add_assistanceneed",
                "victims.view_paternityclaim", "victims.view_victimcontact",
                # victims.view_identity is granted person by person
            ],
            VICTIMS_RIGHTS_ADVOCATE: [
                "victims.view_victim", "victims.change_victim", "victims.view_identity",
                "victims.view_consent", "victims.add_consent",
                "victims.view_assistanceneed", "victims.add_assistanceneed", "victims.change_assistanceneed",
                "victims.view_paternityclaim", "victims.add_paternityclaim", "victims.change_paternityclaim",
                "victims.view_victimcontact", "victims.add_victimcontact",
                "victims.view_serviceprovider",
            ],
            HQ_ANALYST: ["victims.view_victim"],  # codes, sex and age group only; identity is refused to this role
            ADMINISTRATOR: ["victims.view_serviceprovider", "victims.add_serviceprovider",
                            "victims.change_serviceprovider"],
        }, reaching_identity=("victims.view_identity",))

        from allegations import hooks
        from victims.services import refresh_age_groups_for_allegation

        hooks.incident_date_changed.append(refresh_age_groups_for_allegation)
