"""What referrals ask of whom on the home page (see core/work.py)."""

from __future__ import annotations

from core.work import WorkItem


def work_items(user) -> list[WorkItem]:
    return []
