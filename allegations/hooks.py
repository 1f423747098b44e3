"""Extension points for the apps above allegations (they may not be imported from here).

A higher app registers a callable in its AppConfig.ready(); allegation services call it
inside their transaction, so derived data elsewhere never goes stale.
"""

from collections.abc import Callable

incident_date_changed: list[Callable[[object], None]] = []
# Called with the allegation's id and the new value when "children involved" turns on or off.
children_involved_changed: list[Callable[[object, bool], None]] = []


def _no_clock(allegation, user) -> list:
    return []


def _rows_unchanged(allegations):
    return allegations


def _no_deadline(user):
    return None


def _no_milestones(allegation) -> set:
    return set()


# The case clock: most of its dates are the referrals', so the referrals app sets these in its ready().
# Called by the allegation page with (allegation, reader): the timeline's events, in order.
case_clock: Callable[[object, object], list] = _no_clock
# Called by `Allegation.objects.with_clock()`: the list rows' compact clock as annotations.
with_clock: Callable[[object], object] = _rows_unchanged

# Called with the user: an expression (on Allegation) of the allegation's next open deadline, a
# date or NULL, or None if the user may not see it. Referrals provides it; the list shows it.
next_deadline: Callable[[object], object] = _no_deadline

# Called with a reported allegation: the reporting channel's milestones its referrals have reached
# (the authority informed, an investigation, an outcome, closed). Referrals provides it.
report_milestones: Callable[[object], set] = _no_milestones
