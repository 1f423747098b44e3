"""The service contract: services take the actor and an `AuditContext` (never the request), refuse
with `core.errors`, check scope and rights themselves, and one adapter per interface (the page
middleware, the API's exception handler) turns the refusals into answers."""

import ast
import datetime
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.urls import include, path
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

from core.audit import AuditContext, audit_context
from core.errors import Conflict, NotFound, NotPermitted
from core.locking import StaleEditError
from core.models import AuditEvent
from core.roles import HQ_ANALYST, VICTIMS_RIGHTS_ADVOCATE
from allegations.attachments import attachment_add
from allegations.models import Allegation, Attachment
from allegations.services import allegation_create
from referrals.models import Referral
from referrals.services import referral_approve, referral_draft
from tests.factories import AllegationFactory, make_provider, make_user, make_victim
from victims.assistance import contact_record, need_create, need_transition, need_update, paternity_claim_create
from victims.models import AssistanceNeed, Consent, PaternityClaim, Victim, VictimAllegation, VictimContact
from victims.services import consent_record, victim_create, victim_link, victim_update

ROOT = Path(__file__).resolve().parents[2]
APPS = ("allegations", "victims", "referrals", "reporting", "core")
SERVICE_MODULES = ("services.py", "assistance.py", "attachments.py", "access.py", "digests.py")
# accounts keeps its services beside the middleware and session helpers of the same feature, so these
# modules may import django.http; their functions that write to the audit trail are services all the same.
ACCOUNT_SERVICE_MODULES = ("two_factor.py", "tokens.py", "languages.py", "services.py")

REFUSALS = {
    "not_found": NotFound("No such victim."),
    "not_permitted": NotPermitted("You do not have the right to approve referrals."),
    "conflict": Conflict("This referral has already been sent."),
    "stale": StaleEditError("V-2016-0001 was changed by someone else since you opened it."),
    "invalid": ValidationError({"provider": ["This provider does not work in the victim's operation."]}),
}


def refusing_page(request, kind):
    raise REFUSALS[kind]


