"""The coordinators' pages: access, content, pictures, and the page rules (no inline style,
nothing from elsewhere, never cached)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from directory.core.rights import issue_token
from directory.pages import gaps as gaps_pages
from tests.accounts.helpers import make_user, sign_in
from tests.conftest import bearer
from tests.coverage.conftest import AT, demo_listings
from tests.pages.helpers import compile_catalogues

PAGES = ["/gaps", "/gaps/network", "/gaps/quality", "/gaps/map.svg", "/gaps/chart.svg"]


@pytest.fixture
def backend():
    """The pages do not depend on the store beyond the export (tested on both in test_api)."""
    return "sqlite"


@pytest.fixture
def config(config):
    return {**config, "SESSION_COOKIE_SECURE": False, "SECRET_KEY": "test-secret"}


@pytest.fixture(autouse=True)
def fixed_now(monkeypatch):
    monkeypatch.setattr(gaps_pages, "now", lambda: AT)


@pytest.fixture
def staff(app_store, tokens):
    compile_catalogues()
    app_store.import_all(demo_listings())
    return bearer(tokens["coordinator"])


@pytest.mark.parametrize("url", PAGES)
def test_only_staff_may_open_the_pages(client, app_store, tokens, staff, url):
    org = next(d for k, d in app_store.export() if k == "organization")
    provider = bearer(issue_token(app_store, "provider", "p", org["id"]))
    assert client.get(url).status_code == 401
    assert client.get(url, headers=bearer(tokens["caseworker"])).status_code == 403
    assert client.get(url, headers=provider).status_code == 403
    assert client.get(url, headers=bearer(tokens["admin"])).status_code == 200
    response = client.get(url, headers=staff)
    assert response.status_code == 200
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]


def test_the_coverage_page(client, staff):
    response = client.get("/gaps?need=pep_24h&km=100", headers=staff)
    html = response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"
    assert "Lacunes de couverture" in html and "PEP disponible 24 h/24, 7 j/7" in html
    assert '<option value="pep_24h" selected>' in html and '<option value="100" selected>' in html
    assert 'src="/gaps/map.svg?need=pep_24h&amp;lang=fr"' in html
    assert "/api/v1/coverage/places?need=pep_24h&amp;beyond_km=100&amp;format=csv" in html
    assert "Nord-Kivu" in html and "Territoires sans aucun service" in html
    assert re.search(r"static/staff\.css\?v=\w+", html)
    assert " style=" not in html and "<style" not in html
    assert [s for s in re.findall(r"<script[^>]*>", html) if "njia.js" not in s] == []


def test_unknown_choices_fall_back_to_the_defaults(client, staff):
    html = client.get("/gaps?need=nonsense&km=7", headers=staff).get_data(as_text=True)
    assert '<option value="medical" selected>' in html and '<option value="50" selected>' in html


def test_the_map_is_a_standalone_svg_with_every_place(client, staff):
    response = client.get("/gaps/map.svg?need=legal", headers=staff)
    assert response.mimetype == "image/svg+xml"
    assert response.headers["Content-Disposition"] == 'inline; filename="njia-carte-legal.svg"'
    root = ET.fromstring(response.get_data())
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    counts = [int(m) for t in texts for m in re.findall(r"\((\d+)\)$", t or "")]
    assert sum(counts) == 13960
    assert "Distance au service le plus proche : Aide juridique" in texts


def test_the_chart_has_a_bar_per_province(client, staff):
    root = ET.fromstring(client.get("/gaps/chart.svg?need=medical", headers=staff).get_data())
    labels = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "Nord-Kivu" in labels and "Kinshasa" in labels and len(labels) >= 26 + 1


def test_the_network_page(client, staff):
    html = client.get("/gaps/network", headers=staff).get_data(as_text=True)
    assert "Centre hospitalier Démo de Goma (démo)" in html
    assert "Aucune orientation enregistrée pour l'instant" in html
    assert "Ligne verte Démo (démo)" in html  # nobody refers to the hotline


def test_the_quality_page(client, staff):
    html = client.get("/gaps/quality", headers=staff).get_data(as_text=True)
    assert "Hébergement temporaire sûr (démo)" in html  # capacity older than 7 days
    assert "Hébergements dont les places datent de plus de 7 jours" in html


def test_a_signed_in_coordinator_finds_the_page_in_the_navigation(client, app_store, staff):
    make_user(app_store, "coordinator", email="coord@example.org")
    sign_in(client, "coord@example.org")
    html = client.get("/gaps/quality").get_data(as_text=True)
    assert 'href="/gaps"' in html and "Lacunes de couverture" in html


def test_the_pages_are_translated(client, staff):
    html = client.get("/gaps?lang=en", headers=staff).get_data(as_text=True)
    assert '<html lang="en">' in html and "Coverage gaps" in html
    assert 'src="/gaps/map.svg?need=medical&amp;lang=en"' in html
    svg = client.get("/gaps/map.svg?need=legal&lang=en", headers=staff).get_data(as_text=True)
    assert "Distance to the nearest service: Legal aid" in svg


@pytest.mark.parametrize("url", ["/gaps", "/gaps/network", "/gaps/quality"])
def test_pages_load_nothing_inline_or_from_another_origin(client, staff, url):
    html = client.get(url, headers=staff).get_data(as_text=True)
    assert "<style" not in html and " style=" not in html
    assert not re.search(r"<script(?![^>]*\ssrc=\"/static/)", html)
    assert not re.search(r"\son\w+=", html)
    for link in re.findall(r'<(?:link|script|img)[^>]*\s(?:href|src)="([^"]+)"', html):
        assert link.startswith("/") or link == "data:,", link
    with client.get("/static/staff.css") as css:
        text = css.get_data(as_text=True)
    assert "@import" not in text and "url(" not in text and "http" not in text


def test_the_page_its_map_and_chart_share_one_report_until_the_directory_changes(
    client, staff, app_store, monkeypatch
):
    from directory.coverage import gaps

    computed = []
    real = gaps.compute

    def counting(*args, **kwargs):  # type: ignore[no-untyped-def]
        computed.append(args[1])
        return real(*args, **kwargs)

    monkeypatch.setattr(gaps, "compute", counting)
    for url in ("/gaps?need=medical", "/gaps/map.svg?need=medical", "/gaps/chart.svg?need=medical"):
        assert client.get(url, headers=staff).status_code == 200
    assert computed == ["medical"]  # one computation for the three
    client.get("/gaps?need=legal", headers=staff)
    assert computed == ["medical", "legal"]
    service = next(d for k, d in app_store.export() if k == "service" and "medical" in d["needs"])
    app_store.update("service", service["id"], {**service, "status": "inactive"},
                     service["version"], "test")  # fmt: skip
    client.get("/gaps/map.svg?need=medical", headers=staff)
    assert computed == ["medical", "legal", "medical"]  # the directory changed: computed again
