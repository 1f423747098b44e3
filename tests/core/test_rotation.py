import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from core.crypto import new_key
from core.fields import key_ids_in_use
from core.rotation import rotate_model
from tests.conftest import TEST_FIELD_KEYS
from tests.factories import AllegationFactory, make_victim
from victims.models import Victim

pytestmark = pytest.mark.django_db

OLD_ONLY = TEST_FIELD_KEYS.split(",")[1]  # "test1:<key>"
NEW = f"fresh:{new_key()}"


def name_keys() -> dict[str, int]:
    return key_ids_in_use(Victim, Victim._meta.get_field("full_name"))


@pytest.fixture
def victims_under_old_key(settings):
    settings.SEA_FIELD_KEYS = OLD_ONLY
    made = Victim.objects.bulk_create(
        Victim(code=f"BULK-{n:04d}", full_name=f"Person {n}", contact_details=f"phone {n}") for n in range(2000)
    )
    settings.SEA_FIELD_KEYS = f"{NEW},{OLD_ONLY}"  # new current key, old one kept for reading
    return made


def test_rotation_leaves_nothing_under_the_old_key_and_everything_readable(victims_under_old_key):
    assert name_keys() == {"test1": 2000}
    out = io.StringIO()
    call_command("rotate_keys", batch_size=300, stdout=out)
    assert name_keys() == {"fresh": 2000}
    assert "Every encrypted value is under the current key." in out.getvalue()
    names = {v.full_name for v in Victim.objects.all()}
    assert names == {f"Person {n}" for n in range(2000)}
    assert {v.contact_details for v in Victim.objects.all()} == {f"phone {n}" for n in range(2000)}


def test_an_interrupted_rotation_resumes_and_keeps_data_written_meanwhile(victims_under_old_key, officer, car):
    batches = rotate_model(Victim, batch_size=500)
    next(batches)  # the run is killed after one batch
    assert name_keys() == {"fresh": 500, "test1": 1500}
    written_meanwhile = make_victim(officer, AllegationFactory(mission=car), full_name="Registered mid-rotation")
    edited = Victim.objects.order_by("-pk").first()
    edited.contact_details = "changed during rotation"
    edited.save()

    call_command("rotate_keys", stdout=io.StringIO())
    assert name_keys() == {"fresh": 2001}
    assert Victim.objects.get(pk=written_meanwhile.pk).full_name == "Registered mid-rotation"
    assert Victim.objects.get(pk=edited.pk).contact_details == "changed during rotation"


def test_check_reports_values_under_a_key_that_is_not_configured(victims_under_old_key, settings):
    settings.SEA_FIELD_KEYS = NEW
    with pytest.raises(CommandError) as error:
        call_command("check")
    assert "encrypted under key 'test1', which is not configured" in str(error.value)


def test_check_is_clean_when_every_key_in_use_is_configured(victims_under_old_key):
    call_command("check", stdout=io.StringIO())
