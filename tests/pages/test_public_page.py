"""The public lookup page over HTTP: search, results in words, confidentiality, no traces."""

from __future__ import annotations

import re

import pytest

from directory.pages import search

GOMA_RAPE_CARE = "Prise en charge médicale du viol (démo)"
GOMA_SHELTER = "Hébergement temporaire sûr (démo)"
# The demo shelter in Goma is confidential: its point and landmark must never be shown.
SHELTER_SECRETS = ("-1.655", "29.19", "Adresse confidentielle (démo)", "Maison Amani")


def _search(web, **form):
    form.setdefault("needs", ["medical"])
    return web.post("/", data=form)


def _text(response) -> str:
    return response.get_data(as_text=True)


def test_front_page_has_the_form_hotlines_and_safety(web):
    page = web.get("/")
    assert page.status_code == 200
    html = _text(page)
    assert '<html lang="fr">' in html
    assert 'method="post"' in html and 'autocomplete="off"' in html
    assert "Soins médicaux" in html and 'value="medical"' in html
    assert "Ligne verte d&#39;écoute et d&#39;orientation (démo)" in html
    assert 'href="tel:122"' in html
    assert "data-quick-exit" in html and 'href="/safety"' in html
    assert "Set-Cookie" not in page.headers
    assert page.headers["Cache-Control"] == "no-store"


def test_search_by_place_name_finds_nearby_services_in_words(web):
    page = _search(web, place="goma", needs=["medical", "psychosocial"])
    assert page.status_code == 200
    html = _text(page)
    assert "Services près de Goma (Nord-Kivu)" in html
    assert GOMA_RAPE_CARE in html
    assert "Soutien psychosocial et gestion de cas (démo)" in html
    assert "Ouvert 24 h/24, 7 j/7" in html  # open status
    assert re.search(r"\d+,\d km · environ \d+ min à moto", html)  # distance and time
    assert "en face du rond-point Signers" in html  # landmark
    assert "Près de " in html and "(Nord-Kivu)" in html  # nearest place and province
    assert 'href="tel:+243970000102"' in html  # tap to call
    assert "Signaler une exploitation ou un abus sexuel" in html  # always shown
    assert 'href="tel:122"' in html  # hotline always shown
    assert page.headers["Cache-Control"] == "no-store" and "Set-Cookie" not in page.headers


def test_closed_services_say_when_they_open(web, fixed_now, monkeypatch):
    # Saturday evening in Goma: the Katindo office (Mon–Fri 08:00–16:00) is closed.
    saturday = fixed_now.replace(day=5, month=12, hour=19)
    monkeypatch.setattr(search, "now", lambda: saturday)
    html = _text(_search(web, place="Goma", needs=["psychosocial"]))
    assert "Fermé. Ouvre lundi à 08:00." in html


def test_recent_incident_turns_on_clinical_urgency(web):
    html = _text(_search(web, place="Goma", when="3d"))
    assert "Urgent" in html and "72 heures" in html
    assert "pas besoin de porter plainte à la police" in html
    assert html.index(GOMA_RAPE_CARE) < html.index("Signaler une exploitation")


def test_shelter_is_reached_by_its_front_door_only(web):
    html = _text(_search(web, place="Goma", needs=["shelter"]))
    assert GOMA_SHELTER in html
    assert 'href="tel:+243970000301"' in html
    assert "Adresse confidentielle, pour la sécurité de tous" in html
    for secret in SHELTER_SECRETS:
        assert secret not in html
    card = html[html.index(GOMA_SHELTER) : html.index("</article>", html.index(GOMA_SHELTER))]
    assert " km" not in card and "Ouvert" not in card and "Près de" not in card


def test_restricted_addresses_are_not_shown_to_the_public(web):
    html = _text(_search(web, place="Goma", needs=["legal"]))
    assert "pharmacie" not in html


def test_a_device_point_is_rounded_and_never_echoed_exactly(web, caplog):
    with caplog.at_level("DEBUG"):
        page = _search(web, lat="-1.678912", lon="29.223456", needs=["medical"])
    html = _text(page)
    assert page.status_code == 200
    assert "Services près de vous" in html and GOMA_RAPE_CARE in html
    assert 'name="lat" value="-1.68"' in html and 'name="lon" value="29.22"' in html
    for secret in ("678912", "223456", "1.6789", "29.2234"):
        assert secret not in html and secret not in caplog.text


def test_nothing_about_a_search_is_logged(web, caplog):
    with caplog.at_level("DEBUG"):
        _search(web, place="Kalehe", needs=["medical", "legal"])
        web.post("/suggest", data={"q": "Kalehe"})
    assert "Kalehe" not in caplog.text and "legal" not in caplog.text


def test_other_places_of_the_same_name_are_offered(web):
    html = _text(_search(web, place="Goma"))
    assert 'name="choose_place"' in html and "Goma (Kwango)" in html
    assert "Boma" not in html  # a different name is not offered when the name was right


