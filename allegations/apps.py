from django.apps import AppConfig


class AllegationsConfig(AppConfig):
    name = "allegations"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from allegations.choices import AUDIT_ACTIONS
        from allegations.selectors import allegation_audit_events, allegation_by_reference
        from core.audit_actions import AuditSubject, audit_actions_register, audit_subject_register
        from core.roles import FIELD_OFFICER, HQ_ANALYST, VICTIMS_RIGHTS_ADVOCATE, permissions_register

        audit_actions_register(AUDIT_ACTIONS)
        audit_subject_register(AuditSubject(
            name="allegation", label=_("Allegation reference"), help_text=_("For example CAF-2016-0007."),
            unknown=_("No allegation has this reference."), find=allegation_by_reference,
            parts=[allegation_audit_events]))

        permissions_register(roles={
            FIELD_OFFICER: ["allegations.view_allegation", "allegations.add_allegation", "allegations.change_allegation",
                            "allegations.view_confidential_narrative"],
            VICTIMS_RIGHTS_ADVOCATE: ["allegations.view_allegation", "allegations.view_confidential_narrative"],
            HQ_ANALYST: ["allegations.view_allegation"],
        }, reference={"GET": "allegations.view_allegation"})  # who works with allegations reads the reference lists

        from allegations.attachments import (
            attachment_key_ids,
            attachments_reseal,
            attachments_unreadable,
        )
        from core.rotation import SealedStore, sealed_stores

        sealed_stores.append(SealedStore(label="evidence files", key_ids_in_use=attachment_key_ids,
                                         reseal=attachments_reseal, unreadable=attachments_unreadable))
