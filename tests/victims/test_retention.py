import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from allegations.attachments import attachment_add
from allegations.models import Attachment, Status, StatusChange
from core.models import AuditEvent
from reporting.annex import SUMMARY_COLUMNS, all_allegations, build_annex
from tests.factories import AllegationFactory, PerpetratorFactory, make_victim
from victims.models import Victim, VictimAllegation, VictimContact
from victims.retention import retention_candidates, retention_erase
from victims.tasks import erase_expired_identities

pytestmark = pytest.mark.django_db

CANARY = "Canary Retention"


@pytest.fixture(autouse=True)
def retention(settings, tmp_path):
    settings.SEA_RETENTION_DAYS = 365
    settings.SEA_ATTACHMENT_DIR = tmp_path / "attachments"


def closed(car, sangaris, *, days_ago: int | None, status=Status.SUBSTANTIATED):
    """An allegation closed `days_ago` (None: still open)."""
    allegation = AllegationFactory(mission=car, status=status if days_ago is not None else Status.UNDER_INVESTIGATION)
    PerpetratorFactory(allegation=allegation, force=sangaris)
    if days_ago is not None:
        change = StatusChange.objects.create(allegation=allegation, from_status=Status.UNDER_INVESTIGATION,
                                             to_status=status)
        StatusChange.objects.filter(pk=change.pk).update(changed_at=timezone.now() - datetime.timedelta(days=days_ago))
    return allegation


def victim_on(officer, allegation, **values):
    values = {"full_name": CANARY, "contact_details": "+236 70 00 00 00", "age_at_incident": 15, **values}
    victim = make_victim(officer, allegation, **values)
    VictimContact.objects.create(victim=victim, contacted_on=datetime.date(2017, 1, 1), channel="phone",
                                 content="Met her at her aunt's house")
    return victim


def summary():
    return build_annex(all_allegations(), year=2016).summary


def test_it_erases_identity_past_retention_and_keeps_the_annex(officer, car, sangaris, tmp_path,
                                                                django_capture_on_commit_callbacks):
    old = closed(car, sangaris, days_ago=400)
    victim = victim_on(officer, old, sex="female")
    adult = victim_on(officer, old, sex="male", age_at_incident=30, full_name="Other Canary")
    attachment = attachment_add(actor=officer, allegation=old, description="",
                                uploaded=SimpleUploadedFile("r.pdf", b"%PDF-1.4 medical"))
    before = summary()
    total = dict(zip(SUMMARY_COLUMNS, before[-1], strict=True))
    assert (total["Victims"], total["Girls"], total["Men"]) == (2, 1, 1)

    with django_capture_on_commit_callbacks(execute=True):
        report = retention_erase(dry_run=False)

    assert report["victims"] == 2 and report["attachments"] == 1
    assert report["by_mission"] == {car.name: {"victims": 2, "attachments": 1}}
    assert summary() == before
    for erased in (Victim.objects.get(pk=victim.pk), Victim.objects.get(pk=adult.pk)):
        assert erased.identity_erased_at is not None
        assert erased.full_name == "" and erased.contact_details == "" and erased.date_of_birth is None
        assert erased.name_index == "" and erased.name_dob_index == ""
    assert Victim.objects.get(pk=victim.pk).age_group == "child"
    assert VictimContact.objects.get(victim=victim).content == ""
    assert not Attachment.objects.exists()
    assert not (tmp_path / "attachments" / attachment.stored_name).exists()


def test_it_leaves_recent_and_open_cases_alone(officer, car, sangaris):
    recent = victim_on(officer, closed(car, sangaris, days_ago=100))
    still_open = victim_on(officer, closed(car, sangaris, days_ago=None))
    assert retention_erase(dry_run=False)["victims"] == 0
    for victim in (recent, still_open):
        fresh = Victim.objects.get(pk=victim.pk)
        assert fresh.identity_erased_at is None and fresh.full_name == CANARY


def test_it_keeps_a_victim_linked_to_one_open_allegation(officer, car, sangaris):
    victim = victim_on(officer, closed(car, sangaris, days_ago=400))
    VictimAllegation.objects.create(victim=victim, allegation=closed(car, sangaris, days_ago=None), age_group="child")
    assert not retention_candidates(timezone.now()).exists()
    retention_erase(dry_run=False)
    assert Victim.objects.get(pk=victim.pk).full_name == CANARY


def test_a_dry_run_changes_nothing_and_counts(officer, car, sangaris):
    old = closed(car, sangaris, days_ago=400)
    victim = victim_on(officer, old)
    attachment_add(actor=officer, allegation=old, description="", uploaded=SimpleUploadedFile("r.pdf", b"%PDF-1"))
    audits = AuditEvent.objects.count()
    report = retention_erase(dry_run=True)
    assert (report["victims"], report["attachments"], report["dry_run"]) == (1, 1, True)
    assert Victim.objects.get(pk=victim.pk).full_name == CANARY
    assert Attachment.objects.count() == 1
    assert AuditEvent.objects.count() == audits


def test_it_audits_each_erasure_without_identity_and_is_idempotent(officer, car, sangaris, capsys):
    victim = victim_on(officer, closed(car, sangaris, days_ago=400))
    call_command("erase_expired_identities")
    assert '"victims": 1' in capsys.readouterr().out
    rows = AuditEvent.objects.filter(action="retention_erase_identity")
    assert list(rows.values_list("object_id", flat=True)) == [str(victim.pk)]
    assert AuditEvent.objects.filter(action="retention_erase_run").count() == 1
    for row in AuditEvent.objects.filter(action__startswith="retention"):
        assert CANARY not in str(row.detail) and "Canary" not in str(row.detail)

    call_command("erase_expired_identities")
    assert '"victims": 0' in capsys.readouterr().out
    assert rows.count() == 1


