"""The public directory and partner pages: who is listed, what is shown, search, filters and paging."""

import datetime
import json
import re

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from directory import services
from directory.models import DirectorySnapshot
from organisations.models import Organisation
from pledges.models import Pledge, PledgeVersion
from pledges.services import decisions
from tests.factories import ActionFactory, PledgeFactory, ReviewCycleFactory, directory_partner
from tests.support.directory import file_body, names_listed_in

pytestmark = pytest.mark.django_db


def partners_json(client):
    return json.loads(file_body(client.get(reverse("directory:partners_json"))))["partners"]


DIRECTORY = reverse("directory:directory")
S, K = Organisation.Sector, Organisation.Kind


def names_listed(client, **params):
    response = client.get(DIRECTORY, params)
    assert response.status_code == 200
    return names_listed_in(response)


def partner_page(client, pledge):
    return client.get(reverse("directory:partner", kwargs={"slug": pledge.organisation.slug}))


# Who is listed ---------------------------------------------------------------


def test_only_approved_partners_are_listed_in_the_page_and_open_data(client):
    directory_partner("Listed Partner")
    hidden = {}
    for status in ["draft", "submitted", "changes_requested", "rejected", "withdrawn", "lapsed"]:
        trait = {"approved": True} if status in ("withdrawn", "lapsed") else {}
        pledge = PledgeFactory(**trait, organisation__name=f"Hidden {status}")
        Pledge.objects.filter(pk=pledge.pk).update(status=status)
        hidden[status] = pledge
    services.build_directory()

    assert names_listed(client) == ["Listed Partner"]
    for path in ["directory:partners_json", "directory:partners_csv", "directory:actions_csv"]:
        body = file_body(client.get(reverse(path)))
        assert b"Listed Partner" in body
        assert b"Hidden" not in body
    assert partner_page(client, hidden["withdrawn"]).status_code == 410
    assert partner_page(client, hidden["lapsed"]).status_code == 410
    for status in ["draft", "submitted", "changes_requested", "rejected"]:
        assert partner_page(client, hidden[status]).status_code == 404


def test_a_withdrawn_partner_page_explains_plainly_with_410_gone(client):
    pledge = directory_partner("Former Partner")
    Pledge.objects.filter(pk=pledge.pk).update(status=Pledge.Status.WITHDRAWN, withdrawn_at=timezone.now())
    services.build_directory()
    response = partner_page(client, pledge)
    assert response.status_code == 410
    assert "Former Partner is no longer listed" in response.content.decode()
    assert "withdrawn" in response.content.decode()


def test_an_organisation_that_never_signed_has_no_page(client):
    services.build_directory()
    assert client.get(reverse("directory:partner", kwargs={"slug": "nobody"})).status_code == 404


def test_a_withdrawal_removes_the_partner_after_the_build_it_triggers(
    client, programme_team_member, django_capture_on_commit_callbacks
):
    staying = directory_partner("Staying Partner")
    leaving = directory_partner("Leaving Partner")
    services.build_directory()
    assert names_listed(client) == ["Leaving Partner", "Staying Partner"]

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        decisions.withdraw_pledge(pledge=leaving, by=programme_team_member, reason="They asked us to.")
        assert "Leaving Partner" in names_listed(client)  # nothing changes before the commit

    assert names_listed(client) == ["Staying Partner"]
    assert b"Leaving Partner" not in file_body(client.get(reverse("directory:partners_json")))
    assert partner_page(client, leaving).status_code == 410
    assert partner_page(client, staying).status_code == 200


def test_the_first_request_builds_the_directory_when_there_is_no_snapshot(client):
    directory_partner("First Partner")
    assert not DirectorySnapshot.objects.exists()
    assert names_listed(client) == ["First Partner"]
    assert DirectorySnapshot.objects.count() == 1
    client.get(DIRECTORY)
    assert DirectorySnapshot.objects.count() == 1


# What is shown ---------------------------------------------------------------


