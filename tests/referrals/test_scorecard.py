"""The accountability scorecard: per authority and year of sending, recounted here from the records made."""

import csv
import datetime
import io
import random
import statistics
from collections import defaultdict
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlparse

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.models import AuditEvent
from core.working_days import add_working_days, working_days_until
from referrals.models import Referral, ReferralStatus
from referrals.scorecard import Figure, scorecard
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


# --- The referrals behind each number, the page's numbers, the export ------------------------------

def authority_key(referral) -> str:
    return f"ms:{referral.member_state_id}" if referral.member_state_id else f"ro:{referral.regional_organisation_id}"


def recount_members(made: dict, year: int | None) -> dict[str, dict[str, set]]:
    """Per authority (`ms:12`), the referrals each figure counts, from the made records."""
    members: dict = defaultdict(lambda: defaultdict(set))
    for r in made["referrals"]:
        if r.status not in (ReferralStatus.SENT, ReferralStatus.CLOSED) or (year and r.sent_on.year != year):
            continue
        figures = members[authority_key(r)]
        victims = made["victims_of"][r.allegation_id]
        claims = [outcome for victim in victims for _, outcome in made["claims_of"][victim]]
        for figure, counted in [
            ("sent", True),
            ("answered_in_time", r.response_on and r.response_on <= add_working_days(r.sent_on, 10)),
            ("answered", r.response_on),
            ("with_officer", r.investigation_officer),
            ("outcomes_reported", r.outcome_on),
            ("victims_informed", any(day > r.sent_on for v in victims for day in made["contacts_of"][v])),
            ("claims_open", PaternityClaim.Outcome.PENDING in claims),
            ("claims_resolved", any(o != PaternityClaim.Outcome.PENDING for o in claims)),
        ]:
            if counted:
                figures[figure].add(r.pk)
    return members


def name_keys(made: dict) -> dict[str, str]:
    return {(r.member_state or r.regional_organisation).name: authority_key(r) for r in made["referrals"]}


def shown(row: dict, figure: str) -> str | None:
    """The text of a figure's link on the scorecard, from the recount; None where no link is shown."""
    def share(count, total, value):
        return None if value is None else f"{value} % ({count}/{total})"

    return {
        "sent": str(row["sent"]),
        "answered_in_time": share(row["answered_in_time"], row["sent"], row["answered_in_time_share"]),
        "answered": None if row["median_working_days_to_answer"] is None else str(row["median_working_days_to_answer"]),
        "with_officer": share(row["with_officer"], row["sent"], row["with_officer_share"]),
        "outcomes_reported": share(row["outcomes_reported"], row["sent"], row["outcomes_reported_share"]),
        "victims_informed": share(row["victims_informed"], row["victims"], row["victims_informed_share"]),
        "claims_open": str(row["claims_open"]),
        "claims_resolved": str(row["claims_resolved"]),
    }[figure]


class ScorecardLinks(HTMLParser):
    """The scorecard table's figure links: {(authority, figure): (text, aria-label, query)}."""

    def __init__(self):
        super().__init__()
        self.links, self.authority, self.link, self.text, self.in_header = {}, None, None, [], False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "th" and attrs.get("scope") == "row":
            self.in_header, self.text = True, []
        elif tag == "a" and "figure=" in attrs.get("href", ""):
            self.link, self.text = attrs, []

    def handle_endtag(self, tag):
        if tag == "a" and self.in_header:
            self.authority, self.in_header = "".join(self.text).strip(), False
        elif tag == "a" and self.link:
            query = {k: v[0] for k, v in parse_qs(urlparse(self.link["href"]).query).items()}
            self.links[(self.authority, query["figure"])] = (" ".join("".join(self.text).split()),
                                                             self.link["aria-label"], query)
            self.link = None

    def handle_data(self, data):
        self.text.append(data)


def page_links(html: str) -> dict:
    parser = ScorecardLinks()
    parser.feed(html)
    return parser.links


