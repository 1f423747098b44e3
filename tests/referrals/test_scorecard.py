"""The accountability scorecard: per authority and year of sending, recounted here from the records made."""

import datetime
import random
import statistics
from collections import defaultdict

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.working_days import add_working_days, working_days_until
from referrals.models import Referral, ReferralStatus
from referrals.scorecard import scorecard
from tests.factories import AllegationFactory, MemberStateFactory, RegionalOrganisationFactory, make_victim
from victims.choices import ContactChannel
from victims.models import PaternityClaim, VictimContact

pytestmark = pytest.mark.django_db

YEARS = (2022, 2023, 2024)
FIELDS = ("authority", "regional", "sent", "answered_in_time", "answered_in_time_share", "answered",
          "median_working_days_to_answer", "with_officer", "with_officer_share", "outcomes_reported",
          "outcomes_reported_share", "median_days_to_outcome", "victims", "victims_informed",
          "victims_informed_share", "claims_open", "claims_resolved")


def random_day(rng: random.Random, year: int) -> datetime.date:
    return datetime.date(year, 1, 1) + datetime.timedelta(days=rng.randrange(365))


def build(officer, mission, count: int, seed: int = 17, suffix: str = "") -> dict:
    """`count` sent referrals (and a few drafts and withdrawn ones) to 3 Member States and one regional
    organisation over `YEARS`, on allegations with victims, contacts and paternity claims. Returns the
    records made, as plain data, for recounting."""
    rng = random.Random(seed)
    states = [MemberStateFactory(name=name + suffix) for name in ("Atlantis", "Borduria", "Carpania")]
    organisation = RegionalOrganisationFactory(name="Union of the South" + suffix, acronym="UOS" + suffix)
    allegations = [AllegationFactory(mission=mission) for _ in range(12)]
    victims_of, contacts_of, claims_of = defaultdict(list), defaultdict(list), defaultdict(list)
    for number, allegation in enumerate(allegations[:8]):
        for _ in range(rng.randint(1, 2)):
            victim = make_victim(officer, allegation, full_name=f"Person {number}")
            victims_of[allegation.pk].append(victim.pk)
            for _ in range(rng.randint(0, 3)):
                day = random_day(rng, rng.choice(YEARS))
                VictimContact.objects.create(victim=victim, contacted_on=day, channel=ContactChannel.PHONE,
                                             content="Update", by=officer)
                contacts_of[victim.pk].append(day)
            for _ in range(rng.randint(0, 2)):
                outcome = rng.choice(list(PaternityClaim.Outcome))
                claim = PaternityClaim.objects.create(victim=victim, child_code=f"C-T-{victim.code}-{_}",
                                                      claim_date=random_day(rng, 2022), outcome=outcome)
                claims_of[victim.pk].append((claim.pk, outcome))
    referrals = []
    for number in range(count + count // 10):
        recipient = rng.choice(states + [organisation])
        sent_on = random_day(rng, rng.choice(YEARS))
        status = ReferralStatus.SENT if number < count else rng.choice([ReferralStatus.DRAFT, ReferralStatus.WITHDRAWN])
        if status == ReferralStatus.SENT and rng.random() < 0.3:
            status = ReferralStatus.CLOSED
        answer = sent_on + datetime.timedelta(days=rng.randint(0, 30)) if rng.random() < 0.7 else None
        outcome_on = sent_on + datetime.timedelta(days=rng.randint(20, 400)) if rng.random() < 0.5 else None
        values = dict(allegation=rng.choice(allegations), status=status, response_on=answer, outcome_on=outcome_on,
                      sent_on=sent_on if status in (ReferralStatus.SENT, ReferralStatus.CLOSED) else None,
                      investigation_officer=rng.choice(["", "", "Cdt. Martin"]))
        values["member_state" if recipient in states else "regional_organisation"] = recipient
        referrals.append(Referral.objects.create(**values))
    return {"referrals": referrals, "victims_of": victims_of, "contacts_of": contacts_of, "claims_of": claims_of}


def recount(made: dict, year: int | None) -> list[dict]:
    """The scorecard computed from the made records, in plain Python."""
    rows = {}
    for referral in made["referrals"]:
        if referral.status not in (ReferralStatus.SENT, ReferralStatus.CLOSED):
            continue
        if year is not None and referral.sent_on.year != year:
            continue
        authority = referral.member_state or referral.regional_organisation
        row = rows.setdefault(authority.name, {"authority": authority.name, "regional": referral.member_state is None,
                                               "referrals": [], "pairs": [], "claims": {}})
        row["referrals"].append(referral)
        for victim in made["victims_of"][referral.allegation_id]:
            row["pairs"].append(any(day > referral.sent_on for day in made["contacts_of"][victim]))
            row["claims"].update(made["claims_of"][victim])

    def pct(n, d):
        return round(100 * n / d) if d else None

    expected = []
    for name in sorted(rows, key=lambda n: (rows[n]["regional"], n.casefold())):
        row, sent = rows[name], rows[name]["referrals"]
        in_time = sum(1 for r in sent if r.response_on and r.response_on <= add_working_days(r.sent_on, 10))
        answered = [working_days_until(r.sent_on, r.response_on) for r in sent if r.response_on]
        outcomes = [(r.outcome_on - r.sent_on).days for r in sent if r.outcome_on]
        officers = sum(1 for r in sent if r.investigation_officer)
        open_claims = sum(1 for o in row["claims"].values() if o == PaternityClaim.Outcome.PENDING)
        expected.append({
            "authority": name, "regional": row["regional"], "sent": len(sent), "answered_in_time": in_time,
            "answered_in_time_share": pct(in_time, len(sent)), "answered": len(answered),
            "median_working_days_to_answer": statistics.median(answered) if answered else None,
            "with_officer": officers, "with_officer_share": pct(officers, len(sent)),
            "outcomes_reported": len(outcomes), "outcomes_reported_share": pct(len(outcomes), len(sent)),
            "median_days_to_outcome": statistics.median(outcomes) if outcomes else None,
            "victims": len(row["pairs"]), "victims_informed": sum(row["pairs"]),
            "victims_informed_share": pct(sum(row["pairs"]), len(row["pairs"])),
            "claims_open": open_claims, "claims_resolved": len(row["claims"]) - open_claims,
        })
    return expected


def recount_trend(made: dict, name: str, last: int) -> list[dict]:
    points = []
    for year in range(last - 4, last + 1):
        sent = [r for r in made["referrals"] if r.sent_on and r.sent_on.year == year
                and r.status in (ReferralStatus.SENT, ReferralStatus.CLOSED)
                and (r.member_state or r.regional_organisation).name == name]
        in_time = sum(1 for r in sent if r.response_on and r.response_on <= add_working_days(r.sent_on, 10))
        points.append({"year": year, "sent": len(sent), "answered_in_time": in_time,
                       "answered_in_time_share": round(100 * in_time / len(sent)) if sent else None})
    return points


def as_dict(row) -> dict:
    return {name: getattr(row, name) for name in FIELDS}


@pytest.fixture
def holidays(settings):
    settings.SEA_HOLIDAYS = ["2022-12-26", "2023-05-01", "2023-12-25", "2024-01-01", "2024-07-15"]


@pytest.fixture
def made(officer, car, holidays):
    return build(officer, car, 300)


@pytest.mark.parametrize("year", [2024, 2023, 2022, None])
def test_it_equals_a_recount_on_the_page_and_in_the_api(client, api, analyst, made, year):
    expected = recount(made, year)
    assert len(expected) == 4 and sum(row["sent"] for row in expected) >= (300 if year is None else 50)
    client.force_login(analyst)
    query = "all" if year is None else year
    page = client.get(f"/referrals/scorecard/?year={query}")
    assert page.status_code == 200
    assert [as_dict(row) for row in page.context["rows"]] == expected
    body = api(analyst).get(f"/api/v1/referrals/scorecard/?year={query}").json()
    assert body["year"] == year and body["years"] == [2024, 2023, 2022]
    assert [{name: row[name] for name in FIELDS} for row in body["rows"]] == expected
    last = 2024 if year is None else year
    for row in body["rows"]:
        assert row["trend"] == recount_trend(made, row["authority"], last)


def test_it_opens_on_the_latest_year_with_a_sent_referral(client, analyst, made):
    client.force_login(analyst)
    page = client.get("/referrals/scorecard/")
    assert page.context["year"] == 2024
    assert [as_dict(row) for row in page.context["rows"]] == recount(made, 2024)
    html = page.content.decode()
    assert '<caption id="scorecard-caption">Referrals sent in 2024, by authority</caption>' in html
    assert 'th scope="row"' in html and "/referrals/?authority=Union%20of%20the%20South" in html


def test_it_costs_the_same_queries_for_10_as_for_300_referrals(analyst, officer, car, holidays):
    small = build(officer, car, 10, seed=3)
    scorecard(analyst, 2024)  # the user's permissions, cached from then on
    with CaptureQueriesContext(connection) as few:
        rows = scorecard(analyst, 2024)
    assert sum(row.sent for row in rows) == sum(row["sent"] for row in recount(small, 2024))
    build(officer, car, 300, seed=4, suffix=" bis")
    with CaptureQueriesContext(connection) as many:
        scorecard(analyst, 2024)
    assert len(few) == len(many) <= 6


def test_it_counts_only_the_referrals_of_the_approvers_operations(client, chief, analyst, officer, car, somalia,
                                                                   holidays):
    build(officer, car, 20, seed=5)
    elsewhere = AllegationFactory(mission=somalia)
    Referral.objects.create(allegation=elsewhere, member_state=MemberStateFactory(name="Elsewhere"),
                            status=ReferralStatus.SENT, sent_on=datetime.date(2024, 3, 4))
    total = sum(row.sent for row in scorecard(analyst, None))
    assert sum(row.sent for row in scorecard(chief, None)) == total - 1
    client.force_login(chief)
    assert client.get("/referrals/scorecard/?year=all").status_code == 200
    assert "Accountability scorecard" in client.get("/referrals/").content.decode()


def test_it_is_not_found_for_an_officer_who_does_not_approve(client, officer, made):
    client.force_login(officer)
    assert client.get("/referrals/scorecard/").status_code == 404
    assert "/referrals/scorecard/" not in client.get("/referrals/").content.decode()


def test_it_shows_an_empty_scorecard_when_nothing_was_sent(client, analyst):
    client.force_login(analyst)
    page = client.get("/referrals/scorecard/")
    assert page.status_code == 200 and page.context["rows"] == []
