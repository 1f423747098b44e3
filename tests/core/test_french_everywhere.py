"""A French-speaking reader finds no English label in what the office sends or shows them: notices to
Member States and regional organisations, reminders, digests, annex exports, charts and pages.

The English labels looked for are every choice label of the project's vocabularies whose French
differs, the English names of the states and organisations in play, and a few fixed phrases."""

import datetime
import html
import io
import re
import zipfile

import openpyxl
import pytest
import time_machine
from django.core import mail
from django.db import models
from django.utils import translation

from accounts.models import UserPreference
from core.models import RegionalOrganisation
from referrals.reminders import reminder_send, sweep
from referrals.services import referral_draft
from tests.factories import make_focal_point, make_victim
from tests.reporting.annex_fixture import build_annex_fixture
from victims.assistance import need_create
from victims.tasks import send_assistance_digests

pytestmark = pytest.mark.django_db
PROJECT_APPS = ("core", "accounts", "allegations", "victims", "referrals", "reporting")


def _all_subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _all_subclasses(sub)


def english_labels() -> set[str]:
    """Every label of the project's choices whose French differs from its English."""
    labels = set()
    for choices in _all_subclasses(models.Choices):
        if not choices.__module__.split(".")[0] in PROJECT_APPS:
            continue
        for _value, label in choices.choices:
            with translation.override("en"):
                english = str(label)
            with translation.override("fr"):
                french = str(label)
            if english != french:
                labels.add(english)
    return labels


FIXED_PHRASES = {"Central African Republic", "European Union", "Women", "Girls", "Victims of unknown sex or age",
                 "Allegations received per year", "per quarter", "by type", "by status", "Victims in the allegations",
                 "Close", "Q1"}


def visible_text(page: str) -> str:
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    page = re.sub(r"<[^>]+>", " ", page)
    return html.unescape(page)


def english_found(text: str, labels: set[str]) -> list[str]:
    return sorted(label for label in labels if re.search(rf"(?<![\w-]){re.escape(label)}(?![\w-])", text))


@pytest.fixture
def labels():
    return english_labels() | FIXED_PHRASES


@pytest.fixture
def french_case(officer, chief, advocate, credible, car, approve):
    """A credible allegation with a child victim and an adult, referred in French to France and to the EU."""
    for user in (officer, chief, advocate):
        UserPreference.objects.create(user=user, language="fr")
    car.name_fr = "République centrafricaine"
    car.save()
    child = make_victim(officer, credible, sex="female", date_of_birth=datetime.date(2005, 1, 1))
    make_victim(officer, credible, sex="male", date_of_birth=datetime.date(1980, 1, 1))
    eu = RegionalOrganisation.objects.create(name="European Union", acronym="EU", name_fr="Union européenne",
                                             acronym_fr="UE")
    make_focal_point(eu, "general", "sea@eu.example.org")
    with time_machine.travel("2016-05-10 09:00", tick=False):
        to_state = referral_draft(actor=officer, allegation=credible, member_state=credible.perpetrators.get().nationality,
                                  language="fr")
        approve(chief, to_state)
        to_eu = referral_draft(actor=officer, allegation=credible, regional_organisation=eu, language="fr")
        approve(chief, to_eu)
    advocate.email = "advocate@example.org"
    advocate.save()
    need_create(actor=advocate, victim=child, category="medical", assigned_advocate=advocate,
                follow_up_on=datetime.date(2016, 5, 1))
    return {"allegation": credible, "child": child, "referrals": (to_state, to_eu)}


def test_it_sends_notices_reminders_and_digests_with_no_english_label(french_case, labels):
    with time_machine.travel("2016-06-20 09:00", tick=False):  # the answers are overdue: reminders go
        for reminder_id in sweep():
            reminder_send(reminder_id)
        send_assistance_digests()
    assert len(mail.outbox) >= 5
    for message in mail.outbox:
        html_part = message.alternatives[0][0] if message.alternatives else ""
        for text in (message.subject, message.body, visible_text(html_part)):
            assert english_found(text, labels) == [], (message.subject, text)
    notice = next(m for m in mail.outbox if "UE" in m.body)
    assert "Union européenne (UE)" in notice.body and "République centrafricaine" in notice.body


def test_it_shows_pages_and_charts_with_no_english_label(french_case, client, officer, analyst, labels):
    UserPreference.objects.create(user=analyst, language="fr")
    allegation, child = french_case["allegation"], french_case["child"]
    client.force_login(officer)
    pages = [f"/allegations/{allegation.pk}/", f"/victims/{child.pk}/", "/", "/allegations/", "/referrals/"]
    pages += [f"/referrals/{referral.pk}/" for referral in french_case["referrals"]]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert english_found(visible_text(response.content.decode()), labels) == [], url
    client.force_login(analyst)
    for url in ("/reports/?year=2016", "/reports/annex/?year=2016", "/"):
        response = client.get(url)
        assert english_found(visible_text(response.content.decode()), labels) == [], url


def test_it_exports_the_annex_with_no_english_label(client, analyst, labels):
    build_annex_fixture()
    UserPreference.objects.create(user=analyst, language="fr")
    client.force_login(analyst)
    book = openpyxl.load_workbook(io.BytesIO(client.get("/reports/annex/download/",
                                                        {"year": 2016, "format": "xlsx"}).content))
    cells = " | ".join(str(c) for sheet in book for row in sheet.iter_rows(values_only=True) for c in row if c)
    assert english_found(cells, labels) == []
    assert "République centrafricaine" in cells
    archive = zipfile.ZipFile(io.BytesIO(client.get("/reports/annex/download/",
                                                    {"year": 2016, "format": "csv"}).content))
    for name in archive.namelist():
        assert english_found(archive.read(name).decode("utf-8-sig"), labels) == [], name
