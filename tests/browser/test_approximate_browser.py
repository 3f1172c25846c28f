"""An approximate position in real headless Chromium (issue 19, item 5): a service whose
point was taken from a place name reads "À Sake (position approximative)", never "0 km",
on a phone (360 px) and a laptop (1366 px), in French and in English."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.browser.conftest import screenshot, serve
from tests.imports.helpers import PARTNER
from tests.pages.helpers import compile_catalogues, demo_app

pytestmark = pytest.mark.browser

SHEET = (
    "Structure;Localité;Province;Type de service;Téléphone\n"
    "Centre Amani (fictif);Sake;Nord-Kivu;PEC médicale;0970 000 101\n"
)


@pytest.fixture(scope="module")
def server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The demo directory plus one sheet row placed by its town's name (Sake)."""
    compile_catalogues()
    folder = tmp_path_factory.mktemp("approximate")
    app = demo_app(folder / "njia.sqlite3")
    sheet = folder / "sheet.csv"
    sheet.write_text(SHEET, encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["import-sheet", str(sheet), "--partner", PARTNER])
    assert result.exit_code == 0, result.output
    with serve(app) as url:
        yield url


@pytest.mark.parametrize(
    ("width", "lang", "said", "button"),
    [
        (360, "fr", "À Sake (position approximative)", "Chercher de l'aide"),
        (1366, "en", "In Sake (approximate position)", "Search for help"),
    ],
)
def test_an_approximate_position_is_said_as_such(open_page, width, lang, said, button):
    page = open_page(viewport={"width": width, "height": 900})
    page.goto(f"/?lang={lang}")
    page.fill("#place", "Sake")
    page.locator("#suggestions button", has_text="Sake").first.click()
    page.check("input[name=needs][value=medical]")
    page.get_by_role("button", name=button).click()
    card = page.locator("article.card", has_text="Centre Amani (fictif)").first
    card.wait_for()
    text = card.inner_text()
    assert said in text
    assert " 0 km" not in text and "0 min" not in text
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    screenshot(page, f"approximate-{width}px-{lang}")