def test_actions_and_names_not_shown_never_appear_in_html_json_or_csv(client):
    private = directory_partner(
        "Private Partner",
        show_actions=False,
        show_signatory=False,
        show_logo=False,
        signatory_name="Priya Private",
        signatory_job_title="Secret Chief",
    )
    Organisation.objects.filter(pk=private.organisation_id).update(logo="logos/private.png")
    for action in private.actions.all():
        action.title = f"Hidden action {action.number}"
        action.save()
    public = directory_partner(
        "Public Partner", show_actions=True, show_signatory=True, signatory_name="Sam Shown"
    )
    public_action = public.actions.get(number=1)
    services.build_directory()

    bodies = {
        "list": client.get(DIRECTORY).content,
        "private page": partner_page(client, private).content,
        "public page": partner_page(client, public).content,
        "json": file_body(client.get(reverse("directory:partners_json"))),
        "csv": file_body(client.get(reverse("directory:partners_csv"))),
        "actions csv": file_body(client.get(reverse("directory:actions_csv"))),
    }
    secrets = [b"Hidden action", b"Priya Private", b"Secret Chief", b"logos/private.png"]
    for where, body in bodies.items():
        for secret in secrets:
            assert secret not in body, f"{secret!r} leaked in {where}"
        for email in (private.created_by.email, public.created_by.email):
            assert email.encode() not in body, f"an email address leaked in {where}"
    assert b"Sam Shown" in bodies["public page"]
    assert b"Sam Shown" in bodies["json"]
    assert public_action.title.encode() in bodies["public page"]
    assert public_action.title.encode() in bodies["actions csv"]
    assert b"chosen not to publish its actions" in bodies["private page"]


def test_progress_is_shown_only_from_reviewed_cycles_the_partner_chose_to_share(client):
    pledge = directory_partner("Reviewing Partner", signed_on=datetime.date(2024, 3, 1))
    shared = pledge.cycles.get(number=1)
    shared.reviewed_at = timezone.now()
    shared.show_progress = True
    shared.save()
    shared.actions.update(progress="completed", what_happened="We held six steering group meetings.")
    private = ReviewCycleFactory(pledge=pledge, number=2, starts_on=datetime.date(2025, 3, 1))
    private.reviewed_at = timezone.now()
    private.save()
    for number in (1, 2):
        ActionFactory(
            pledge=pledge,
            cycle=private,
            number=number,
            progress="in_progress",
            what_happened="Kept between us and the programme team.",
        )
    current = ReviewCycleFactory(pledge=pledge, number=3, starts_on=datetime.date(2026, 3, 1))
    for number in (1, 2):
        ActionFactory(pledge=pledge, cycle=current, number=number, title=f"Year three action {number}")
    services.build_directory()

    html = partner_page(client, pledge).content.decode()
    assert "We held six steering group meetings." in html
    assert "Kept between us" not in html
    assert html.index("Year three action 1") < html.index("Earlier years") < html.index("Year 1, from")
    assert b"Kept between us" not in file_body(client.get(reverse("directory:partners_json")))
    statuses = {
        (action["cycle"], action["status"])
        for action in json.loads(file_body(client.get(reverse("directory:partners_json"))))["partners"][0][
            "actions"
        ]
    }
    assert statuses == {(3, "current"), (2, "reviewed"), (1, "completed")}


def test_a_partner_page_shows_what_the_partner_chose_to_show(client):
    pledge = directory_partner(
        "Shown Partner",
        sector=S.HOUSING,
        kind=K.SERVICE,
        areas=["bristol", "north-somerset"],
        signed_on=datetime.date(2025, 6, 12),
        show_signatory=True,
        signatory_name="Dana Leader",
        signatory_job_title="Chair",
    )
    services.build_directory()
    response = partner_page(client, pledge)
    html = response.content.decode()
    assert response.status_code == 200
    for text in [
        "Shown Partner",
        "Housing",
        "Service",
        "Bristol, North Somerset",
        "12 June 2025",
        "Dana Leader, Chair",
        pledge.organisation.website,
        pledge.organisation.description,
        "This year's actions",
    ]:
        assert text in html
    for action in pledge.actions.all():
        assert action.title in html
    version_url = reverse("directory:pledge_version", kwargs={"number": pledge.version.number})
    assert f'href="{version_url}"' in html  # exactly the wording it signed
    assert len(re.findall(r"<h1[ >]", html)) == 1


def test_a_partner_that_signed_an_earlier_version_links_to_that_wording(client):
    version = PledgeVersion.objects.current()
    PledgeVersion.objects.create(
        number=version.number + 1, title="Newer", introduction="New.", published_on=timezone.localdate()
    )
    pledge = directory_partner("Early Signer", version=version)
    services.build_directory()
    version_url = reverse("directory:pledge_version", kwargs={"number": version.number})
    assert f'href="{version_url}"' in partner_page(client, pledge).content.decode()
    response = client.get(version_url)
    assert response.status_code == 200
    assert version.commitments.first().text.replace("'", "&#x27;") in response.content.decode()
    assert "Read the current pledge" in response.content.decode()


