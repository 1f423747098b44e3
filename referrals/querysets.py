"""The one scoping rule for referrals (and their reminders): through the allegation."""

from __future__ import annotations

from django.apps import apps
from django.db import models

from allegations.models import Allegation
from core.models import Mission
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
    return referrals.order_by("response_due", "pk")


def overdue_on(today) -> models.Q:
    """Past the answer deadline without an answer, or past the investigation deadline without an outcome."""
    return (models.Q(response=AuthorityResponse.NONE_YET, response_due__lt=today)
            | (~models.Q(response=AuthorityResponse.DECLINES)
               & models.Q(outcome=InvestigationOutcome.PENDING, investigation_due__lt=today)))


def overdue_condition(today=None, *, prefix: str = "") -> models.Q:
    """Overdue as of `today`, or (default) as of each referral's operation's local date."""
    if today is not None:
        return overdue_on(today)
    return per_local_date(overdue_on, zone_field=f"{prefix}allegation__mission__time_zone")

