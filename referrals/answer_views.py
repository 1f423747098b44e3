"""The focal point's pages behind an answer link (no account: the token and a one-time code).

Every refusal is one page, in the visitor's language, whatever the reason (`refused`); a usable link's
pages are in its referral's language. The verified session holds the link's id and when it was last
used, never the token, and signs no one in."""

from __future__ import annotations

import functools
import time

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.audit import audit_context
from core.errors import NotFound
from core.forms import add_service_errors
from referrals.answer_links import find_answer_link
from referrals.answer_services import (
    answer_code_check,
    answer_code_send,
    answer_link_opened,
    answer_link_refused,
    answer_link_step_record,
    answer_notice_html,
    answer_throttled,
    code_pending,
    masked_address,
)
from referrals.forms import AnswerCodeForm, StepForm
from referrals.choices import StepSource
from referrals.selectors import referral_ledger
from referrals.services import referral_claims

VERIFIED_KEY = "answer_links_verified"  # {link id: time of its last use}


class Refused(Exception):
    """Raised inside an answer page: the visitor gets the uniform refusal."""


def refused(request: HttpRequest) -> HttpResponse:
    return render(request, "answer/refused.html", status=404)


def answer_link_page(view):
    """Throttle, find the usable link (else refuse), and run the page in the referral's language."""

    @functools.wraps(view)
    def run(request: HttpRequest, token: str) -> HttpResponse:
        audit = audit_context(request)
        throttled = answer_throttled(audit)
        link = None if throttled else find_answer_link(token)
        if link is None:
            answer_link_refused(token=token, audit=audit, throttled=throttled)
            return refused(request)
        try:
            with translation.override(link.referral.language):
                response = view(request, link=link, token=token, audit=audit)
        except (Refused, NotFound):
            return refused(request)
        response.headers["Content-Language"] = link.referral.language
        return response

    return run


def _verified(request: HttpRequest, link) -> bool:
    """This browser proved the code for this link, and used it within the idle time (which it renews)."""
    verified = request.session.get(VERIFIED_KEY, {})
    seen = verified.get(str(link.pk))
    if seen is None or time.time() - seen > settings.SEA_SESSION_IDLE_MINUTES * 60:
        return False
    verified[str(link.pk)] = time.time()
    request.session[VERIFIED_KEY] = verified
    return True


def _mark_verified(request: HttpRequest, link) -> None:
    request.session.cycle_key()  # a session id planted before the code is not the one that holds it
    request.session[VERIFIED_KEY] = {**request.session.get(VERIFIED_KEY, {}), str(link.pk): time.time()}


def _answer_page(request: HttpRequest, link, token: str, audit, *, form: StepForm, status: int = 200) -> HttpResponse:
    referral = link.referral
    return render(request, "answer/answer.html", {
        "link": link, "token": token, "referral": referral, "form": form,
        "notice_html": answer_notice_html(link=link, audit=audit), "ledger": referral_ledger(referral),
    }, status=status)


@require_http_methods(["GET", "POST"])
@answer_link_page
def answer_open(request: HttpRequest, *, link, token: str, audit) -> HttpResponse:
    """GET: the answer page once the code is proven, else the code page. POST: the code."""
    if request.method == "POST":
        if not answer_code_check(link=link, code=request.POST.get("code", ""), audit=audit):
            raise Refused
        _mark_verified(request, link)
        return redirect("answer:open", token)
    if _verified(request, link):
        return _answer_page(request, link, token, audit, form=StepForm(office=False, claims=referral_claims(link.referral)))
    answer_link_opened(link=link, audit=audit)
    return render(request, "answer/code.html", {"link": link, "token": token, "form": AnswerCodeForm(),
                                                "address": masked_address(link.focal_point.email),
                                                "code_sent": code_pending(link)})


@require_POST
@answer_link_page
def answer_code(request: HttpRequest, *, link, token: str, audit) -> HttpResponse:
    """Send a one-time code (never on GET: mail scanners open links)."""
    answer_code_send(link=link, audit=audit)
    return redirect("answer:open", token)


@require_POST
@answer_link_page
def answer_step(request: HttpRequest, *, link, token: str, audit) -> HttpResponse:
    """Record a step; refused by the ledger's rules, the page again with every reason and what was typed."""
    if not _verified(request, link):
        raise Refused
    form = StepForm(request.POST, office=False, claims=referral_claims(link.referral))
    if form.is_valid():
        try:
            step = answer_link_step_record(link=link, entry=form.entry(source=StepSource.ANSWER_LINK), audit=audit)
        except ValidationError as error:
            add_service_errors(form, None, error)
        else:
            messages.success(request, _("Recorded: %(step)s. The Office sees it now.") % {"step": step.get_kind_display()})
            return redirect(reverse("answer:open", args=[token]) + "#h-ledger")
    return _answer_page(request, link, token, audit, form=form, status=400)
