"""Intake drafts kept in the browser while the connection is unreliable (README "Low bandwidth").

The server only hands the page two opaque values: the draft's storage id (per user and form, so
localStorage names say nothing of who or which allegation) and the user's draft key, which the
script uses to seal the narrative with AES-GCM. Both are HMACs of SECRET_KEY, never stored: a copied
disk without a signed-in page cannot read a sealed narrative.
"""

import base64

from django.forms import Form, HiddenInput
from django.http import HttpRequest
from django.utils.crypto import salted_hmac

SALT = "sea_cases.core.drafts"
SESSION_KEY = "sea_draft_saved"
SEALED = "sealed"  # stored encrypted on the server, so only sealed in the browser
PLAIN = "plain"


def draft_id(user, allegation=None) -> str:
    pk = getattr(allegation, "pk", None)  # templates pass "" for "no allegation"
    form = f"edit:{pk}" if pk else "new"
    return salted_hmac(f"{SALT}.id", f"{user.pk}:{form}", algorithm="sha256").hexdigest()[:32]


def draft_key(user) -> str:
    """The user's 256-bit draft key, base64: only ever sent inside a no-store, signed-in page."""
    digest = salted_hmac(f"{SALT}.key", f"user:{user.pk}", algorithm="sha256").digest()
    return base64.b64encode(digest).decode()


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
