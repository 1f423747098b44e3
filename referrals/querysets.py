"""The one scoping rule for referrals (and their reminders): through the allegation."""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.apps import apps
from django.db import models
from django.db.models.functions import Coalesce, Least

from allegations.models import Allegation
from core.models import Mission
from core.sorting import SortOrder
from core.time import per_local_date
from referrals.choices import AuthorityResponse, InvestigationOutcome, ReferralStatus


class ReferralQuerySet(models.QuerySet):
    def visible_to(self, user) -> ReferralQuerySet:
        if not (user.is_authenticated and user.is_active and user.has_perm("referrals.view_referral")):
            return self.none()
        return self.filter(allegation__in=Allegation.objects.visible_to(user))

    def editable_by(self, user) -> ReferralQuerySet:
        """Drafting, approving and recording answers need change scope on the operation."""
        if not (user.is_authenticated and user.is_active and user.has_perm("referrals.change_referral")):
            return self.none()
        return self.filter(allegation__mission__in=Mission.objects.editable_by(user))

    def open(self) -> ReferralQuerySet:
        """Sent and still followed up (not closed)."""
        return self.filter(status=ReferralStatus.SENT)

    def sent(self) -> ReferralQuerySet:
        """Sent to the authority: in follow-up or since closed (never a draft or a withdrawn one)."""
        return self.filter(status__in=[ReferralStatus.SENT, ReferralStatus.CLOSED], sent_on__isnull=False)

    def overdue(self, today=None) -> ReferralQuerySet:
        """Open and past a deadline: see `overdue_condition`."""
        return self.open().filter(overdue_condition(today))

    def awaiting_approval(self) -> ReferralQuerySet:
        """Drafts waiting for an approver: not returned to their drafter."""
        return self.filter(status=ReferralStatus.DRAFT, returned_at__isnull=True)

    def returned(self) -> ReferralQuerySet:
        """Drafts an approver sent back to their drafter, waiting to be edited or withdrawn."""
        return self.filter(status=ReferralStatus.DRAFT, returned_at__isnull=False)

    def with_list_data(self) -> ReferralQuerySet:
        reminders = apps.get_model("referrals", "Reminder")
        return self.select_related("allegation__mission", "member_state", "regional_organisation").annotate(
            reminders_sent=models.Count("reminders", filter=models.Q(reminders__status=reminders.Status.SENT)),
        )


class ReminderQuerySet(models.QuerySet):
    def visible_to(self, user) -> ReminderQuerySet:
        return self.filter(referral__in=apps.get_model("referrals", "Referral").objects.visible_to(user))

    def sent(self) -> ReminderQuerySet:
        """Those that went out: only these can be produced as notes verbales."""
        return self.filter(status=self.model.Status.SENT)


class ReferralStepQuerySet(models.QuerySet):
    def current(self) -> ReferralStepQuerySet:
        """The ledger as it stands: steps not replaced by a correction."""
        return self.filter(replaced_by__isnull=True)


def pending_referrals(*, user, mission=None, authority: str = "", overdue: bool = False) -> ReferralQuerySet:
    """Open referrals the user may see, with what the pending page shows; one query."""
    referrals = apps.get_model("referrals", "Referral").objects.visible_to(user).open().with_list_data()
    if mission is not None:
        referrals = referrals.filter(allegation__mission=mission)
    if authority:
        referrals = referrals.filter(models.Q(member_state__name__icontains=authority)
                                     | models.Q(regional_organisation__name__icontains=authority)
                                     | models.Q(regional_organisation__acronym__iexact=authority))
    if overdue:
        referrals = referrals.overdue()
    # Which deadline is missed, from the same conditions as `overdue()`: the page flags each one.
    referrals = referrals.annotate(
        answer_overdue=models.ExpressionWrapper(as_of(answer_overdue_on), output_field=models.BooleanField()),
        investigation_overdue=models.ExpressionWrapper(as_of(investigation_overdue_on),
                                                       output_field=models.BooleanField()),
    )
    # The authority's name, whichever kind it is, for sorting by it.
    referrals = referrals.annotate(authority_name=Coalesce("member_state__name", "regional_organisation__name"))
    return PENDING_SORTS.parse("").apply(referrals)


# The pending page's sortable columns; the default, soonest answer first.
PENDING_SORTS = SortOrder(
    columns={
        "allegation": ("allegation__reference",),
        "operation": ("allegation__mission__name", "allegation__reference"),
        "authority": ("authority_name",),
        "sent": (models.F("sent_on"),),
        "answer_due": (models.F("response_due"),),
        "investigation_due": (models.F("investigation_due"),),
        "answer": ("response",),
        "reminders": ("reminders_sent",),
    },
    default="answer_due",
)

# The outbox's sortable columns (the encrypted body is never one of them); newest first.
OUTBOX_SORTS = SortOrder(
    columns={"time": ("created_at",), "operation": (models.F("mission__name"), "created_at"), "subject": ("subject",),
             "about": ("related_label",)},
    default="-time",
)


# What an open referral still waits for: an answer; an outcome (unless the authority declined to investigate).
ANSWER_AWAITED = models.Q(response=AuthorityResponse.NONE_YET)
INVESTIGATION_AWAITED = ~models.Q(response=AuthorityResponse.DECLINES) & models.Q(outcome=InvestigationOutcome.PENDING)


def answer_overdue_on(today) -> models.Q:
    """Past the answer deadline without an answer."""
    return ANSWER_AWAITED & models.Q(response_due__lt=today)


def investigation_overdue_on(today) -> models.Q:
    """Past the investigation deadline without an outcome (unless the authority declined to investigate)."""
    return INVESTIGATION_AWAITED & models.Q(investigation_due__lt=today)


def next_deadline_of_allegation(user) -> models.Expression | None:
    """For the allegation list (through `allegations.hooks.next_deadline`): the earliest deadline
    still awaited among the allegation's open referrals, as a correlated subquery (run for the
    rows of the page only). None for someone who may not see referrals."""
    if not user.has_perm("referrals.view_referral"):
        return None
    answer = models.Case(models.When(ANSWER_AWAITED, then=models.F("response_due")))
    investigation = models.Case(models.When(INVESTIGATION_AWAITED, then=models.F("investigation_due")))
    # A deadline no longer awaited (NULL) does not count. PostgreSQL's LEAST skips NULLs but SQLite's
    # MIN(a, b) returns NULL: each side falls back on the other, the same on both.
    awaited = Least(Coalesce(answer, investigation), Coalesce(investigation, answer))
    earliest = (apps.get_model("referrals", "Referral").objects.filter(allegation=models.OuterRef("pk")).open()
                .order_by().values("allegation").annotate(due=models.Min(awaited)).values("due"))
    return models.Subquery(earliest, output_field=models.DateField())


def overdue_on(today) -> models.Q:
    """Past either deadline: the answer's or the investigation's."""
    return answer_overdue_on(today) | investigation_overdue_on(today)


def as_of(condition: Callable[[datetime.date], models.Q], today=None, *, prefix: str = "") -> models.Q:
    """`condition` as of `today`, or (default) as of each referral's operation's local date."""
    if today is not None:
        return condition(today)
    return per_local_date(condition, zone_field=f"{prefix}allegation__mission__time_zone")


def overdue_condition(today=None, *, prefix: str = "") -> models.Q:
    """Overdue as of `today`, or (default) as of each referral's operation's local date."""
    return as_of(overdue_on, today, prefix=prefix)

