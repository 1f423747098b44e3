"""Uploads are held in memory only: an evidence file must never touch the disk before it is sealed
(Django would otherwise spool anything over 2.5 MB, in clear, to a temporary file)."""

from __future__ import annotations

import io

from django.conf import settings
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler


class BoundedMemoryUploadHandler(FileUploadHandler):
    """Keeps at most one byte more than the attachment limit; the rest of an oversized file is
    dropped as it arrives, and the size it reports makes the service refuse it with a clear error."""

    def new_file(self, *args, **kwargs) -> None:
        super().new_file(*args, **kwargs)
        self.file = io.BytesIO()
        self.cap = settings.SEA_ATTACHMENT_MAX_BYTES + 1

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        room = self.cap - self.file.tell()
        if room > 0:
            self.file.write(raw_data[:room])
        return None

    def file_complete(self, file_size: int) -> InMemoryUploadedFile:
        size = self.file.tell()
        self.file.seek(0)
        return InMemoryUploadedFile(file=self.file, field_name=self.field_name, name=self.file_name,
                                    content_type=self.content_type, size=size, charset=self.charset,
                                    content_type_extra=self.content_type_extra)