def test_html_in_an_organisation_name_is_escaped_everywhere(client):
    pledge = directory_partner('<script>alert("x")</script> & Sons')
    services.build_directory()
    for body in [client.get(DIRECTORY).content, partner_page(client, pledge).content]:
        assert b"<script>alert" not in body
        assert b"&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Sons" in body
    svg = client.get(reverse("directory:badge_svg", kwargs={"slug": pledge.organisation.slug})).content
    assert b"<script>" not in svg


# The list: count, summary, search, filters, sorting and pages -----------------


def test_the_directory_counts_partners_and_totals_them_by_area_and_sector(client):
    directory_partner("One", sector=S.EDUCATION, areas=["bristol"])
    directory_partner("Two", sector=S.EDUCATION, areas=["bristol", "north-somerset"])
    directory_partner("Three", sector=S.HOUSING, areas=["south-gloucestershire"])
    services.build_directory()
    response = client.get(DIRECTORY)
    html = response.content.decode()
    assert "3 partners have signed" in html
    summary = response.context["summary"]
    assert {a["name"]: a["count"] for a in summary["by_area"]} == {
        "Bristol": 2,
        "North Somerset": 1,
        "South Gloucestershire": 1,
    }
    assert {s["name"]: s["count"] for s in summary["by_sector"]} == {"Education": 2, "Housing": 1}


def test_an_empty_directory_says_so_and_invites_signing(client):
    html = client.get(DIRECTORY).content.decode()
    assert "No partners are listed yet" in html
    assert reverse("pledges:sign_start") in html


def test_search_ignores_case_and_accents_and_matches_part_of_a_name(client):
    directory_partner("Café Nour Community Kitchen")
    directory_partner("Bristol Mind")
    services.build_directory()
    assert names_listed(client, q="cafe") == ["Café Nour Community Kitchen"]
    assert names_listed(client, q="CAFÉ NOUR") == ["Café Nour Community Kitchen"]
    assert names_listed(client, q="mind") == ["Bristol Mind"]
    assert names_listed(client, q="  bristol   MIND ") == ["Bristol Mind"]


def test_search_forgives_a_small_typo(client):
    directory_partner("Bristol Mind")
    directory_partner("Weston College")
    services.build_directory()
    response = client.get(DIRECTORY, {"q": "bristl"})
    assert [entry.name for entry in response.context["partners"]] == ["Bristol Mind"]
    assert "No partner names contain “bristl”. These names are similar to it." in response.content.decode()
    # A name containing the words wins: similar names are only offered when nothing matches.
    assert names_listed(client, q="bristol") == ["Bristol Mind"]


def test_a_search_with_no_results_helps_the_reader(client):
    directory_partner("Bristol Mind")
    services.build_directory()
    html = client.get(DIRECTORY, {"q": "zebra"}).content.decode()
    assert "No partners match “zebra”" in html
    assert "check the spelling" in html
    assert 'href="/partners/"' in html


@pytest.fixture
def varied_directory():
    directory_partner(
        "Alpha Health",
        sector=S.NHS_HEALTH,
        kind=K.ORGANISATION,
        areas=["bristol"],
        signed_on=datetime.date(2024, 5, 1),
        theme="steering-group",
    )
    directory_partner(
        "Beta Schools Board",
        sector=S.EDUCATION,
        kind=K.STRATEGIC_BOARD,
        areas=["north-somerset"],
        signed_on=datetime.date(2025, 2, 1),
        theme="policy-review",
    )
    directory_partner(
        "Gamma Health Service",
        sector=S.NHS_HEALTH,
        kind=K.SERVICE,
        areas=["north-somerset", "south-gloucestershire"],
        signed_on=datetime.date(2025, 9, 1),
        theme="policy-review",
    )
    directory_partner(
        "Delta Private Group",
        sector=S.NHS_HEALTH,
        kind=K.GROUP,
        areas=["bristol"],
        signed_on=datetime.date(2025, 3, 1),
        theme="action-plan",
        show_actions=False,
    )
    services.build_directory()


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"sector": "nhs_health"}, ["Alpha Health", "Delta Private Group", "Gamma Health Service"]),
        ({"area": "north-somerset"}, ["Beta Schools Board", "Gamma Health Service"]),
        ({"kind": "strategic_board"}, ["Beta Schools Board"]),
        ({"year": "2025"}, ["Beta Schools Board", "Delta Private Group", "Gamma Health Service"]),
        # Themes come from shown actions only: Delta's hidden "action-plan" is not a match.
        ({"theme": "policy-review"}, ["Beta Schools Board", "Gamma Health Service"]),
        ({"q": "health"}, ["Alpha Health", "Gamma Health Service"]),
        ({"sector": "nhs_health", "area": "bristol"}, ["Alpha Health", "Delta Private Group"]),
        ({"sector": "nhs_health", "year": "2025", "theme": "policy-review"}, ["Gamma Health Service"]),
        ({"q": "health", "kind": "service", "area": "south-gloucestershire"}, ["Gamma Health Service"]),
        ({"q": "health", "sector": "education"}, []),
    ],
)
def test_filters_work_alone_and_combined(client, varied_directory, params, expected):
    assert names_listed(client, **params) == expected


