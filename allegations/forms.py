import datetime
import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import BLANK_CHOICE_DASH, QuerySet
from django.forms.utils import ErrorDict
from django.utils.translation import gettext_lazy as _

from allegations.models import (
    SUBTYPES_BY_TYPE,
    Allegation,
    AllegationType,
    AllegedPerpetrator,
    DatePrecision,
    InterimAction,
    Status,
    Subtype,
    format_incident_date,
)
from allegations.choices import Attention, ContactWay, PersonSafe, ReportCloseReason, ReportQueueShow
from allegations.reports import MAX_LENGTHS, MESSAGE_MAX_LENGTH
from allegations.services import PERPETRATOR_FIELDS, allegation_problems
from accounts.drafts import mark_draft_fields
from core.models import Force, MemberState, Mission
from core.widgets import CompactSelect, IsoDateInput

_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


class IncidentDateField(forms.CharField):
    """One box for an exact date (2016-03-14), a month (2016-03) or nothing (unknown)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 10)
        kwargs.setdefault(
            "help_text", _("YYYY-MM-DD, or YYYY-MM when only the month is known. Leave empty if unknown.")
        )
        super().__init__(**kwargs)

    def clean(self, value: str) -> tuple[datetime.date | None, str]:
        value = super().clean(value).strip()
        if not value or value.lower() in {"unknown", "inconnue", "inconnu"}:
            return None, DatePrecision.UNKNOWN
        month = _MONTH.match(value)
        try:
            if month:
                return datetime.date(int(month[1]), int(month[2]), 1), DatePrecision.MONTH
            return datetime.date.fromisoformat(value), DatePrecision.DAY
        except ValueError:
            raise ValidationError(_("Enter a date as YYYY-MM-DD or a month as YYYY-MM."), code="invalid") from None

    @staticmethod
    def initial_for(allegation: Allegation) -> str:
        if not allegation.incident_date_known:
            return ""
        return format_incident_date(allegation.incident_date, allegation.incident_date_precision)


# One option of a list the page filters in the browser: (value, label, the controlling values it belongs to).
CatalogueOption = tuple[str, str, str]
# The whole list, grouped as it is offered before anything is chosen: (group label or None, options).
Catalogue = list[tuple[str | None, list[CatalogueOption]]]


def _subtype_groups() -> Catalogue:
    """Every subtype under the one type it belongs to; those that fit several types ("Other") come
    last and ungrouped. Read off SUBTYPES_BY_TYPE, the one definition of which subtype fits which type."""
    groups: Catalogue = []
    shared: list[CatalogueOption] = []
    for allegation_type in AllegationType:
        members = [
            (subtype.value, subtype.label, allegation_type.value)
            for subtype in Subtype
            if subtype in SUBTYPES_BY_TYPE.get(allegation_type, ())
            and sum(subtype in kinds for kinds in SUBTYPES_BY_TYPE.values()) == 1
        ]
        if members:
            groups.append((allegation_type.label, members))
    for subtype in Subtype:
        owners = [t for t in AllegationType if subtype in SUBTYPES_BY_TYPE.get(t, ())]
        if len(owners) > 1:
            shared.append((subtype.value, subtype.label, " ".join(owners)))
    return groups + [(None, shared)]


def subtype_choices(allegation_type: str | None) -> list:
    """What the subtype list offers: the subtypes of the chosen type, or, before a type is chosen,
    all of them grouped by type so the list reads without JavaScript."""
    if allegation_type in SUBTYPES_BY_TYPE:
        return BLANK_CHOICE_DASH + [(s.value, s.label) for s in Subtype if s in SUBTYPES_BY_TYPE[allegation_type]]
    choices: list = list(BLANK_CHOICE_DASH)
    for group, options in _subtype_groups():
        members = [(value, label) for value, label, _types in options]
        choices.extend([(group, members)] if group else members)
    return choices


def forces_of(mission: Mission | None) -> QuerySet[Force]:
    """The forces an officer may pick for an allegation of this operation (Force.missions says where each operates)."""
    if mission is None:
        return Force.objects.none()
    return Force.objects.filter(active=True, missions=mission).order_by("name")


class AllegationForm(forms.ModelForm):
    incident_date = IncidentDateField(label=_("Date of incident"))
    # The order of the page, so the error summary lists problems as the officer meets them.
    field_order = ["mission", "country", "location", "date_received", "incident_date", "source", "allegation_type",
                   "subtype", "credibility", "paternity_claim", "narrative", "narrative_confidential"]

    class Meta:
        model = Allegation
        fields = [
            "mission",
            "country",
            "location",
            "date_received",
            "source",
            "allegation_type",
            "subtype",
            "credibility",
            "paternity_claim",
            "narrative",
            "narrative_confidential",
        ]
        widgets = {
            "date_received": IsoDateInput(),
            "narrative": forms.Textarea(attrs={"rows": 8}),
            **{name: CompactSelect for name in ("mission", "country", "source", "allegation_type", "subtype",
                                                "credibility")},
        }
        help_texts = {
            "location": _("Region, prefecture or town. No names of people."),
            "narrative": _("Stored encrypted. Describe what happened; identify victims only by their code."),
        }

    def __init__(self, *args: Any, user, checked: bool = True, fixed_mission: Mission | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.checked = checked
        self.missions = Mission.objects.editable_by(user).filter(active=True)
        if fixed_mission is not None:
            # Recorded from an incoming report: the report's operation, shown but not for choosing.
            self.missions = Mission.objects.filter(pk=fixed_mission.pk)
            self.fields["mission"].queryset = self.missions
            self.fields["mission"].empty_label = None
            self.fields["mission"].disabled = True
            self.fields["mission"].initial = fixed_mission.pk
            self.fields["mission"].help_text = _("The operation the person reported to.")
            self.offered_mission = fixed_mission
        elif self.instance._state.adding:
            self.fields["mission"].queryset = self.missions
            self.fields["mission"].empty_label = None
            # With no (valid) choice submitted the first operation shows as selected: offer its forces.
            self.offered_mission: Mission | None = self._submitted("mission") or self.missions.first()
        else:
            del self.fields["mission"]
            self.fields["incident_date"].initial = IncidentDateField.initial_for(self.instance)
            self.offered_mission = self.instance.mission
            # Validation writes the cleaned values onto the instance (an emptied country included): keep the stored one.
            self._stored_country = self.instance.country
        offered_type = self._submitted("allegation_type") if self.is_bound else self.instance.allegation_type
        # Only what is rendered is narrowed: the field still accepts any subtype, so a mismatching pair
        # gets the rule's own message ("does not belong to the chosen type"), not "not a valid choice".
        subtype = self.fields["subtype"]
        subtype.widget.choices = subtype_choices(offered_type or None)
        subtype.widget.attrs.update({"data-filter-by": "allegation_type", "data-filter-options": "id_subtype_options"})
        self.fields["country"].required = False
        self.fields["country"].help_text = _("Leave empty for the operation's country.")
        self.fields["narrative"].required = False
        mark_draft_fields(self, sealed=("narrative",))

    def _submitted(self, name: str) -> Any:
        """The submitted value of `name` if it passes the field's own check, else None (used before validation)."""
        if not self.is_bound:
            return None
        try:
            return self.fields[name].clean(self[name].data) or None
        except ValidationError:
            return None

    def full_clean(self) -> None:
        if self.checked:
            super().full_clean()
        else:  # a round trip that saves nothing flags nothing (see intake_forms)
            self._errors, self.cleaned_data = ErrorDict(), {}

    @property
    def offers_several_missions(self) -> bool:
        return "mission" in self.fields and self.missions.count() > 1

    def subtype_catalogue(self) -> Catalogue:
        return [(None, [("", BLANK_CHOICE_DASH[0][1], "")])] + _subtype_groups()

    def force_catalogue(self) -> Catalogue:
        """Every force of the officer's operations, each with the operations it serves (for the page's filter)."""
        forces = Force.objects.filter(active=True, missions__in=self.missions).distinct().order_by("name")
        own = {m.pk for m in self.missions}
        options = [("", BLANK_CHOICE_DASH[0][1], "")]
        for force in forces.prefetch_related("missions"):
            serves = " ".join(str(m.pk) for m in force.missions.all() if m.pk in own)
            options.append((str(force.pk), str(force), serves))
        return [(None, options)]

    def rule_mission(self) -> Mission | None:
        """The operation the rules across fields are checked against, when it is known to be valid."""
        if "mission" in self.fields:
            return self.cleaned_data.get("mission")
        return self.instance.mission

    def service_values(self) -> dict[str, Any]:
        """The cleaned values as the services take them; fields that failed their own check are left out."""
        values = {k: v for k, v in self.cleaned_data.items() if k not in {"mission", "incident_date"}}
        if "incident_date" in self.cleaned_data:
            values["incident_date"], values["incident_date_precision"] = self.cleaned_data["incident_date"]
        if "country" in values and values["country"] is None:  # empty: the operation's country (edit: unchanged)
            if "mission" not in self.fields:
                values["country"] = self._stored_country
            elif "mission" in self.cleaned_data:
                values["country"] = self.cleaned_data["mission"].country
        return values


