"""The accountability scorecard: how each Member State and regional organisation answers the
referrals sent to it, per year of sending. A fixed number of queries (one values query per kind of
record), whatever the number of referrals; the working-day arithmetic is done in Python."""

from __future__ import annotations

import datetime
import re
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from enum import StrEnum

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.audit import AuditContext, audit_record
from core.errors import NotFound
from core.models import MemberState, RegionalOrganisation
from core.roles import at_headquarters
from core.sorting import SortOrder
from core.spreadsheets import to_csv
from core.working_days import add_working_days, holidays, working_days_until
from referrals.models import Referral
from victims.models import PaternityClaim, VictimAllegation, VictimContact

TREND_YEARS = 5


def may_view_scorecard(user) -> bool:
    """Headquarters analysts and those who approve referrals."""
    return bool(user.is_authenticated and user.is_active
                and (at_headquarters(user) or user.has_perm("referrals.approve_referral")))


def share(count: int, total: int) -> int | None:
    """A whole percentage; None when there is nothing to count."""
    return round(100 * count / total) if total else None


@dataclass(frozen=True)
class TrendPoint:
    year: int
    sent: int
    answered_in_time: int

    @property
    def answered_in_time_share(self) -> int | None:
        return share(self.answered_in_time, self.sent)

    @property
    def bar_height(self) -> float:
        """The share as the height of a bar 20 units tall (the scorecard's sparkline)."""
        return (self.answered_in_time_share or 0) / 5

    @property
    def bar_y(self) -> float:
        return 20 - self.bar_height


class Figure(StrEnum):
    """The figures of a row that stand for a set of referrals (`?figure=` of the list behind a link)."""
    SENT = "sent"
    ANSWERED_IN_TIME = "answered_in_time"
    ANSWERED = "answered"  # the median working days to answer is over these
    WITH_OFFICER = "with_officer"
    OUTCOMES_REPORTED = "outcomes_reported"  # the median days to outcome is over these
    VICTIMS_INFORMED = "victims_informed"  # at least one victim informed after the referral was sent
    CLAIMS_OPEN = "claims_open"  # a victim of the allegation has a paternity claim pending
    CLAIMS_RESOLVED = "claims_resolved"  # ... or one decided


MEMBER_STATE, REGIONAL_ORGANISATION = "ms", "ro"  # an authority's kind in `?authority=ms:12`


@dataclass
class ScorecardRow:
    authority: str
    regional: bool  # a regional organisation rather than a Member State
    authority_id: int
    median_working_days_to_answer: float | None = None
    median_days_to_outcome: float | None = None
    victims: int = 0  # victim-referral pairs: a victim counted once per referral of their allegation
    victims_informed: int = 0
    claims_open: int = 0
    claims_resolved: int = 0
    trend: list[TrendPoint] = field(default_factory=list)
    members: dict[Figure, set] = field(default_factory=lambda: {figure: set() for figure in Figure})

    @property
    def key(self) -> str:
        """The authority as `?authority=` names it: its kind and id."""
        return f"{REGIONAL_ORGANISATION if self.regional else MEMBER_STATE}:{self.authority_id}"

    @property
    def sent(self) -> int:
        return len(self.members[Figure.SENT])

    @property
    def answered_in_time(self) -> int:
        return len(self.members[Figure.ANSWERED_IN_TIME])

    @property
    def answered(self) -> int:
        return len(self.members[Figure.ANSWERED])

    @property
    def with_officer(self) -> int:
        return len(self.members[Figure.WITH_OFFICER])

    @property
    def outcomes_reported(self) -> int:
        return len(self.members[Figure.OUTCOMES_REPORTED])

    @property
    def answered_in_time_share(self) -> int | None:
        return share(self.answered_in_time, self.sent)

    @property
    def with_officer_share(self) -> int | None:
        return share(self.with_officer, self.sent)

    @property
    def outcomes_reported_share(self) -> int | None:
        return share(self.outcomes_reported, self.sent)

    @property
    def victims_informed_share(self) -> int | None:
        return share(self.victims_informed, self.victims)


