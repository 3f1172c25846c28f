"""The workspace in real headless Chromium: sign in on /login, search Goma for two needs inside
72 hours, the urgent option first, the map, refer with consent, print the slip and download its
PDF, sign out. Nothing is requested from another origin; screenshots and the PDFs are kept in
``test-artifacts/``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.accounts.helpers import PASSWORD, make_user
from tests.browser import conftest as browser_fixtures
from tests.browser.conftest import ARTIFACTS, Traffic, _guard, screenshot, serve
from tests.pages.helpers import compile_catalogues, demo_app

browser = browser_fixtures.browser  # the session's Chromium, shared with the public tests
chromium_path = browser_fixtures.chromium_path

pytestmark = pytest.mark.browser
GOMA_HOSPITAL = "Prise en charge médicale du viol (démo)"
EMAIL = "intervenante@example.org"


@pytest.fixture(scope="module")
def staff_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The demo app with a caseworker account, served over plain HTTP on loopback."""
    compile_catalogues()
    app = demo_app(tmp_path_factory.mktemp("workspace") / "njia.sqlite3",
                   SESSION_COOKIE_SECURE=False, SECRET_KEY="browser-test")  # fmt: skip
    with app.app_context():
        from directory.store import get_store

        make_user(get_store(), "caseworker", email=EMAIL)
    with serve(app) as url:
        yield url


@pytest.fixture
def staff_page(browser: Any, staff_url: str) -> Iterator[Any]:
    """A laptop-sized page that may keep a session cookie but reaches no other origin."""
    context = browser.new_context(base_url=staff_url, viewport={"width": 1280, "height": 900},
                                  locale="fr-FR", accept_downloads=True)  # fmt: skip
    traffic = Traffic()
    context.route("**/*", lambda route: _guard(route, staff_url, traffic))
    page = context.new_page()
    page.traffic = traffic
    yield page
    context.close()
    assert traffic.offsite == [], "requests to another origin"


def _sign_in(page: Any) -> None:
    """Sign in on /login as the caseworker; the workspace opens."""
    page.goto("/login")
    page.fill("#email", EMAIL)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/workspace")


def test_sign_in_search_refer_and_print_the_slip(staff_page: Any) -> None:
    page = staff_page
    _sign_in(page)
    page.fill("#place", "Goma")
    page.check("input[name=needs][value=medical]")
    page.check("input[name=needs][value=legal]")
    page.fill("#hours", "10")
    page.get_by_role("button", name="Chercher").click()
    page.get_by_role("heading", name="Urgent : d'abord ici").wait_for()
    assert page.url.endswith("/workspace")  # the place is in no URL
    assert page.get_by_role("heading", name="Services près de Goma (Nord-Kivu)").is_visible()
    first = page.locator("main article.card").first
    assert GOMA_HOSPITAL in first.inner_text()
    urgent_top = page.locator(".urgent-first").bounding_box()
    plan_top = page.locator("#plan").bounding_box()
    assert urgent_top["y"] < plan_top["y"]
    screenshot(page, "workspace-results")

    map_svg = page.locator("#map svg")
    map_svg.scroll_into_view_if_needed()
    assert map_svg.is_visible()
    box = map_svg.bounding_box()
    assert box["width"] > 200 and box["height"] > 100
    assert page.locator("#map .marker").count() >= 2
    assert page.locator("#map .search-point").count() == 1
    assert page.locator("#map path.border").first.get_attribute("d")
    ARTIFACTS.mkdir(exist_ok=True)
    map_svg.screenshot(path=str(ARTIFACTS / "workspace-map.png"))

    page.locator(".urgent-first input[name=pick]").check()
    page.locator('input[name=pick][value^="legal|"]').first.check()
    page.get_by_role("button", name="Orienter vers les services cochés").click()
    page.get_by_role("heading", name="Orienter : consentement d'abord").wait_for()
    page.get_by_role("button", name="Enregistrer l'orientation et préparer la fiche").click()
    page.locator("[role=alert]").wait_for()  # no attestation: nothing recorded
    for box in page.locator("input[name=consent]").all():  # consent, service by service
        box.check()
    page.get_by_role("button", name="Enregistrer l'orientation et préparer la fiche").click()
    page.locator("[role=alert]").wait_for()  # who consented is not said yet: nothing recorded
    page.check("input[name=consent_method][value=verbal]")
    page.get_by_role("button", name="Enregistrer l'orientation et préparer la fiche").click()
    page.get_by_role("heading", name="Fiche d'orientation").wait_for()
    slip_text = page.locator("article.slip").inner_text()
    assert GOMA_HOSPITAL not in slip_text and "Santé" in slip_text  # the discreet slip
    assert slip_text.count("Code d'orientation") == 2
    screenshot(page, "workspace-slip")

    page.evaluate("() => { window.__printed = 0; window.print = () => { window.__printed++; }; }")
    page.get_by_role("button", name="Imprimer la fiche").click()
    assert page.evaluate("window.__printed") == 1
    page.emulate_media(media="print")
    assert page.locator(".staff-nav").is_hidden() and page.locator(".slip-actions").is_hidden()
    assert page.locator("article.slip").is_visible()
    screenshot(page, "workspace-slip-print")
    page.pdf(path=str(ARTIFACTS / "workspace-slip-printed.pdf"), format="A5")
    page.emulate_media(media="screen")

    with page.expect_download() as download:
        page.get_by_role("button", name="Télécharger en PDF").click()
    saved = ARTIFACTS / "workspace-slip.pdf"
    download.value.save_as(str(saved))
    assert saved.read_bytes().startswith(b"%PDF")

    (before,) = [c["value"] for c in page.context.cookies() if c["name"] == "njia_session"]
    page.evaluate("() => localStorage.setItem('left-behind', '1')")
    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_url("**/login")
    assert page.evaluate("() => localStorage.getItem('left-behind')") is None  # Clear-Site-Data
    after = [c["value"] for c in page.context.cookies() if c["name"] == "njia_session"]
    assert before not in after  # the sign-in form's new, anonymous session only
    assert page.goto("/workspace").status == 401


def test_place_suggestions_work_for_a_signed_in_caseworker(staff_page: Any) -> None:
    """The suggestions are POSTed: a signed-in browser sends the form's CSRF token with them."""
    page = staff_page
    _sign_in(page)
    page.fill("#place", "Gom")
    page.get_by_role("button", name="Goma (Nord-Kivu)").click()
    assert page.input_value("input[name=place_id]")
    assert page.input_value("#place") == "Goma (Nord-Kivu)"


def test_an_unsure_place_is_asked_and_a_choice_searches_there(staff_page: Any) -> None:
    """Issue 19: a typo is never taken for a place; the caseworker picks from the choices."""
    page = staff_page
    _sign_in(page)
    page.fill("#place", "Ndoshi")
    page.check("input[name=needs][value=medical]")
    page.get_by_role("button", name="Chercher").click()
    page.locator("#form-error").wait_for()
    assert "Nous ne savons pas avec certitude" in page.inner_text("#form-error")
    assert page.locator("select#province").is_visible()
    page.locator(".place-choices").get_by_role("button", name="Ndosho (Goma, Nord-Kivu)").click()
    heading = page.get_by_role("heading", name="Services près de Ndosho (Goma, Nord-Kivu)")
    heading.wait_for()
    assert "Position approximative" in page.inner_text("main")
    assert GOMA_HOSPITAL in page.inner_text("main")
    screenshot(page, "workspace-place-choice")
