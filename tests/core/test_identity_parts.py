"""Stored texts quote identity only through sealed parts (core.identity_parts, core.mail)."""

import pytest
from django.core import mail

from core.identity_parts import identity_fill, identity_part_seal, identity_parts_erase
from core.mail import send_and_record
from core.models import IdentityPart, OutboundEmail
from tests.factories import AllegationFactory, make_victim

pytestmark = pytest.mark.django_db


@pytest.fixture
def victim(officer, car):
    return make_victim(officer, AllegationFactory(mission=car), full_name="Ada <Lovelace>", age_at_incident=30)


def test_the_recipient_gets_the_identity_and_the_outbox_keeps_only_the_placeholder(victim):
    quoted = identity_part_seal(subject=victim, text="name: Ada <Lovelace>")
    send_and_record(to=["focal@example.org"], subject="Notice", text=f"Victim {quoted}.",
                    html=f"<p>Victim {quoted}.</p>", message_id="<t.1@example.org>")
    delivered = mail.outbox[0]
    assert delivered.body == "Victim name: Ada <Lovelace>."
    assert delivered.alternatives[0][0] == "<p>Victim name: Ada &lt;Lovelace&gt;.</p>"
    assert OutboundEmail.objects.get().body == f"Victim {quoted}."


def test_the_demo_mail_folder_is_written_as_the_outbox_keeps_it(victim, settings, tmp_path):
    settings.EMAIL_BACKEND = "core.mail.OutboxFileBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path)
    quoted = identity_part_seal(subject=victim, text="name: Ada")
    send_and_record(to=["focal@example.org"], subject="Notice", text=f"Victim {quoted}.", message_id="<t.2@x.org>")
    written = next(tmp_path.iterdir()).read_text()
    assert quoted in written and "name: Ada" not in written


def test_erasing_a_person_empties_every_text_that_quoted_them_in_one_query(victim, officer, car,
                                                                           django_assert_num_queries):
    other = make_victim(officer, AllegationFactory(mission=car), full_name="Grace", age_at_incident=40)
    text = " / ".join([identity_part_seal(subject=victim, text="Ada"), identity_part_seal(subject=victim, text="A."),
                       identity_part_seal(subject=other, text="Grace")])
    assert identity_fill(text).text == "Ada / A. / Grace"
    assert identity_parts_erase(subject=victim) == 2
    with django_assert_num_queries(1):
        filled = identity_fill(text)
    assert filled.text == "[identity erased] / [identity erased] / Grace"
    assert filled.subjects == {("victims.victim", str(other.pk))}
    assert IdentityPart.objects.count() == 1
