import uuid

from django.conf import settings
from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from allegations.choices import (  # noqa: F401 (re-exported: the app's vocabulary, imported from here too)
    Status,
    ALLOWED_TRANSITIONS,
    CLOSED_STATUSES,
    OPEN_STATUSES,
    AllegationType,
    Subtype,
    SUBTYPES_BY_TYPE,
    Source,
    DatePrecision,
    Credibility,
    PersonnelCategory,
    Sex,
    InterimAction,
    FinalAction,
    ContactWay,
    PersonSafe,
    ReportCloseReason,
    ReportState,
    ReportSubmitter,
    OPEN_REPORT_STATES,
)
from allegations.querysets import (
    AllegationQuerySet,
    AllegedPerpetratorQuerySet,
    AttachmentQuerySet,
    IncomingReportQuerySet,
)
from core.fields import EncryptedTextField
from core.models import Force, MemberState, Mission


def format_incident_date(day, precision: str) -> str:
    """`YYYY-MM-DD`, `YYYY-MM` or `Unknown`, as the annex tables write it."""
    if day is None or precision == DatePrecision.UNKNOWN:
        return "Unknown"
    if precision == DatePrecision.MONTH:
        return day.strftime("%Y-%m")
    return day.isoformat()


class Allegation(models.Model):
    # UUID key: known before the first INSERT, so the narrative's ciphertext can be
    # bound to its row, and not guessable from one record's URL to the next.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    reference = models.CharField(_("reference"), max_length=20, unique=True, editable=False)
    mission = models.ForeignKey(Mission, on_delete=models.PROTECT, related_name="allegations", verbose_name=_("operation"))
    country = models.ForeignKey(
        MemberState, on_delete=models.PROTECT, related_name="allegations_in_country", verbose_name=_("country")
    )
    location = models.CharField(_("location (region / prefecture)"), max_length=200, blank=True)
    date_received = models.DateField(_("date received"))
    incident_date = models.DateField(_("date of incident"), null=True, blank=True)
    incident_date_precision = models.CharField(
        _("precision of the incident date"), max_length=8, choices=DatePrecision.choices, default=DatePrecision.UNKNOWN
    )
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    allegation_type = models.CharField(_("type"), max_length=8, choices=AllegationType.choices)
    subtype = models.CharField(_("subtype"), max_length=40, choices=Subtype.choices)
    narrative = EncryptedTextField(_("narrative"), blank=True, default="")
    narrative_confidential = models.BooleanField(
        _("narrative is confidential"), default=True,
        help_text=_("Confidential narratives are never shown to headquarters analysts."),
    )
    credibility = models.CharField(
        _("credibility assessment"), max_length=16, choices=Credibility.choices, default=Credibility.PENDING
    )
    status = models.CharField(
        _("status"), max_length=32, choices=Status.choices, default=Status.PRELIMINARY_ASSESSMENT, editable=False
    )
    paternity_claim = models.BooleanField(_("paternity claim"), default=False)
    # Derived from the linked victims (any victim under 18 at the incident); kept by the victims app.
    children_involved = models.BooleanField(_("children involved"), default=False, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AllegationQuerySet.as_manager()

    class Meta:
        ordering = ["-date_received", "-reference"]
        permissions = [("view_confidential_narrative", _("Can read narratives marked confidential"))]
        verbose_name = _("allegation")
        verbose_name_plural = _("allegations")
        indexes = [
            models.Index(fields=["mission", "-date_received"]),
            # The lists' order (pages and API): the first page is read from the index, not sorted.
            models.Index(fields=["-date_received", "-reference"], name="allegation_list_order"),
            # The paginator's COUNT(*) over the scope (operation, or a record shared by id) as an
            # index-only scan instead of reading every row of the table.
            models.Index(fields=["mission", "id"], name="allegation_scope_count"),
            models.Index(fields=["status"]),
            models.Index(fields=["date_received"]),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_urgent(self) -> bool:
        return self.children_involved

    @property
    def is_credible(self) -> bool:
        """Assessed as credible: only then may it be referred to the responsible authority."""
        return self.credibility == Credibility.CREDIBLE

    @property
    def incident_date_known(self) -> bool:
        return self.incident_date is not None and self.incident_date_precision != DatePrecision.UNKNOWN

    @property
    def incident_date_display(self) -> str:
        """For tables: 2016-03-14, 2016-03, or "Unknown" in the reader's language."""
        if not self.incident_date_known:
            return gettext("Unknown")
        return format_incident_date(self.incident_date, self.incident_date_precision)

    @property
    def incident_date_in_words(self) -> str:
        """For letters and detail pages: "14 March 2016", "March 2016" (mars 2016), or "Unknown"."""
        if not self.incident_date_known:
            return gettext("Unknown")
        precision_format = "YEAR_MONTH_FORMAT" if self.incident_date_precision == DatePrecision.MONTH else "DATE_FORMAT"
        return date_format(self.incident_date, precision_format)

    @property
    def allowed_transitions(self) -> list[Status]:
        return [Status(s) for s in Status.values if s in ALLOWED_TRANSITIONS[self.status]]


class ReferenceCounter(models.Model):
    """Last sequence number per (country, year): the row lock serialises concurrent intakes."""

    country_code = models.CharField(max_length=3)
    year = models.PositiveSmallIntegerField()
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["country_code", "year"], name="one_counter_per_country_year")]


class StatusChange(models.Model):
    allegation = models.ForeignKey(Allegation, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=32, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=32, choices=Status.choices)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    changed_at = models.DateTimeField(auto_now_add=True)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        ordering = ["changed_at", "id"]


