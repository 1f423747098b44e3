"""The deadlines of a referral (working days are counted by `core.working_days`)."""

from __future__ import annotations

import datetime

from django.conf import settings

from core.working_days import add_working_days


def response_due(sent_on: datetime.date) -> datetime.date:
    return add_working_days(sent_on, settings.SEA_RESPONSE_WORKING_DAYS)


def investigation_due(sent_on: datetime.date, *, children_involved: bool) -> datetime.date:
    days = settings.SEA_INVESTIGATION_DAYS_CHILDREN if children_involved else settings.SEA_INVESTIGATION_DAYS
    return sent_on + datetime.timedelta(days=days)
