"""The administrator's home items: accounts that need attention and the audit chain's health.
Filled in by issue 16 item 7; returns nothing until then."""

from __future__ import annotations

from core.work import WorkItem


def work_items(user) -> list[WorkItem]:
    return []
