from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import date_format, localize
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe

from allegations.services import access_allegation
from core.audit import audit_context
from core.errors import NotPermitted
from core.forms import add_service_errors
from core.locking import StaleEditError, submitted_version
from core.models import Mission, OutboundEmail
from core.paging import paginate, shows_operation
from referrals.forms import CloseForm, DraftForm, PendingFilterForm, ReturnForm, StepForm, WithdrawForm
from referrals.ledger import as_entry
from referrals.models import Referral, ReferralStatus
from referrals.querysets import OUTBOX_SORTS, PENDING_SORTS, pending_referrals
from referrals.services import (
    access_referral,
    answer_link_revoke,
    referral_approve,
    referral_draft,
    referral_edit,
    referral_claims,
    referral_close,
    referral_preview,
    referral_return,
    referral_step_correct,
    referral_step_record,
    referral_withdraw,
    reminder_note_verbale,
    suggested_recipients,
)
from referrals.selectors import referral_ledger
from referrals.scorecard import (
    ALL_YEARS,
    SCORECARD_REFERRAL_SORTS,
    Figure,
    ScorecardRow,
    chosen_year,
    figure_referrals,
    figure_title,
    may_view_scorecard,
    scorecard,
    scorecard_export,
    scorecard_figure,
    years_sent,
)
from victims.querysets import can_view_identity


