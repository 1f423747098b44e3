import pytest
from django.db import connection

from allegations.models import Allegation
from tests.factories import AllegationFactory

pytestmark = pytest.mark.django_db


def raw_narrative(allegation):
    with connection.cursor() as cursor:
        cursor.execute("SELECT narrative FROM allegations_allegation WHERE id = %s", [allegation.pk.hex if connection.vendor == "sqlite" else allegation.pk])
        return cursor.fetchone()[0]


def test_it_stores_the_narrative_encrypted_and_reads_it_back(car):
    allegation = AllegationFactory(mission=car, narrative="Témoignage recueilli à Bangui — 🕊")
    stored = raw_narrative(allegation)
    assert stored.startswith("sea1:test2:")
    assert "Bangui" not in stored
    assert Allegation.objects.get(pk=allegation.pk).narrative == "Témoignage recueilli à Bangui — 🕊"


def test_it_keeps_the_ciphertext_when_other_fields_change(car):
    allegation = AllegationFactory(mission=car, narrative="unchanged")
    before = raw_narrative(allegation)
    loaded = Allegation.objects.get(pk=allegation.pk)
    loaded.location = "Sibut"
    loaded.save()
    assert raw_narrative(allegation) == before
    assert Allegation.objects.get(pk=allegation.pk).narrative == "unchanged"


def test_it_refuses_to_filter_on_an_encrypted_field(car):
    with pytest.raises(Exception):
        list(Allegation.objects.filter(narrative="secret"))