def exported(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def as_csv_row(row: dict) -> list[str]:
    cells = [row["authority"], "Regional organisation" if row["regional"] else "Member State"]
    cells += [row[name] for name in FIELDS[2:]]
    return ["" if value is None else str(value) for value in cells]


@pytest.mark.parametrize("year", [2024, None])
def test_its_page_numbers_and_export_equal_a_recount_and_link_to_the_referrals_they_count(client, analyst, made,
                                                                                            year, settings):
    settings.PAGE_SIZE = 1000  # one page holds a figure's referrals
    expected, members, keys = recount(made, year), recount_members(made, year), name_keys(made)
    query = "all" if year is None else year
    client.force_login(analyst)
    links = page_links(client.get(f"/referrals/scorecard/?year={query}").content.decode())
    for row in expected:
        for figure in Figure:
            text = shown(row, figure)
            if text is None:
                assert (row["authority"], figure) not in links
                continue
            shown_text, label, link_query = links[(row["authority"], figure)]
            assert shown_text == text, (row["authority"], figure)
            assert link_query == {"year": str(query), "authority": keys[row["authority"]], "figure": figure}
            assert row["authority"] in label
    assert len(links) >= 4 * 6

    csv_rows = exported(client.get(f"/referrals/scorecard/export.csv?year={query}").content)
    assert csv_rows[0][:3] == ["Authority", "Kind of authority", "Referrals sent"]
    assert csv_rows[1:len(expected) + 1] == [as_csv_row(row) for row in expected]

    # The list behind a few numbers is exactly the referrals recounted for them.
    rng = random.Random(year)
    pairs = rng.sample([(row["authority"], figure) for row in expected for figure in Figure], 6)
    pairs.append((expected[0]["authority"], Figure.ANSWERED_IN_TIME))
    for name, figure in pairs:
        page = client.get("/referrals/scorecard/referrals/", {"year": query, "authority": keys[name], "figure": figure})
        assert page.status_code == 200
        assert {r.pk for r in page.context["page"].object_list} == members[keys[name]][figure], (name, figure)
        assert name in page.context["figure"].title


def test_the_list_says_what_it_holds_and_links_each_referral(client, analyst, made):
    client.force_login(analyst)
    atlantis = next(r for r in made["referrals"] if r.member_state and r.member_state.name == "Atlantis")
    page = client.get(f"/referrals/scorecard/referrals/?year=2024&authority=ms:{atlantis.member_state_id}"
                      "&figure=answered_in_time&sort=-answer")
    html = page.content.decode()
    assert "<h1>Referrals sent to Atlantis in 2024 and answered within 10 working days</h1>" in html
    first = page.context["page"].object_list[0]
    assert f'href="/referrals/{first.pk}/"' in html and first.allegation.reference in html
    assert 'class="table-wrap cards"' in html and 'href="/referrals/scorecard/?year=2024"' in html
    listed = list(page.context["page"].object_list)
    assert [r.response_on for r in listed] == sorted((r.response_on for r in listed), reverse=True)


@pytest.mark.parametrize("query, status", [
    ("", 400),
    ("year=2024&authority=ms:1&figure=everything", 400),
    ("year=last&authority=ms:1&figure=sent", 400),
    ("year=2024&authority=Atlantis&figure=sent", 400),
    ("year=2024&authority=ms:99999999999999999999999&figure=sent", 400),
    ("year=2024&authority=ms:999999&figure=sent", 404),
    ("year=1999&authority=ms:1&figure=sent", 404),
    ("year=99999999999999999999&authority=ms:1&figure=sent", 404),
])
def test_a_list_address_that_names_no_figure_is_refused_with_a_page(client, analyst, made, query, status):
    client.force_login(analyst)
    page = client.get(f"/referrals/scorecard/referrals/?{query}")
    assert page.status_code == status
    if status == 400:
        assert "opens from a number on the scorecard" in page.content.decode()


def test_the_list_and_the_export_are_not_found_for_an_officer_who_does_not_approve(client, officer, made):
    client.force_login(officer)
    key = authority_key(made["referrals"][0])
    assert client.get(f"/referrals/scorecard/referrals/?year=all&authority={key}&figure=sent").status_code == 404
    assert client.get("/referrals/scorecard/export.csv?year=all").status_code == 404
    assert not AuditEvent.objects.filter(action="scorecard_export").exists()


def test_the_list_only_holds_referrals_of_the_approvers_operations(client, chief, officer, car, somalia, holidays):
    build(officer, car, 20, seed=6)
    state = MemberStateFactory(name="Elsewhere")
    Referral.objects.create(allegation=AllegationFactory(mission=car), member_state=state,
                            status=ReferralStatus.SENT, sent_on=datetime.date(2024, 3, 4))
    Referral.objects.create(allegation=AllegationFactory(mission=somalia), member_state=state,
                            status=ReferralStatus.SENT, sent_on=datetime.date(2024, 3, 5))
    client.force_login(chief)
    page = client.get(f"/referrals/scorecard/referrals/?year=2024&authority=ms:{state.pk}&figure=sent")
    assert [r.allegation.mission for r in page.context["page"].object_list] == [car]


def test_the_export_is_audited_and_written_in_the_readers_language(client, analyst, made):
    client.force_login(analyst)
    response = client.get("/referrals/scorecard/export.csv?year=2023")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="scorecard-2023.csv"'
    rows = exported(response.content)
    assert rows[-1] == ["Referrals sent in 2023, by authority"] and len(rows) == 1 + 4 + 2
    event = AuditEvent.objects.get(action="scorecard_export")
    assert event.actor == analyst and event.object_id == "2023" and event.detail == {"year": 2023, "rows": 4,
                                                                                      "via": "page"}
    client.cookies["django_language"] = "fr"
    french = exported(client.get("/referrals/scorecard/export.csv?year=all").content)
    assert french[0][0] == "Autorité" and french[0][2] == "Saisines envoyées"
    assert {row[1] for row in french[1:5]} == {"État Membre", "Organisation régionale"}


def test_the_scorecard_links_its_export(client, analyst, made):
    client.force_login(analyst)
    html = client.get("/referrals/scorecard/?year=2023").content.decode()
    assert 'href="/referrals/scorecard/export.csv?year=2023"' in html


def test_a_figures_list_costs_the_same_queries_for_10_as_for_300_referrals(client, analyst, officer, car, holidays,
                                                                           django_assert_max_num_queries):
    build(officer, car, 10, seed=8)
    client.force_login(analyst)
    state = Referral.objects.filter(member_state__isnull=False).first().member_state_id
    address = f"/referrals/scorecard/referrals/?year=all&authority=ms:{state}&figure=sent"
    client.get(address)
    with django_assert_max_num_queries(15) as few:
        assert client.get(address).status_code == 200
    build(officer, car, 300, seed=9, suffix=" bis")
    with django_assert_max_num_queries(len(few)):  # as many as for 10
        assert len(client.get(address).context["page"].object_list) > 0
