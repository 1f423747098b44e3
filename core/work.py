"""What needs doing: the items of a person's home page. Each app says what it asks of whom in its
own `work.py` (a function `work_items(user) -> list[WorkItem]`, from selectors, a constant number
of queries whatever the caseload); the home page (`sea_cases.views.home`) puts them in order."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field


@dataclass(frozen=True)
class WorkEntry:
    """One case in an item: what it is, where it is dealt with, and its deadline if it has one."""

    text: str
    url: str
    due: datetime.date | None = None
    today: datetime.date | None = None  # the operation's local date, against which `due` is told
    child: bool = False


@dataclass(frozen=True)
class WorkItem:
    key: str  # stable: the anchor on the page and the name tests use
    label: str  # what needs doing, in words
    count: int
    url: str  # the filtered list or page where it is done
    urgent: bool = False
    entries: tuple[WorkEntry, ...] = field(default=())  # the first few, most pressing first
    # When an entry is a group rather than a case (overdue referrals per Member State): how many groups.
    groups: int | None = None

    @property
    def more(self) -> int:
        """Entries not shown: cases, or groups for an item counted in cases but listed by group."""
        return (self.count if self.groups is None else self.groups) - len(self.entries)


# How many entries an item lists on the home page before "and N more".
ENTRIES_SHOWN = 5
