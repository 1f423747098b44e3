"""The exact annex says, wherever it goes, that it is internal and not for publication."""

import io
import json
import zipfile

import openpyxl
import pytest
from django.urls import reverse

from reporting.annex import INTERNAL_NOTE
from reporting.services import annex_file
from tests.factories import AllegationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def one_allegation(car):
    return AllegationFactory(mission=car)


def test_it_labels_every_file_internal(one_allegation):
    from allegations.models import Allegation

    _annex, content, _type, _name = annex_file(Allegation.objects.all(), year=2016, fmt="csv")
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in archive.namelist():
            assert INTERNAL_NOTE in archive.read(name).decode("utf-8-sig"), name
    _annex, content, _type, _name = annex_file(Allegation.objects.all(), year=2016, fmt="json")
    assert json.loads(content)["classification"] == INTERNAL_NOTE
    _annex, content, _type, _name = annex_file(Allegation.objects.all(), year=2016, fmt="xlsx")
    book = openpyxl.load_workbook(io.BytesIO(content))
    for sheet in book.worksheets:
        assert INTERNAL_NOTE in sheet.oddHeader.center.text
        assert INTERNAL_NOTE in [row[0].value for row in sheet.iter_rows()]


def test_it_labels_the_pages_internal(client, analyst, one_allegation):
    client.force_login(analyst)
    for params in ({"year": 2016}, {"year": 2016, "print": 1}):
        page = client.get(reverse("reporting:annex"), params).content.decode()
        assert "Internal, not for publication" in page
