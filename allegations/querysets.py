"""The one scoping rule for allegations and their perpetrators, used by every view, API, export and search."""

from __future__ import annotations

from django.apps import apps
from django.db import models
from django.db.models.functions import Coalesce

from allegations import hooks
from allegations.choices import (
    CLOSED_STATUSES,
    OPEN_REPORT_STATES,
    OPEN_STATUSES,
    PRELIMINARY_ASSESSMENT_WORKING_DAYS,
    Attention,
    Status,
)
from core.models import Mission
from core.sorting import SortOrder
from core.time import per_local_date
from core.working_days import add_working_days

# "Open" and "closed" as conditions, for counts that filter inside one aggregate.
IS_OPEN = models.Q(status__in=OPEN_STATUSES)
IS_CLOSED = models.Q(status__in=CLOSED_STATUSES)


def _shared_with(user, perm: str) -> models.Q:
    """Records shared one by one with the user (or their groups) through a guardian grant."""
    by_user = apps.get_model("allegations", "AllegationUserObjectPermission").objects.filter(
        user=user, permission__codename=perm
    )
    by_group = apps.get_model("allegations", "AllegationGroupObjectPermission").objects.filter(
        group__user=user, permission__codename=perm
    )
    return models.Q(pk__in=by_user.values("content_object")) | models.Q(pk__in=by_group.values("content_object"))


class AttachmentQuerySet(models.QuerySet):
    def visible_to(self, user) -> AttachmentQuerySet:
        """Evidence files are at least as sensitive as a confidential narrative: only roles that may read
        those, on allegations they may see."""
        if not user.has_perm("allegations.view_confidential_narrative"):
            return self.none()
        return self.filter(allegation__in=apps.get_model("allegations", "Allegation").objects.visible_to(user))

    def editable_by(self, user) -> AttachmentQuerySet:
        return self.visible_to(user).filter(
            allegation__in=apps.get_model("allegations", "Allegation").objects.editable_by(user))


class AllegationQuerySet(models.QuerySet):
    def visible_to(self, user) -> AllegationQuerySet:
        if not (user.is_authenticated and user.is_active and user.has_perm("allegations.view_allegation")):
            return self.none()
        in_scope = models.Q(mission__in=Mission.objects.visible_to(user))
        return self.filter(in_scope | _shared_with(user, "view_allegation"))

    def editable_by(self, user) -> AllegationQuerySet:
        if not (user.is_authenticated and user.is_active and user.has_perm("allegations.change_allegation")):
            return self.none()
        in_scope = models.Q(mission__in=Mission.objects.editable_by(user))
        return self.filter(in_scope | _shared_with(user, "change_allegation"))

    def open(self) -> AllegationQuerySet:
        """In preliminary assessment, under review or under investigation."""
        return self.filter(IS_OPEN)

    def closed(self) -> AllegationQuerySet:
        return self.filter(IS_CLOSED)

    def assessment_overdue(self) -> AllegationQuerySet:
        """Still in preliminary assessment more than 10 working days after receipt, counted to the
        operation's own today."""
        def received_too_long_ago(today):
            return models.Q(date_received__lt=add_working_days(today, -PRELIMINARY_ASSESSMENT_WORKING_DAYS))
        return self.filter(status=Status.PRELIMINARY_ASSESSMENT).filter(
            per_local_date(received_too_long_ago, zone_field="mission__time_zone"))

    def without_incident_date(self) -> AllegationQuerySet:
        return self.filter(incident_date__isnull=True)

    def with_unknown_nationality(self) -> AllegationQuerySet:
        """At least one alleged perpetrator whose nationality is not recorded (the annex counts by it)."""
        unknown = apps.get_model("allegations", "AllegedPerpetrator").objects.filter(
            allegation=models.OuterRef("pk"), nationality__isnull=True)
        return self.filter(models.Exists(unknown))

    def needing(self, attention: str) -> AllegationQuerySet:
        """The list filter behind each home-page queue (`Attention`)."""
        return {
            Attention.ASSESSMENT_OVERDUE: self.assessment_overdue,
            Attention.NO_INCIDENT_DATE: self.without_incident_date,
            Attention.NATIONALITY_UNKNOWN: self.with_unknown_nationality,
        }[Attention(attention)]()

    def with_list_data(self) -> AllegationQuerySet:
        """What a list row shows, in one query whatever the page size.

        Kept cheap at 100,000 rows (README "Load test"): the perpetrator count is a correlated
        subquery, which PostgreSQL runs only for the rows of the page (a JOIN + GROUP BY had to
        aggregate every visible allegation before sorting, and made the paginator's COUNT(*) group
        them too); the order matches an index; the narrative's ciphertext, never shown in a list,
        is not fetched."""
        perpetrators = (
            apps.get_model("allegations", "AllegedPerpetrator").objects.filter(allegation=models.OuterRef("pk"))
            .order_by().values("allegation").annotate(n=models.Count("pk")).values("n")
        )
        return self.select_related("mission", "country").defer("narrative").annotate(
            perpetrator_count=Coalesce(models.Subquery(perpetrators), 0)
        ).order_by("-date_received", "-reference")

    def with_clock(self) -> AllegationQuerySet:
        """The annotations of the compact case clock (`includes/case_clock_compact.html`): one query
        whatever the page size. The referrals app, which holds those dates, provides them (`hooks.with_clock`)."""
        return hooks.with_clock(self)

    def with_next_deadline(self, user) -> AllegationQuerySet:
        """`next_deadline` on each row: the earliest deadline still awaited (from the app that
        keeps deadlines, through `hooks.next_deadline`), NULL when there is none or the user may
        not see it."""
        expression = hooks.next_deadline(user)
        return self.annotate(next_deadline=expression if expression is not None
                             else models.Value(None, output_field=models.DateField()))


