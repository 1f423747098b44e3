from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from victims.models import IDENTITY_FIELDS, ConsentDecision, ConsentGiver, ConsentScope, VictimSex


class VictimForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200, required=False)
    other_names = forms.CharField(label=_("Other names or aliases"), max_length=200, required=False)
    date_of_birth = forms.DateField(label=_("Date of birth"), required=False,
                                    widget=forms.DateInput(attrs={"type": "date"}))
    contact_details = forms.CharField(label=_("Contact details"), max_length=500, required=False,
                                      widget=forms.Textarea(attrs={"rows": 2}))
    current_location = forms.CharField(label=_("Current location"), max_length=300, required=False)
    sex = forms.ChoiceField(label=_("Sex"), choices=VictimSex.choices, initial=VictimSex.UNKNOWN)
    age_at_incident = forms.IntegerField(
        label=_("Age at the incident (years)"), required=False, min_value=0, max_value=120,
        help_text=_("When the date of birth is not known. Under 18 makes the allegation urgent."),
    )
    confirm_not_duplicate = forms.BooleanField(
        label=_("I have checked: this is a different person"), required=False, widget=forms.CheckboxInput
    )

    def __init__(self, *args: Any, with_identity: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not with_identity:
            for name in IDENTITY_FIELDS:
                del self.fields[name]
        for name in ("full_name", "other_names", "contact_details", "current_location"):
            if name in self.fields:
                # Identity never goes into browser autofill stores or drafts.
                self.fields[name].widget.attrs["autocomplete"] = "off"

    @property
    def identity_fields(self):
        return [self[name] for name in IDENTITY_FIELDS if name in self.fields]

    def service_values(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k != "confirm_not_duplicate"}


class ConsentForm(forms.Form):
    scope = forms.ChoiceField(label=_("Consent to"), choices=ConsentScope.choices)
    decision = forms.ChoiceField(label=_("Decision"), choices=ConsentDecision.choices, widget=forms.RadioSelect)
    given_by = forms.ChoiceField(label=_("Decided by"), choices=ConsentGiver.choices)
    guardian_relationship = forms.CharField(
        label=_("Guardian's relationship to the child"), max_length=60, required=False,
        help_text=_("For example “mother” or “legal guardian”. No names."),
    )
