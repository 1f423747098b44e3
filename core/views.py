from django import forms
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from core.audit_actions import AUDIT_SUBJECTS, action_choices
from core.models import AuditEvent
from core.paging import paginate
from core.widgets import IsoDateInput


class AuditFilterForm(forms.Form):
    """The audit page's filters. Besides who, what, outcome and when: the records the apps register
    (`core.audit_actions.AUDIT_SUBJECTS`: an allegation's reference, a victim's code), each narrowing the
    trail to the events about that record and what belongs to it."""

    user = forms.CharField(label=_("User name"), required=False, max_length=150)
    action = forms.ChoiceField(label=_("Action"), required=False)
    outcome = forms.ChoiceField(label=_("Outcome"), required=False,
                                choices=[("", _("Any outcome"))] + AuditEvent.Outcome.choices)
    since = forms.DateField(label=_("From"), required=False, widget=IsoDateInput())
    until = forms.DateField(label=_("To"), required=False, widget=IsoDateInput())

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Labels in the active language, sorted as read; the code stays the value (URLs keep working).
        self.fields["action"].choices = [("", _("Any action"))] + action_choices()
        fields = list(self.fields.items())
        subjects = {s.name: forms.CharField(label=s.label, help_text=s.help_text, required=False, max_length=40)
                    for s in AUDIT_SUBJECTS.values()}
        self.fields = dict(fields[:2] + list(subjects.items()) + fields[2:])  # after user and action
        self.subject_events: list[Q] = []

    def clean(self) -> dict:
        data = super().clean()
        for name, subject in AUDIT_SUBJECTS.items():
            if not data.get(name):
                continue
            events = subject.events(data[name])
            if events is None:
                self.add_error(name, subject.unknown)
            else:
                self.subject_events.append(events)
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            self.add_error("until", _("This date is before the “From” date."))
        return data

    def apply(self, events):
        data = self.cleaned_data
        if data.get("user"):
            events = events.filter(actor_username__iexact=data["user"])
        if data.get("action"):
            events = events.filter(action=data["action"])
        for about in self.subject_events:
            events = events.filter(about)
        if data.get("outcome"):
            events = events.filter(outcome=data["outcome"])
        if data.get("since"):
            events = events.filter(created_at__date__gte=data["since"])
        if data.get("until"):
            events = events.filter(created_at__date__lte=data["until"])
        return events


@require_safe
@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("core.view_auditevent"):
        raise Http404
    filters = AuditFilterForm(request.GET or None)
    events = AuditEvent.objects.order_by("-id")
    if filters.is_bound and not filters.is_valid():
        # A filter that cannot be applied shows its error, not the whole trail as if it matched.
        events = events.none()
    elif filters.is_bound:
        events = filters.apply(events)
    return render(request, "audit/log.html", {"filters": filters, "filtered": bool(request.GET.dict().keys() - {"page"}),
                                              **paginate(request, events)},
                  status=400 if filters.errors else 200)
