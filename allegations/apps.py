from django.apps import AppConfig


class AllegationsConfig(AppConfig):
    name = "allegations"

    def ready(self) -> None:
        from allegations.attachments import (
            attachment_key_ids,
            attachments_reseal,
            attachments_unreadable,
        )
        from core.rotation import SealedStore, sealed_stores

        sealed_stores.append(SealedStore(label="evidence files", key_ids_in_use=attachment_key_ids,
                                         reseal=attachments_reseal, unreadable=attachments_unreadable))
