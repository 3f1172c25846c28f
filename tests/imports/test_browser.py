"""The import pages in real headless Chromium (Debian's, through Playwright): a coordinator
signs in on the sign-in page, uploads the sample, goes through every step without JavaScript
being needed, resolves the flagged rows, imports, invites an organization; malformed files get
their message in the page. Screenshots go to ``test-artifacts/import-*.png``.

The browser is the session's shared one (``tests/browser/chromium.py``); each test serves its
own app over a fresh SQLite file on a loopback port, and no request may leave that server.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from openpyxl import load_workbook
from werkzeug.serving import make_server

from directory import create_app
from tests.accounts.helpers import PASSWORD, make_user
from tests.browser.chromium import shared_browser
from tests.browser.conftest import QuietHandler, chromium_path, screenshot  # noqa: F401
from tests.imports.helpers import (
    AMBIGUOUS_ROW,
    CONFIRM_ROW,
    KATALE_NEAR_MASISI,
    PARTNER,
    SAMPLE_XLSX,
    snapshot,
)

pytestmark = pytest.mark.browser
EMAIL = "coordinatrice@example.org"


@pytest.fixture
def backend():
    return "sqlite"


@pytest.fixture(scope="module")
def browser(chromium_path):  # noqa: F811
    with shared_browser(chromium_path) as launched:
        yield launched


@pytest.fixture
def served(tmp_path) -> Iterator[tuple[str, Any]]:
    """A fresh app with one coordinator, served on 127.0.0.1; (base URL, its store)."""
    app = create_app(
        {
            "TESTING": True,
            "STORE": "sqlite",
            "DATABASE": str(tmp_path / "n.db"),
            "SESSION_COOKIE_SECURE": False,
            "SECRET_KEY": "browser-test",
        }
    )
    with app.app_context():
        from directory.store import get_store

        store = get_store()
    make_user(store, "coordinator", email=EMAIL)
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", store
    finally:
        server.shutdown()
        thread.join(5)
        app.extensions["njia_store"].close()


@pytest.fixture
def page(browser, served) -> Iterator[Any]:
    """A signed-in coordinator's page, JavaScript off: the pages must work without it."""
    base, _store = served
    context = browser.new_context(
        base_url=base,
        java_script_enabled=False,
        locale="fr-FR",
        viewport={"width": 1024, "height": 900},
    )
    offsite: list[str] = []

    def guard(route: Any) -> None:
        if route.request.url.startswith(base + "/"):
            route.continue_()
        else:
            offsite.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    tab = context.new_page()
    tab.goto("/login")
    tab.fill("#email", EMAIL)
    tab.fill("#password", PASSWORD)
    tab.click("button[type=submit]")
    yield tab
    context.close()
    assert offsite == [], "requests to another origin"


def _go_to_preview(page: Any) -> None:
    page.goto("/imports/")
    assert page.locator("h1").inner_text() == "Importer une cartographie"
    page.fill("#partner", PARTNER)
    page.set_input_files("#file", str(SAMPLE_XLSX))
    screenshot(page, "import-1-upload")
    page.click("text=Lire le fichier")
    assert "Premières lignes de « Cartographie »" in page.content()
    assert page.input_value("#header_row") == "4"
    screenshot(page, "import-2-sheet")
    page.click("text=Utiliser cette feuille")
    assert page.locator("#col-organization").input_value() == "Structure"
    assert page.locator("#col-place").input_value() == "Localité"
    screenshot(page, "import-3-columns")
    page.click("text=Continuer")
    assert "« pec holistique »" in page.content()
    screenshot(page, "import-4-needs")
    page.click("text=Voir l'aperçu")


