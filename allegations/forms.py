import datetime
import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from allegations.models import (
    Allegation,
    AllegationType,
    AllegedPerpetrator,
    DatePrecision,
    InterimAction,
    Status,
    format_incident_date,
)
from allegations.services import PERPETRATOR_FIELDS
from core.drafts import mark_draft_fields
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


class AllegationForm(forms.ModelForm):
    incident_date = IncidentDateField(label=_("Date of incident"))

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

    def __init__(self, *args: Any, user, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance._state.adding:
            self.fields["mission"].queryset = Mission.objects.editable_by(user).filter(active=True)
            self.fields["mission"].empty_label = None
        else:
            del self.fields["mission"]
            self.fields["incident_date"].initial = IncidentDateField.initial_for(self.instance)
        self.fields["country"].required = False
        self.fields["country"].help_text = _("Leave empty for the operation's country.")
        self.fields["narrative"].required = False
        mark_draft_fields(self, sealed=("narrative",))

    def service_values(self) -> dict[str, Any]:
        values = {k: v for k, v in self.cleaned_data.items() if k not in {"mission", "incident_date"}}
        values["incident_date"], values["incident_date_precision"] = self.cleaned_data["incident_date"]
        if values.get("country") is None and "mission" in self.cleaned_data:
            values["country"] = self.cleaned_data["mission"].country
        elif values.get("country") is None:
            values["country"] = self.instance.country
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

    def __init__(self, *args: Any, forces=None, nationalities=None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if forces is not None:
            self.fields["force"].queryset = forces
        if nationalities is not None:
            self.fields["nationality"].queryset = nationalities
        self.fields["force"].required = False  # an untouched extra row is simply skipped
        mark_draft_fields(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.has_changed() and not data.get("DELETE") and not data.get("force"):
            self.add_error("force", _("Choose the force this person belongs to."))
        return data


class BasePerpetratorFormSet(forms.BaseInlineFormSet):
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


def perpetrator_formset(*, data=None, instance: Allegation | None = None, extra: int = 1):
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
    forces = Force.objects.filter(active=True).order_by("name")
    if instance is not None and instance.pk:
        forces = forces.filter(missions=instance.mission_id)
    nationalities = MemberState.objects.order_by("name")
    return FormSet(
        data=data,
        instance=instance or Allegation(),
        prefix="perpetrators",
        form_kwargs={"forces": forces, "nationalities": nationalities},
    )


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

    def __init__(self, *args: Any, user, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["mission"].queryset = Mission.objects.visible_to(user)


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("File"), help_text=_("PDF, PNG or JPEG, at most 10 MB. Photos lose their "
                                                        "location and camera data when stored; PDFs are kept "
                                                        "as they are, so export them without author details."))
    description = forms.CharField(label=_("What is it?"), max_length=300, required=False,
                                  help_text=_("For example “medical report, 3 May”. No names."))