# The list page's sortable columns (never an encrypted field: the narrative is not one of them).
ALLEGATION_SORTS = SortOrder(
    columns={
        "reference": ("reference",),
        "operation": ("mission__name", "reference"),
        "received": ("date_received", "reference"),  # the default, "-received", matches allegation_list_order
        "incident": (models.F("incident_date"), "reference"),
        "type": ("allegation_type", "reference"),
        "location": ("location", "reference"),
        "perpetrators": ("perpetrator_count", "reference"),
        "status": ("status", "reference"),
        "deadline": (models.F("next_deadline"), "reference"),
    },
    default="-received",
    unique=frozenset({"pk", "reference"}),
)


class AllegedPerpetratorQuerySet(models.QuerySet):
    def visible_to(self, user) -> AllegedPerpetratorQuerySet:
        allegations = apps.get_model("allegations", "Allegation").objects.visible_to(user)
        return self.filter(allegation__in=allegations)


def allegation_list(
    *,
    user,
    q: str = "",
    mission=None,
    status: str = "",
    allegation_type: str = "",
    year: int | None = None,
    children: bool = False,
    attention: str = "",
) -> AllegationQuerySet:
    """The allegations `user` may see, narrowed by the list filters (shared by pages, API and exports)."""
    allegations = apps.get_model("allegations", "Allegation").objects.visible_to(user)
    if q:
        allegations = allegations.filter(models.Q(reference__icontains=q) | models.Q(location__icontains=q))
    if mission is not None:
        allegations = allegations.filter(mission=mission)
    if status:
        allegations = allegations.filter(status=status)
    if allegation_type:
        allegations = allegations.filter(allegation_type=allegation_type)
    if year:
        allegations = allegations.filter(date_received__year=year)
    if children:
        allegations = allegations.filter(children_involved=True)
    if attention:
        allegations = allegations.needing(attention)
    return allegations


def can_read_narrative(user, allegation) -> bool:
    """Headquarters analysts see allegations pseudonymised: no confidential narrative."""
    return not allegation.narrative_confidential or user.has_perm("allegations.view_confidential_narrative")


class IncomingReportQuerySet(models.QuerySet):
    def visible_to(self, user) -> IncomingReportQuerySet:
        """The officers who may record allegations for an operation assess its incoming reports; no one
        else sees them (what a person wrote before anyone decided it is an allegation)."""
        if not (user.is_authenticated and user.is_active and user.has_perm("allegations.add_allegation")):
            return self.none()
        return self.filter(mission__in=Mission.objects.editable_by(user))

    def open(self) -> IncomingReportQuerySet:
        return self.filter(state__in=OPEN_REPORT_STATES)

    def with_queue_data(self) -> IncomingReportQuerySet:
        """For the officers' queue, in the same query: how many messages, and whether the person wrote
        last (`last_from_office` is False: waiting for the Office); suspected spam last, newest first."""
        messages = apps.get_model("allegations", "ReportMessage").objects.filter(report=models.OuterRef("pk"))
        return (self.select_related("mission", "force")
                .annotate(message_count=models.Count("messages", distinct=True),
                          last_from_office=models.Subquery(messages.order_by("-sent_at").values("from_office")[:1]))
                .order_by("suspected_spam", "-received_at"))
