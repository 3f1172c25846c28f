"""The staff pages reworked for issue 22 in real headless Chromium, at 360 px (a phone) and
1366 px (a laptop): the accounts page, the moderation queue, a listing's page, the referrals
list and the discreet slip. No horizontal scroll, no request to another origin, and axe-core
finds no serious or critical accessibility problem. Screenshots go to ``test-artifacts/``
(``docs/screenshots/`` holds copies for the guides)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from directory.core import workflow
from tests import factories as f
from tests.accounts.helpers import PASSWORD, make_user
from tests.browser import conftest as browser_fixtures
from tests.browser.conftest import (
    Traffic,
    _guard,
    screenshot,
    serious_accessibility_problems,
    serve,
)
from tests.pages.helpers import compile_catalogues, demo_app

browser = browser_fixtures.browser
chromium_path = browser_fixtures.chromium_path

pytestmark = pytest.mark.browser
WIDTHS = (360, 1366)
WIDER_THAN_PAGE = """width => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > width + 1)
  .slice(0, 8)
  .map(e => `${e.tagName}.${e.className} ${Math.round(e.getBoundingClientRect().right)}`)"""
COORDINATOR = "coordination@example.org"
CASEWORKER = "gestion@example.org"
RECEPTION = "accueil@example.org"


@pytest.fixture(scope="module")
def staff(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The demo app with a coordinator, a caseworker of an agency and a pending change."""
    compile_catalogues()
    app = demo_app(tmp_path_factory.mktemp("staff") / "njia.sqlite3",
                   SESSION_COOKIE_SECURE=False, SECRET_KEY="browser-test")  # fmt: skip
    with app.app_context():
        from directory.store import get_store

        store = get_store()
        agency = store.create("organization", f.organization(
            name="Action Santé Kivu", phones=[{"number": "+243 990 000 111", "type": "voice"}]),
            "test")  # fmt: skip
        make_user(store, "coordinator", email=COORDINATOR)
        provider = make_user(store, "provider", agency["id"], email="clinique@example.org")
        make_user(store, "caseworker", agency["id"], email=CASEWORKER)
        service = next(d for k, d in store.export() if k == "service" and not d["remote"]
                       and "medical" in d["needs"])  # fmt: skip
        make_user(store, "provider", service["organization_id"], email=RECEPTION)
        other = store.create("organization", f.organization(name="Clinique Tumaini (test)"), "t")
        place = store.create("location", f.location(other["id"], name="Tumaini"), "t")
        store.create("service", f.service(other["id"], [place["id"]], name="Clinique Tumaini",
                                          needs=["medical"]), "t")  # fmt: skip
        more = {"needs": [*service["needs"], "education"]}
        workflow.queue_change(store, "service", service["id"], service["version"], more,
                              f"user:{provider.id}")  # fmt: skip
    with serve(app) as url:
        yield {"url": url, "service": service}


def _page(browser: Any, url: str, width: int) -> tuple[Any, Any, Traffic]:
    context = browser.new_context(base_url=url, viewport={"width": width, "height": 800},
                                  locale="fr-FR", bypass_csp=True)  # fmt: skip
    traffic = Traffic()
    context.route("**/*", lambda route: _guard(route, url, traffic))
    return context, context.new_page(), traffic


def _sign_in(page: Any, email: str) -> None:
    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state()


def _check(page: Any, name: str, width: int) -> None:
    """Fits the width, passes axe-core's serious rules; a screenshot is kept."""
    wide = page.evaluate(WIDER_THAN_PAGE, width)
    assert page.evaluate("document.documentElement.scrollWidth") <= width, (name, wide)
    problems = serious_accessibility_problems(page)
    assert problems == [], (name, width, problems)
    screenshot(page, f"staff-{name}-{width}")


