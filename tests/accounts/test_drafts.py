"""Server side of the local intake draft: opaque ids, per-user keys, what may be kept, when it is dropped."""

import base64
import hashlib
import hmac
import re

import pytest
from django.test import override_settings

from allegations.forms import AllegationForm, perpetrator_formset
from core.crypto import blind_index, keyring, new_key
from accounts.drafts import draft_id, draft_key
from core.widgets import CompactSelect
from tests.allegations.test_intake import intake_data
from tests.factories import AllegationFactory
from victims.forms import VictimForm

pytestmark = pytest.mark.django_db


def test_it_gives_each_user_and_form_its_own_opaque_draft_name_and_key(officer, teammate, car):
    allegation = AllegationFactory(mission=car)
    names = {draft_id(officer), draft_id(teammate), draft_id(officer, allegation), draft_id(teammate, allegation)}
    assert len(names) == 4
    assert all(re.fullmatch(r"[0-9a-f]{32}", name) for name in names)
    assert str(allegation.pk) not in "".join(names)
    assert draft_id(officer) == draft_id(officer)  # stable: the draft is found again after signing in anew
    assert draft_key(officer) != draft_key(teammate)
    assert len(base64.b64decode(draft_key(officer))) == 32


def test_it_derives_the_draft_name_and_key_from_the_dedicated_key_material_not_secret_key(officer):
    """DESIGN.md: no encryption key comes from SECRET_KEY. The blind-index key, under distinct labels, does."""
    name, key = draft_id(officer), draft_key(officer)
    with override_settings(SECRET_KEY="another secret key entirely, of the proper length and entropy!"):
        assert (draft_id(officer), draft_key(officer)) == (name, key)
    with override_settings(SEA_BLIND_INDEX_KEY=new_key()):
        assert draft_id(officer) != name and draft_key(officer) != key
    expected = hmac.new(keyring().blind_index_key, b"sea-cases intake draft key v1\x00user:" + str(officer.pk).encode(),
                        hashlib.sha256).digest()
    assert base64.b64decode(key) == expected
    # Domain-separated: neither is a blind index of the same input, nor a prefix of the other.
    assert blind_index(f"user:{officer.pk}") != expected.hex() and not expected.hex().startswith(name)


def test_it_marks_only_intake_controls_and_seals_the_narrative(officer, car, sangaris):
    form = AllegationForm(user=officer)
    assert form.fields["narrative"].widget.attrs["data-draft"] == "sealed"
    assert {f.widget.attrs["data-draft"] for n, f in form.fields.items() if n != "narrative"} == {"plain"}
    rows = perpetrator_formset()
    html = str(rows.forms[0])
    assert 'name="perpetrators-0-unit"' in html
    assert not re.search(r'<input type="hidden"[^>]*data-draft', html)
    victim = VictimForm(with_identity=True)
    assert "data-draft" not in str(victim)


def test_it_puts_the_draft_key_only_in_the_signed_in_intake_page(client, officer, car, sangaris):
    client.force_login(officer)
    page = client.get("/allegations/new/").content.decode()
    assert f'data-draft-id="{draft_id(officer)}"' in page and f'data-draft-key="{draft_key(officer)}"' in page
    assert draft_key(officer) not in client.get("/allegations/").content.decode()


def test_it_tells_the_browser_once_to_drop_the_draft_after_a_successful_save(client, officer, car, sangaris):
    client.force_login(officer)
    detail = client.post("/allegations/new/", intake_data(car, sangaris), follow=True).content.decode()
    assert f'<body data-draft-saved="{draft_id(officer)}">' in detail
    assert "data-draft-saved" not in client.get("/allegations/").content.decode()
    failed = client.post("/allegations/new/", intake_data(car, sangaris, source=""))
    assert failed.status_code == 400 and "data-draft-saved" not in failed.content.decode()


def test_it_renders_compact_selects_with_the_same_choices():
    widget = CompactSelect(choices=[("", "---"), (1, "Côte d'Ivoire & co"), ("x", '"quoted" <b>')])
    html = widget.render("country", "x", {"id": "id_country", "required": True})
    assert html == ('<select name="country" id="id_country" required><option value="">---'
                    '<option value="1">Côte d&#x27;Ivoire &amp; co<option value="x" selected>&quot;quoted&quot; '
                    '&lt;b&gt;</select>')
