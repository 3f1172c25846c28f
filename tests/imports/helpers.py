"""Shared by the spreadsheet import tests: the sample, snapshots, signing in, page forms."""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser
from pathlib import Path

from flask.testing import EnvironBuilder

from directory.core.taxonomy import SEED_DIR
from directory.exchange.transfer import export_lines
from tests.accounts.helpers import make_user, sign_in

SAMPLES = SEED_DIR / "samples"
SAMPLE_XLSX = SAMPLES / "cartographie_services_nord_kivu.xlsx"
SAMPLE_CSV = SAMPLES / "cartographie_services_nord_kivu.csv"
PARTNER = "Sous-cluster VBG Nord-Kivu"
CONFIRM_ROW = 9
"""The sample's row whose place ("Rutshru") is a typo of Rutshuru: offered, not taken."""
AMBIGUOUS_ROW = 12
"""The sample's row whose place (Katale) names two villages of Nord-Kivu."""
KATALE_NEAR_MASISI = "osm:1158948403"
EXPECTED_ORGANIZATIONS = {
    "Hôpital Amani (fictif)",
    "Association Tumaini (fictive)",
    "Centre de santé Umoja (fictif)",
    "Maison d'écoute Upendo (fictive)",
    "Clinique mobile Faraja (fictive)",
    "Centre Salama (fictif)",
    "Maison Tulizo (fictive)",
    "Association Lumière (fictive)",
}
RUTSHURU = "osm:2080731983"
RESOLVED = [
    "--choose",
    f"{CONFIRM_ROW}={RUTSHURU}",
    "--choose",
    f"{AMBIGUOUS_ROW}={KATALE_NEAR_MASISI}",
]


def snapshot(store) -> tuple[str, dict[str, int]]:  # type: ignore[no-untyped-def]
    """The whole directory (listings and history) and the import records, to compare."""
    records = {
        c: len(store.find_records(c, limit=10_000))
        for c in ("import_mapping", "import_draft", "import_batch")
    }
    return "".join(export_lines(store)), records


def listings(store, kind):  # type: ignore[no-untyped-def]
    return [doc for k, doc in store.export() if k == kind]


def coordinator_client(app, store):  # type: ignore[no-untyped-def]
    """A test client signed in as a coordinator."""
    make_user(store, "coordinator", email="coord@example.org")
    client = app.test_client()
    sign_in(client, "coord@example.org")
    return client


def csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no CSRF token in the page"
    return found.group(1)


def upload(client, data: bytes, name: str, partner: str = PARTNER):  # type: ignore[no-untyped-def]
    """POST a file to the upload page (with the page's CSRF token).

    The multipart body of a large file is spooled to a temporary file that werkzeug's test
    client leaves open; it is closed here (warnings are errors)."""
    token = csrf(client.get("/imports/").get_data(as_text=True))
    builder = EnvironBuilder(
        client.application,
        "/imports/",
        method="POST",
        data={"csrf_token": token, "partner": partner, "file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )
    environ = builder.get_environ()
    try:
        return client.open(environ)
    finally:
        environ["wsgi.input"].close()
        builder.close()


def read(path: Path) -> bytes:
    return path.read_bytes()


class _Form(HTMLParser):
    """The values a browser would submit for the form whose ``action`` contains ``target``."""

    def __init__(self, target: str) -> None:
        super().__init__()
        self.target, self.inside, self.select = target, False, None
        self.values: dict[str, list[str]] = {}

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        a = dict(attrs)
        if tag == "form":
            self.inside = self.target in (a.get("action") or "")
        elif not self.inside:
            return
        elif tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind not in ("submit", "file"):
                self.values.setdefault(a["name"], []).append(a.get("value") or "")
        elif tag == "select":
            self.select = a.get("name")
        elif tag == "option" and self.select and "selected" in a:
            self.values.setdefault(self.select, []).append(a.get("value") or "")

    def handle_endtag(self, tag):  # type: ignore[no-untyped-def]
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self.select = None


def form_values(html: str, target: str) -> dict[str, list[str]]:
    parser = _Form(target)
    parser.feed(html)
    return parser.values
