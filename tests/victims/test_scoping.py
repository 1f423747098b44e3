import pytest
from guardian.shortcuts import assign_perm

from core.roles import HQ_ANALYST
from tests.factories import AllegationFactory, make_user, make_victim
from victims.models import Victim

pytestmark = pytest.mark.django_db
CANARY = "Philomena Canarybird"


@pytest.fixture
def victim(officer, car):
    return make_victim(officer, AllegationFactory(mission=car), full_name=CANARY, contact_details="canary phone")


def victim_urls(victim, allegation):
    return [
        ("get", f"/victims/{victim.pk}/"),
        ("post", f"/victims/{victim.pk}/reveal/"),
        ("get", f"/victims/{victim.pk}/edit/"),
        ("post", f"/victims/{victim.pk}/edit/"),
        ("post", f"/victims/{victim.pk}/consents/"),
        ("post", f"/victims/{victim.pk}/link/{allegation.pk}/"),
        ("get", f"/victims/new/{allegation.pk}/"),
        ("post", f"/victims/new/{allegation.pk}/"),
    ]


def test_an_officer_of_another_operation_gets_404_on_every_victim_url(client, outsider, victim):
    client.force_login(outsider)
    for method, url in victim_urls(victim, victim.allegations.get()):
        response = getattr(client, method)(url, {"sex": "male", "version": 1})
        assert response.status_code == 404, (method, url)
        assert victim.code not in response.content.decode()
    assert victim.code not in client.get("/victims/").content.decode()


def test_an_hq_analyst_never_receives_identity(client, analyst, victim):
    assign_perm("victims.view_identity", analyst)  # even if someone grants it by mistake
    client.force_login(analyst)
    allegation = victim.allegations.get()
    pages = [client.get(u) for u in ["/", "/victims/", f"/victims/{victim.pk}/", f"/allegations/{allegation.pk}/",
                                     "/allegations/"]]
    pages.append(client.post(f"/victims/{victim.pk}/reveal/"))
    pages.append(client.get(f"/victims/{victim.pk}/edit/"))
    for response in pages:
        html = response.content.decode()
        assert CANARY not in html and "canary phone" not in html
    assert pages[2].status_code == 200 and victim.code in pages[2].content.decode()
    assert "Identity is not available to your role." in pages[2].content.decode()
    assert pages[-2].status_code == 404


def test_a_field_officer_needs_the_identity_permission_to_reveal(client, teammate, victim):
    client.force_login(teammate)
    assert "Reveal identity" not in client.get(f"/victims/{victim.pk}/").content.decode()
    assert client.post(f"/victims/{victim.pk}/reveal/").status_code == 404
    assign_perm("victims.view_identity", teammate)
    client.force_login(teammate)
    assert CANARY in client.post(f"/victims/{victim.pk}/reveal/").content.decode()


def test_an_advocate_of_the_operation_can_reveal(client, advocate, victim):
    client.force_login(advocate)
    response = client.post(f"/victims/{victim.pk}/reveal/")
    assert CANARY in response.content.decode()
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("count", [10, 200])
def test_the_victim_list_runs_a_constant_number_of_queries(client, officer, car, count,
                                                          django_assert_max_num_queries):
    allegation = AllegationFactory(mission=car)
    for n in range(count):
        make_victim(officer, allegation if n % 2 else AllegationFactory(mission=car), full_name=f"P {n}",
                    age_at_incident=10 + n % 20)
    client.force_login(officer)
    for sort in ("", "age_group", "-code"):
        with django_assert_max_num_queries(10):
            response = client.get("/victims/", {"sort": sort})
    assert response.context["page"].paginator.count == count


def test_an_analyst_role_user_is_denied_identity_by_the_selector(victim):
    from victims.querysets import can_view_identity

    user = make_user("hq2", HQ_ANALYST, global_view=True)
    assign_perm("victims.view_identity", user)
    assert can_view_identity(user) is False
    assert Victim.objects.visible_to(user).count() == 1


def test_an_analyst_sees_no_consent_history(client, analyst, officer, victim):
    from victims.services import consent_record

    consent_record(actor=officer, victim=victim, scope="contact", decision="given", given_by="victim")
    client.force_login(analyst)
    page = client.get(f"/victims/{victim.pk}/").content.decode()
    assert "Be contacted about the case" not in page


def test_view_scope_alone_never_writes_to_a_victim(client, victim, car):
    from core.roles import VICTIMS_RIGHTS_ADVOCATE

    viewer = make_user("viewer", VICTIMS_RIGHTS_ADVOCATE, view=[car])
    client.force_login(viewer)
    assert client.get(f"/victims/{victim.pk}/").status_code == 200
    for url, data in [(f"/victims/{victim.pk}/consents/", {"contact": "given", "given_by": "victim"}),
                      (f"/victims/{victim.pk}/needs/", {"category": "medical"}),
                      (f"/victims/{victim.pk}/contacts/", {"contacted_on": "2026-01-01", "channel": "phone", "content": "x"}),
                      (f"/victims/{victim.pk}/edit/", {"version": 1, "sex": "male"})]:
        assert client.post(url, data).status_code == 404, url
    victim.refresh_from_db()
    assert victim.sex == "female" and not victim.consents.exists() and not victim.needs.exists()


def test_a_garbled_version_is_a_conflict_not_a_crash(client, officer, victim):
    client.force_login(officer)
    assert client.post(f"/victims/{victim.pk}/edit/", {"version": "abc", "sex": "male"}).status_code == 409


def test_it_scopes_providers_to_the_operations_a_user_may_see(advocate, car, somalia, analyst):
    from tests.factories import make_provider
    from victims.models import ServiceProvider

    ours, theirs = make_provider(car, "Bangui clinic"), make_provider(somalia, "Mogadishu clinic")
    assert list(ServiceProvider.objects.visible_to(advocate)) == [ours]
    assert theirs not in ServiceProvider.objects.visible_to(advocate)
    assert list(ServiceProvider.objects.visible_to(analyst)) == []  # no assistance role, no providers


def test_it_scopes_paternity_claims_through_their_victim(advocate, outsider, officer, victim, analyst):
    import datetime

    from victims.assistance import paternity_claim_create
    from victims.models import PaternityClaim

    claim = paternity_claim_create(actor=advocate, victim=victim, values={"claim_date": datetime.date(2016, 6, 1)})
    assert list(PaternityClaim.objects.visible_to(advocate)) == [claim]
    assert list(PaternityClaim.objects.editable_by(advocate)) == [claim]
    assert list(PaternityClaim.objects.visible_to(outsider)) == []  # another operation
    assert list(PaternityClaim.objects.visible_to(analyst)) == []  # no claim permission
