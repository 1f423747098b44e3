"""Intake drafts kept in the browser while the connection is unreliable (README "Low bandwidth").

The server only hands the page two opaque values: the draft's storage id (per user and form, so
localStorage names say nothing of who or which allegation) and the user's draft key, which the
script uses to seal every kept value with AES-GCM. Both are derived, never stored, from the project's
dedicated key material (the blind-index key of core.crypto, never SECRET_KEY, see DESIGN.md), each by
HMAC-SHA256 under its own label, so neither can be confused with a blind index or with the other:
a copied disk without a signed-in page cannot read a kept draft.
"""

import base64
import hashlib
import hmac

from django.forms import Form, HiddenInput
from django.http import HttpRequest

from core.crypto import keyring

ID_LABEL = b"sea-cases intake draft id v1"
KEY_LABEL = b"sea-cases intake draft key v1"
SESSION_KEY = "sea_draft_saved"
SEALED = "sealed"  # stored encrypted on the server (every kept value is sealed in the browser anyway)
PLAIN = "plain"


def _derive(label: bytes, message: str) -> bytes:
    """HMAC-SHA256 of the blind-index key, domain-separated by label (\x00 cannot occur in a label)."""
    return hmac.new(keyring().blind_index_key, label + b"\x00" + message.encode("utf-8"), hashlib.sha256).digest()


def draft_id(user, allegation=None) -> str:
    pk = getattr(allegation, "pk", None)  # templates pass "" for "no allegation"
    form = f"edit:{pk}" if pk else "new"
    return _derive(ID_LABEL, f"{user.pk}:{form}").hex()[:32]


def draft_key(user) -> str:
    """The user's 256-bit draft key, base64: only ever sent inside a no-store, signed-in page."""
    return base64.b64encode(_derive(KEY_LABEL, f"user:{user.pk}")).decode()


def mark_draft_fields(form: Form, *, sealed: tuple[str, ...] = ()) -> None:
    """Mark the visible controls the draft script may keep; anything unmarked never leaves the page."""
    for name, field in form.fields.items():
        if isinstance(field.widget, HiddenInput) or name == "DELETE":
            continue
        field.widget.attrs["data-draft"] = SEALED if name in sealed else PLAIN


def draft_saved(request: HttpRequest, allegation=None) -> None:
    """After a successful save: the next page tells the script to drop the draft of that form."""
    request.session[SESSION_KEY] = draft_id(request.user, allegation)


def pop_saved_draft(request: HttpRequest) -> str:
    session = getattr(request, "session", None)
    return session.pop(SESSION_KEY, "") if session is not None else ""
