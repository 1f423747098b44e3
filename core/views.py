from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST, require_safe

from core.audit import get_in_scope_or_404
from core.forms import add_service_errors
from core.models import AuditEvent
from core.paging import paginate
from core.tokens import api_token_create, api_token_revoke, tokens_of
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


class ApiTokenForm(forms.Form):
    name = forms.CharField(label=_("What is it for?"), max_length=80,
                           help_text=_("For example “annual export script”. Anyone holding the token acts as you."))
    days = forms.IntegerField(label=_("Valid for (days)"), min_value=1, max_value=settings.SEA_API_TOKEN_MAX_DAYS,
                              initial=settings.SEA_API_TOKEN_DAYS)


@login_required
def api_tokens(request: HttpRequest) -> HttpResponse:
    """The user's personal API tokens; a new token's secret is shown once, on the answer to its creation."""
    form = ApiTokenForm(request.POST or None)
    created_key = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, created_key = api_token_create(user=request.user, name=form.cleaned_data["name"],
                                                   days=form.cleaned_data["days"], request=request)
        except ValidationError as error:
            add_service_errors(form, None, error)
        else:
            form = ApiTokenForm()
    return render(request, "core/api_tokens.html", {
        "form": form, "created_key": created_key, "tokens": tokens_of(request.user), "now": timezone.now(),
    }, status=400 if form.errors else 200)


@require_POST
@login_required
def api_token_revoke_view(request: HttpRequest, token_id: int) -> HttpResponse:
    token = get_in_scope_or_404(tokens_of(request.user), token_id, user=request.user, request=request)
    api_token_revoke(actor=request.user, token=token, request=request)
    messages.success(request, _("Token %(prefix)s… revoked: it no longer works.") % {"prefix": token.prefix})
    return redirect("api_tokens")