class RefusingApi(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    def get(self, request, kind):
        raise REFUSALS[kind]


urlpatterns = [
    path("contract/page/<str:kind>/", refusing_page),
    path("contract/api/<str:kind>/", RefusingApi.as_view()),
    path("", include("sea_cases.urls")),
]


def template_names(response):
    return [t.name for t in response.templates]


@pytest.mark.urls(__name__)
def test_it_maps_the_refusals_of_a_service_to_404_403_and_409_pages(client, officer):
    client.force_login(officer)
    not_found = client.get("/contract/page/not_found/")
    assert not_found.status_code == 404 and "404.html" in template_names(not_found)
    not_permitted = client.get("/contract/page/not_permitted/")
    assert not_permitted.status_code == 403 and "403.html" in template_names(not_permitted)
    for kind in ("conflict", "stale"):
        conflict = client.get(f"/contract/page/{kind}/")
        assert conflict.status_code == 409 and "409.html" in template_names(conflict)
        assert str(REFUSALS[kind]) in conflict.content.decode()


@pytest.mark.urls(__name__)
def test_it_maps_the_refusals_of_a_service_to_404_403_409_and_400_in_the_api(client):
    assert client.get("/contract/api/not_found/").json() == {"detail": "Not found."}
    assert client.get("/contract/api/not_found/").status_code == 404
    refused = client.get("/contract/api/not_permitted/")
    assert refused.status_code == 403
    assert refused.json() == {"detail": "You do not have the right to approve referrals."}
    conflict = client.get("/contract/api/conflict/")
    assert conflict.status_code == 409
    assert conflict.json() == {"detail": "This referral has already been sent.", "code": "conflict"}
    stale = client.get("/contract/api/stale/")
    assert stale.status_code == 409 and stale.json()["code"] == "stale_version"
    invalid = client.get("/contract/api/invalid/")
    assert invalid.status_code == 400
    assert invalid.json() == {"provider": ["This provider does not work in the victim's operation."]}


def test_it_takes_the_audit_context_from_the_request_and_writes_it_to_the_trail(db, officer, car):
    request = RequestFactory().get("/", REMOTE_ADDR="::ffff:10.0.0.7")
    assert audit_context(request) == AuditContext(ip_address="::ffff:a00:7")
    assert audit_context(RequestFactory().get("/", REMOTE_ADDR="not an address")) == AuditContext(ip_address=None)
    victim = make_victim(officer, AllegationFactory(mission=car))
    victim_update(actor=officer, victim=victim, expected_version=victim.version, values={"age_at_incident": 17},
                  audit=AuditContext(ip_address="10.0.0.7"))
    assert AuditEvent.objects.get(action="victim_update", object_id=str(victim.pk)).ip_address == "10.0.0.7"


# --- every write service checks scope and rights itself -------------------------------------

@pytest.fixture
def victim(officer, car):
    return make_victim(officer, AllegationFactory(mission=car))


@pytest.fixture
def viewer_with_change_scope(car):
    """Change scope on the operation, but a role that may not change victims' files or needs."""
    return make_user("viewer", HQ_ANALYST, change=[car])


def denied(user, obj) -> bool:
    return AuditEvent.objects.filter(action="access_denied", actor=user, object_id=str(obj.pk),
                                     outcome=AuditEvent.Outcome.DENIED, detail__for_change=True).exists()


def test_it_refuses_victim_update_outside_the_actors_change_scope_and_audits_it(victim, outsider):
    with pytest.raises(NotFound):
        victim_update(actor=outsider, victim=victim, expected_version=victim.version, values={"age_at_incident": 40})
    assert denied(outsider, victim)
    victim.refresh_from_db()
    assert (victim.version, victim.age_at_incident) == (1, None)


def test_it_refuses_victim_update_to_a_role_without_the_change_permission(victim, viewer_with_change_scope):
    with pytest.raises(NotFound):
        victim_update(actor=viewer_with_change_scope, victim=victim, expected_version=victim.version,
                      values={"age_at_incident": 40})
    assert denied(viewer_with_change_scope, victim)
    victim.refresh_from_db()
    assert victim.version == 1


@pytest.fixture
def need(victim, advocate, car):
    return need_create(actor=advocate, victim=victim, category="medical", provider=make_provider(car))


def test_it_refuses_need_update_outside_the_actors_change_scope_and_audits_it(need, somalia):
    other_advocate = make_user("other_advocate", VICTIMS_RIGHTS_ADVOCATE, change=[somalia])
    with pytest.raises(NotFound):
        need_update(actor=other_advocate, need=need, expected_version=need.version, values={"notes": "x"})
    assert denied(other_advocate, need)
    need.refresh_from_db()
    assert (need.version, need.notes) == (1, "")


def test_it_refuses_need_update_to_a_role_without_the_change_permission(need, viewer_with_change_scope):
    with pytest.raises(NotFound):
        need_update(actor=viewer_with_change_scope, need=need, expected_version=need.version,
                    values={"follow_up_on": datetime.date(2016, 6, 1)})
    assert denied(viewer_with_change_scope, need)
    need.refresh_from_db()
    assert need.version == 1


# What each service that adds to a file would add, refused before anything is written.
CREATING_SERVICES = {
    "allegation_create": lambda actor, victim, allegation: allegation_create(
        actor=actor, mission=allegation.mission, values={}, perpetrators=[]),
    "victim_create": lambda actor, victim, allegation: victim_create(
        actor=actor, allegation=allegation, values={"sex": "female"}, confirm_not_duplicate=True),
    "victim_link": lambda actor, victim, allegation: victim_link(actor=actor, victim=victim, allegation=allegation),
    "referral_draft": lambda actor, victim, allegation: referral_draft(actor=actor, allegation=allegation),
    "attachment_add": lambda actor, victim, allegation: attachment_add(
        actor=actor, allegation=allegation, uploaded=SimpleUploadedFile("note.txt", b"a note", "text/plain")),
    "consent_record": lambda actor, victim, allegation: consent_record(
        actor=actor, victim=victim, scope="contact", decision="given", given_by="victim"),
    "need_create": lambda actor, victim, allegation: need_create(actor=actor, victim=victim, category="medical"),
    "paternity_claim_create": lambda actor, victim, allegation: paternity_claim_create(
        actor=actor, victim=victim, values={"claim_date": datetime.date(2016, 6, 1)}),
    "contact_record": lambda actor, victim, allegation: contact_record(
        actor=actor, victim=victim, contacted_on=datetime.date(2016, 6, 1), channel="phone", content="x"),
}


def rows() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in (Allegation, Victim, VictimAllegation, Referral,
                                                                   Attachment, Consent, AssistanceNeed,
                                                                   PaternityClaim, VictimContact)}


# (An operation outside the actor's scope is a field error of the intake form: tests/allegations/test_intake.py.)
@pytest.mark.parametrize("service", sorted(set(CREATING_SERVICES) - {"allegation_create"}))
def test_it_refuses_each_creating_service_outside_the_actors_change_scope_and_audits_it(service, victim, outsider):
    allegation = victim.allegations.get()
    before = rows()
    with pytest.raises(NotFound):
        CREATING_SERVICES[service](outsider, victim, allegation)
    assert rows() == before
    assert AuditEvent.objects.filter(action="access_denied", actor=outsider, outcome=AuditEvent.Outcome.DENIED).exists()