def latest_year(user) -> int | None:
    """The latest year in which a referral the user may see was sent."""
    last = Referral.objects.visible_to(user).sent().aggregate(last=models.Max("sent_on"))["last"]
    return last.year if last else None


def years_sent(user) -> list[int]:
    """The years in which referrals the user may see were sent, newest first."""
    return [day.year for day in Referral.objects.visible_to(user).sent().dates("sent_on", "year", order="DESC")]


ALL_YEARS = "all"


def chosen_year(raw: str | None, years: list[int]) -> int | None:
    """`?year=`: one of `years`, or `ALL_YEARS` (None); anything else, the latest year."""
    if raw == ALL_YEARS:
        return None
    if raw and raw.isdigit() and int(raw) in years:
        return int(raw)
    return years[0] if years else None


def _median(values: list[int]) -> float | None:
    return statistics.median(values) if values else None


def answered_in_time(sent_on: datetime.date, response_on: datetime.date | None, closed: frozenset) -> bool:
    return response_on is not None and response_on <= add_working_days(sent_on, settings.SEA_RESPONSE_WORKING_DAYS, closed)


def scorecard(user, year: int | None) -> list[ScorecardRow]:
    """One row per authority that was sent a referral in `year` (None: all years), sorted by name;
    each with its trend over the `TREND_YEARS` years up to `year` (or up to the latest year)."""
    referrals = Referral.objects.visible_to(user).sent()
    last = year if year is not None else latest_year(user)
    if last is None:
        return []
    if year is not None:
        referrals = referrals.filter(sent_on__year__gte=year - TREND_YEARS + 1, sent_on__year__lte=year)
    sent = list(referrals.order_by().values(
        "pk", "allegation_id", "sent_on", "response_on", "investigation_officer", "outcome_on",
        "member_state_id", "member_state__name", "regional_organisation_id", "regional_organisation__name"))
    closed = holidays()
    in_year = [r for r in sent if year is None or r["sent_on"].year == year]

    # The victims of the allegations referred, when each was last contacted, and their claims.
    allegation_ids = {r["allegation_id"] for r in in_year}
    victims_of: dict = defaultdict(set)
    for link in VictimAllegation.objects.filter(allegation_id__in=allegation_ids).values("allegation_id", "victim_id"):
        victims_of[link["allegation_id"]].add(link["victim_id"])
    victim_ids = set().union(*victims_of.values()) if victims_of else set()
    last_contact = dict(VictimContact.objects.filter(victim_id__in=victim_ids).order_by().values("victim_id")
                        .annotate(last=models.Max("contacted_on")).values_list("victim_id", "last"))
    claims_of: dict = defaultdict(list)
    for claim in PaternityClaim.objects.filter(victim_id__in=victim_ids).values("pk", "victim_id", "outcome"):
        claims_of[claim["victim_id"]].append(claim)

    rows: dict[tuple[bool, int], ScorecardRow] = {}
    answer_days: dict = defaultdict(list)
    outcome_days: dict = defaultdict(list)
    claims: dict = defaultdict(dict)
    for r in in_year:
        key = _authority(r)
        row = rows.setdefault(key, ScorecardRow(authority=_authority_name(r), regional=key[0], authority_id=key[1]))
        members = row.members
        members[Figure.SENT].add(r["pk"])
        if answered_in_time(r["sent_on"], r["response_on"], closed):
            members[Figure.ANSWERED_IN_TIME].add(r["pk"])
        if r["response_on"] is not None:
            members[Figure.ANSWERED].add(r["pk"])
            answer_days[key].append(working_days_until(r["sent_on"], r["response_on"], closed))
        if r["investigation_officer"] != "":
            members[Figure.WITH_OFFICER].add(r["pk"])
        if r["outcome_on"] is not None:
            members[Figure.OUTCOMES_REPORTED].add(r["pk"])
            outcome_days[key].append((r["outcome_on"] - r["sent_on"]).days)
        for victim_id in victims_of.get(r["allegation_id"], ()):
            row.victims += 1
            contacted = last_contact.get(victim_id)
            if contacted is not None and contacted > r["sent_on"]:
                row.victims_informed += 1
                members[Figure.VICTIMS_INFORMED].add(r["pk"])
            for claim in claims_of.get(victim_id, ()):
                claims[key][claim["pk"]] = claim["outcome"]
                members[Figure.CLAIMS_OPEN if _claim_open(claim["outcome"]) else Figure.CLAIMS_RESOLVED].add(r["pk"])
    trend = _trend(sent, last, closed)
    for key, row in rows.items():
        row.median_working_days_to_answer = _median(answer_days[key])
        row.median_days_to_outcome = _median(outcome_days[key])
        row.claims_open = sum(_claim_open(outcome) for outcome in claims[key].values())
        row.claims_resolved = len(claims[key]) - row.claims_open
        row.trend = [TrendPoint(y, *trend.get((key, y), (0, 0))) for y in range(last - TREND_YEARS + 1, last + 1)]
    return sorted(rows.values(), key=lambda row: (row.regional, row.authority.casefold()))


