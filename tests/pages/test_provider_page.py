"""The public page of one service: what, where in words, when, how to reach, last verified."""

from __future__ import annotations

import uuid


def _ids(app):
    """Demo service ids by name (so the test does not depend on id prefixes)."""
    with app.app_context():
        from directory.store import get_store

        return {doc["name"]: doc["id"] for kind, doc in get_store().export() if kind == "service"}


def test_a_public_service_in_words(web, page_app):
    service_id = _ids(page_app)["Prise en charge médicale du viol (démo)"]
    page = web.get(f"/services/{service_id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Centre hospitalier Démo de Goma (démo)" in html
    assert "Prophylaxie post-exposition (PEP) au VIH" in html
    assert "en face du rond-point Signers" in html and "(Nord-Kivu)" in html
    assert "Ouvert 24 h/24, 7 j/7" in html
    assert 'href="tel:+243970000102"' in html
    assert "Dernière vérification : 15 octobre 2026." in html
    assert "Set-Cookie" not in page.headers and page.headers["Cache-Control"] == "no-store"


def test_weekly_hours_are_grouped(web, page_app):
    service_id = _ids(page_app)["Soutien psychosocial et gestion de cas (démo)"]
    html = web.get(f"/services/{service_id}").get_data(as_text=True)
    assert "lundi – vendredi : 08:00–16:00" in html
    assert "Ouvert maintenant" in html  # Monday 11:00 in Goma


def test_a_shelter_shows_its_front_door_only(web, page_app):
    service_id = _ids(page_app)["Hébergement temporaire sûr (démo)"]
    html = web.get(f"/services/{service_id}").get_data(as_text=True)
    assert "Adresse confidentielle, pour la sécurité de tous" in html
    assert 'href="tel:+243970000301"' in html
    for secret in ("-1.655", "29.19", "Maison Amani", "Adresse confidentielle (démo)", "Près de"):
        assert secret not in html


def test_a_restricted_location_shows_its_province_only(web, page_app):
    service_id = _ids(page_app)["Assistance juridique et judiciaire (démo)"]
    html = web.get(f"/services/{service_id}").get_data(as_text=True)
    assert "Province : Nord-Kivu" in html
    assert "pharmacie" not in html and "Himbi" not in html.split("<h1>")[1].split("Province")[1]


def test_unknown_services_are_404(web):
    assert web.get(f"/services/{uuid.uuid4()}").status_code == 404
    assert web.get("/services/not-a-uuid").status_code == 404
    page = web.get(f"/services/{uuid.uuid4()}", headers={"Accept": "text/html"})
    assert "Page introuvable." in page.get_data(as_text=True)