def test_the_victim_page_says_identity_was_erased(client, officer, car, sangaris):
    victim = victim_on(officer, closed(car, sangaris, days_ago=400))
    retention_erase(dry_run=False)
    client.force_login(officer)
    page = client.get(f"/victims/{victim.pk}/").content.decode()
    assert "under the retention policy" in page and "Identity erased on" in page


def test_the_beat_task_runs_through_celery(officer, car, sangaris, tasks_run_in_process):
    victim = victim_on(officer, closed(car, sangaris, days_ago=400))
    result = erase_expired_identities.delay().get()
    assert result["victims"] == 1
    assert Victim.objects.get(pk=victim.pk).identity_erased_at is not None


def test_a_date_of_birth_becomes_an_age_so_the_statistics_survive_erasure(officer, car, sangaris):
    from victims.services import refresh_age_groups_for_allegation

    old = closed(car, sangaris, days_ago=400)
    old.incident_date, old.incident_date_precision = datetime.date(2016, 4, 1), "day"
    old.save()
    victim = victim_on(officer, old, age_at_incident=None, date_of_birth=datetime.date(2001, 1, 1))
    assert VictimAllegation.objects.get(victim=victim).age_group == "child"
    retention_erase(dry_run=False)
    victim.refresh_from_db()
    assert victim.date_of_birth is None and victim.age_at_incident == 15
    refresh_age_groups_for_allegation(old)  # e.g. an incident date corrected later
    assert VictimAllegation.objects.get(victim=victim).age_group == "child"


IDENTITY = {"full_name": "Quokka Erasemenow", "other_names": "Mama Kestrelwing", "date_of_birth": "1990-04-05",
            "contact_details": "+236 75 31 99 02", "current_location": "Quartier Canaryville, Bambari"}
# The date of birth as any page, notice or file could have written it, in English and French.
DATE_OF_BIRTH_WRITTEN = ["1990-04-05", "05/04/1990", "5/4/1990", "04/05/1990", "05.04.1990", "5 April 1990",
                         "April 5, 1990", "5 avril 1990", "5 Apr 1990", "5 avr. 1990"]


def every_stored_text() -> str:
    """Every row of every table as SQL returns it, plus every encrypted column decrypted."""
    from django.apps import apps

    from tests.victims.test_no_plaintext_at_rest import raw_dump

    texts = [raw_dump()]
    for model in apps.get_models():
        encrypted = [f.attname for f in model._meta.concrete_fields if "Encrypted" in type(f).__name__]
        for row in model.objects.all():
            texts.extend(str(getattr(row, name)) for name in encrypted)
    return "\n".join(texts)


def test_erasure_leaves_no_trace_of_identity_quoted_in_sent_notices_and_e_mails(
        officer, chief, credible, france, approve, settings, tmp_path):
    from guardian.shortcuts import assign_perm

    from referrals.models import Referral
    from referrals.services import referral_draft, referral_preview
    from victims.services import consent_record

    settings.EMAIL_BACKEND = "core.mail.OutboxFileBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path / "sent-mail")
    victim = victim_on(officer, credible, **{**IDENTITY, "age_at_incident": 26,
                                             "date_of_birth": datetime.date(1990, 4, 5)})
    consent_record(actor=officer, victim=victim, scope="share_identity_with_member_state", decision="given",
                   given_by="victim")
    assign_perm("victims.view_identity", chief)  # a notice that names someone needs an approver who may see it
    for language in ("en", "fr"):
        approve(type(chief).objects.get(pk=chief.pk),
                referral_draft(actor=officer, allegation=credible, member_state=france, language=language))
    referrals = list(Referral.objects.order_by("language"))
    chief = type(chief).objects.get(pk=chief.pk)
    english, french = (referral_preview(actor=chief, referral=r).text for r in referrals)
    assert "Quokka Erasemenow" in english and "5 April 1990" in english and "Mama Kestrelwing" in english
    assert "5 avril 1990" in french
    mail_files = list((tmp_path / "sent-mail").iterdir())
    assert len(mail_files) == 2  # the demo's mail folder, like the outbox, keeps placeholders only
    assert "[[identity:" in mail_files[0].read_text()

    Allegation = type(credible)
    Allegation.objects.filter(pk=credible.pk).update(status=Status.SUBSTANTIATED)
    change = StatusChange.objects.create(allegation=credible, from_status=Status.UNDER_INVESTIGATION,
                                         to_status=Status.SUBSTANTIATED)
    StatusChange.objects.filter(pk=change.pk).update(changed_at=timezone.now() - datetime.timedelta(days=400))
    assert retention_erase(dry_run=False)["victims"] == 1

    stored = every_stored_text() + "".join(f.read_text() for f in (tmp_path / "sent-mail").iterdir())
    for value in [v for k, v in IDENTITY.items() if k != "date_of_birth"] + DATE_OF_BIRTH_WRITTEN:
        assert value not in stored
    for part in ("Quokka", "Erasemenow", "Kestrelwing", "75 31 99 02", "Canaryville"):
        assert part not in stored
    shown = referral_preview(actor=chief, referral=referrals[0])
    assert victim.code in shown.text and "[identity erased]" in shown.text
    assert not shown.shares_identity
