from django import template
from django.forms import BaseFormSet, Form

from core.forms import error_summary as summarise

register = template.Library()


@register.inclusion_tag("includes/error_summary.html")
def error_summary(*parts: Form | BaseFormSet | None, intro: str = "") -> dict:
    """`{% error_summary form formset %}`: "There is a problem", then every error as a link to its field."""
    return {"entries": summarise(*parts), "intro": intro}
