from django import template
from django.utils.html import format_html

from accounts.drafts import draft_id, draft_key, pop_saved_draft

register = template.Library()


@register.simple_tag(takes_context=True)
def draft_attrs(context, allegation=None) -> str:
    """The intake form's data attributes for static/js/intake-draft.js."""
    user = context["request"].user
    return format_html(' data-draft-id="{}" data-draft-key="{}"', draft_id(user, allegation), draft_key(user))


@register.simple_tag(takes_context=True)
def draft_saved_attr(context) -> str:
    """On <body>: the draft the previous request saved for good (read once)."""
    saved = pop_saved_draft(context["request"])
    return format_html(' data-draft-saved="{}"', saved) if saved else ""
