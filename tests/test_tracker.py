"""The public claim tracker at "/": filters, counts, pagination and htmx partials."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from claims import filters
from claims.models import Claim, PublishedTally, Status, TallyKind
from tests import factories

pytestmark = pytest.mark.django_db


def statements(response):
    """The statements of the claim cards on the page, in the order shown."""
    return re.findall(r'class="claim-card__statement"><a href="[^"]+">([^<]+)</a>', response.text)


def checked_statuses(response):
    """The values of the status checkboxes that are ticked."""
    boxes = re.findall(r'<input [^>]*name="status"[^>]*>', response.text)
    return {re.search(r'value="([^"]+)"', box)[1] for box in boxes if " checked" in box}


@pytest.fixture
def newsroom():
    """Two speakers, two outlets, two topics and claims spread across them."""
    lavrov = factories.make_speaker(name="Sergey Lavrov", aliases="Sergei Lavrov\nS. V. Lavrov")
    psaki = factories.make_speaker(name="Jen Psaki", role="Press Secretary")
    tass = factories.make_outlet(name="TASS")
    reuters = factories.make_outlet(name="Reuters")
    cyber = factories.make_topic(name="Cybersecurity")
    diplomacy = factories.make_topic(name="Diplomacy")
    tass_article = factories.make_article(outlet=tass)
    reuters_article = factories.make_article(outlet=reuters)
    claims = {
        "hacking": factories.make_claim(
            statement="Most hacking attacks on Russia come from the US",
            speaker=lavrov,
            article=tass_article,
            status=Status.FALSE,
            stated_on=datetime.date(2021, 5, 1),
            topics=[cyber],
        ),
        "talks": factories.make_claim(
            statement="Russia proposed cybersecurity talks years ago",
            speaker=lavrov,
            article=tass_article,
            status=Status.MOSTLY_TRUE,
            stated_on=datetime.date(2021, 6, 10),
            topics=[cyber, diplomacy],
        ),
        "summit": factories.make_claim(
            statement="The summit agenda includes ransomware",
            speaker=psaki,
            article=reuters_article,
            status=Status.TRUE,
            stated_on=datetime.date(2021, 6, 14),
            topics=[diplomacy],
        ),
        "sanctions": factories.make_claim(
            statement="Sanctions have not changed Moscow's behaviour",
            speaker=psaki,
            article=reuters_article,
            status=Status.UNCHECKED,
            stated_on=datetime.date(2021, 7, 2),
        ),
    }
    factories.make_claim(
        published=False,
        statement="Draft claim about secret cyber deals",
        speaker=lavrov,
        article=tass_article,
        status=Status.FALSE,
        topics=[cyber],
    )
    return {
        "claims": claims,
        "lavrov": lavrov,
        "psaki": psaki,
        "tass": tass,
        "reuters": reuters,
        "cyber": cyber,
        "diplomacy": diplomacy,
    }


def test_lists_every_published_claim_newest_first(client, newsroom):
    response = client.get("/")
    assert response.status_code == 200
    assert statements(response) == [
        "Sanctions have not changed Moscow&#x27;s behaviour",
        "The summit agenda includes ransomware",
        "Russia proposed cybersecurity talks years ago",
        "Most hacking attacks on Russia come from the US",
    ]
    assert '<h2 id="results-heading">4 claims</h2>' in response.text


def test_filters_by_several_statuses_at_once(client, newsroom):
    response = client.get("/", {"status": ["true", "mostly_true"]})
    assert set(statements(response)) == {
        "The summit agenda includes ransomware",
        "Russia proposed cybersecurity talks years ago",
    }
    # The checkboxes keep the choice, each labelled with its status.
    assert checked_statuses(response) == {"true", "mostly_true"}
    assert re.search(r'<label for="id_status_2"><input [^>]*id="id_status_2"', response.text)


def test_filters_by_speaker(client, newsroom):
    response = client.get("/", {"speaker": newsroom["psaki"].pk})
    assert set(statements(response)) == {
        "The summit agenda includes ransomware",
        "Sanctions have not changed Moscow&#x27;s behaviour",
    }


def test_filters_by_outlet(client, newsroom):
    response = client.get("/", {"outlet": newsroom["tass"].pk})
    assert set(statements(response)) == {
        "Most hacking attacks on Russia come from the US",
        "Russia proposed cybersecurity talks years ago",
    }


def test_filters_by_topic(client, newsroom):
    response = client.get("/", {"topic": newsroom["diplomacy"].pk})
    assert set(statements(response)) == {
        "Russia proposed cybersecurity talks years ago",
        "The summit agenda includes ransomware",
    }


def test_filters_by_date_range_inclusive(client, newsroom):
    response = client.get("/", {"date_from": "2021-06-10", "date_to": "2021-06-14"})
    assert set(statements(response)) == {
        "Russia proposed cybersecurity talks years ago",
        "The summit agenda includes ransomware",
    }


def test_search_matches_statement_words(client, newsroom):
    response = client.get("/", {"q": "summit ransomware"})
    assert statements(response) == ["The summit agenda includes ransomware"]


def test_search_matches_a_speakers_alias(client, newsroom):
    response = client.get("/", {"q": "Sergei"})
    assert set(statements(response)) == {
        "Most hacking attacks on Russia come from the US",
        "Russia proposed cybersecurity talks years ago",
    }


@pytest.mark.parametrize(
    ("ordering", "expected_first"),
    [
        ("newest", "Sanctions have not changed Moscow&#x27;s behaviour"),
        ("oldest", "Most hacking attacks on Russia come from the US"),
    ],
)
def test_orders_by_date_stated(client, newsroom, ordering, expected_first):
    response = client.get("/", {"ordering": ordering})
    assert statements(response)[0] == expected_first
    assert len(statements(response)) == 4


def test_orders_by_recently_updated(client, newsroom):
    newsroom["claims"]["hacking"].change_status(Status.MISLEADING, note="New evidence.")
    response = client.get("/", {"ordering": "updated"})
    assert statements(response)[0] == "Most hacking attacks on Russia come from the US"


def test_combines_filters(client, newsroom):
    response = client.get(
        "/",
        {"speaker": newsroom["lavrov"].pk, "topic": newsroom["cyber"].pk, "status": "false"},
    )
    assert statements(response) == ["Most hacking attacks on Russia come from the US"]
    response = client.get("/", {"speaker": newsroom["lavrov"].pk, "q": "ransomware"})
    assert statements(response) == []
    assert "No published claims match these filters." in response.text
    assert '<a class="button" href="/">Clear filters</a>' in response.text


def test_counts_each_status_under_the_current_filters(client, newsroom):
    response = client.get("/", {"speaker": newsroom["lavrov"].pk})
    counts = dict(response.context["status_counts"])
    assert counts[Status.FALSE] == 1
    assert counts[Status.MOSTLY_TRUE] == 1
    assert counts[Status.TRUE] == 0
    assert sum(counts.values()) == 2
    assert '<h2 id="results-heading">2 claims</h2>' in response.text
    assert re.search(
        r'badge--mostly_true">Mostly true</span>\s*<span class="status-counts__number">1</span>',
        response.text,
    )


def test_drafts_never_appear_nor_count(client, newsroom):
    for params in [{}, {"q": "secret"}, {"status": "false"}, {"speaker": newsroom["lavrov"].pk}]:
        response = client.get("/", params)
        assert "Draft claim about secret cyber deals" not in response.text
        counts = dict(response.context["status_counts"])
        assert counts[Status.FALSE] == (0 if params.get("q") else 1)


def test_menus_offer_only_what_published_claims_use(client, newsroom):
    hidden_speaker = factories.make_speaker(name="Known Only From A Draft")
    hidden_topic = factories.make_topic(name="Embargoed topic")
    factories.make_claim(
        published=False,
        speaker=hidden_speaker,
        article=factories.make_article(outlet=factories.make_outlet(name="Unpublished Outlet")),
        topics=[hidden_topic],
    )
    response = client.get("/")
    assert f'<option value="{newsroom["lavrov"].pk}">Sergey Lavrov</option>' in response.text
    assert f'<option value="{newsroom["cyber"].pk}">Cybersecurity</option>' in response.text
    assert f'<option value="{newsroom["tass"].pk}">TASS</option>' in response.text
    for name in ["Known Only From A Draft", "Embargoed topic", "Unpublished Outlet"]:
        assert name not in response.text
    response = client.get("/", {"speaker": hidden_speaker.pk})
    assert "Select a valid choice." in response.text


def speaker_menu(response):
    menu = re.search(r'<select[^>]* name="speaker"[^>]*>(.*?)</select>', response.text, re.S)
    return re.findall(r'<option value="\d+"[^>]*>([^<]+)</option>', menu.group(1))


def test_the_speaker_menu_offers_the_most_claimed_and_the_one_chosen(client, monkeypatch):
    monkeypatch.setattr(filters, "SPEAKER_MENU_SIZE", 2)
    article = factories.make_article()
    speakers = {}
    for name, claim_count in [("Often", 3), ("Sometimes", 2), ("Once", 1), ("Also once", 1)]:
        speakers[name] = speaker = factories.make_speaker(name=name)
        for number in range(claim_count):
            factories.make_claim(
                statement=f"{name} said {number}", speaker=speaker, article=article
            )

    response = client.get("/")

    assert speaker_menu(response) == ["Often", "Sometimes"]  # By name.
    hint = re.search(r'<p id="id_speaker_hint" class="filter-field__hint">(.*?)</p>', response.text)
    assert hint.group(1) == (
        'Only the 2 with the most claims are listed: <a href="/speakers/">find any other</a>.'
    )
    assert 'aria-describedby="id_speaker_hint"' in response.text

    # One left out of the menu is still a filter, shown as chosen.
    response = client.get("/", {"speaker": speakers["Once"].pk})
    assert speaker_menu(response) == ["Often", "Once", "Sometimes"]
    assert f'<option value="{speakers["Once"].pk}" selected>Once</option>' in response.text
    assert statements(response) == ["Once said 0"]


def test_a_short_speaker_menu_lists_everyone_without_a_hint(client, newsroom):
    response = client.get("/")

    assert speaker_menu(response) == ["Jen Psaki", "Sergey Lavrov"]
    assert "filter-field__hint" not in response.text


def test_large_counts_are_written_with_thousands_separators(client, claim, settings):
    settings.CLAIMTRACK_CACHE_SECONDS = 0
    # The totals come from the tallies: as if 1 234 false claims were published.
    PublishedTally.objects.filter(kind=TallyKind.STATUS, key=claim.status).update(count=1234)

    response = client.get("/")

    assert ">1,234 claims</h2>" in response.text
    assert '<span class="status-counts__number">1,234</span>' in response.text


def test_answers_head_and_refuses_post(client, claim):
    assert client.head("/").status_code == 200
    assert client.post("/").status_code == 405


class TestPagination:
    @pytest.fixture
    def many_false_claims(self, settings):
        settings.CLAIMTRACK_PAGE_SIZE = 3
        speaker = factories.make_speaker(name="Sergey Lavrov")
        for day in range(1, 8):
            factories.make_claim(
                statement=f"False claim {day}",
                speaker=speaker,
                status=Status.FALSE,
                stated_on=datetime.date(2021, 5, day),
            )
        factories.make_claim(statement="A true claim", status=Status.TRUE)
        return speaker

    def test_pages_keep_the_filters_in_their_links(self, client, many_false_claims):
        response = client.get("/", {"status": "false", "q": "claim", "page": "2"})
        assert statements(response) == ["False claim 4", "False claim 3", "False claim 2"]
        assert "Claims 4–6, page 2 of 3" in response.text
        # Page 1 is the search itself, without a page parameter.
        first, third = "/?status=false&amp;q=claim", "/?status=false&amp;q=claim&amp;page=3"
        assert f'rel="prev" href="{first}" data-hx-get="{first}"' in response.text
        assert f'rel="next" href="{third}" data-hx-get="{third}"' in response.text
        assert f'<a href="{first}" data-hx-get="{first}" aria-label="Page 1">1</a>' in response.text
        assert f'<a href="{third}" data-hx-get="{third}" aria-label="Page 3">3</a>' in response.text
        assert 'aria-label="Page 2" aria-current="page">2</a>' in response.text
        nav = re.search(r'<nav class="pagination"[^>]*>', response.text).group(0)
        assert 'aria-label="Pages of claims"' in nav
        assert 'data-hx-target="#results"' in nav
        assert 'data-hx-push-url="true"' in nav

    @pytest.mark.parametrize("ordering", ["newest", "oldest", "updated", "relevance"])
    def test_the_pages_together_list_every_claim_once_in_order(
        self, client, many_false_claims, ordering
    ):
        found = Claim.objects.published().filter(status=Status.FALSE).search("claim")
        if ordering == "relevance":
            whole_list = found.by_relevance()
        else:
            whole_list = found.order_by(*filters.ORDERINGS[ordering][1])
        expected = [claim.statement for claim in whole_list]

        shown = []
        for page in ("1", "2", "3"):
            query = {"status": "false", "q": "claim", "ordering": ordering, "page": page}
            shown += statements(client.get("/", query))

        assert shown == expected
        assert len(expected) == 7

    def test_a_long_list_elides_the_distant_pages(self, client, settings):
        settings.CLAIMTRACK_PAGE_SIZE = 20
        speaker = factories.make_speaker()
        article = factories.make_article()
        for day in range(200):
            factories.make_claim(
                speaker=speaker,
                article=article,
                stated_on=datetime.date(2020, 1, 1) + datetime.timedelta(days=day),
            )

        html = client.get("/", {"speaker": speaker.pk, "page": "5"}).text

        pages = re.findall(r'aria-label="Page (\d+)"|class="pagination__gap"', html)
        assert pages == ["1", "", "4", "5", "6", "", "10"]
        assert f'href="/?speaker={speaker.pk}&amp;page=4"' in html
        assert "<title>Claims: by " in html
        assert "(page 5 of 10) · Claimtrack</title>" in html
        assert "Claims 81–100, page 5 of 10" in html

    def test_pagination_links_drop_empty_fields(self, client, many_false_claims):
        response = client.get(
            "/", {"status": "false", "q": "", "speaker": "", "ordering": "newest"}
        )
        assert 'href="/?status=false&amp;page=2"' in response.text

    def test_pagination_links_keep_an_order_other_than_the_default(self, client, many_false_claims):
        response = client.get("/", {"status": "false", "ordering": "oldest"})
        assert 'href="/?status=false&amp;ordering=oldest&amp;page=2"' in response.text

    def test_last_page(self, client, many_false_claims):
        response = client.get("/", {"status": "false", "page": "3"})
        assert statements(response) == ["False claim 1"]
        assert 'rel="next"' not in response.text
        assert '<h2 id="results-heading">7 claims</h2>' in response.text

    @pytest.mark.parametrize("asked", ["abc", "0", "-1", "1.5", "9" * 5000])
    def test_a_page_that_is_not_a_number_shows_the_first(self, client, many_false_claims, asked):
        response = client.get("/", {"status": "false", "page": asked})
        assert response.status_code == 200
        assert response.context["page_obj"].number == 1
        assert "does not exist; showing page 1." in response.text
        assert statements(response)[0] == "False claim 7"

    def test_the_message_names_the_page_asked_for(self, client, many_false_claims):
        response = client.get("/", {"page": "abc"})
        assert "Page abc does not exist; showing page 1." in response.text

    def test_a_page_past_the_end_shows_the_last(self, client, many_false_claims):
        response = client.get("/", {"status": "false", "page": "999999"})
        assert response.status_code == 200
        assert response.context["page_obj"].number == 3
        assert "Page 999999 does not exist; showing page 3, the last." in response.text
        assert statements(response) == ["False claim 1"]

    def test_a_page_past_the_end_of_nothing_shows_the_empty_first_page(self, client):
        response = client.get("/", {"page": "5"})
        assert response.status_code == 200
        assert "Page 5 does not exist; showing page 1, the last." in response.text
        assert "No claims have been published here yet." in response.text


FILTER_FORM_REQUEST = {"HX-Request": "true", "HX-Trigger": "filters"}


class TestHtmx:
    def test_full_page_without_htmx(self, client, claim):
        response = client.get("/")
        assert response.text.lstrip().startswith("<!doctype html>")
        assert '<form id="filters"' in response.text
        assert "HX-Request" in response.headers["Vary"]

    def test_htmx_request_gets_only_the_results(self, client, claim):
        response = client.get("/", {"status": "false"}, headers={"HX-Request": "true"})
        assert response.status_code == 200
        assert "<html" not in response.text
        assert "<form" not in response.text
        assert response.text.lstrip().startswith('<section id="results"')
        assert claim.statement in response.text
        assert "HX-Request" in response.headers["Vary"]

    def test_htmx_pushes_the_address_without_empty_fields(self, client, claim):
        params = {"q": "", "status": ["false", "true"], "speaker": "", "ordering": "oldest"}
        response = client.get("/", params, headers={"HX-Request": "true"})
        assert response.headers["HX-Push-Url"] == "/?status=false&status=true&ordering=oldest"
        response = client.get("/", {"q": "", "speaker": ""}, headers={"HX-Request": "true"})
        assert response.headers["HX-Push-Url"] == "/"
        # The form always sends its order; the default one says nothing worth sharing.
        defaults = {"status": "false", "ordering": "newest"}
        response = client.get("/", defaults, headers={"HX-Request": "true"})
        assert response.headers["HX-Push-Url"] == "/?status=false"
        assert "HX-Push-Url" not in client.get("/", params).headers

    def test_htmx_fragment_refreshes_the_forms_error_messages(self, client, claim):
        response = client.get("/", {"date_from": "2021-13-45"}, headers={"HX-Request": "true"})
        assert re.search(
            r'<div class="field-errors" id="id_date_from_error" data-hx-swap-oob="true">'
            r"<p>Enter a valid date.</p></div>",
            response.text,
        )
        assert '<div class="field-errors" id="id_q_error" data-hx-swap-oob="true"></div>' in (
            response.text
        )

    def test_full_page_shows_errors_beside_their_fields(self, client, claim):
        response = client.get("/", {"date_from": "2021-13-45", "status": "bogus"})
        assert (
            '<div class="field-errors" id="id_date_from_error"><p>Enter a valid date.</p></div>'
        ) in response.text
        assert 'aria-invalid="true" aria-describedby="id_date_from_error"' in response.text
        assert '<fieldset class="filter-field filter-field--status has-errors"' in response.text
        status_boxes = re.findall(r'<input [^>]*name="status"[^>]*>', response.text)
        assert len(status_boxes) == len(Status)
        assert all('aria-invalid="true"' in box for box in status_boxes)

    def test_full_page_has_no_out_of_band_fragments(self, client, claim):
        assert "data-hx-swap-oob" not in client.get("/").text

    def test_history_restore_gets_the_full_page(self, client, claim):
        response = client.get(
            "/", headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
        )
        assert "<html" in response.text
        assert '<form id="filters"' in response.text
        assert "HX-Request" in response.headers["Vary"]

    def test_swap_announces_the_new_count_and_sets_the_title(self, client, newsroom):
        response = client.get("/", {"status": ["true", "mostly_true"]}, headers=FILTER_FORM_REQUEST)
        assert (
            '<p id="results-status" data-hx-swap-oob="innerHTML">2 claims found.</p>'
            in response.text
        )
        assert "<title>Claims: True or Mostly true · Claimtrack</title>" in response.text

    def test_swap_explains_when_filters_could_not_be_used(self, client, claim):
        response = client.get("/", {"status": "bogus"}, headers=FILTER_FORM_REQUEST)
        assert "No claims listed: some filters could not be used." in response.text
        assert "<title>Claims: filters to correct · Claimtrack</title>" in response.text

    def test_full_page_has_a_silent_status_region_in_the_form(self, client, claim):
        html = client.get("/", {"status": "false"}).text
        assert '<p id="results-status" class="filters__status" role="status"></p>' in html
        assert "data-hx-swap-oob" not in html
        assert "<title>Claims: False · Claimtrack</title>" in html

    def test_a_page_link_moves_focus_to_the_new_results(self, client, claim):
        # A page link is swapped away with the results; the form stays, and so does focus in it.
        from_page_link = client.get("/", {"page": "1"}, headers={"HX-Request": "true"})
        from_form = client.get("/", {"page": "1"}, headers=FILTER_FORM_REQUEST)
        full_page = client.get("/", {"page": "1"})
        focused = '<h2 id="results-heading" tabindex="-1" autofocus>1 claim</h2>'
        assert focused in from_page_link.text
        assert '<h2 id="results-heading">1 claim</h2>' in from_form.text
        assert '<h2 id="results-heading">1 claim</h2>' in full_page.text

    def test_form_is_wired_for_htmx_and_works_without_it(self, client, claim):
        html = client.get("/").text
        form = re.search(r'<form id="filters"[^>]*>', html).group(0)
        assert 'method="get"' in form
        assert 'action="/"' in form
        assert 'data-hx-get="/"' in form
        assert 'data-hx-target="#results"' in form
        assert 'data-hx-push-url="true"' in form
        assert "input changed delay:400ms" in form
        assert 'data-hx-sync="this:replace"' in form
        assert 'data-hx-indicator="#filters-busy"' in form
        # Back and Forward reload the page from the server, so the form matches the address.
        assert 'data-hx-history="false"' in form
        assert '<button type="submit">' in html


BAD_INPUTS = [
    ({"status": "bogus"}, "Select a valid choice. bogus is not one of the available choices."),
    ({"date_from": "2021-13-45"}, "Enter a valid date."),
    ({"date_to": "yesterday"}, "Enter a valid date."),
    ({"speaker": "999999"}, "Select a valid choice."),
    ({"speaker": "abc"}, "Select a valid choice."),
    ({"speaker": "9" * 30}, "Select a valid choice."),
    # More digits than Python will read as a number.
    ({"speaker": "9" * 5000}, "Select a valid choice."),
    ({"outlet": "-1"}, "Select a valid choice."),
    ({"topic": "1e5"}, "Select a valid choice."),
    ({"q": "x" * 10000}, "Ensure this value has at most 200 characters (it has 10000)."),
    ({"ordering": "sideways"}, "Select a valid choice. sideways is not one of the"),
    ({"q": "cyber\x00attack"}, "Null characters are not allowed."),
]


@pytest.mark.parametrize(("params", "message"), BAD_INPUTS)
@pytest.mark.parametrize("htmx", [False, True])
def test_bad_input_is_explained_and_matches_nothing(client, claim, params, message, htmx):
    headers = {"HX-Request": "true", "HX-Trigger": "filters"} if htmx else {}
    response = client.get("/", params, headers=headers)
    assert response.status_code == 200
    assert "Some filters could not be used" in response.text
    assert message in response.text
    assert claim.statement not in response.text
    assert '<h2 id="results-heading">0 claims</h2>' in response.text
    assert "No claims are listed because some filters could not be used." in response.text


def test_query_count_does_not_grow_with_the_number_of_claims(client, settings):
    settings.CLAIMTRACK_PAGE_SIZE = 20
    settings.CLAIMTRACK_CACHE_SECONDS = 0
    topics = [factories.make_topic(), factories.make_topic()]

    def queries_for_tracker(params):
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/", params)
        assert response.status_code == 200
        return len(queries)

    def queries_for_pages():
        return [
            queries_for_tracker({}),
            queries_for_tracker({"status": "false", "q": "claim"}),
            queries_for_tracker({"page": "2"}),
        ]

    for _ in range(25):
        factories.make_claim(topics=topics)
    few = queries_for_pages()
    for _ in range(55):
        factories.make_claim(topics=topics)
    many = queries_for_pages()
    assert few == many
    # The tallies (counts and the form's menus), one page of claims and their topics;
    # a search counts its own results by status. A later page is read in one query too.
    assert many == [3, 4, 3]


def test_a_cached_tracker_page_costs_one_query_until_the_data_changes(client):
    claims = [factories.make_claim(statement=f"Cached claim {n}") for n in range(3)]
    for params in [{}, {"status": "false", "ordering": "oldest"}]:
        first = client.get("/", params)
        with CaptureQueriesContext(connection) as queries:
            again = client.get("/", params)
        assert len(queries) == 1  # the public revision
        assert again.text.count("Cached claim") == first.text.count("Cached claim") == 3

    claims[0].statement = "An edited statement"
    claims[0].save()
    response = client.get("/")
    assert "An edited statement" in response.text
    assert "Cached claim 0" not in response.text


def test_a_date_range_that_ends_before_it_starts_is_explained(client, claim):
    response = client.get("/", {"date_from": "2021-06-01", "date_to": "2021-01-01"})

    assert response.status_code == 200
    assert "This date is before the “Stated from” date." in response.content.decode()
    assert response.context["total"] == 0


def test_an_impossible_date_is_not_written_back_into_the_date_input(client, claim):
    html = client.get("/", {"date_from": "2021-13-45", "date_to": "2021-06-01"}).text

    assert "Enter a valid date." in html
    assert 'value="2021-13-45"' not in html
    assert 'value="2021-06-01"' in html