class PerpetratorForm(forms.ModelForm):
    interim_actions = forms.MultipleChoiceField(
        label=_("Interim actions"), choices=InterimAction.choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = AllegedPerpetrator
        fields = list(PERPETRATOR_FIELDS)
        widgets = {name: CompactSelect for name in ("force", "nationality", "personnel_category", "sex",
                                                    "final_action_category")}

    def __init__(self, *args: Any, forces=None, offered_forces=None, filter_forces: bool = False,
                 nationalities=None, checked: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.checked = checked
        force = self.fields["force"]
        if forces is not None:
            force.queryset = forces
        if offered_forces is not None:
            # Rendered: the forces of the operation. Accepted: any active force, so a force from
            # elsewhere gets the rule's message ("does not operate in ...") beside this row.
            force.widget.choices = BLANK_CHOICE_DASH + [(f.pk, str(f)) for f in offered_forces]
        if filter_forces:
            force.widget.attrs.update({"data-filter-by": "mission", "data-filter-options": "id_force_options"})
        if nationalities is not None:
            self.fields["nationality"].queryset = nationalities
        force.required = False  # an untouched extra row is simply skipped
        mark_draft_fields(self)

    def full_clean(self) -> None:
        if self.checked:
            super().full_clean()
        else:  # a round trip that saves nothing flags nothing (see intake_forms)
            self._errors, self.cleaned_data = ErrorDict(), {}

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.has_changed() and not data.get("DELETE") and not data.get("force"):
            self.add_error("force", _("Choose the force this person belongs to."))
        return data


class BasePerpetratorFormSet(forms.BaseInlineFormSet):
    checked = True

    def row_label(self, n: int) -> str:
        """How the page names row n (the legend of its fieldset), for the error summary."""
        return _("Person %(n)s") % {"n": n}

    def full_clean(self) -> None:
        if self.checked:
            super().full_clean()
        else:  # a round trip that saves nothing flags nothing (see intake_forms)
            self._errors, self._non_form_errors = [], self.error_class(error_class="nonform", renderer=self.renderer)

    def rows_to_keep(self) -> list[PerpetratorForm]:
        """The rows that describe a person: filled in, or already saved, and not marked for removal."""
        return [form for form in self.forms if (form.has_changed() or form.instance.pk is not None)
                and not form.cleaned_data.get("DELETE")]

    def service_rows(self) -> list[dict[str, Any]]:
        rows = []
        for form in self.forms:
            if not form.has_changed() and form.instance.pk is None:
                continue
            row = {k: v for k, v in form.cleaned_data.items() if k in PerpetratorForm.Meta.fields}
            if form.instance.pk is not None:
                row["id"] = form.instance.pk
            row["delete"] = bool(form.cleaned_data.get("DELETE"))
            rows.append(row)
        return rows


def perpetrator_formset(*, data=None, instance: Allegation | None = None, extra: int = 1,
                        mission: Mission | None = None, filter_forces: bool = False, checked: bool = True,
                        initial: list[dict[str, Any]] | None = None):
    """The perpetrator rows; with `mission`, each row offers only the forces of that operation."""
    FormSet = forms.inlineformset_factory(
        Allegation,
        AllegedPerpetrator,
        form=PerpetratorForm,
        formset=BasePerpetratorFormSet,
        extra=extra,
        can_delete=True,
        max_num=50,
        validate_max=True,
    )
    if mission is None and instance is not None and instance.pk:
        mission = instance.mission
    forces = Force.objects.filter(active=True).order_by("name")
    offered = list(forces_of(mission)) if mission is not None else None
    nationalities = MemberState.objects.order_by("name")
    formset = FormSet(
        data=data,
        instance=instance or Allegation(),
        prefix="perpetrators",
        initial=initial,
        form_kwargs={"forces": forces, "offered_forces": offered, "filter_forces": filter_forces,
                     "nationalities": nationalities, "checked": checked},
    )
    formset.checked = checked
    return formset


def intake_forms(*, user, data=None, instance: Allegation | None = None, extra: int = 1, checked: bool = True,
                 prefill: dict[str, Any] | None = None):
    """The intake's facts form and perpetrator rows, the rows offering the forces of the chosen operation.

    `checked=False` is for a round trip that saves nothing ("Add another person", "Show the
    subtypes of this type"): what was typed comes back, and nothing not yet typed is flagged as missing.
    `prefill` (from `report_prefill`): an allegation recorded from an incoming report starts from it,
    in the report's operation, the report's force in the first perpetrator row.
    """
    if prefill is None:
        form = AllegationForm(data, instance=instance, user=user, checked=checked)
        formset = perpetrator_formset(data=data, instance=instance, extra=extra, mission=form.offered_mission,
                                      filter_forces="mission" in form.fields, checked=checked)
        return form, formset
    initial = {"date_received": prefill["date_received"], "narrative": prefill["narrative"]}
    form = AllegationForm(data, user=user, checked=checked, fixed_mission=prefill["mission"], initial=initial)
    # Only on the first showing: a submitted row is compared with no initial, so a kept force counts as typed.
    rows = [{"force": prefill["force"].pk}] if data is None and prefill.get("force") is not None else None
    formset = perpetrator_formset(data=data, extra=extra, mission=form.offered_mission, checked=checked, initial=rows)
    return form, formset


def intake_is_valid(form: AllegationForm, formset: BasePerpetratorFormSet) -> bool:
    """Check the facts, every perpetrator row and the rules across them in one pass, so one submit
    shows every problem (the rules used to wait until both forms were clean: three submits for one bad form)."""
    form.is_valid()
    formset.is_valid()
    mission = form.rule_mission()
    if mission is not None:  # the rules across fields need a valid operation; without one it has its own error
        rows = formset.rows_to_keep()
        problems, row_problems = allegation_problems(
            form.service_values(), [{"force": row.cleaned_data.get("force")} for row in rows], mission
        )
        for name, messages in problems.items():
            if name not in form.errors:  # a field that failed its own check already says what is wrong
                form.add_error(name if name in form.fields else None, messages)
        for position, messages in row_problems.items():
            rows[position].add_error("force", messages)
    return form.is_valid() and formset.is_valid()


class TransitionForm(forms.Form):
    to_status = forms.CharField(widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(label=_("Note (optional)"), max_length=500, required=False)


class AllegationFilterForm(forms.Form):
    q = forms.CharField(label=_("Search reference or location"), required=False, max_length=100)
    mission = forms.ModelChoiceField(label=_("Operation"), queryset=Mission.objects.none(), required=False)
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("Any status"))] + Status.choices, required=False)
    allegation_type = forms.ChoiceField(
        label=_("Type"), choices=[("", _("Any type"))] + AllegationType.choices, required=False
    )
    year = forms.IntegerField(label=_("Year received"), required=False, min_value=1990, max_value=2100)
    children = forms.BooleanField(label=_("Children involved only"), required=False)
    attention = forms.ChoiceField(label=_("Needing attention"), required=False,
                                  choices=[("", _("All"))] + Attention.choices)

    def __init__(self, *args: Any, user, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["mission"].queryset = Mission.objects.visible_to(user)


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("File"), help_text=_("PDF, PNG or JPEG, at most 10 MB. Photos lose their "
                                                        "location and camera data when stored; PDFs are kept "
                                                        "as they are, so export them without author details."))
    description = forms.CharField(label=_("What is it?"), max_length=300, required=False,
                                  help_text=_("For example “medical report, 3 May”. No names."))


