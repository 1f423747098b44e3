import datetime

from django import template

register = template.Library()


@register.filter
def days_after(later: datetime.date | None, earlier: datetime.date | None) -> int | str:
    """`{{ today|days_after:due }}`: whole days from `earlier` to `later` (empty when either is missing)."""
    if later is None or earlier is None:
        return ""
    return (later - earlier).days