def test_the_theme_filter_offers_only_themes_of_shown_actions(client, varied_directory):
    choices = dict(client.get(DIRECTORY).context["form"].fields["theme"].choices)
    assert set(choices) == {"", "steering-group", "policy-review"}


def test_sorting_by_most_recent_puts_the_newest_partner_first(client, varied_directory):
    assert names_listed(client, sort="recent") == [
        "Gamma Health Service",
        "Delta Private Group",
        "Beta Schools Board",
        "Alpha Health",
    ]
    assert names_listed(client, sort="name")[0] == "Alpha Health"


def test_an_unknown_filter_value_is_ignored_with_a_message(client, varied_directory):
    response = client.get(DIRECTORY, {"sector": "made-up", "area": "bristol"})
    assert response.status_code == 200
    assert [p.name for p in response.context["partners"]] == ["Alpha Health", "Delta Private Group"]
    assert "Select a valid choice" in response.content.decode()


def test_the_result_count_is_in_the_page_title_and_the_results_heading(client):
    directory_partner("Health One")
    directory_partner("Health Two")
    directory_partner("Housing Three", sector=S.HOUSING)
    services.build_directory()
    page = client.get(DIRECTORY, {"q": "health"}).content.decode()
    assert "<title>2 partners match “health”: partners" in page
    assert re.search(r'<h2 id="results-heading"[^>]*>\s*2 partners match “health”\s*</h2>', page)
    assert "1 partner matches these filters" in client.get(DIRECTORY, {"sector": "housing"}).content.decode()


def test_the_results_come_before_the_filters_which_stay_open_while_a_filter_is_on(client):
    directory_partner("Health One")
    services.build_directory()
    unfiltered = client.get(DIRECTORY).content.decode()
    assert unfiltered.index('id="results-heading"') < unfiltered.index('id="filters"')
    assert '<details class="nhsuk-details portal-directory-filters" id="filters">' in unfiltered
    filtered = client.get(DIRECTORY, {"sector": "vcse"}).content.decode()
    assert '<details class="nhsuk-details portal-directory-filters" id="filters" open>' in filtered


def test_pagination_keeps_the_search_and_filters_in_its_links(client):
    for number in range(23):
        directory_partner(f"Housing Partner {number:02d}", sector=S.HOUSING)
    directory_partner("Education Partner", sector=S.EDUCATION)
    services.build_directory()

    response = client.get(DIRECTORY, {"q": "partner", "sector": "housing", "sort": "name"})
    assert len(response.context["partners"]) == 20
    assert "23 partners match “partner” with these filters" in response.content.decode()
    next_link = re.search(r'href="([^"]+)" rel="next"', response.content.decode()).group(1)
    assert next_link == "?q=partner&amp;sector=housing&amp;sort=name&amp;page=2"

    second = client.get(DIRECTORY + next_link.replace("&amp;", "&"))
    assert [p.name for p in second.context["partners"]] == [f"Housing Partner {n}" for n in (20, 21, 22)]
    previous_link = re.search(r'href="([^"]+)" rel="prev"', second.content.decode()).group(1)
    assert previous_link == "?q=partner&amp;sector=housing&amp;sort=name&amp;page=1"


def test_a_logo_is_shown_only_when_the_partner_allows_it(client, settings):
    shown = directory_partner("Logo Shown", show_logo=True)
    hidden = directory_partner("Logo Hidden", show_logo=False)
    Organisation.objects.filter(pk=shown.organisation_id).update(logo="logos/shown.png")
    Organisation.objects.filter(pk=hidden.organisation_id).update(logo="logos/hidden.png")
    services.build_directory()
    logo_url = f"{settings.SITE_URL}/media/logos/shown.png"
    assert f'src="{logo_url}"' in client.get(DIRECTORY).content.decode()
    assert f'src="{logo_url}"' in partner_page(client, shown).content.decode()
    records = {
        p["name"]: p["logo_url"]
        for p in json.loads(file_body(client.get(reverse("directory:partners_json"))))["partners"]
    }
    assert records == {"Logo Hidden": None, "Logo Shown": logo_url}
    assert b"hidden.png" not in client.get(DIRECTORY).content
