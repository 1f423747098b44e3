"""Account pages: two-factor enrolment and verification, backup codes, password change, language, API tokens."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST
from django.views.i18n import set_language

from accounts.languages import remember_language_in_session, user_set_language
from accounts.tokens import api_token_create, api_token_revoke, api_tokens_revoke_all, tokens_of
from accounts.two_factor import (
    backup_codes_generate,
    backup_codes_left,
    has_confirmed_totp,
    is_verified,
    session_mark_verified,
    totp_device_confirm,
    totp_device_pending,
    totp_qr_svg,
    totp_secret_text,
    two_factor_verify,
)
from core.audit import audit_context, audit_record, get_in_scope_or_404
from core.forms import add_service_errors

BACKUP_CODES_SESSION_KEY = "sea_new_backup_codes"


class CodeForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=40, strip=True,
                           widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True,
                                                         "inputmode": "text", "spellcheck": "false"}))


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(candidate, allowed_hosts={request.get_host()},
                                       require_https=request.is_secure()):
        return candidate
    return reverse("home")


def _show_codes_once(request: HttpRequest, codes: list[str]) -> HttpResponse:
    # Kept in the session only until the next page shows them (after a redirect, so a reload
    # does not resubmit); they are in the database anyway until used.
    request.session[BACKUP_CODES_SESSION_KEY] = codes
    return redirect("two_factor_backup_codes")


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    enrolled = has_confirmed_totp(request.user)
    if enrolled and not is_verified(request.user):
        # Someone with the password alone must not swap in their own authenticator.
        return redirect(f"{reverse('two_factor_verify')}?next={reverse('two_factor_setup')}")
    if enrolled:
        return render(request, "core/two_factor_status.html",
                      {"backup_codes_left": backup_codes_left(request.user)})
    device = totp_device_pending(user=request.user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = totp_device_confirm(actor=request.user, device=device, code=form.cleaned_data["code"],
                                    audit=audit_context(request))
        if codes is not None:
            session_mark_verified(request, device)
            messages.success(request, _("Two-factor authentication is on for your account."))
            return _show_codes_once(request, codes)
        form.add_error("code", _("That code is not valid. Check the time on your phone and try the newest code."))
    return render(request, "core/two_factor_setup.html", {
        "form": form, "qr_svg": totp_qr_svg(device), "secret": totp_secret_text(device),
    })


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_verify_view(request: HttpRequest) -> HttpResponse:
    if is_verified(request.user):
        return redirect(_next_url(request))
    if not has_confirmed_totp(request.user):
        return redirect("two_factor_setup")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = two_factor_verify(actor=request.user, code=form.cleaned_data["code"], audit=audit_context(request))
        if device is not None:
            session_mark_verified(request, device)
            return redirect(_next_url(request))
        form.add_error("code", _("That code is not valid, or was already used. Wait for a new code and try again."))
    return render(request, "core/two_factor_verify.html", {"form": form, "next": _next_url(request)})


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_backup_codes(request: HttpRequest) -> HttpResponse:
    if not is_verified(request.user):
        return redirect("two_factor_verify")
    if request.method == "POST":  # a new set replaces the old one
        return _show_codes_once(request, backup_codes_generate(actor=request.user, audit=audit_context(request)))
    codes = request.session.pop(BACKUP_CODES_SESSION_KEY, None)
    if codes is None:
        return redirect("two_factor_setup")
    shown = [" ".join(code[i:i + 4] for i in range(0, len(code), 4)) for code in codes]
    return render(request, "core/two_factor_backup_codes.html", {"codes": shown})


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "registration/password_change_form.html"
    success_url = reverse_lazy("home")

    def form_valid(self, form):
        response = super().form_valid(form)  # keeps this session, ends the others (new hash)
        user, audit = self.request.user, audit_context(self.request)
        audit_record(action="password_change", actor=user, audit=audit, obj=user)
        api_tokens_revoke_all(actor=user, user=user, reason="password_change", audit=audit)
        messages.success(self.request, _("Your password has been changed."))
        return response


@login_required
@require_POST
def language_switch(request: HttpRequest) -> HttpResponse:
    """The top bar's language switch for a signed-in user: kept on the account, then Django's
    set_language sets the cookie and goes back to `next`."""
    language = request.POST.get("language", "")
    if user_set_language(actor=request.user, language=language, audit=audit_context(request)):
        remember_language_in_session(request, request.user)
    return set_language(request)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """The one-time link an administrator had sent: the user sets their own password. The link
    stops working once used (the token covers the password hash) or after PASSWORD_RESET_TIMEOUT."""

    template_name = "registration/password_reset_confirm.html"
    success_url = reverse_lazy("login")

    def form_valid(self, form):
        response = super().form_valid(form)
        audit = audit_context(self.request)
        audit_record(action="password_reset_done", actor=form.user, audit=audit, obj=form.user)
        api_tokens_revoke_all(actor=form.user, user=form.user, reason="password_reset", audit=audit)
        messages.success(self.request, _("Your password is set. Sign in with it."))
        return response


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
            _token, created_key = api_token_create(actor=request.user, name=form.cleaned_data["name"],
                                                   days=form.cleaned_data["days"], audit=audit_context(request))
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
    audit = audit_context(request)
    token = get_in_scope_or_404(tokens_of(request.user), token_id, user=request.user, audit=audit)
    api_token_revoke(actor=request.user, token=token, audit=audit)
    messages.success(request, _("Token %(prefix)s… revoked: it no longer works.") % {"prefix": token.prefix})
    return redirect("api_tokens")