def _claim_open(outcome: str) -> bool:
    return outcome == PaternityClaim.Outcome.PENDING


def _authority(values: dict) -> tuple[bool, int]:
    """(regional, id): the row a referral counts in."""
    if values["member_state_id"] is not None:
        return False, values["member_state_id"]
    return True, values["regional_organisation_id"]


def _authority_name(values: dict) -> str:
    return values["member_state__name"] if values["member_state_id"] is not None else values["regional_organisation__name"]


def _trend(sent: list[dict], last: int, closed: frozenset) -> dict:
    counts: dict = defaultdict(lambda: [0, 0])
    for r in sent:
        if last - TREND_YEARS < r["sent_on"].year <= last:
            counts[(_authority(r), r["sent_on"].year)][0] += 1
            counts[(_authority(r), r["sent_on"].year)][1] += answered_in_time(r["sent_on"], r["response_on"], closed)
    return counts


# --- The referrals behind a figure ---------------------------------------------------------------

FIGURE_TITLES = {
    Figure.SENT: _("Referrals sent to %(authority)s %(when)s"),
    Figure.ANSWERED_IN_TIME: _("Referrals sent to %(authority)s %(when)s and answered within %(days)s working days"),
    Figure.ANSWERED: _("Referrals sent to %(authority)s %(when)s and answered"),
    Figure.WITH_OFFICER: _("Referrals sent to %(authority)s %(when)s with an investigation officer named"),
    Figure.OUTCOMES_REPORTED: _("Referrals sent to %(authority)s %(when)s whose outcome was reported"),
    Figure.VICTIMS_INFORMED: _("Referrals sent to %(authority)s %(when)s with a victim informed since"),
    Figure.CLAIMS_OPEN: _("Referrals sent to %(authority)s %(when)s whose victims have a paternity claim open"),
    Figure.CLAIMS_RESOLVED: _("Referrals sent to %(authority)s %(when)s whose victims have a paternity claim "
                              "resolved"),
}


def figure_title(figure: Figure, authority: str, year: int | None) -> str:
    """What a figure's list holds, in words."""
    when = _("in %(year)s") % {"year": year} if year is not None else _("in all years")
    return FIGURE_TITLES[figure] % {"authority": authority, "when": when, "days": settings.SEA_RESPONSE_WORKING_DAYS}


@dataclass(frozen=True)
class ScorecardFigure:
    row: ScorecardRow
    figure: Figure
    year: int | None

    @property
    def title(self) -> str:
        return figure_title(self.figure, self.row.authority, self.year)

    @property
    def referral_ids(self) -> set:
        return self.row.members[self.figure]


AUTHORITY_KEY = re.compile(rf"^({MEMBER_STATE}|{REGIONAL_ORGANISATION}):(\d{{1,18}})$")