class AllegedPerpetrator(models.Model):
    allegation = models.ForeignKey(Allegation, on_delete=models.CASCADE, related_name="perpetrators")
    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="+", verbose_name=_("force"))
    unit = models.CharField(_("contingent / unit"), max_length=120, blank=True)
    nationality = models.ForeignKey(
        MemberState, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("nationality")
    )
    personnel_category = models.CharField(_("category of personnel"), max_length=32, choices=PersonnelCategory.choices)
    sex = models.CharField(_("sex"), max_length=8, choices=Sex.choices, default=Sex.MALE)
    identified = models.BooleanField(_("identified"), default=False)
    interim_actions = models.JSONField(_("interim actions"), default=list, blank=True)
    final_action_category = models.CharField(
        _("final action (category)"), max_length=32, choices=FinalAction.choices, default=FinalAction.PENDING
    )
    final_action = models.CharField(_("final action taken by the Member State"), max_length=500, blank=True)

    objects = AllegedPerpetratorQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        verbose_name = _("alleged perpetrator")
        verbose_name_plural = _("alleged perpetrators")

    def __str__(self) -> str:
        nationality = self.nationality or _("unknown nationality")
        return f"{self.get_personnel_category_display()} ({nationality})"

    def get_interim_actions_display(self) -> str:
        labels = dict(InterimAction.choices)
        return ", ".join(str(labels.get(a, a)) for a in self.interim_actions)


class AllegationUserObjectPermission(UserObjectPermissionBase):
    """One record shared with one user outside their operations."""

    content_object = models.ForeignKey(Allegation, on_delete=models.CASCADE)


class AllegationGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Allegation, on_delete=models.CASCADE)


class Attachment(models.Model):
    """An evidence file (a medical report, a photo). The bytes live outside the web root under a
    random name, sealed with the field keys and bound to this row; only metadata is in the database."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    allegation = models.ForeignKey(Allegation, on_delete=models.CASCADE, related_name="attachments")
    display_name = models.CharField(_("file name"), max_length=150)
    content_type = models.CharField(_("type"), max_length=60)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(max_length=64, editable=False)
    key_id = models.CharField(max_length=32, editable=False)  # which field key sealed it (rotation)
    stored_name = models.CharField(max_length=64, unique=True, editable=False)
    description = models.CharField(_("description"), max_length=300, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    objects = AttachmentQuerySet.as_manager()

    class Meta:
        ordering = ["uploaded_at"]
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")

    def __str__(self) -> str:
        return self.display_name


# --- the reporting channel (/report/) -----------------------------------------------------------


class IncomingReport(models.Model):
    """A report from a victim, a witness or a community member, with no account: what they said,
    sealed like a narrative, and a receipt kept only as its slow hash. It becomes an allegation only
    when an officer of its operation decides so (`report_convert`)."""

    State = ReportState

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    mission = models.ForeignKey(Mission, on_delete=models.PROTECT, related_name="incoming_reports")
    state = models.CharField(max_length=12, choices=ReportState.choices, default=ReportState.RECEIVED)
    what_happened = EncryptedTextField(_("what happened"))
    place = EncryptedTextField(_("where it happened"), blank=True, default="")
    happened_when = EncryptedTextField(_("when it happened"), blank=True, default="")
    force = models.ForeignKey(Force, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    unit = EncryptedTextField(_("unit"), blank=True, default="")
    who = EncryptedTextField(_("description of the people involved"), blank=True, default="")
    person_safe = models.CharField(max_length=8, choices=PersonSafe.choices, default=PersonSafe.UNKNOWN)
    contact_way = models.CharField(max_length=12, choices=ContactWay.choices, default=ContactWay.NONE)
    contact_details = EncryptedTextField(_("how to reach them"), blank=True, default="")
    contact_times = EncryptedTextField(_("when they may be contacted"), blank=True, default="")
    language = models.CharField(max_length=8)
    submitted_as = models.CharField(max_length=10, choices=ReportSubmitter.choices, default=ReportSubmitter.SELF)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    suspected_spam = models.BooleanField(default=False)  # arrived over a limit: kept, marked, never lost
    receipt_hash = models.CharField(max_length=128, unique=True, editable=False)
    # The form's one-time key, hashed: the same form sent twice (a refreshed receipt page) is one report.
    submission_hash = models.CharField(max_length=64, unique=True, null=True, editable=False)
    access_until = models.DateTimeField()  # the receipt opens nothing after this (90 days after the last visit)
    access_ended_at = models.DateTimeField(null=True, blank=True)  # the person ended it
    received_at = models.DateTimeField(auto_now_add=True, db_index=True)
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    assessed_at = models.DateTimeField(null=True, blank=True)
    allegation = models.ForeignKey(Allegation, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="incoming_reports")
    close_reason = models.CharField(max_length=16, choices=ReportCloseReason.choices, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    closed_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = IncomingReportQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("incoming report")
        verbose_name_plural = _("incoming reports")

    def __str__(self) -> str:
        return gettext("Report of %(date)s") % {"date": date_format(self.received_at, "j F Y")}

    @property
    def is_open(self) -> bool:
        """Still on the queue: an officer may still take it, close it or record it as an allegation."""
        return self.state in OPEN_REPORT_STATES

    @property
    def awaits_assessment(self) -> bool:
        return self.state == ReportState.RECEIVED

    @property
    def is_assisted(self) -> bool:
        return self.submitted_as == ReportSubmitter.ASSISTED


class ReportMessage(models.Model):
    """A message between the office and the person who reported, sealed at rest; a notice of it says
    only that there is one."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    report = models.ForeignKey(IncomingReport, on_delete=models.CASCADE, related_name="messages")
    from_office = models.BooleanField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    body = EncryptedTextField(_("message"))
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["sent_at"]
