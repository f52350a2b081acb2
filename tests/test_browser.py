"""The tracker in a real browser: htmx swaps, pushed URLs, Back, and life without JavaScript.

Runs Debian's Chromium through Playwright against pytest-django's live server.
Screenshots land in test-artifacts/ for a human to look at.
"""

import contextlib
import datetime
import re
import time
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth.models import Permission, User
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from claims.models import Stance, Status
from tests import factories

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
WIDE = {"width": 1440, "height": 900}
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
    return {"featured": featured, "lavrov": lavrov, "tass": tass}


@pytest.fixture
def console_errors(page):
    """Errors the page logs (CSP violations among them) and uncaught exceptions."""
    errors = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


# The rules of WCAG 2.2 at levels A and AA, and axe's own best practices.
AXE_RULES = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
    }
}


def accessibility_violations(page):
    """What axe-core finds wrong with the page as it stands: [(rule, elements)]."""
    results = Axe().run(page, options=AXE_RULES)
    return [
        (violation["id"], [node["target"] for node in violation["nodes"]])
        for violation in results.response["violations"]
    ]


def evaluate_until(page, expression, *, timeout_ms=5000, interval_ms=50):
    """Wait until `expression` is true in the page.

    Not page.wait_for_function: it polls through eval(), which the site's CSP refuses
    whenever the expression is not true at the first try.
    """
    for _ in range(timeout_ms // interval_ms):
        if page.evaluate(expression):
            return
        page.wait_for_timeout(interval_ms)
    raise AssertionError(f"Still false after {timeout_ms} ms: {expression}")


def screenshots(page, name):
    """The whole page, and its first two screens, which stay legible when the page is long."""
    page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)
    page.screenshot(path=ARTIFACTS / f"{name}-screen-1.png")
    page.mouse.wheel(0, page.viewport_size["height"])
    evaluate_until(page, "window.scrollY > 0 || document.body.scrollHeight <= innerHeight")
    page.screenshot(path=ARTIFACTS / f"{name}-screen-2.png")


def results_heading(page):
    return page.locator("#results-heading")


def results_status(page):
    """The live region that tells screen readers what a swap found."""
    return page.locator("#results-status")


def checked_statuses(page):
    return page.locator("#filters input[name=status]:checked").evaluate_all(
        "boxes => boxes.map(box => box.value)"
    )


def focused_id(page):
    return page.evaluate("document.activeElement.id")


def results_opacity(page):
    return float(page.locator("#results").evaluate("section => getComputedStyle(section).opacity"))


