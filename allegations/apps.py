from django.apps import AppConfig


class AllegationsConfig(AppConfig):
    name = "allegations"

    def ready(self) -> None:
        from core.roles import FIELD_OFFICER, HQ_ANALYST, VICTIMS_RIGHTS_ADVOCATE, permissions_register

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