def scorecard_figure(user, *, year: str | None, authority: str | None, figure: str | None) -> ScorecardFigure:
    """The figure a scorecard link names (`?year=&authority=&figure=`). A malformed one is a
    `ValidationError`; a well-formed one the scorecard does not show (a year without referrals, an
    authority not sent any that year) is `NotFound`."""
    errors = {}
    if figure not in list(Figure):
        errors["figure"] = _("Choose one of the scorecard's figures.")
    if not (year == ALL_YEARS or (year or "").isdigit()):
        errors["year"] = _("Give a year, or “%(all)s” for all years.") % {"all": ALL_YEARS}
    if not AUTHORITY_KEY.match(authority or ""):
        errors["authority"] = _("Give the authority as on the scorecard's links (for example ms:12).")
    if errors:
        raise ValidationError(errors)
    chosen = None if year == ALL_YEARS else int(year)
    if chosen is not None and chosen not in years_sent(user):
        raise NotFound(_("No referral was sent in that year."))
    for row in scorecard(user, chosen):
        if row.key == authority:
            return ScorecardFigure(row=row, figure=Figure(figure), year=chosen)
    raise NotFound(_("No referral was sent to that authority in that year."))


SCORECARD_REFERRAL_SORTS = SortOrder(
    columns={
        "allegation": ("allegation__reference",),
        "operation": ("allegation__mission__name", "allegation__reference"),
        "sent": ("sent_on",),
        "answer": (models.F("response_on"),),
        "officer": ("investigation_officer",),
        "outcome": (models.F("outcome_on"),),
    },
    default="sent",
)


def figure_referrals(user, figure: ScorecardFigure) -> models.QuerySet:
    """The referrals a figure counts, as the user may see them, for a list."""
    return (Referral.objects.visible_to(user).filter(pk__in=figure.referral_ids)
            .select_related("allegation__mission"))


# --- The export ----------------------------------------------------------------------------------

def _export_columns() -> list[str]:
    days = {"days": settings.SEA_RESPONSE_WORKING_DAYS}
    return [
        gettext("Authority"), gettext("Kind of authority"), gettext("Referrals sent"),
        gettext("Answered within %(days)s working days") % days,
        gettext("Share answered within %(days)s working days") % days,
        gettext("Answered"), gettext("Median working days to answer"),
        gettext("With an investigation officer"), gettext("Share with an investigation officer"),
        gettext("Outcomes reported"), gettext("Share of outcomes reported"), gettext("Median days to outcome"),
        gettext("Victims of the referred allegations, once per referral"), gettext("Victims informed"),
        gettext("Share of victims informed"), gettext("Paternity claims open"), gettext("Paternity claims resolved"),
    ]


def _export_row(row: ScorecardRow) -> list:
    kind = RegionalOrganisation._meta.verbose_name if row.regional else MemberState._meta.verbose_name
    return [
        row.authority, capfirst(kind), row.sent, row.answered_in_time, row.answered_in_time_share, row.answered,
        row.median_working_days_to_answer, row.with_officer, row.with_officer_share, row.outcomes_reported,
        row.outcomes_reported_share, row.median_days_to_outcome, row.victims, row.victims_informed,
        row.victims_informed_share, row.claims_open, row.claims_resolved,
    ]


def scorecard_export(*, actor, year: int | None, audit: AuditContext | None = None) -> tuple[bytes, str]:
    """The scorecard of `year` (None: all years) as CSV in the active language, one row per authority,
    and its file name; audited like every export."""
    rows = scorecard(actor, year)
    caption = (gettext("Referrals sent in %(year)s, by authority") % {"year": year} if year is not None
               else gettext("Referrals sent, all years, by authority"))
    content = to_csv(_export_columns(), [["" if v is None else v for v in _export_row(row)] for row in rows],
                     [caption])
    audit_record(action="scorecard_export", actor=actor, audit=audit, object_type="referrals.scorecard",
                 object_id=str(year or ALL_YEARS), detail={"year": year or ALL_YEARS, "rows": len(rows), "via": "page"})
    return content, f"scorecard-{year or ALL_YEARS}.csv"
