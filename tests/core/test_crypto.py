import json

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from core.crypto import DecryptionError, blind_index, keyring, new_key, normalise_name
from tests.factories import AllegationFactory, make_victim
from victims.models import Victim

pytestmark = pytest.mark.django_db


def raw(table: str, column: str, pk) -> str:
    with connection.cursor() as cursor:
        key = pk.hex if connection.vendor == "sqlite" else pk
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [key])  # noqa: S608 - test-only, fixed names
        return cursor.fetchone()[0]


def write_raw(table: str, column: str, pk, value) -> None:
    with connection.cursor() as cursor:
        key = pk.hex if connection.vendor == "sqlite" else pk
        cursor.execute(f"UPDATE {table} SET {column} = %s WHERE id = %s", [value, key])  # noqa: S608


@pytest.mark.parametrize("value", ["Aïcha N'Dongo — 🕊 ۱۲۳", "", "x" * 1_000_000, " leading and trailing "])
def test_it_round_trips_any_text(value, officer, car):
    victim = make_victim(officer, AllegationFactory(mission=car), full_name=value, confirm_not_duplicate=True)
    stored = raw("victims_victim", "full_name", victim.pk)
    assert stored.startswith("sea1:test2:")
    assert Victim.objects.get(pk=victim.pk).full_name == value


def test_it_keeps_null_distinct_from_empty(officer, car):
    victim = make_victim(officer, AllegationFactory(mission=car), full_name="", date_of_birth=None)
    assert raw("victims_victim", "date_of_birth", victim.pk) is None
    loaded = Victim.objects.get(pk=victim.pk)
    assert loaded.date_of_birth is None
    assert loaded.full_name == ""


def test_a_ciphertext_moved_to_another_row_fails(officer, car):
    allegation = AllegationFactory(mission=car)
    first = make_victim(officer, allegation, full_name="First Person")
    second = make_victim(officer, allegation, full_name="Second Person")
    write_raw("victims_victim", "full_name", second.pk, raw("victims_victim", "full_name", first.pk))
    with pytest.raises(DecryptionError, match="failed authentication"):
        Victim.objects.get(pk=second.pk).full_name


def test_a_ciphertext_moved_to_another_field_fails(officer, car):
    victim = make_victim(officer, AllegationFactory(mission=car), full_name="Moved Name")
    write_raw("victims_victim", "other_names", victim.pk, raw("victims_victim", "full_name", victim.pk))
    with pytest.raises(DecryptionError):
        Victim.objects.get(pk=victim.pk).other_names


def test_a_flipped_byte_fails_with_a_clear_error(officer, car):
    victim = make_victim(officer, AllegationFactory(mission=car), full_name="Flipped")
    token = raw("victims_victim", "full_name", victim.pk)
    body = token.rsplit(":", 1)[1]
    flipped = body[:20] + ("A" if body[20] != "A" else "B") + body[21:]
    write_raw("victims_victim", "full_name", victim.pk, token.rsplit(":", 1)[0] + ":" + flipped)
    with pytest.raises(DecryptionError, match="tampered, moved, or wrong key"):
        Victim.objects.get(pk=victim.pk).full_name


def test_a_value_under_a_key_no_longer_configured_fails(officer, car, settings):
    victim = make_victim(officer, AllegationFactory(mission=car), full_name="Old Key")
    settings.SEA_FIELD_KEYS = f"other:{new_key()}"
    with pytest.raises(DecryptionError, match="key 'test2' is not configured"):
        Victim.objects.get(pk=victim.pk).full_name


def test_keys_do_not_depend_on_the_secret_key(officer, car, settings):
    victim = make_victim(officer, AllegationFactory(mission=car), full_name="Independent")
    settings.SECRET_KEY = "something-else-entirely"
    assert Victim.objects.get(pk=victim.pk).full_name == "Independent"


def test_the_demo_creates_a_private_key_file_once(settings, tmp_path):
    settings.SEA_FIELD_KEYS = ""
    settings.SEA_BLIND_INDEX_KEY = ""
    settings.SEA_KEY_FILE = tmp_path / "keys.json"
    settings.SEA_DEMO = True
    ring = keyring()
    content = json.loads((tmp_path / "keys.json").read_text())
    assert ring.current_id == content["field_keys"][0]["id"]
    assert (tmp_path / "keys.json").stat().st_mode & 0o777 == 0o600


def test_production_refuses_to_run_without_keys(settings, tmp_path):
    settings.SEA_FIELD_KEYS = ""
    settings.SEA_KEY_FILE = tmp_path / "missing.json"
    settings.SEA_DEMO = False
    with pytest.raises(ImproperlyConfigured, match="No encryption keys"):
        keyring()


@pytest.mark.parametrize("typed", ["  aicha   n'dongo ", "AÏCHA N’DONGO", "N'Dongo Aïcha", "aicha-ndongo", "Aicha\tNdongo"])
def test_the_blind_index_ignores_case_accents_spacing_and_order(typed):
    assert blind_index(normalise_name(typed)) == blind_index(normalise_name("Aïcha N'Dongo"))


def test_the_blind_index_tells_different_names_apart():
    assert blind_index(normalise_name("Aïcha N'Dongo")) != blind_index(normalise_name("Aïcha N'Donga"))
