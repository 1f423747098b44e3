"""What allegations ask of whom on the home page (see core/work.py): a constant number of queries."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from allegations.choices import PRELIMINARY_ASSESSMENT_WORKING_DAYS, Attention
from allegations.models import Allegation, IncomingReport
from core.roles import at_headquarters
from core.work import ENTRIES_SHOWN, WorkEntry, WorkItem
from core.working_days import add_working_days


def _item(attention: Attention, label: str, allegations, *, urgent: bool = False, deadline: bool = False
          ) -> WorkItem | None:
    rows = list(allegations.select_related("mission").order_by("date_received", "reference")[:ENTRIES_SHOWN])
    count = len(rows) if len(rows) < ENTRIES_SHOWN else allegations.count()
    if not count:
        return None
    entries = tuple(
        WorkEntry(text=f"{a.reference} · {a.mission}", url=reverse("allegations:detail", args=[a.pk]),
                  due=add_working_days(a.date_received, PRELIMINARY_ASSESSMENT_WORKING_DAYS) if deadline else None,
                  today=a.mission.today() if deadline else None, child=a.children_involved)
        for a in rows)
    url = reverse("allegations:list") + "?" + urlencode({"attention": attention.value})
    return WorkItem(key=f"allegations_{attention.value}", label=label, count=count, url=url, urgent=urgent,
                    entries=entries)


def _incoming_reports(user) -> WorkItem | None:
    """The field officer's incoming reports still to deal with, the newest first, suspected spam last."""
    reports = IncomingReport.objects.visible_to(user).open()
    rows = list(reports.select_related("mission").order_by("suspected_spam", "-received_at")[:ENTRIES_SHOWN])
    count = len(rows) if len(rows) < ENTRIES_SHOWN else reports.count()
    if not count:
        return None
    entries = tuple(WorkEntry(text=f"{report} · {report.mission}", url=reverse("allegations:report", args=[report.pk]))
                    for report in rows)
    return WorkItem(key="allegations_incoming_reports",
                    label=_("Incoming reports to assess"),
                    count=count, url=reverse("allegations:reports"), urgent=False, entries=entries)


def work_items(user) -> list[WorkItem]:
    items: list[WorkItem | None] = []
    if user.has_perm("allegations.add_allegation"):
        items.append(_incoming_reports(user))
    if user.has_perm("allegations.change_allegation"):
        # The field officer: assessments running late, in the operations they work on.
        items.append(_item(Attention.ASSESSMENT_OVERDUE,
                           _("Allegations in preliminary assessment for more than 10 working days"),
                           Allegation.objects.editable_by(user).assessment_overdue(), urgent=True, deadline=True))
    elif at_headquarters(user) and user.has_perm("allegations.view_allegation"):
        # Headquarters: what the annex cannot count until someone completes it.
        visible = Allegation.objects.visible_to(user)
        items.append(_item(Attention.NO_INCIDENT_DATE, _("Allegations without an incident date (annex)"),
                           visible.without_incident_date()))
        items.append(_item(Attention.NATIONALITY_UNKNOWN,
                           _("Allegations with a perpetrator of unknown nationality (annex)"),
                           visible.with_unknown_nationality()))
    return [item for item in items if item is not None]