def wait_until(page, condition, timeout=5):
    """Let the page run until `condition()` holds (Playwright calls route handlers meanwhile)."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        page.wait_for_timeout(20)


def test_status_checkbox_swaps_results_in_place(page, live_server, newsroom, console_errors):
    page.goto(live_server.url + "/")
    expect(results_heading(page)).to_have_text("27 claims")
    page.evaluate("window.claimtrackMarker = 'still here'")

    page.get_by_label("True", exact=True).check()
    # The pushed address leaves out the form's empty fields and its default order.
    page.wait_for_url(live_server.url + "/?status=true")
    expect(results_heading(page)).to_have_text("2 claims")
    expect(page.locator(".claim-card")).to_have_count(2)
    # The same document: htmx swapped the results instead of loading a page.
    assert page.evaluate("window.claimtrackMarker") == "still here"

    page.get_by_label("Misleading", exact=True).check()
    page.wait_for_url(re.compile(r"status=true&status=misleading|status=misleading&status=true"))
    expect(results_heading(page)).to_have_text("3 claims")
    assert console_errors == []


def test_a_swap_is_announced_and_keeps_focus_on_the_filter(page, live_server, newsroom):
    page.goto(live_server.url + "/")
    # Nothing is announced when the page loads.
    expect(results_status(page)).to_have_text("")
    expect(results_status(page)).to_have_attribute("role", "status")

    true_box = page.get_by_label("True", exact=True)
    true_box.focus()
    page.keyboard.press("Space")
    page.wait_for_url(re.compile(r"status=true"))
    expect(results_status(page)).to_have_text("2 claims found.")
    expect(page).to_have_title("Claims: True · Claimtrack")
    assert focused_id(page) == "id_status_2"

    page.get_by_label("True", exact=True).uncheck()
    page.wait_for_url(live_server.url + "/")
    expect(results_status(page)).to_have_text("27 claims found, page 1 of 2.")
    expect(page).to_have_title("Claims · Claimtrack")


def test_a_page_link_moves_focus_to_the_new_results(page, live_server, newsroom, settings):
    settings.CLAIMTRACK_PAGE_SIZE = 5
    page.goto(live_server.url + "/?status=false")
    expect(results_heading(page)).to_have_text("16 claims")
    page.get_by_role("link", name="Page 2").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"status=false&page=2"))
    expect(page.get_by_role("link", name="Page 2")).to_have_attribute("aria-current", "page")
    # The link that had focus is gone with the old results: focus lands on the new ones.
    expect(results_heading(page)).to_be_focused()
    expect(results_status(page)).to_have_text("16 claims found, page 2 of 4.")
    expect(page).to_have_title("Claims: False (page 2 of 4) · Claimtrack")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="RSS")).to_be_focused()


def test_results_fade_and_a_busy_sign_shows_while_they_load(page, live_server, newsroom):
    page.goto(live_server.url + "/")
    held = []
    page.route(lambda url: "q=slow" in url, lambda route: held.append(route))
    page.get_by_label("Search").fill("slow")
    expect(page.locator("#filters-busy")).to_be_visible()
    assert results_opacity(page) < 1

    for route in held:
        route.continue_()
    expect(results_heading(page)).to_have_text("0 claims")
    expect(page.locator("#filters-busy")).to_be_hidden()
    assert results_opacity(page) == 1


def test_a_stale_search_response_is_discarded(page, live_server, newsroom):
    """Typing on after a pause sends a second search: the first one's late answer is ignored."""
    page.goto(live_server.url + "/")
    held = []
    page.route(lambda url: "q=Ran&" in url, lambda route: held.append(route))
    search = page.get_by_label("Search")
    search.press_sequentially("Ran")
    wait_until(page, lambda: held)

    search.press_sequentially("somware", delay=20)
    page.wait_for_url(re.compile(r"q=Ransomware"))
    expect(results_heading(page)).to_have_text("1 claim")
    # The first request's answer arrives last; it must not replace the newer results.
    stale = '<section id="results"><h2 id="results-heading">stale answer</h2></section>'
    held[0].fulfill(status=200, content_type="text/html", body=stale)
    page.wait_for_timeout(500)
    expect(results_heading(page)).to_have_text("1 claim")
    assert page.url.endswith("/?q=Ransomware")


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
    expect(page.locator(".results__range")).to_have_text("Claims 21–23, page 2 of 2")
    expect(page.get_by_role("link", name="Page 2")).to_have_attribute("aria-current", "page")
    expect(page.locator(".claim-card")).to_have_count(3)
    for card in page.locator(".claim-card__meta").all():
        expect(card).to_contain_text("Sergey Lavrov")


def test_back_and_forward_keep_the_form_in_step_with_the_results(page, live_server, newsroom):
    """htmx's snapshots of the page do not hold what was ticked or typed since it loaded."""
    page.goto(live_server.url + "/")
    # (address, statuses ticked, search, heading, the page shown of several or None)
    steps = [(page.url, [], "", "27 claims", 1)]

    page.get_by_label("False", exact=True).check()
    page.wait_for_url(re.compile(r"status=false"))
    steps.append((page.url, ["false"], "", "16 claims", None))
    page.get_by_label("Mostly false", exact=True).check()
    page.wait_for_url(re.compile(r"status=mostly_false"))
    steps.append((page.url, ["mostly_false", "false"], "", "23 claims", 1))
    page.get_by_role("link", name="Page 2").click()
    page.wait_for_url(re.compile(r"page=2"))
    steps.append((page.url, ["mostly_false", "false"], "", "23 claims", 2))
    page.get_by_label("Search").fill("number 05")
    page.wait_for_url(re.compile(r"q=number"))
    steps.append((page.url, ["mostly_false", "false"], "number 05", "1 claim", None))

    def expect_step(url, statuses, search, heading, page_shown):
        page.wait_for_url(url)
        expect(results_heading(page)).to_have_text(heading)
        # Two pages of one search differ only here: each step must have arrived
        # before the next begins, or a late response would overwrite it.
        current_page = page.locator('.pagination [aria-current="page"]')
        if page_shown:
            expect(current_page).to_have_text(str(page_shown))
        else:
            expect(current_page).to_have_count(0)
        expect(page.get_by_label("Search")).to_have_value(search)
        assert sorted(checked_statuses(page)) == sorted(statuses)

    for step in reversed(steps[:-1]):
        page.go_back()
        expect_step(*step)
    expect(page.locator(".claim-card")).to_have_count(20)
    for step in steps[1:]:
        page.go_forward()
        expect_step(*step)
    # What the form now shows is what the next change starts from.
    page.get_by_label("True", exact=True).check()
    page.wait_for_url(re.compile(r"status=true"))
    assert sorted(checked_statuses(page)) == ["false", "mostly_false", "true"]
    assert "q=number+05" in page.url