@pytest.mark.parametrize("width", WIDTHS)
def test_coordinator_pages_fit_and_pass_axe(browser: Any, staff: dict[str, Any], width: int):
    context, page, traffic = _page(browser, staff["url"], width)
    try:
        _sign_in(page, COORDINATOR)
        page.goto("/review")
        assert page.get_by_text("+ Éducation").first.is_visible()
        assert page.get_by_text("Proposée par Provider (Action Santé Kivu)").is_visible()
        _check(page, "moderation", width)
        page.select_option("#f-need", "medical")
        page.get_by_role("button", name="Filtrer").click()
        page.wait_for_load_state()
        assert "need=medical" in page.url
        page.goto(f"/review/service/{staff['service']['id']}/history")
        _check(page, "listing", width)
        page.get_by_role("button", name="J'ai relu cette fiche : marquer vérifiée").click()
        page.get_by_text("Fiche vérifiée.").wait_for()
        page.goto("/review/accounts")
        assert page.locator("input[name=role][value=provider]").is_checked()
        page.fill("#email", f"nouvelle-{width}@example.org")
        page.fill("#organization", "action sante kivu")
        page.get_by_role("button", name="Créer l'invitation").click()
        page.get_by_text(f"Invitation créée pour nouvelle-{width}@example.org").wait_for()
        invited = page.get_by_role("cell", name=f"nouvelle-{width}@example.org", exact=True)
        assert invited.is_visible()
        _check(page, "accounts", width)
    finally:
        context.close()
    assert traffic.offsite == []


@pytest.mark.parametrize("width", WIDTHS)
def test_the_slip_and_the_referrals_list_fit_and_pass_axe(
    browser: Any, staff: dict[str, Any], width: int
) -> None:
    context, page, traffic = _page(browser, staff["url"], width)
    try:
        _sign_in(page, CASEWORKER)
        page.fill("#place", "Goma")
        page.check("input[name=needs][value=medical]")
        page.get_by_role("button", name="Chercher").click()
        page.locator("details.compare summary").first.click()  # two clinics side by side
        assert page.locator("details.compare table").first.is_visible()
        _check(page, "results-compare", width)
        page.locator("input[name=pick]").first.check()
        page.get_by_role("button", name="Orienter vers les services cochés").first.click()
        page.locator("input[name=consent]").first.check()
        page.check("input[name=consent_method][value=verbal]")
        page.get_by_role("button", name="Enregistrer l'orientation et préparer la fiche").click()
        slip = page.locator("article.slip")
        slip.wait_for()
        text = slip.inner_text()
        assert "Santé" in text and "viol" not in text.lower() and "+243 990 000 111" in text
        _check(page, "slip", width)
        page.goto("/workspace/referrals")
        _check(page, "referrals", width)
        page.get_by_role("button", name="Réimprimer").first.click()
        page.get_by_text("Fiche réimprimée").wait_for()
    finally:
        context.close()
    assert traffic.offsite == []


@pytest.mark.parametrize("width", WIDTHS)
def test_the_providers_edit_form_fits_a_phone(browser: Any, staff: dict[str, Any], width: int):
    context, page, traffic = _page(browser, staff["url"], width)
    try:
        _sign_in(page, RECEPTION)
        page.goto(f"/provider/services/{staff['service']['id']}")
        page.get_by_label("Lundi ouvre", exact=True).fill("7h30")
        page.get_by_label("Lundi ferme", exact=True).fill("16h")
        _check(page, "provider-edit", width)
        page.get_by_role("button", name="Enregistrer").click()
        page.wait_for_load_state()
        page.goto(f"/provider/services/{staff['service']['id']}")
        assert page.get_by_label("Lundi ouvre", exact=True).input_value() == "07:30"
    finally:
        context.close()
    assert traffic.offsite == []


@pytest.mark.parametrize("width", WIDTHS)
def test_the_workspace_speaks_swahili(browser: Any, staff: dict[str, Any], width: int) -> None:
    context, page, traffic = _page(browser, staff["url"], width)
    try:
        _sign_in(page, CASEWORKER)
        page.goto("/workspace?lang=sw")
        page.fill("#place", "Goma")
        page.check("input[name=needs][value=medical]")
        page.get_by_role("button", name="Tafuta").click()
        page.get_by_role("button", name="Peleka rufaa kwa huduma zilizochaguliwa").wait_for()
        assert page.locator("html").get_attribute("lang") == "sw"
        _check(page, "results-sw", width)
    finally:
        context.close()
    assert traffic.offsite == []
