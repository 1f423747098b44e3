"""Canary names typed into the application must never be found at rest outside ciphertext."""

import io
import logging

import pytest
from django.core.management import call_command
from django.db import connection

from tests.factories import AllegationFactory, make_victim
from victims.models import Victim

pytestmark = pytest.mark.django_db

CANARIES = ["Zanzibar Quokkafeather", "Ombeline Kestrelwhisk", "0777123456", "Quartier Canaryville"]


def raw_dump() -> str:
    """Every row of every table, as text, straight from SQL."""
    parts = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - table names come from the schema
            parts.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(parts)


def test_no_table_holds_a_canary_in_plaintext(client, officer, car, caplog):
    caplog.set_level(logging.DEBUG)
    allegation = AllegationFactory(mission=car, narrative=f"Victim {CANARIES[0]} said so")
    client.force_login(officer)
    client.post(f"/victims/new/{allegation.pk}/", {
        "full_name": CANARIES[0], "other_names": CANARIES[1], "date_of_birth": "2003-04-05",
        "contact_details": CANARIES[2], "current_location": CANARIES[3], "sex": "female",
    })
    victim = Victim.objects.get()
    assert victim.full_name == CANARIES[0]  # really stored, and readable through the application
    dump = raw_dump()
    assert "V-2016-0001" in dump  # the dump is real
    for canary in CANARIES + ["2003-04-05"]:
        assert canary not in dump
        assert canary not in caplog.text


def test_dumpdata_carries_ciphertext_only(officer, car):
    make_victim(officer, AllegationFactory(mission=car), full_name=CANARIES[1])
    out = io.StringIO()
    call_command("dumpdata", "victims", "allegations", stdout=out)
    assert CANARIES[1] not in out.getvalue()
    assert "sea1:test2:" in out.getvalue()