def test_a_late_answer_for_an_earlier_step_does_not_replace_the_page(page, live_server, newsroom):
    """Back or Forward twice in quick succession: only the last step's page may be shown."""
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Page 2").click()
    page.wait_for_url(re.compile(r"page=2"))
    page.get_by_label("Search").fill("number 05")
    page.wait_for_url(re.compile(r"q=number"))
    searched = results_heading(page).inner_text()
    page.go_back()
    expect(page.locator('.pagination [aria-current="page"]')).to_have_text("2")
    page.go_back()
    expect(page.locator('.pagination [aria-current="page"]')).to_have_text("1")

    # Page 2's answer is held back until the reader has moved on past it.
    held = []
    page.route(re.compile(r"page=2"), lambda route: held.append(route))
    with page.expect_request(re.compile(r"page=2")):
        page.go_forward()
    page.go_forward()
    page.wait_for_url(re.compile(r"q=number"))
    expect(results_heading(page)).to_have_text(searched)
    # The page should have given the request up: then there is nothing to answer.
    with contextlib.suppress(PlaywrightError):
        held[0].continue_()
    page.wait_for_timeout(500)
    expect(results_heading(page)).to_have_text(searched)
    expect(page.get_by_label("Search")).to_have_value("number 05")


def test_pagination_and_clearing_work_without_javascript(browser, live_server, newsroom):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/?q=claim&ordering=oldest")
    expect(results_heading(page)).to_have_text("25 claims")
    page.get_by_role("link", name="Page 2").click()
    page.wait_for_url(live_server.url + "/?q=claim&ordering=oldest&page=2")
    expect(page.locator(".claim-card")).to_have_count(5)
    page.get_by_role("link", name="Previous page").click()
    page.wait_for_url(live_server.url + "/?q=claim&ordering=oldest")
    expect(page.get_by_label("Order")).to_have_value("oldest")
    page.get_by_role("link", name="Clear filters").click()
    page.wait_for_url(live_server.url + "/")
    expect(results_heading(page)).to_have_text("27 claims")
    context.close()


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


