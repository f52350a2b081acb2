"""The tracker in a real browser: htmx swaps, pushed URLs, Back, and life without JavaScript.

Runs Debian's Chromium through Playwright against pytest-django's live server.
Screenshots land in test-artifacts/ for a human to look at.
"""

import datetime
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from claims.models import Stance, Status
from tests import factories

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
WIDE = {"width": 1280, "height": 900}
NARROW = {"width": 390, "height": 844}

ARTICLE_TEXT = (
    "SOCHI, May 14. The majority of attacks on Russian Internet resources come from the "
    "United States, the foreign minister told a joint press conference on Tuesday.\n\n"
    "\u201cWe have repeatedly suggested talks on cybersecurity,\u201d the minister said. "
    "\u201cAttacks on our Internet resources, the majority of them, come from the US. "
    "Therefore, we have something to discuss.\u201d\n\n"
    "The US side did not comment on the figure."
)
QUOTE = "Attacks on our Internet resources, the majority of them, come from the US."


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


@pytest.fixture
def newsroom(transactional_db):
    """27 published claims (two pages), by two speakers, under four statuses."""
    lavrov = factories.make_speaker(
        name="Sergey Lavrov",
        role="Foreign Minister",
        affiliation="Government of Russia",
        aliases="Sergei Lavrov",
    )
    psaki = factories.make_speaker(name="Jen Psaki", role="White House Press Secretary")
    tass = factories.make_outlet(name="TASS")
    reuters = factories.make_outlet(name="Reuters")
    cyber = factories.make_topic(name="Cybersecurity")
    diplomacy = factories.make_topic(name="Diplomacy")
    article = factories.make_article(
        title="Attacks on Russian Internet resources come primarily from US, says Lavrov",
        outlet=tass,
        text=ARTICLE_TEXT,
        raw_text=ARTICLE_TEXT,
        url="https://tass.example/politics/1",
        dateline="SOCHI",
        published_on=datetime.date(2019, 5, 14),
    )
    featured = factories.make_claim(
        statement="Most cyberattacks on Russian Internet resources come from the US",
        quote=QUOTE,
        speaker=lavrov,
        article=article,
        status=Status.CHECKING,
        stated_on=datetime.date(2019, 5, 14),
        verdict="No public data set attributes the origin of attacks on Russian networks by "
        "country, and the ministry cited none.\n\nIndependent incident reports for the period "
        "point to a mix of origins, with no single country accounting for a majority.",
        topics=[cyber, diplomacy],
    )
    featured.change_status(Status.FALSE, note="Checked against published incident reports.")
    factories.make_counter_source(
        featured,
        stance=Stance.CONTRADICTS,
        title="Annual report on cyber threats",
        publisher="A national computer emergency response team",
        url="https://cert.example/report-2019",
        published_on=datetime.date(2019, 3, 1),
        note="Attributes attacks to many countries; none accounts for a majority.",
    )
    factories.make_counter_source(
        featured,
        stance=Stance.CONTEXT,
        title="Joint statement on information security",
        publisher="Ministry of Foreign Affairs",
        note="Sets out the proposal for bilateral talks that the minister referred to.",
    )
    reuters_article = factories.make_article(outlet=reuters, title="White House briefing")
    for day in range(1, 23):
        factories.make_claim(
            statement=f"Lavrov cyber claim number {day:02}",
            speaker=lavrov,
            article=article if day % 2 else factories.make_article(outlet=tass),
            quote=QUOTE if day % 2 else factories.ARTICLE_QUOTE,
            status=Status.FALSE if day % 3 else Status.MOSTLY_FALSE,
            stated_on=datetime.date(2021, 3, day),
            topics=[cyber],
        )
    for day, status in enumerate([Status.TRUE, Status.TRUE, Status.MISLEADING], start=1):
        factories.make_claim(
            statement=f"Psaki briefing claim {day}",
            speaker=psaki,
            article=reuters_article,
            status=status,
            stated_on=datetime.date(2021, 6, day),
            topics=[diplomacy],
        )
    factories.make_claim(
        statement="Ransomware gangs operate freely from Russian territory",
        speaker=psaki,
        article=reuters_article,
        status=Status.UNSUPPORTED,
        stated_on=datetime.date(2021, 6, 20),
    )
    factories.make_claim(statement="A draft that must stay hidden", published=False)
    return {"featured": featured, "lavrov": lavrov}


@pytest.fixture
def console_errors(page):
    """Errors the page logs (CSP violations among them) and uncaught exceptions."""
    errors = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def screenshots(page, name):
    """The whole page, and its first two screens, which stay legible when the page is long."""
    page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)
    page.screenshot(path=ARTIFACTS / f"{name}-screen-1.png")
    page.mouse.wheel(0, page.viewport_size["height"])
    page.wait_for_function("window.scrollY > 0 || document.body.scrollHeight <= innerHeight")
    page.screenshot(path=ARTIFACTS / f"{name}-screen-2.png")


def results_heading(page):
    return page.locator("#results-heading")


