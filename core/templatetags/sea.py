import datetime

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext, pgettext

from core.working_days import SOON_WORKING_DAYS, working_days_until

register = template.Library()


@register.filter
def days_after(later: datetime.date | None, earlier: datetime.date | None) -> int | str:
    """`{{ today|days_after:due }}`: whole days from `earlier` to `later` (empty when either is missing)."""
    if later is None or earlier is None:
        return ""
    return (later - earlier).days


def deadline_words(due: datetime.date, today: datetime.date) -> tuple[str, str]:
    """(words, urgency): "5 days overdue" / "due today" / "due in 3 working days", and one of
    overdue, soon, later. Overdue counts calendar days (how late it is); ahead counts working days
    (how much time is left to act)."""
    if due < today:
        late = (today - due).days
        return ngettext("%(days)d day overdue", "%(days)d days overdue", late) % {"days": late}, "overdue"
    if due == today:
        return pgettext("deadline", "due today"), "soon"
    left = working_days_until(today, due)
    if left == 0:  # due on a weekend or holiday before the next working day
        days = (due - today).days
        return ngettext("due in %(days)d day", "due in %(days)d days", days) % {"days": days}, "soon"
    words = ngettext("due in %(days)d working day", "due in %(days)d working days", left) % {"days": left}
    return words, "soon" if left <= SOON_WORKING_DAYS else "later"


@register.simple_tag
def deadline(due: datetime.date | None, today: datetime.date | None) -> str:
    """`{% deadline referral.response_due referral.local_today %}`: the deadline in words, in a badge
    whose colour repeats what the words say (colour is never the only signal). The date itself is
    in the title, for those who want it."""
    if due is None or today is None:
        return ""
    words, urgency = deadline_words(due, today)
    return format_html('<span class="deadline deadline-{}" title="{}">{}</span>', urgency, due.isoformat(), words)


# Arrows are decoration (aria-hidden); aria-sort and the visually-hidden words say the same.
SORT_ARROWS = {"ascending": "▲", "descending": "▼"}


@register.simple_tag(takes_context=True)
def sort_header(context, sort, key: str, label: str, cls: str = "", anchor: str = "") -> str:
    """`{% sort_header sort "received" _("Received") %}`: a column header linking to the list sorted
    by that column (the other way round when it is the sorted one), filters kept, page 1; `anchor`
    brings a page of several tables back to this one."""
    direction = sort.direction_of(key)
    href = "?" + sort.query_for(context["request"].GET, key) + (f"#{anchor}" if anchor else "")
    if direction:
        words = gettext("sorted ascending") if direction == "ascending" else gettext("sorted descending")
        return format_html(
            '<th scope="col" class="sortable {}" aria-sort="{}"><a href="{}">{}<span class="sort-arrow" aria-hidden="true">{}</span>'
            '<span class="sr-only"> ({})</span></a></th>',
            cls, direction, href, label, SORT_ARROWS[direction], words)
    return format_html('<th scope="col" class="sortable {}"><a href="{}">{}</a></th>', cls, href, label)


@register.simple_tag
def sort_field(sort) -> str:
    """Inside a list's filter form: applying the filters keeps the order asked for."""
    if not sort.asked:
        return ""
    return format_html('<input type="hidden" name="sort" value="{}">', sort.asked)