def test_every_page_type_fits_narrow_and_wide_screens(
    page, live_server, newsroom, console_errors, settings
):
    """Screenshots of each kind of page for a human to look at; none may scroll sideways."""
    settings.DEBUG = False  # The site's own 404 page, not Django's technical one.
    long_word = "Cyberinfrastructuresecurityinteroperabilityframeworkagreement"
    long_claim = factories.make_claim(
        statement=f"Partners never took the {long_word} process seriously, the envoy said",
        speaker=factories.make_speaker(name="Ivan Envoy", aliases="Iwan Envoy"),
        article=factories.make_article(
            title=f"The {long_word} talks", published_on=None, url="", outlet=newsroom["tass"]
        ),
        status=Status.UNCHECKED,
    )
    pages = {
        "tracker": "/?status=false",
        "claim": newsroom["featured"].get_absolute_url(),
        "claim-long": long_claim.get_absolute_url(),
        "speaker": newsroom["lavrov"].get_absolute_url(),
        "speaker-one-claim": long_claim.speaker.get_absolute_url(),
        "speakers": "/speakers/",
        "article": newsroom["featured"].article.get_absolute_url(),
        "article-undated": long_claim.article.get_absolute_url(),
        "articles": "/articles/",
        "topic": "/topics/cybersecurity/",
        "topics": "/topics/",
        "methodology": "/methodology/",
        "corrections": "/corrections/",
        "not-found": "/claims/no-such-claim/",
    }
    ARTIFACTS.mkdir(exist_ok=True)
    for size, viewport in [("wide", WIDE), ("narrow", NARROW)]:
        page.set_viewport_size(viewport)
        for name, path in pages.items():
            page.goto(live_server.url + path)
            page.screenshot(path=ARTIFACTS / f"{name}-{size}.png", full_page=True)
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow == 0, f"{name} scrolls sideways at {size}"
    page.goto(live_server.url + newsroom["featured"].get_absolute_url())
    expect(page.locator("mark")).to_have_text(QUOTE)
    # Screen readers are told where the highlighted words start and end.
    assert (
        f"[start of the words we checked] {QUOTE} [end of the words we checked]"
        in page.locator(".quote__passage").aria_snapshot()
    )
    screenshots(page, "claim-narrow")
    # Only the expected 404 response is logged.
    assert [error for error in console_errors if "404" not in error] == []


@pytest.mark.parametrize("viewport", [WIDE, NARROW], ids=["wide", "narrow"])
def test_axe_finds_nothing_wrong_on_any_page(page, live_server, newsroom, viewport):
    page.set_viewport_size(viewport)
    featured = newsroom["featured"]
    urls = [
        "/",
        "/?date_from=2021-13-45&status=bogus",
        "/?q=nothing+matches+this",
        featured.get_absolute_url(),
        featured.speaker.get_absolute_url(),
        featured.article.get_absolute_url(),
        featured.topics.first().get_absolute_url(),
        "/speakers/",
        "/topics/",
        "/articles/",
        "/methodology/",
        "/corrections/",
        "/no-such-page/",
    ]
    for url in urls:
        page.goto(live_server.url + url)
        assert accessibility_violations(page) == [], url

    # And after htmx has swapped new results in.
    page.goto(live_server.url + "/")
    page.get_by_label("True", exact=True).check()
    page.wait_for_url(re.compile(r"status=true"))
    expect(results_heading(page)).to_have_text("2 claims")
    assert accessibility_violations(page) == []


def test_axe_reports_what_it_finds(page, live_server, newsroom):
    """The check above would fail on a page with a problem axe knows."""
    page.goto(live_server.url + "/")
    page.evaluate("document.querySelector('main').append(document.createElement('img'))")
    assert "image-alt" in {rule for rule, _ in accessibility_violations(page)}


def test_an_editor_imports_articles_in_the_admin(page, live_server, transactional_db, tmp_path):
    # Not factories.make_editor(): the Editors group comes from a migration, and other
    # tests' transactions flush it away. These are the editors' permissions on articles.
    editor = User.objects.create_user("editor", password="editor-password-123", is_staff=True)
    editor.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="sources",
            codename__in=["add_article", "change_article", "view_article"],
        )
    )
    article_file = tmp_path / "2019-05-14-tass.txt"
    article_file.write_text(
        "Attacks on Russian Internet resources come primarily from US, says Lavrov\n\n"
        + ARTICLE_TEXT.replace("SOCHI, May 14.", "SOCHI, May 14. /TASS/."),
        encoding="utf-8",
    )
    empty_file = tmp_path / "empty.txt"
    empty_file.write_bytes(b"")
    page.goto(live_server.url + "/admin/sources/article/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill("editor-password-123")
    page.get_by_role("button", name="Log in").click()

    page.get_by_role("link", name="Import articles").click()
    page.get_by_label("Article files").set_input_files([article_file, empty_file])
    page.get_by_role("button", name="Import").click()

    report = page.get_by_role("table", name="Imported")
    expect(report).to_contain_text("New article")
    expect(report).to_contain_text("Not imported: the file is empty")
    assert accessibility_violations(page) == []
    report.get_by_role("link", name=re.compile("^Attacks on Russian Internet")).click()
    expect(page.get_by_label("Title:")).to_have_value(
        "Attacks on Russian Internet resources come primarily from US, says Lavrov"
    )
