"""The public page in real headless Chromium: search, quick exit, no cookies, no other origin,
without JavaScript, at 320 px, in every language, within 100 KB on first load."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from directory.config import QUICK_EXIT_URL
from tests.browser.conftest import ARTIFACTS, screenshot

pytestmark = pytest.mark.browser

FIRST_LOAD_BUDGET = 100_000
"""Bytes over the wire for the first load of ``/``, headers, CSS and JavaScript included."""
GOMA_RAPE_CARE = "Prise en charge médicale du viol (démo)"
CONTRAST = Path(__file__).with_name("contrast.js").read_text(encoding="utf-8")


def _search_goma(page, needs=("medical",)) -> int:
    """Type a place, pick it from the suggestions, tick needs, search; return the length of
    the history once Njia was opened."""
    page.goto("/")
    opened = page.evaluate("history.length")
    page.fill("#place", "Gom")
    page.get_by_role("button", name="Goma (Nord-Kivu)").click()
    assert page.input_value("input[name=place_id]")
    for need in needs:
        page.check(f"input[name=needs][value={need}]")
    page.get_by_role("button", name="Chercher de l'aide").click()
    page.get_by_role("heading", name="Services près de Goma (Nord-Kivu)").wait_for()
    return int(opened)


def _left_no_way_back(page, opened: int, server_url: str) -> None:
    """Quick exit replaced Njia's one history entry: going back does not reach Njia."""
    page.wait_for_url(QUICK_EXIT_URL)
    assert page.evaluate("history.length") == opened
    page.go_back()
    assert not page.url.startswith(server_url)


def test_first_load_is_within_budget_and_fits_320px(open_page):
    page = open_page()
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    received: list[float] = []
    cdp.on("Network.loadingFinished", lambda event: received.append(event["encodedDataLength"]))
    page.goto("/")
    page.wait_for_load_state("networkidle")
    total = sum(received)
    ARTIFACTS.mkdir(exist_ok=True)
    report = {"responses": len(received), "bytes": total, "budget": FIRST_LOAD_BUDGET}
    (ARTIFACTS / "first-load.json").write_text(json.dumps(report) + "\n", encoding="utf-8")
    assert len(received) == 3  # the page, its stylesheet and its script: nothing else
    assert 0 < total <= FIRST_LOAD_BUDGET
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    screenshot(page, "home-320px")


def test_search_by_place_name_finds_the_demo_services(open_page):
    page = open_page()
    opened = _search_goma(page, needs=("medical", "shelter"))
    text = page.inner_text("main")
    assert GOMA_RAPE_CARE in text
    assert "Hébergement temporaire sûr (démo)" in text  # the shelter, by its front door
    assert "Ligne verte d'écoute et d'orientation (démo)" in text
    assert "Signaler une exploitation ou un abus sexuel" in text
    assert page.locator('a[href="tel:+243970000102"]').count() >= 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert page.evaluate("history.length") == opened  # the results replaced the page in place
    screenshot(page, "results-320px")


def test_quick_exit_button_leaves_no_way_back(open_page, server_url):
    page = open_page()
    opened = _search_goma(page)
    page.get_by_role("link", name=re.compile("Quitter ce site")).click()
    page.wait_for_url(QUICK_EXIT_URL)
    screenshot(page, "after-quick-exit")
    _left_no_way_back(page, opened, server_url)
    assert page.traffic.exits == [QUICK_EXIT_URL]


def test_escape_key_quick_exits_from_a_provider_page(open_page, server_url):
    page = open_page()
    opened = _search_goma(page)
    page.get_by_role("link", name=GOMA_RAPE_CARE).first.click()
    page.locator("h1", has_text=GOMA_RAPE_CARE).wait_for()
    assert "Comment le joindre" in page.inner_text("main")
    screenshot(page, "provider-320px")
    page.get_by_role("link", name="← Retour").click()  # back to the results, in place
    page.get_by_role("heading", name="Services près de Goma (Nord-Kivu)").wait_for()
    page.keyboard.press("Escape")
    _left_no_way_back(page, opened, server_url)


def test_the_page_works_without_javascript(open_page):
    page = open_page(java_script_enabled=False)
    page.goto("/")
    assert page.locator("[data-locate]").is_hidden()  # needs JavaScript: not offered
    page.fill("#place", "goma")
    page.check("input[name=needs][value=medical]")
    page.get_by_role("button", name="Chercher de l'aide").click()
    page.get_by_role("heading", name="Services près de Goma (Nord-Kivu)").wait_for()
    assert GOMA_RAPE_CARE in page.inner_text("main")
    screenshot(page, "results-no-javascript")
    page.get_by_role("button", name="Goma (Kwango)").click()  # another place of that name
    page.get_by_role("heading", name="Services près de Goma (Kwango)").wait_for()
    page.get_by_role("link", name=re.compile("Quitter ce site")).click()
    page.wait_for_url(QUICK_EXIT_URL)
    assert page.traffic.exits == [QUICK_EXIT_URL]


def test_my_location_is_rounded_before_it_leaves_the_browser(open_page):
    page = open_page(
        geolocation={"latitude": -1.678912, "longitude": 29.223456}, permissions=["geolocation"]
    )
    bodies: list[str] = []
    page.on("request", lambda r: bodies.append(r.post_data or "") if r.method == "POST" else None)
    page.goto("/")
    page.check("input[name=needs][value=medical]")
    page.get_by_role("button", name="Utiliser ma position").click()
    page.get_by_role("heading", name=re.compile("Services près de vous")).wait_for()
    assert GOMA_RAPE_CARE in page.inner_text("main")
    (body,) = bodies
    assert "lat=-1.68" in body and "lon=29.22" in body
    assert "678912" not in body and "223456" not in body
    assert "lat" not in page.url and "29.2" not in page.url


@pytest.mark.parametrize(
    ("lang", "exit_label", "search_label"),
    [
        ("en", "Leave this site", "Search for help"),
        ("sw", "Ondoka kwenye tovuti hii", "Tafuta msaada"),
        ("ln", "Bima na site oyo", "Luka lisalisi"),
    ],
)
def test_languages_are_chosen_in_the_url(open_page, lang, exit_label, search_label):
    page = open_page()
    page.goto(f"/?lang={lang}")
    assert page.get_attribute("html", "lang") == lang
    assert page.get_by_role("link", name=re.compile(exit_label)).is_visible()
    page.fill("#place", "Goma")
    page.check("input[name=needs][value=medical]")
    page.get_by_role("button", name=search_label).click()
    page.locator("h1", has_text="Goma (Nord-Kivu)").wait_for()  # the results, in place
    assert page.get_attribute("html", "lang") == lang
    assert GOMA_RAPE_CARE in page.inner_text("main")
    screenshot(page, f"results-{lang}")


def test_accessibility_basics(open_page):
    page = open_page()
    page.goto("/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.hasAttribute('data-quick-exit')")
    unlabelled = page.evaluate(
        """[...document.querySelectorAll('input:not([type=hidden])')]
             .filter(i => !(i.labels && i.labels.length) && !i.getAttribute('aria-label'))
             .map(i => i.name)"""
    )
    assert unlabelled == []
    for path in ("/", "/safety"):
        page.goto(path)
        assert page.evaluate(CONTRAST) == []
    _search_goma(page, needs=("medical", "shelter", "legal"))
    assert page.evaluate(CONTRAST) == []
