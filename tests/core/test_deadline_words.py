"""Deadlines in words: how late, or how many working days are left."""

import datetime

import pytest

from core.templatetags.sea import deadline, deadline_words
from core.working_days import add_working_days, working_days_until

FRIDAY = datetime.date(2026, 11, 27)
MONDAY = datetime.date(2026, 11, 30)


def test_it_counts_working_days_over_a_weekend_and_back():
    assert add_working_days(FRIDAY, 1, frozenset()) == MONDAY
    assert add_working_days(MONDAY, -1, frozenset()) == FRIDAY
    assert working_days_until(FRIDAY, MONDAY, frozenset()) == 1


def test_it_skips_configured_holidays(settings):
    settings.SEA_HOLIDAYS = ["2026-11-30"]
    assert add_working_days(FRIDAY, 1) == MONDAY + datetime.timedelta(days=1)


@pytest.mark.parametrize(("due", "words", "urgency"), [
    (MONDAY - datetime.timedelta(days=5), "5 days overdue", "overdue"),
    (MONDAY - datetime.timedelta(days=1), "1 day overdue", "overdue"),
    (MONDAY, "due today", "soon"),
    (MONDAY + datetime.timedelta(days=3), "due in 3 working days", "soon"),
    (MONDAY + datetime.timedelta(days=7), "due in 5 working days", "later"),
])
def test_it_says_how_late_or_how_many_working_days_are_left(due, words, urgency):
    assert deadline_words(due, MONDAY) == (words, urgency)


def test_it_repeats_the_words_in_the_badge_so_colour_is_never_the_only_signal():
    html = deadline(MONDAY - datetime.timedelta(days=2), MONDAY)
    assert html == '<span class="deadline deadline-overdue" title="2026-11-28">2 days overdue</span>'
    assert deadline(None, MONDAY) == ""