@pytest.mark.parametrize("service", CREATING_SERVICES)
def test_it_refuses_each_creating_service_to_a_role_without_the_right_and_audits_it(service, victim,
                                                                                   viewer_with_change_scope):
    allegation = victim.allegations.get()
    before = rows()
    with pytest.raises(NotFound):
        CREATING_SERVICES[service](viewer_with_change_scope, victim, allegation)
    assert rows() == before
    assert AuditEvent.objects.filter(action="access_denied", actor=viewer_with_change_scope,
                                     outcome=AuditEvent.Outcome.DENIED).exists()


@pytest.fixture
def victim_in_two_operations(victim, somalia):
    """Also a victim of an incident in Somalia, where the advocate (CAR only) has no scope."""
    VictimAllegation.objects.create(victim=victim, allegation=AllegationFactory(mission=somalia))
    return victim


def test_it_refuses_a_provider_of_another_operation_in_the_service_itself(victim_in_two_operations, advocate,
                                                                          somalia, car):
    elsewhere = make_provider(somalia, name="Mogadishu clinic")
    with pytest.raises(ValidationError) as refusal:
        need_create(actor=advocate, victim=victim_in_two_operations, category="medical", provider=elsewhere)
    assert "provider" in refusal.value.message_dict
    need = need_create(actor=advocate, victim=victim_in_two_operations, category="medical", provider=make_provider(car))
    with pytest.raises(ValidationError) as refusal:
        need_update(actor=advocate, need=need, expected_version=need.version, values={"provider": elsewhere})
    assert "provider" in refusal.value.message_dict
    with pytest.raises(ValidationError) as refusal:
        need_transition(actor=advocate, need=need, to_status="referred", expected_version=need.version,
                        provider=elsewhere)
    assert "provider" in refusal.value.message_dict


def test_it_refuses_an_approval_without_the_right_as_not_permitted(officer, teammate, credible, france):
    draft = referral_draft(actor=officer, allegation=credible, member_state=france)
    with pytest.raises(NotPermitted):
        referral_approve(actor=teammate, referral=draft, expected_version=draft.version)
    assert Referral.objects.get().status == "draft"


def test_it_tells_the_page_why_an_approval_without_the_right_is_refused(client, officer, teammate, credible, france):
    draft = referral_draft(actor=officer, allegation=credible, member_state=france)
    client.force_login(teammate)
    response = client.post(f"/referrals/{draft.pk}/approve/", {"version": draft.version}, follow=True)
    assert response.status_code == 200
    assert "You do not have the right to approve referrals." in response.content.decode()
    assert Referral.objects.get().status == "draft"


# --- services depend on nothing above them ----------------------------------------------------

def service_modules() -> list[Path]:
    found = [p for app in APPS for p in (ROOT / app).rglob("*.py") if p.name in SERVICE_MODULES]
    assert len(found) >= 8  # the walk really found the services
    return found


def imported_modules(module: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(module.read_text(), str(module))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            names.add(base)
            names.update(f"{base}.{alias.name}" if base else alias.name for alias in node.names)
    return names


def test_it_finds_no_service_module_importing_django_http_or_a_task_module():
    offenders = []
    for module in service_modules():
        for name in imported_modules(module):
            if name == "django.http" or name.startswith("django.http.") or name.split(".")[-1] == "tasks":
                offenders.append(f"{module.relative_to(ROOT)} imports {name}")
    assert offenders == []


def audited_functions(module: Path) -> list[ast.FunctionDef]:
    """The module's top-level functions that write to the audit trail themselves: its services."""
    return [node for node in ast.parse(module.read_text(), str(module)).body
            if isinstance(node, ast.FunctionDef)
            and any(isinstance(call, ast.Call) and getattr(call.func, "id", None) == "audit_record"
                    for call in ast.walk(node))]


def test_it_finds_no_service_taking_the_request_and_every_actors_service_taking_an_audit_context():
    modules = service_modules() + [ROOT / "accounts" / name for name in ACCOUNT_SERVICE_MODULES]
    services = {f"{module.relative_to(ROOT)}:{function.name}": function
                for module in modules for function in audited_functions(module)}
    assert {"accounts/two_factor.py:two_factor_verify", "accounts/tokens.py:api_token_create",
            "accounts/languages.py:user_set_language"} <= set(services)  # the walk reached accounts
    offenders = []
    for name, function in services.items():
        arguments = function.args.posonlyargs + function.args.args + function.args.kwonlyargs
        keyword_only = {argument.arg for argument in function.args.kwonlyargs}
        for argument in arguments:
            annotation = ast.unparse(argument.annotation) if argument.annotation else ""
            if argument.arg == "request" or "HttpRequest" in annotation:
                offenders.append(f"{name} takes {argument.arg}")
        if "actor" in keyword_only and "audit" not in keyword_only:
            offenders.append(f"{name} takes an actor but no audit context")
    assert offenders == []