def test_choosing_another_place_searches_there(web):
    other = _text(_search(web, place="Goma"))
    place_id = re.search(r'name="choose_place" value="([^"]+)"[^>]*>Goma \(Kwango\)', other)[1]
    html = _text(_search(web, place="Goma (Nord-Kivu)", choose_place=place_id))
    assert "Services près de Goma (Kwango)" in html


def test_a_stale_place_id_gives_way_to_the_typed_text(web):
    bunia = web.post("/suggest", data={"q": "Bunia"}).get_json()["items"][0]
    html = _text(_search(web, place="Goma", place_id=bunia["id"]))
    assert "Services près de Goma (Nord-Kivu)" in html
    html = _text(_search(web, place=bunia["label"], place_id=bunia["id"]))
    assert "Services près de Bunia (Ituri)" in html


def test_typed_coordinates_are_understood(web):
    html = _text(_search(web, place="-1.67, 29.22"))
    assert "Services près de" in html and GOMA_RAPE_CARE in html


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"place": "", "needs": ["medical"]}, "Indiquez un lieu"),
        ({"place": "Xqzwvvk", "needs": ["medical"]}, "Lieu introuvable"),
        ({"place": "Goma", "needs": []}, "Cochez au moins un besoin"),
        ({"place": "Goma", "needs": ["magic"]}, "Cochez au moins un besoin"),
    ],
)
def test_a_form_that_cannot_run_says_why(web, form, message):
    page = web.post("/", data=form)
    assert page.status_code == 422
    html = _text(page)
    assert message in html and 'role="alert"' in html
    assert 'id="search"' in html  # the form again, to correct


def test_the_point_never_travels_in_a_url(web):
    page = web.get("/?lat=-1.67&lon=29.22&place=Goma&needs=medical")
    assert page.status_code == 200
    assert GOMA_RAPE_CARE not in _text(page)  # a GET never searches
    assert web.get("/suggest?q=goma").status_code == 405


def test_suggestions_are_places_by_name(web):
    answer = web.post("/suggest", data={"q": "bukav"})
    assert answer.status_code == 200 and "Set-Cookie" not in answer.headers
    items = answer.get_json()["items"]
    assert items[0]["label"] == "Bukavu (ville, Sud-Kivu)" and set(items[0]) == {"id", "label"}
    assert web.post("/suggest", data={"q": "  "}).get_json() == {"items": []}


def test_safety_note(web):
    html = _text(web.get("/safety"))
    assert "navigation privée" in html and "Échap" in html


def test_every_result_says_when_it_was_verified_or_to_call_first(web):
    """Issue 19, item 2: "verified on …" or "not verified: call before going" on each card."""
    html = _text(_search(web, place="goma", needs=["medical", "psychosocial", "legal"]))
    cards = html.split('<article class="card">')[1:]
    assert cards
    for card in cards:
        said = (
            "Dernière vérification :" in card or "non vérifiées" in card or "Vérifié il y a" in card
        )
        assert said, card[:200]


def test_an_unsure_place_is_asked_with_its_choices_never_guessed(web):
    """ "Ndosho" once became Fotsho, 1,061 km away; a typo of it is now asked, not guessed."""
    page = _search(web, place="Ndoshi")
    html = _text(page)
    assert page.status_code == 422 and "Nous ne savons pas avec certitude où est" in html
    assert "Ndosho (Goma, Nord-Kivu)" in html and GOMA_RAPE_CARE not in html
    assert 'name="province"' in html and "Utiliser ma position" in html
    place_id = re.search(r'name="choose_place" value="([^"]+)"[^>]*>Ndosho \(', html)[1]
    chosen = _text(_search(web, place="Ndoshi", choose_place=place_id))
    assert "Services près de Ndosho (Goma, Nord-Kivu)" in chosen and GOMA_RAPE_CARE in chosen
    assert "Position approximative" in chosen


@pytest.mark.parametrize("typed", ["Ndosho", "quartier Himbi", "katindo goma", "Kyeshero, Goma"])
def test_goma_quarters_search_from_goma_with_an_approximate_position(web, typed):
    html = _text(_search(web, place=typed))
    assert "(Goma, Nord-Kivu)" in html and GOMA_RAPE_CARE in html
    assert "Position approximative" in html and "Fotsho" not in html


def test_a_place_with_namesakes_of_equal_rank_is_asked(web):
    html = _text(_search(web, place="Panzi"))
    assert "Panzi (Bukavu, Sud-Kivu)" in html and "Services près de" not in html


def test_a_province_narrows_the_name_and_alone_offers_its_towns(web):
    html = _text(_search(web, place="Goma", province="CD31"))
    assert "Services près de Goma (Kwango)" in html
    towns = _search(web, place="", province="CD61")
    html = _text(towns)
    assert towns.status_code == 422 and "Choisissez votre ville" in html
    assert re.search(r'name="choose_place" value="osm:60715164"[^>]*>Goma \(', html)
    assert '<option value="CD61" selected>' in html
    ignored = _text(_search(web, place="Goma", province="CD99"))  # not a province: ignored
    assert "Services près de Goma (Nord-Kivu)" in ignored
