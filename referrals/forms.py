from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from core.models import MemberState, Mission, RegionalOrganisation
from core.widgets import IsoDateInput
from referrals.choices import OFFICE_ONLY, RESULTS_OF, STEP_STAGES, InformedHow, StepKind, StepResult, StepSource
from referrals.ledger import StepEntry
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


class StepForm(forms.Form):
    """A step of the authority's follow-up, for the ledger: the fields a kind does not use stay empty.
    Nothing is required here: the ledger's rules say what each kind needs, with every error at once."""

    kind = forms.ChoiceField(label=_("Step"), required=False)
    occurred_on = forms.DateField(label=_("Date of the step"), required=False, widget=IsoDateInput())
    source = forms.ChoiceField(label=_("How the office learnt of it"), required=False, choices=[("", "---------")] + [
        c for c in StepSource.choices if c[0] != StepSource.ANSWER_LINK])
    source_reference = forms.CharField(label=_("Reference of the source"), max_length=100, required=False,
                                       help_text=_("For example the note verbale's number."))
    result = forms.ChoiceField(label=_("Result or measure"), required=False,
                               help_text=_("For interim measures, findings, sanctions, prosecutions and DNA results."))
    officer_name = forms.CharField(label=_("Name and rank of the officer"), max_length=200, required=False,
                                   help_text=_("When an investigation officer is appointed."))
    informed_by = forms.CharField(label=_("Who informed the victim"), max_length=200, required=False)
    informed_how = forms.ChoiceField(label=_("How the victim was informed"), required=False,
                                     choices=[("", "---------")] + InformedHow.choices)
    paternity_claim = forms.TypedChoiceField(label=_("Paternity claim"), required=False, coerce=int, empty_value=None)
    note = forms.CharField(label=_("Details"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("Victims are named by their code only."))

    def __init__(self, *args: Any, claims=(), office: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "---------")] + [
            (stage, [(k, StepKind(k).label) for k in kinds if office or k not in OFFICE_ONLY])
            for stage, kinds in STEP_STAGES]
        results = sorted({r for allowed in RESULTS_OF.values() for r in allowed}, key=list(StepResult).index)
        self.fields["result"].choices = [("", "---------")] + [(r, StepResult(r).label) for r in results]
        self.fields["paternity_claim"].choices = [("", "---------")] + [(c.pk, c.child_code) for c in claims]
        if not claims:
            del self.fields["paternity_claim"]
        if not office:
            del self.fields["source"], self.fields["source_reference"]

    def entry(self, *, source: str = "") -> StepEntry:
        data = self.cleaned_data
        return StepEntry(kind=data.get("kind", ""), occurred_on=data.get("occurred_on"), source=source or data["source"],
                         source_reference=data.get("source_reference", ""), result=data.get("result", ""),
                         officer_name=data.get("officer_name", ""), informed_by=data.get("informed_by", ""),
                         informed_how=data.get("informed_how", ""), paternity_claim_id=data.get("paternity_claim"),
                         note=data.get("note", ""))

    @classmethod
    def initial_from(cls, entry: StepEntry) -> dict[str, Any]:
        return {"kind": entry.kind, "occurred_on": entry.occurred_on, "source": entry.source,
                "source_reference": entry.source_reference, "result": entry.result,
                "officer_name": entry.officer_name, "informed_by": entry.informed_by,
                "informed_how": entry.informed_how, "paternity_claim": entry.paternity_claim_id, "note": entry.note}


class CloseForm(forms.Form):
    accountability_measures = forms.CharField(
        label=_("Accountability measures, in the office's words"), required=False, max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the authority did in the end: the ledger keeps each step."))


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


class AnswerCodeForm(forms.Form):
    """The one-time code a focal point received by e-mail (checked by `answer_code_check`)."""

    code = forms.CharField(label=_("One-time code"), max_length=20, widget=forms.TextInput(attrs={
        "autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}))
