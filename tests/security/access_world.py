"""One small world for the access-control matrix: a case in the Central African Republic with
everything hanging off it, and the personas who do or do not belong to that operation."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from allegations.attachments import attachment_add
from allegations.models import Credibility
from core.roles import ADMINISTRATOR, FIELD_OFFICER, HQ_ANALYST, VICTIMS_RIGHTS_ADVOCATE
from accounts.tokens import api_token_create
from tests.factories import (
    AllegationFactory,
    ForceFactory,
    MemberStateFactory,
    MissionFactory,
    PerpetratorFactory,
    make_focal_point,
    make_provider,
    make_user,
)

PERSONAS = ("anonymous", "officer", "outsider", "analyst", "advocate", "admin")


@dataclass
class World:
    users: dict[str, Any]
    kwargs: dict[str, Any]  # URL parameter values, by route parameter name
    secrets: list[str]  # strings no out-of-scope answer may contain


def build_world() -> World:
    from referrals.choices import StepKind, StepSource
    from referrals.models import AnswerLink, ReferralStep, Reminder, ReminderKind
    from referrals.services import referral_draft
    from reporting.models import ExportJob
    from reporting.services import statistics_release_publish
    from victims.assistance import need_create, paternity_claim_create
    from victims.disclosures import disclosure_request_create
    from victims.services import victim_create

    car_state = MemberStateFactory(iso3="CAF", iso2="CF", name="Central African Republic")
    car = MissionFactory(name="Central African Republic", country=car_state)
    somalia = MissionFactory(name="Somalia", country=MemberStateFactory(iso3="SOM", iso2="SO", name="Somalia"))
    france = MemberStateFactory(iso3="FRA", iso2="FR", name="France")
    make_focal_point(france, "general", "focal@example.fr")
    sangaris = ForceFactory(name="Sangaris", missions=[car], lead_member_state=france, lead_regional_organisation=None)
    users = {
        "anonymous": None,
        "officer": make_user("officer", FIELD_OFFICER, change=[car]),
        "outsider": make_user("outsider", FIELD_OFFICER, change=[somalia]),
        "analyst": make_user("analyst", HQ_ANALYST, global_view=True),
        "advocate": make_user("advocate", VICTIMS_RIGHTS_ADVOCATE, change=[car]),
        "admin": make_user("admin", ADMINISTRATOR),
    }
    officer = users["officer"]
    allegation = AllegationFactory(mission=car, credibility=Credibility.CREDIBLE, reference="CAF-2016-0042",
                                   date_received=datetime.date(2016, 5, 2), narrative="canary narrative")
    PerpetratorFactory(allegation=allegation, force=sangaris, nationality=france)
    victim = victim_create(actor=officer, allegation=allegation, confirm_not_duplicate=True,
                           values={"full_name": "Canary Victim", "sex": "female", "age_at_incident": 30})
    need = need_create(actor=users["advocate"], victim=victim, category="medical", provider=make_provider(car))
    claim = paternity_claim_create(actor=users["advocate"], victim=victim,
                                   values={"claim_date": datetime.date(2017, 1, 5)})
    referral = referral_draft(actor=officer, allegation=allegation, member_state=france)
    # A request to export the identity for the victim, waiting for a second person.
    disclosure_request = disclosure_request_create(actor=users["advocate"], victim=victim, kind="identity_export",
                                                   export_for="victim", fields=["full_name"])
    # A sent reminder (the matrix needs one to print as a note verbale; the draft's state does not matter here).
    reminder = Reminder.objects.create(referral=referral, kind=ReminderKind.RESPONSE_OVERDUE,
                                       about=ReminderKind.RESPONSE_OVERDUE, due_date=datetime.date(2016, 6, 1),
                                       status=Reminder.Status.SENT,
                                       sent_at=datetime.datetime(2016, 6, 1, 9, tzinfo=datetime.UTC))
    # A step in its ledger (the matrix needs one to correct).
    step = ReferralStep.objects.create(referral=referral, kind=StepKind.ACKNOWLEDGED, occurred_on=datetime.date(2016, 6, 2),
                                       source=StepSource.EMAIL)
    link = AnswerLink.objects.create(referral=referral, focal_point=france.focal_points.first(), token_hash="0" * 64)
    token, _key = api_token_create(actor=officer, name="matrix")
    attachment = attachment_add(actor=officer, allegation=allegation,
                                uploaded=SimpleUploadedFile("report.pdf", b"%PDF-1.4 canary evidence"))
    job = ExportJob.objects.create(requested_by=users["analyst"], params={"year": 2016, "format": "csv"},
                                   expires_at=datetime.datetime(2100, 1, 1, tzinfo=datetime.UTC))
    release = statistics_release_publish(actor=users["analyst"], year=2016)
    from allegations.models import IncomingReport
    from allegations.reports import receipt_hash, receipt_new

    # A report sent through the reporting channel to the operation, not yet assessed.
    incoming = IncomingReport.objects.create(
        mission=car, what_happened="canary report words", language="fr", receipt_hash=receipt_hash(receipt_new()),
        access_until=datetime.datetime(2100, 1, 1, tzinfo=datetime.UTC))
    return World(
        users=users,
        kwargs={"allegation_id": allegation.pk, "victim_id": victim.pk, "need_id": need.pk, "claim_id": claim.pk,
                "referral_id": referral.pk, "reminder_id": reminder.pk, "step_id": step.pk, "link_id": link.pk, "token_id": token.pk, "user_id": officer.pk, "job_id": job.pk, "attachment_id": attachment.pk,
                "year": release.year, "number": release.number, "request_id": disclosure_request.pk,
                "report_id": incoming.pk,
                # router detail routes name their key `pk`; which record depends on the route's prefix
                "pk:allegation": allegation.pk, "pk:victim": victim.pk, "pk:need": need.pk,
                "pk:referral": referral.pk,
                # a one-time password link that was never sent: answered the same to everyone
                "uidb64": "MQ", "token": "not-a-reset-token"},
        secrets=[allegation.reference, victim.code, "Canary Victim", "canary narrative", "canary evidence",
                 "canary report words"],
    )
