from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.models import FocalPoint, Mission
from core.widgets import IsoDateInput
from victims.models import (
    IDENTITY_FIELDS,
    DisclosureKind,
    ExportFor,
    IdentityField,
    AssistanceCategory,
    AssistanceStatus,
    ConsentDecision,
    ConsentGiver,
    ConsentScope,
    ContactChannel,
    PaternityClaim,
    ServiceProvider,
    VictimSex,
)


class VictimForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200, required=False)
    other_names = forms.CharField(label=_("Other names or aliases"), max_length=200, required=False)
    date_of_birth = forms.DateField(label=_("Date of birth"), required=False,
                                    widget=IsoDateInput())
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
    """All four purposes on one form, as they are asked at one meeting: each given, refused,
    withdrawn or not asked now (empty); one decider for all of them."""

    given_by = forms.ChoiceField(label=_("Decided by"), choices=ConsentGiver.choices)
    guardian_relationship = forms.CharField(
        label=_("Guardian's relationship to the child"), max_length=60, required=False,
        help_text=_("For example “mother” or “legal guardian”. No names."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Ids of their own: the safeguarding form on the same page has a guardian_relationship too.
        kwargs.setdefault("auto_id", "id_consent_%s")
        super().__init__(*args, **kwargs)
        choices = [("", _("Not asked now")), *ConsentDecision.choices]
        scopes = {scope.value: forms.ChoiceField(label=scope.label, choices=choices, required=False,
                                                 widget=forms.RadioSelect, initial="")
                  for scope in ConsentScope}
        self.fields = {**scopes, **self.fields}

    def scope_fields(self):
        return [self[scope] for scope in ConsentScope.values]

    def service_values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"decisions": {scope: data.get(scope, "") for scope in ConsentScope.values},
                "given_by": data["given_by"], "guardian_relationship": data.get("guardian_relationship", "")}


class NeedForm(forms.Form):
    category = forms.ChoiceField(label=_("Assistance needed"), choices=AssistanceCategory.choices)
    identified_on = forms.DateField(label=_("Identified on"), required=False,
                                    widget=IsoDateInput(), help_text=_("Empty: today."))
    provider = forms.ModelChoiceField(label=_("Service provider"), queryset=ServiceProvider.objects.none(),
                                      required=False, help_text=_("Can be chosen later, when referring."))
    assigned_advocate = forms.ModelChoiceField(label=_("Assigned advocate"), queryset=None, required=False)
    follow_up_on = forms.DateField(label=_("Next follow-up"), required=False,
                                   widget=IsoDateInput())
    notes = forms.CharField(label=_("Notes (stored encrypted)"), required=False, max_length=5000,
                            widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, providers, advocates, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = providers
        self.fields["assigned_advocate"].queryset = advocates
        self.fields["assigned_advocate"].label_from_instance = lambda u: u.get_full_name() or u.get_username()


class NeedEditForm(NeedForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["category"]
        del self.fields["identified_on"]


class NeedTransitionForm(forms.Form):
    to_status = forms.ChoiceField(choices=AssistanceStatus.choices, widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput)
    on = forms.DateField(label=_("On"), required=False, widget=IsoDateInput(),
                         help_text=_("Empty: today."))
    provider = forms.ModelChoiceField(label=_("Refer to"), queryset=ServiceProvider.objects.none(), required=False)
    share_contact_details = forms.BooleanField(
        label=_("Share the victim’s name and contact details with the provider"), required=False,
        help_text=_("Only with the victim’s consent to assistance. Recorded in the victim’s register of disclosures."))

    def __init__(self, *args: Any, providers=None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if providers is not None:
            self.fields["provider"].queryset = providers


class SafeguardingForm(forms.Form):
    guardian_name = forms.CharField(
        label=_("Guardian's name (stored encrypted)"), max_length=200, required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text=_("Leave empty to keep the name already recorded (see Reveal identity)."),
    )
    guardian_relationship = forms.CharField(label=_("Guardian's relationship to the child"), max_length=60,
                                            required=False)
    best_interests_assessed_on = forms.DateField(label=_("Best-interests assessment on"), required=False,
                                                 widget=IsoDateInput())
    child_protection_referred_on = forms.DateField(label=_("Referred to child protection on"), required=False,
                                                   widget=IsoDateInput())
    child_protection_agency = forms.CharField(label=_("Child-protection agency"), max_length=160, required=False)

    def __init__(self, *args: Any, with_identity: bool, **kwargs: Any) -> None:
        # The consent form on the same page also has a guardian_relationship field: ids must differ.
        kwargs.setdefault("auto_id", "id_safeguarding_%s")
        super().__init__(*args, **kwargs)
        if not with_identity:
            del self.fields["guardian_name"]


class PaternityClaimForm(forms.Form):
    claim_date = forms.DateField(label=_("Claim date"), widget=IsoDateInput())
    focal_point = forms.ModelChoiceField(label=_("Member State paternity focal point"), required=False,
                                         queryset=FocalPoint.objects.filter(role=FocalPoint.Role.PATERNITY, active=True))
    focal_point_notified_on = forms.DateField(label=_("Focal point notified on"), required=False,
                                              widget=IsoDateInput())
    dna_status = forms.ChoiceField(label=_("DNA sample"), choices=PaternityClaim.DnaStatus.choices)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=PaternityClaim.Outcome.choices)
    support_status = forms.ChoiceField(label=_("Child support"), choices=PaternityClaim.Support.choices)


class ContactForm(forms.Form):
    contacted_on = forms.DateField(label=_("Date"), widget=IsoDateInput())
    channel = forms.ChoiceField(label=_("Channel"), choices=ContactChannel.choices)
    content = forms.CharField(label=_("What was discussed (stored encrypted)"), max_length=5000,
                              widget=forms.Textarea(attrs={"rows": 3}))


class AssignAdvocateForm(forms.Form):
    # The section's heading already says "Victims' rights advocate"; the field says what choosing does.
    advocate = forms.ModelChoiceField(label=_("Who follows this victim"), queryset=None, required=False,
                                      empty_label=_("Nobody yet"))

    def __init__(self, *args: Any, advocates, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["advocate"].queryset = advocates
        self.fields["advocate"].label_from_instance = lambda u: u.get_full_name() or u.get_username()


class CaseloadFilterForm(forms.Form):
    mine = forms.BooleanField(label=_("Only my victims and needs"), required=False)
    mission = forms.ModelChoiceField(label=_("Operation"), queryset=Mission.objects.none(), required=False,
                                     empty_label=_("All my operations"))
    category = forms.ChoiceField(label=_("Assistance"), required=False,
                                 choices=[("", _("Any kind"))] + AssistanceCategory.choices)

    def __init__(self, *args: Any, user, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["mission"].queryset = Mission.objects.visible_to(user)


class DisclosureRequestForm(forms.Form):
    """Ask to disclose the identity (a share with a UN partner, or an export for the victim); a second
    person decides. One form per kind on the victim's page (its `kind` hidden)."""

    kind = forms.ChoiceField(choices=[(k.value, k.label) for k in (DisclosureKind.UN_PARTNER_SHARE,
                                                                    DisclosureKind.IDENTITY_EXPORT)],
                             widget=forms.HiddenInput)
    export_for = forms.ChoiceField(label=_("For"), choices=ExportFor.choices, required=False,
                                   widget=forms.RadioSelect)
    recipient = forms.CharField(label=_("UN partner"), max_length=300, required=False,
                                help_text=_("The entity, and the person if known (for example “UNICEF child "
                                            "protection, Bangui”)."))
    purpose = forms.CharField(label=_("Purpose"), max_length=300, required=False,
                              help_text=_("What the partner needs it for. No names."))
    identity_fields = forms.MultipleChoiceField(label=_("Parts of the identity"), choices=IdentityField.choices,
                                                widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"id_{kind}_%s")
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("kind", kind)
        super().__init__(*args, **kwargs)
        self.kind = kind
        if kind == DisclosureKind.UN_PARTNER_SHARE:
            del self.fields["export_for"]
        else:
            del self.fields["purpose"]
            self.fields["recipient"].label = _("Representative")
            self.fields["recipient"].help_text = _("For a representative: their name and how they represent the "
                                                   "victim. Empty for the victim.")
            self.fields["export_for"].initial = ExportFor.VICTIM

    def service_values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["fields"] = data.pop("identity_fields")
        return data


class DisclosureDecisionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("refuse", _("Refuse"))],
                                 widget=forms.HiddenInput)
