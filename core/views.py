from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from core.models import AuditEvent
from core.paging import paginate
from core.widgets import IsoDateInput


class AuditFilterForm(forms.Form):
    user = forms.CharField(label=_("User name"), required=False, max_length=150)
    action = forms.ChoiceField(label=_("Action"), required=False)
    outcome = forms.ChoiceField(label=_("Outcome"), required=False,
                                choices=[("", _("Any outcome"))] + AuditEvent.Outcome.choices)
    since = forms.DateField(label=_("From"), required=False, widget=IsoDateInput())
    until = forms.DateField(label=_("To"), required=False, widget=IsoDateInput())

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        actions = AuditEvent.objects.order_by("action").values_list("action", flat=True).distinct()
        self.fields["action"].choices = [("", _("Any action"))] + [(a, a.replace("_", " ")) for a in actions]

    def apply(self, events):
        data = self.cleaned_data
        if data.get("user"):
            events = events.filter(actor_username__iexact=data["user"])
        if data.get("action"):
            events = events.filter(action=data["action"])
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
    if filters.is_valid():
        events = filters.apply(events)
    return render(request, "audit/log.html", {"filters": filters, "filtered": bool(request.GET.dict().keys() - {"page"}),
                                              **paginate(request, events)})