class PublicReportForm(forms.Form):
    """The reporting channel's form (/report/): plain words, few required fields, every error at once."""

    mission = forms.ModelChoiceField(label=_("In which country did it happen?"), queryset=Mission.objects.none(),
                                     empty_label=_("Choose a country"),
                                     error_messages={"required": _("Choose the country where it happened.")})
    what_happened = forms.CharField(label=_("What happened?"), widget=forms.Textarea(attrs={"rows": 8}),
                                    help_text=_("In your own words. You do not have to give names."),
                                    error_messages={"required": _("Tell us what happened, in your own words.")})
    place = forms.CharField(label=_("Where did it happen?"), required=False,
                            help_text=_("A town, a village, a camp or a place nearby."))
    happened_when = forms.CharField(label=_("When did it happen?"), required=False,
                                    help_text=_("A date, a month, or “about a year ago”."))
    force = forms.ModelChoiceField(label=_("Which force were they from, if you know?"), required=False,
                                   queryset=Force.objects.none(), empty_label=_("I do not know"))
    unit = forms.CharField(label=_("Their unit, if you know"), required=False)
    who = forms.CharField(label=_("What can you tell us about them?"), required=False,
                          widget=forms.Textarea(attrs={"rows": 3}),
                          help_text=_("Uniform, vehicle, rank, how many they were."))
    person_safe = forms.ChoiceField(label=_("Is the person safe now?"), choices=PersonSafe.choices,
                                    widget=forms.RadioSelect, initial=PersonSafe.UNKNOWN)
    contact_way = forms.ChoiceField(label=_("May the Office contact you, and how?"), choices=ContactWay.choices,
                                    widget=forms.RadioSelect, initial=ContactWay.NONE)
    contact_details = forms.CharField(label=_("Telephone number, e-mail address or who to ask for"), required=False)
    contact_times = forms.CharField(label=_("When is it safe to contact you?"), required=False)
    submission_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args, missions: QuerySet, forces: QuerySet, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mission"].queryset = missions
        self.fields["force"].queryset = forces
        for name, limit in MAX_LENGTHS.items():
            self.fields[name].max_length = limit
            self.fields[name].widget.attrs["maxlength"] = limit