@require_safe
@login_required
def pending(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("referrals.view_referral"):
        raise Http404
    filters = PendingFilterForm(request.GET or None, user=request.user)
    criteria = filters.cleaned_data if filters.is_valid() else {}
    sort = PENDING_SORTS.from_request(request)
    referrals = sort.apply(pending_referrals(user=request.user, **criteria))
    drafts = Referral.objects.editable_by(request.user).filter(
        status__in=[ReferralStatus.DRAFT, ReferralStatus.APPROVED]).select_related("allegation", "member_state",
                                                                                    "regional_organisation")
    return render(request, "referrals/pending.html", {
        "filters": filters, "drafts": drafts, "filtered": any(criteria.values()), "sort": sort,
        "show_operation": shows_operation(request.user), "may_view_scorecard": may_view_scorecard(request.user),
        **paginate(request, referrals),
    })


@login_required
def referral_new(request: HttpRequest, allegation_id) -> HttpResponse:
    allegation = access_allegation(request.user, allegation_id, audit=audit_context(request), for_change=True)
    if not request.user.has_perm("referrals.add_referral"):
        raise Http404
    states, organisations = suggested_recipients(allegation)
    form = DraftForm(request.POST or None, suggested_states=states, suggested_organisations=organisations,
                     initial={"language": request.LANGUAGE_CODE})
    if request.method == "POST" and form.is_valid():
        try:
            referral = referral_draft(actor=request.user, allegation=allegation, language=form.cleaned_data["language"],
                                      audit=audit_context(request), **form.recipient_kwargs())
        except ValidationError as error:
            add_service_errors(form, None, error)
        else:
            messages.success(request, _("Draft saved. Check the notice below; a colleague must approve it."))
            return redirect("referrals:detail", referral.pk)
    return render(request, "referrals/new.html", {"form": form, "allegation": allegation},
                  status=400 if form.errors else 200)


def _detail(request: HttpRequest, referral: Referral, *, step_form=None, close_form=None, return_form=None,
            withdraw_form=None, status: int = 200) -> HttpResponse:
    user = request.user
    notice = referral_preview(actor=user, referral=referral, audit=audit_context(request))
    # A notice quoting identity (consent given) is shown only to those who may see identity.
    show_notice = can_view_identity(user) or not notice.shares_identity
    can_change = Referral.objects.editable_by(user).filter(pk=referral.pk).exists()
    return render(request, "referrals/detail.html", {
        "referral": referral,
        "notice": notice if show_notice else None,
        "can_change": can_change,
        "can_approve": can_change and user.has_perm("referrals.approve_referral") and referral.drafted_by_id != user.pk,
        "is_drafter": referral.drafted_by_id == user.pk,
        "return_form": return_form or ReturnForm(),
        "withdraw_form": withdraw_form or WithdrawForm(),
        "reminders": referral.reminders.all(),
        "ledger": referral_ledger(referral),
        "ledger_correct_url": "referrals:step_correct" if can_change and referral.is_sent else "",
        "answer_links": referral.answer_links.select_related("focal_point", "revoked_by"),
        "step_form": step_form or StepForm(claims=referral_claims(referral)),
        "close_form": close_form or CloseForm(initial={"accountability_measures": referral.accountability_measures}),
    }, status=status)


@require_safe
@login_required
def referral_detail(request: HttpRequest, referral_id) -> HttpResponse:
    return _detail(request, access_referral(request.user, referral_id, audit=audit_context(request)))


@require_safe
@login_required
def referral_printable(request: HttpRequest, referral_id) -> HttpResponse:
    referral = access_referral(request.user, referral_id, audit=audit_context(request))
    notice = referral_preview(actor=request.user, referral=referral, audit=audit_context(request))
    if notice.shares_identity and not can_view_identity(request.user):
        raise Http404
    return render(request, "referrals/print.html", {"referral": referral, "notice": notice})


@require_safe
@login_required
def reminder_note(request: HttpRequest, referral_id, reminder_id: int) -> HttpResponse:
    """A sent reminder or escalation as a printable note verbale (numbered at its first production)."""
    referral = access_referral(request.user, referral_id, audit=audit_context(request))
    reminder = get_object_or_404(referral.reminders.sent(), pk=reminder_id)
    reminder.referral = referral  # already fetched with its allegation and recipient
    note = reminder_note_verbale(actor=request.user, reminder=reminder, audit=audit_context(request))
    return render(request, "referrals/note_verbale.html", {"referral": referral, "note": note})


@require_POST
@login_required
def referral_approve_view(request: HttpRequest, referral_id) -> HttpResponse:
    referral = access_referral(request.user, referral_id, audit=audit_context(request), for_change=True)
    try:
        referral_approve(actor=request.user, referral=referral, expected_version=submitted_version(request),
                         audit=audit_context(request))
    except (StaleEditError, NotPermitted) as refusal:
        messages.error(request, str(refusal))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        # Sending runs after the commit, often before this line: say what is true now, not what was queued.
        referral.refresh_from_db(fields=["status", "sent_on"])
        if referral.status == ReferralStatus.SENT:
            messages.success(request, _("Approved and sent on %(date)s.") % {"date": date_format(referral.sent_on)})
        else:
            messages.success(request, _("Approved. The notification goes out in the background (if the mail queue "
                                        "is unreachable, within the next sweep); this page shows when it has gone."))
    return redirect("referrals:detail", referral.pk)


@require_POST
@login_required
def referral_step_view(request: HttpRequest, referral_id) -> HttpResponse:
    """Add a step to the ledger; refused, the page again with every reason and what was typed."""
    referral = access_referral(request.user, referral_id, audit=audit_context(request), for_change=True)
    form = StepForm(request.POST, claims=referral_claims(referral))
    if form.is_valid():
        try:
            step = referral_step_record(actor=request.user, referral=referral, entry=form.entry(),
                                        audit=audit_context(request))
        except ValidationError as error:
            add_service_errors(form, None, error)
        else:
            messages.success(request, _("Recorded: %(step)s.") % {"step": step.get_kind_display()})
            return redirect(reverse("referrals:detail", args=[referral.pk]) + "#h-ledger")
    return _detail(request, referral, step_form=form, status=400)


@login_required
def referral_step_correct_view(request: HttpRequest, referral_id, step_id) -> HttpResponse:
    """Correct a step of the ledger (the office's, or one a focal point entered): the old entry is kept."""
    referral = access_referral(request.user, referral_id, audit=audit_context(request), for_change=True)
    old = get_object_or_404(referral.steps.current(), pk=step_id)
    claims = referral_claims(referral)
    form = StepForm(request.POST if request.method == "POST" else None, claims=claims,
                    initial=StepForm.initial_from(as_entry(old)))
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            referral_step_correct(actor=request.user, referral=referral, step_id=old.pk, entry=form.entry(),
                                  audit=audit_context(request))
        except StaleEditError as stale:
            messages.error(request, str(stale))
            status = 409
        except ValidationError as error:
            add_service_errors(form, None, error)
        else:
            messages.success(request, _("Corrected. The ledger keeps the entry it replaces."))
            return redirect(reverse("referrals:detail", args=[referral.pk]) + "#h-ledger")
    if form.errors:
        status = 400
    return render(request, "referrals/step_correct.html", {"referral": referral, "step": old, "form": form},
                  status=status)


@require_POST
@login_required
def answer_link_revoke_view(request: HttpRequest, referral_id, link_id: int) -> HttpResponse:
    referral = access_referral(request.user, referral_id, audit=audit_context(request), for_change=True)
    link = answer_link_revoke(actor=request.user, referral=referral, link_id=link_id, audit=audit_context(request))
    messages.success(request, _("The answer link of %(name)s no longer works.") % {"name": link.focal_point.name})
    return redirect(reverse("referrals:detail", args=[referral.pk]) + "#h-links")


@require_POST
@login_required
def referral_close_view(request: HttpRequest, referral_id) -> HttpResponse:
    referral = access_referral(request.user, referral_id, audit=audit_context(request), for_change=True)
    form = CloseForm(request.POST)
    if form.is_valid():
        try:
            referral_close(actor=request.user, referral=referral, expected_version=submitted_version(request),
                           accountability_measures=form.cleaned_data["accountability_measures"],
                           audit=audit_context(request))
        except StaleEditError as stale:
            return _refused(request, referral, form, stale, close_form=form)
        except ValidationError as error:
            add_service_errors(form, None, error)
    if form.errors:
        return _detail(request, referral, close_form=form, status=400)
    messages.success(request, _("Follow-up closed."))
    return redirect("referrals:detail", referral.pk)


@require_safe
@login_required
def outbox(request: HttpRequest) -> HttpResponse:
    """Every e-mail sent about referrals in the user's operations (subjects and recipients only)."""
    if not request.user.has_perm("referrals.view_referral"):
        raise Http404
    sort = OUTBOX_SORTS.from_request(request)
    emails = sort.apply(OutboundEmail.objects.filter(mission__in=Mission.objects.visible_to(request.user))
                        .select_related("mission").defer("body"))
    return render(request, "referrals/outbox.html", {"sort": sort, "show_operation": shows_operation(request.user),
                                                     **paginate(request, emails)})

@require_safe
@login_required
def scorecard_view(request: HttpRequest) -> HttpResponse:
    """How each authority answers the referrals sent to it: headquarters and approving officers only."""
    if not may_view_scorecard(request.user):
        raise Http404
    years = years_sent(request.user)
    year = chosen_year(request.GET.get("year"), years)
    rows = scorecard(request.user, year) if years else []
    return render(request, "referrals/scorecard.html", {
        "rows": rows, "lines": [(row, _figure_links(row, year)) for row in rows], "year": year, "years": years,
        "all_years": ALL_YEARS, "working_days": settings.SEA_RESPONSE_WORKING_DAYS,
    })


def _refused(request: HttpRequest, referral: Referral, form, refusal: Exception, **forms_kwargs) -> HttpResponse:
    """A stale or refused change: the page shows what is stored now, the form keeps what was typed."""
    messages.error(request, str(refusal))
    fresh = access_referral(request.user, referral.pk, audit=audit_context(request), for_change=True)
    return _detail(request, fresh, **forms_kwargs, status=409 if isinstance(refusal, StaleEditError) else 403)


def _decide_on_draft(request: HttpRequest, referral_id, *, form_class, form_key: str, act, done: str) -> HttpResponse:
    """Return or withdraw a draft: the form, the service (`act(referral, cleaned_data)`), and on a
    refusal the referral's page again with the form and its reasons kept."""
    referral = access_referral(request.user, referral_id, audit=audit_context(request), for_change=True)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            act(referral, form.cleaned_data)
        except (StaleEditError, NotPermitted) as refusal:
            return _refused(request, referral, form, refusal, **{form_key: form})
        except ValidationError as error:
            add_service_errors(form, None, error)
    if form.errors:
        return _detail(request, referral, status=400, **{form_key: form})
    messages.success(request, done)
    return redirect("referrals:detail", referral.pk)


@require_POST
@login_required
def referral_return_view(request: HttpRequest, referral_id) -> HttpResponse:
    return _decide_on_draft(
        request, referral_id, form_class=ReturnForm, form_key="return_form",
        act=lambda referral, data: referral_return(actor=request.user, referral=referral, comment=data["comment"],
                                                   expected_version=submitted_version(request),
                                                   audit=audit_context(request)),
        done=_("Returned to the drafter with your comment."))


@require_POST
@login_required
def referral_withdraw_view(request: HttpRequest, referral_id) -> HttpResponse:
    return _decide_on_draft(
        request, referral_id, form_class=WithdrawForm, form_key="withdraw_form",
        act=lambda referral, data: referral_withdraw(actor=request.user, referral=referral, reason=data["reason"],
                                                     expected_version=submitted_version(request),
                                                     audit=audit_context(request)),
        done=_("Draft withdrawn: it will not be sent."))


@login_required
def referral_edit_view(request: HttpRequest, referral_id) -> HttpResponse:
    referral = access_referral(request.user, referral_id, audit=audit_context(request), for_change=True)
    if referral.status != ReferralStatus.DRAFT:
        raise Http404
    states, organisations = suggested_recipients(referral.allegation)
    current = f"ms:{referral.member_state_id}" if referral.member_state_id else f"ro:{referral.regional_organisation_id}"
    form = DraftForm(request.POST or None, suggested_states=states, suggested_organisations=organisations,
                     initial={"language": referral.language, "recipient": current})
    version = submitted_version(request) if request.method == "POST" else referral.version
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            referral_edit(actor=request.user, referral=referral, expected_version=version,
                          language=form.cleaned_data["language"], audit=audit_context(request),
                          **form.recipient_kwargs())
        except StaleEditError as stale:
            messages.error(request, str(stale))
            status, version = 409, Referral.objects.get(pk=referral.pk).version
        except ValidationError as error:
            add_service_errors(form, None, error)
        else:
            messages.success(request, _("Draft changed. It waits for approval again."))
            return redirect("referrals:detail", referral.pk)
    if form.errors:
        status = 400
    return render(request, "referrals/edit.html", {"form": form, "referral": referral, "version": version},
                  status=status)


def _figure_links(row: ScorecardRow, year: int | None) -> dict[str, dict]:
    """Each figure of a scorecard row as a link to the referrals it counts: its address and its
    accessible name (the number in words, then what the list holds)."""
    def share(value, count, total):
        return _("%(share)s %% (%(count)s of %(total)s)") % {"share": value, "count": count, "total": total}

    numbers = {
        Figure.SENT: str(row.sent),
        Figure.ANSWERED_IN_TIME: share(row.answered_in_time_share, row.answered_in_time, row.sent),
        Figure.ANSWERED: _("Median %(days)s working days") % {"days": localize(row.median_working_days_to_answer)},
        Figure.WITH_OFFICER: share(row.with_officer_share, row.with_officer, row.sent),
        Figure.OUTCOMES_REPORTED: share(row.outcomes_reported_share, row.outcomes_reported, row.sent),
        Figure.VICTIMS_INFORMED: _("%(share)s %% of victims (%(count)s of %(total)s)") % {
            "share": row.victims_informed_share, "count": row.victims_informed, "total": row.victims},
        Figure.CLAIMS_OPEN: ngettext("%(n)s paternity claim open", "%(n)s paternity claims open",
                                     row.claims_open) % {"n": row.claims_open},
        Figure.CLAIMS_RESOLVED: ngettext("%(n)s paternity claim resolved", "%(n)s paternity claims resolved",
                                         row.claims_resolved) % {"n": row.claims_resolved},
    }
    base = reverse("referrals:scorecard_referrals")
    return {figure: {"url": f"{base}?{urlencode({'year': year or ALL_YEARS, 'authority': row.key, 'figure': figure})}",
                     "label": _("%(figure)s: %(title)s") % {"figure": number,
                                                            "title": figure_title(figure, row.authority, year)}}
            for figure, number in numbers.items()}


@require_safe
@login_required
def scorecard_referrals(request: HttpRequest) -> HttpResponse:
    """The referrals behind one figure of the scorecard (the link of each number)."""
    if not may_view_scorecard(request.user):
        raise Http404
    try:
        figure = scorecard_figure(request.user, year=request.GET.get("year"), authority=request.GET.get("authority"),
                                  figure=request.GET.get("figure"))
    except ValidationError as error:
        return render(request, "referrals/scorecard_referrals.html", {"errors": error.messages}, status=400)
    sort = SCORECARD_REFERRAL_SORTS.from_request(request)
    return render(request, "referrals/scorecard_referrals.html", {
        "figure": figure, "sort": sort, "show_operation": shows_operation(request.user),
        "back": f"{reverse('referrals:scorecard')}?{urlencode({'year': figure.year or ALL_YEARS})}",
        **paginate(request, sort.apply(figure_referrals(request.user, figure))),
    })


@require_safe
@login_required
def scorecard_download(request: HttpRequest) -> HttpResponse:
    """The scorecard of a year as CSV, in the reader's language."""
    if not may_view_scorecard(request.user):
        raise Http404
    year = chosen_year(request.GET.get("year"), years_sent(request.user))
    content, name = scorecard_export(actor=request.user, year=year, audit=audit_context(request))
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
