"""Factories for tests: build real rows through the ORM (and services where the rule lives there)."""

import datetime

import factory
from django.contrib.auth import get_user_model
from guardian.shortcuts import assign_perm

from allegations.models import (
    Allegation,
    AllegationType,
    AllegedPerpetrator,
    PersonnelCategory,
    Source,
    Subtype,
)
from core.models import Force, MemberState, Mission, RegionalOrganisation
from core.roles import ensure_roles


class MemberStateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MemberState
        django_get_or_create = ("iso3",)

    iso3 = factory.Sequence(lambda n: f"Q{n // 26 % 26 + 65:c}{n % 26 + 65:c}")
    iso2 = factory.LazyAttribute(lambda o: o.iso3[1:].lower())  # never a real (upper-case) code of a fixture
    name = factory.LazyAttribute(lambda o: f"State {o.iso3}")


class RegionalOrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RegionalOrganisation
        django_get_or_create = ("acronym",)

    acronym = "AU"
    name = "African Union"


class MissionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mission
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Operation {n}")
    country = factory.SubFactory(MemberStateFactory)


class ForceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Force
        django_get_or_create = ("name",)
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Force {n}")
    mandate_resolution = "S/RES/2127 (2013)"
    lead_regional_organisation = factory.SubFactory(RegionalOrganisationFactory)

    @factory.post_generation
    def missions(self, create, extracted, **kwargs):
        if create and extracted:
            self.missions.add(*extracted)


def make_user(username: str, role: str, *, view: list[Mission] = (), change: list[Mission] = (), global_view=False,
              global_change=False):
    groups = ensure_roles()
    user = get_user_model().objects.create_user(username=username, password="correct horse battery", first_name=username)
    user.groups.add(groups[role])
    for mission in view:
        assign_perm("core.view_mission", user, mission)
    for mission in change:
        assign_perm("core.view_mission", user, mission)
        assign_perm("core.change_mission", user, mission)
    if global_view or global_change:
        assign_perm("core.view_mission", user)
    if global_change:
        assign_perm("core.change_mission", user)
    return get_user_model().objects.get(pk=user.pk)  # fresh: no stale permission cache


class AllegationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Allegation

    mission = factory.SubFactory(MissionFactory)
    country = factory.LazyAttribute(lambda o: o.mission.country)
    reference = factory.Sequence(lambda n: f"TST-2016-{n:04d}")
    date_received = datetime.date(2016, 5, 10)
    source = Source.NGO
    allegation_type = AllegationType.SE
    subtype = Subtype.TRANSACTIONAL_SEX
    narrative = "Test narrative"


class PerpetratorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AllegedPerpetrator

    allegation = factory.SubFactory(AllegationFactory)
    force = factory.SubFactory(ForceFactory)
    nationality = factory.SubFactory(MemberStateFactory)
    personnel_category = PersonnelCategory.MILITARY_CONTINGENT


def make_victim(actor, allegation, **values):
    """A victim made the way an officer makes one (service: code, blind index, age groups, audit)."""
    from victims.services import victim_create

    values.setdefault("full_name", "Canary Person")
    values.setdefault("sex", "female")
    return victim_create(actor=actor, allegation=allegation, values=values, confirm_not_duplicate=True)


def make_provider(mission, name="Clinic", categories=("medical", "psychosocial")):
    from victims.models import ServiceProvider

    return ServiceProvider.objects.create(mission=mission, name=name, categories=list(categories))


def make_focal_point(body, role="general", email=None):
    from core.models import FocalPoint, MemberState

    field = "member_state" if isinstance(body, MemberState) else "regional_organisation"
    return FocalPoint.objects.create(**{field: body}, role=role, name=f"FP-{body.pk}-{role}",  # a name, not words of any language
                                     email=email or f"{role}.{body.pk}@example.org")


def make_approver(username, mission):
    from guardian.shortcuts import assign_perm

    from core.roles import FIELD_OFFICER

    user = make_user(username, FIELD_OFFICER, change=[mission])
    assign_perm("referrals.approve_referral", user)
    return type(user).objects.get(pk=user.pk)


def record_step(actor, referral, kind, on, *, source="note_verbale", **details):
    """A step in a referral's ledger, through the service (its rules apply); `on` a date or "YYYY-MM-DD"."""
    from referrals.ledger import StepEntry
    from referrals.services import referral_step_record

    day = datetime.date.fromisoformat(on) if isinstance(on, str) else on
    return referral_step_record(actor=actor, referral=referral,
                                entry=StepEntry(kind=kind, occurred_on=day, source=source, **details))


def make_report(mission, *, what_happened="A soldier asked my sister for sex in exchange for food.", **values):
    """An incoming report as the reporting channel keeps it (its receipt only as the slow hash)."""
    from django.utils import timezone

    from allegations.models import IncomingReport
    from allegations.reports import ACCESS_DAYS, receipt_hash, receipt_new

    values.setdefault("language", "en")
    values.setdefault("access_until", timezone.now() + datetime.timedelta(days=ACCESS_DAYS))
    return IncomingReport.objects.create(mission=mission, what_happened=what_happened,
                                         receipt_hash=receipt_hash(receipt_new()), **values)