def test_status_checkbox_swaps_results_in_place(page, live_server, newsroom, console_errors):
    page.goto(live_server.url + "/")
    expect(results_heading(page)).to_have_text("27 claims")
    page.evaluate("window.claimtrackMarker = 'still here'")

    page.get_by_label("True", exact=True).check()
    # The pushed address leaves out the form's empty fields.
    page.wait_for_url(live_server.url + "/?status=true&ordering=newest")
    expect(results_heading(page)).to_have_text("2 claims")
    expect(page.locator(".claim-card")).to_have_count(2)
    # The same document: htmx swapped the results instead of loading a page.
    assert page.evaluate("window.claimtrackMarker") == "still here"

    page.get_by_label("Misleading", exact=True).check()
    page.wait_for_url(re.compile(r"status=true&status=misleading|status=misleading&status=true"))
    expect(results_heading(page)).to_have_text("3 claims")
    assert console_errors == []


def test_back_restores_the_previous_results(page, live_server, newsroom):
    page.goto(live_server.url + "/")
    page.get_by_label("Misleading", exact=True).check()
    page.wait_for_url(re.compile(r"status=misleading"))
    expect(results_heading(page)).to_have_text("1 claim")

    page.go_back()
    page.wait_for_url(live_server.url + "/")
    expect(results_heading(page)).to_have_text("27 claims")
    expect(page.locator(".claim-card")).to_have_count(20)

    page.go_forward()
    page.wait_for_url(re.compile(r"status=misleading"))
    expect(results_heading(page)).to_have_text("1 claim")


def test_back_without_htmxs_cache_reloads_the_whole_page(page, live_server, newsroom):
    page.goto(live_server.url + "/")
    page.get_by_label("Misleading", exact=True).check()
    page.wait_for_url(re.compile(r"status=misleading"))
    expect(results_heading(page)).to_have_text("1 claim")
    # A cache miss: htmx asks the server for the page it has lost.
    page.evaluate("sessionStorage.removeItem('htmx-history-cache')")
    with page.expect_response(lambda response: response.url == live_server.url + "/") as restore:
        page.go_back()
    assert restore.value.request.headers.get("hx-history-restore-request") == "true"
    assert "hx-request" not in restore.value.request.headers
    expect(results_heading(page)).to_have_text("27 claims")
    expect(page.locator("h1")).to_have_count(1)
    expect(page.locator("#filters")).to_have_count(1)


def test_reloading_a_pushed_url_shows_the_whole_page(page, live_server, newsroom):
    page.goto(live_server.url + "/")
    page.get_by_label("True", exact=True).check()
    page.wait_for_url(re.compile(r"status=true"))
    page.reload()
    expect(page.locator("h1")).to_have_text("Claims in the news, checked")
    expect(results_heading(page)).to_have_text("2 claims")
    expect(page.get_by_label("True", exact=True)).to_be_checked()


def test_typing_a_search_narrows_the_list(page, live_server, newsroom):
    page.goto(live_server.url + "/")
    page.evaluate("window.claimtrackMarker = 'still here'")
    page.get_by_label("Search").press_sequentially("ransomware", delay=30)
    page.wait_for_url(re.compile(r"q=ransomware"))
    expect(results_heading(page)).to_have_text("1 claim")
    expect(page.locator(".claim-card")).to_contain_text("Ransomware gangs operate freely")
    assert page.evaluate("window.claimtrackMarker") == "still here"

    # The submit button goes through htmx too when JavaScript runs.
    page.get_by_label("Search").fill("Psaki")
    page.get_by_role("button", name="Show claims").click()
    page.wait_for_url(re.compile(r"q=Psaki"))
    expect(results_heading(page)).to_have_text("4 claims")
    assert page.evaluate("window.claimtrackMarker") == "still here"


def test_next_page_link_keeps_the_filters(page, live_server, newsroom):
    page.goto(live_server.url + "/?speaker=" + str(newsroom["lavrov"].pk))
    expect(results_heading(page)).to_have_text("23 claims")
    page.get_by_role("link", name="Next page").click()
    page.wait_for_url(re.compile(rf"speaker={newsroom['lavrov'].pk}&page=2"))
    expect(page.locator(".pagination__current")).to_have_text("Page 2 of 2")
    expect(page.locator(".claim-card")).to_have_count(3)
    for card in page.locator(".claim-card__meta").all():
        expect(card).to_contain_text("Sergey Lavrov")


def test_filters_work_without_javascript(browser, live_server, newsroom):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/")
    page.get_by_label("Mostly false", exact=True).check()
    page.get_by_label("Search").fill("Lavrov")
    page.get_by_role("button", name="Show claims").click()
    page.wait_for_url(lambda url: "status=mostly_false" in url and "q=Lavrov" in url)
    expect(results_heading(page)).to_have_text("7 claims")
    expect(page.get_by_label("Mostly false", exact=True)).to_be_checked()
    context.close()


def test_no_console_errors_and_screenshots(page, live_server, newsroom, console_errors):
    ARTIFACTS.mkdir(exist_ok=True)
    claim_url = live_server.url + newsroom["featured"].get_absolute_url()
    speaker_url = live_server.url + newsroom["lavrov"].get_absolute_url()
    for name, viewport in [("wide", WIDE), ("narrow", NARROW)]:
        page.set_viewport_size(viewport)
        page.goto(live_server.url + "/")
        page.get_by_label("False", exact=True).check()
        page.wait_for_url(re.compile(r"status=false"))
        expect(results_heading(page)).to_have_text("16 claims")
        screenshots(page, f"tracker-{name}")
        page.goto(claim_url)
        expect(page.locator("mark")).to_have_text(QUOTE)
        screenshots(page, f"claim-{name}")
        page.goto(speaker_url)
        screenshots(page, f"speaker-{name}")
    assert console_errors == []
