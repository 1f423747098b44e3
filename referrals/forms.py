from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from core.models import MemberState, Mission, RegionalOrganisation
from core.widgets import IsoDateInput
from referrals.models import AuthorityResponse, InvestigationOutcome
from referrals.services import reachable


class DraftForm(forms.Form):
    recipient = forms.ChoiceField(label=_("Send to"))
    language = forms.ChoiceField(label=_("Language of the notification"), choices=settings.LANGUAGES)

    def __init__(self, *args: Any, suggested_states, suggested_organisations, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        states = reachable(MemberState.objects.all())
        organisations = reachable(RegionalOrganisation.objects.all())
        state_ids, organisation_ids = set(states.values_list("pk", flat=True)), set(
            organisations.values_list("pk", flat=True))
        # Suggested but with nobody to send to: not offered, and the page says why.
        self.unreachable = [s for s in suggested_states if s.pk not in state_ids]
        self.unreachable += [o for o in suggested_organisations if o.pk not in organisation_ids]
        suggested = [(f"ms:{s.pk}", f"{s} ({_('suggested')})") for s in suggested_states if s.pk in state_ids]
        suggested += [(f"ro:{o.pk}", f"{o} ({_('suggested')})") for o in suggested_organisations
                      if o.pk in organisation_ids]
        others = [(f"ms:{s.pk}", str(s)) for s in states] + [(f"ro:{o.pk}", str(o)) for o in organisations]
        taken = {value for value, _label in suggested}
        self.fields["recipient"].choices = [("", "---------")] + [
            (_("Suggested: lead body of the force, or state of nationality"), suggested),
            (_("Other authorities"), [c for c in others if c[0] not in taken]),
        ]

    def recipient_kwargs(self) -> dict:
        kind, pk = self.cleaned_data["recipient"].split(":")
        if kind == "ms":
            return {"member_state": MemberState.objects.get(pk=pk)}
        return {"regional_organisation": RegionalOrganisation.objects.get(pk=pk)}


class RecordForm(forms.Form):
    response = forms.ChoiceField(label=_("Answer"), choices=AuthorityResponse.choices)
    response_on = forms.DateField(label=_("Answer received on"), required=False,
                                  widget=IsoDateInput())
    investigation_officer = forms.CharField(label=_("National investigation officer"), max_length=200, required=False)
    outcome = forms.ChoiceField(label=_("Investigation outcome"), choices=InvestigationOutcome.choices)
    outcome_on = forms.DateField(label=_("Outcome reported on"), required=False,
                                 widget=IsoDateInput())
    accountability_measures = forms.CharField(label=_("Accountability measures reported"), required=False,
                                              max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
    close = forms.BooleanField(label=_("Close the follow-up"), required=False)


class PendingFilterForm(forms.Form):
    mission = forms.ModelChoiceField(label=_("Operation"), queryset=Mission.objects.none(), required=False,
                                     empty_label=_("All my operations"))
    authority = forms.CharField(label=_("Authority"), required=False, max_length=120)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    def __init__(self, *args: Any, user, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["mission"].queryset = Mission.objects.visible_to(user)


class ReturnForm(forms.Form):
    comment = forms.CharField(label=_("What the drafter should change"), max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 3}))


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Why it is withdrawn (optional)"), max_length=2000, required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))