class ReceiptForm(forms.Form):
    receipt = forms.CharField(label=_("Your receipt number"), max_length=40,
                              widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
                              help_text=_("The 16 digits you were given when you sent your report."))


class ReportMessageForm(forms.Form):
    body = forms.CharField(label=_("Your message"), widget=forms.Textarea(attrs={"rows": 4}),
                           max_length=MESSAGE_MAX_LENGTH)


# --- the officers' side of the reporting channel ------------------------------------------------

class ReportQueueForm(forms.Form):
    show = forms.ChoiceField(label=_("Show"), choices=ReportQueueShow.choices, required=False)

    def show_value(self) -> str:
        return (self.cleaned_data.get("show") if self.is_valid() else "") or ReportQueueShow.OPEN


class OfficeMessageForm(forms.Form):
    body = forms.CharField(label=_("Message to the person who reported"), max_length=MESSAGE_MAX_LENGTH,
                           widget=forms.Textarea(attrs={"rows": 4}),
                           help_text=_("They see it only when they open their status page with their receipt: no "
                                       "e-mail or text message is sent. Write nothing you would not want someone "
                                       "else holding the receipt to read."))


class ReportCloseForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason the person will read"), choices=ReportCloseReason.choices,
                               widget=forms.RadioSelect,
                               error_messages={"required": _("Choose the reason the person will read.")})