def test_a_coordinator_imports_the_sample_and_invites_an_organization(page, served):
    _base, store = served
    _go_to_preview(page)
    summary = page.locator("#import-summary").inner_text()
    assert "12 lignes : 10 à importer, 2 à corriger, 0 exclues." in summary
    unknown = page.locator(f"#row-{CONFIRM_ROW}").inner_text()
    assert "« Rutshru » n'est pas dans le répertoire" in unknown and "(E)" in unknown
    assert "Kanyaruchinya (Goma, Nord-Kivu)" in page.locator("#row-11").inner_text()
    assert "Kitchanga (Nord-Kivu)" in page.locator("#row-8").inner_text()
    screenshot(page, "import-5-preview")

    page.click("button[value=import]")  # refused: two rows still to fix
    assert "Lignes à corriger : 9, 12." in page.locator("#preview-error").inner_text()
    assert sum(store.counts().values()) == 0

    page.check(f"#row-{AMBIGUOUS_ROW} input[value='{KATALE_NEAR_MASISI}']")
    page.check(f"#row-{CONFIRM_ROW} input[name=exclude]")
    page.click("button[value=update]")
    assert "11 à importer, 0 à corriger, 1 exclues" in page.locator("#import-summary").inner_text()
    assert "Katale (Nord-Kivu)" in page.locator(f"#row-{AMBIGUOUS_ROW}").inner_text()
    page.click("button[value=import]")

    result = page.locator("#import-result").inner_text()
    assert "11 lignes importées. Fiches : 29 nouvelles" in result
    assert store.counts() == {"organization": 7, "location": 11, "service": 11}
    screenshot(page, "import-6-result")
    row = page.locator("tr", has_text="Centre Salama (fictif)")
    row.locator("input[type=email]").fill("salama@example.org")
    row.locator("button").click()
    link = page.locator("code.import-link").inner_text()
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/invite/[\w-]+", link)
    screenshot(page, "import-7-invitation")

    exported = snapshot(store)[0]
    _go_to_preview(page)  # the same file again: nothing to do, Katale remembered
    summary = page.locator("#import-summary").inner_text()
    assert "11 à importer, 1 à corriger" in summary
    assert "Fiches : 0 nouvelles, 0 mises à jour, 29 inchangées" in summary
    assert "(choisi)" in page.locator(f"#row-{AMBIGUOUS_ROW}").inner_text()
    page.check(f"#row-{CONFIRM_ROW} input[name=exclude]")
    page.click("button[value=import]")
    assert "29 inchangées" in page.locator("#import-result").inner_text()
    assert snapshot(store)[0] == exported


def test_the_steps_fit_a_phone(browser, served):
    """Upload, sheet, columns and needs at 360 px: nothing wider than the screen."""
    base, _store = served
    context = browser.new_context(base_url=base, java_script_enabled=False, locale="fr-FR",
                                  viewport={"width": 360, "height": 800})  # fmt: skip
    try:
        phone = context.new_page()
        phone.goto("/login")
        phone.fill("#email", EMAIL)
        phone.fill("#password", PASSWORD)
        phone.click("button[type=submit]")
        phone.goto("/imports/")
        phone.fill("#partner", PARTNER)
        phone.set_input_files("#file", str(SAMPLE_XLSX))
        phone.click("text=Lire le fichier")
        phone.click("text=Utiliser cette feuille")
        assert phone.locator("#col-organization").input_value() == "Structure"
        assert phone.evaluate("document.documentElement.scrollWidth") <= 360
        screenshot(phone, "import-3-columns-360")
        phone.click("text=Continuer")
        assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    finally:
        context.close()


def test_malformed_files_get_their_message_in_the_page(page, served, tmp_path):
    _base, store = served
    before = snapshot(store)
    big = tmp_path / "cartographie.csv"
    big.write_bytes(b"x;y\n" * (5 * 1024 * 1024))  # 20 MB
    page.goto("/imports/")
    page.fill("#partner", PARTNER)
    page.set_input_files("#file", str(big))
    with page.expect_navigation() as navigation:
        page.click("text=Lire le fichier")
    assert navigation.value.status == 413
    assert "Le fichier dépasse 10 Mo" in page.locator("#upload-error").inner_text()
    screenshot(page, "import-8-too-large")

    formulas = tmp_path / "formules.xlsx"
    book = load_workbook(SAMPLE_XLSX)
    book["Cartographie"]["A6"] = "=A5+1"
    book.save(formulas)
    page.fill("#partner", PARTNER)
    page.set_input_files("#file", str(formulas))
    page.click("text=Lire le fichier")
    page.click("text=Utiliser cette feuille")
    message = page.locator("#sheet-error").inner_text()
    assert "contient des formules (cellules A6)" in message and "Collage spécial" in message
    screenshot(page, "import-9-formulas")

    page.goto("/imports/")
    page.fill("#partner", PARTNER)
    page.set_input_files(
        "#file",
        {
            "name": "latin.csv",
            "mimeType": "text/csv",
            "buffer": b"Structure;Lieu\nCentre \x81;Goma\n",
        },
    )
    page.click("text=Lire le fichier")
    assert "octet 0x81 illisible" in page.locator("#upload-error").inner_text()
    assert snapshot(store)[0] == before[0]
