"""The catalogues: complete, up to date with the code, honest about machine translation, and
used by the pages (language in the URL or the form, never a cookie)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po

from tests.pages.helpers import TRANSLATIONS

ROOT = TRANSLATIONS.parents[1]
LANGUAGES = ("en", "sw", "ln")
MACHINE_MADE = "machine-made translation: needs review by a native speaker"
PLACEHOLDER = re.compile(r"%\((\w+)\)")


def _catalogue(path: Path):  # type: ignore[no-untyped-def]
    with path.open("rb") as handle:
        return read_po(handle)


def _entries(lang: str) -> list:  # type: ignore[type-arg]
    return [m for m in _catalogue(TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po") if m.id]


def test_the_template_is_up_to_date_with_the_code(tmp_path):
    fresh = tmp_path / "messages.pot"
    CommandLineInterface().run(
        ["pybabel", "-q", "extract", "-F", str(ROOT / "babel.cfg"), "--no-location",
         "-o", str(fresh), str(ROOT)]
    )  # fmt: skip
    expected = {m.id for m in _catalogue(fresh) if m.id}
    stored = {m.id for m in _catalogue(TRANSLATIONS / "messages.pot") if m.id}
    assert stored == expected, "run `make messages` and translate the new entries"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_message_is_translated_with_the_same_placeholders(lang):
    template = {m.id for m in _catalogue(TRANSLATIONS / "messages.pot") if m.id}
    entries = _entries(lang)
    assert {m.id for m in entries} == template
    for m in entries:
        ids = m.id if isinstance(m.id, tuple) else (m.id,)  # a plural: singular and plural
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        assert all(strings) and not m.fuzzy, m.id
        for text in strings:
            assert sorted(PLACEHOLDER.findall(ids[-1])) == sorted(PLACEHOLDER.findall(text)), m.id


@pytest.mark.parametrize("lang", LANGUAGES)
def test_machine_translations_are_marked_for_review(lang):
    unmarked = [
        m.id
        for m in _entries(lang)
        if not any(c == MACHINE_MADE or c.startswith("reviewed by ") for c in m.user_comments)
    ]
    assert unmarked == []


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("fr", "Trouver de l&#39;aide près de vous"),
        ("en", "Find help near you"),
        ("sw", "Pata msaada karibu nawe"),
        ("ln", "Zwa lisalisi pene na yo"),
    ],
)
def test_the_language_is_chosen_in_the_url(web, lang, words):
    page = web.get("/" if lang == "fr" else f"/?lang={lang}")
    html = page.get_data(as_text=True)
    assert f'<html lang="{lang}">' in html and words.replace("&#39;", "'") in html.replace(
        "&#39;", "'"
    )
    assert f'name="lang" value="{lang}"' in html
    assert "Set-Cookie" not in page.headers


def test_the_language_is_carried_by_the_form(web):
    page = web.post("/", data={"lang": "sw", "place": "Goma", "needs": ["medical"]})
    html = page.get_data(as_text=True)
    assert '<html lang="sw">' in html and "Huduma karibu na Goma (Nord-Kivu)" in html
    assert "Matibabu" in html  # the need label, from the taxonomy, translated


def test_links_keep_the_language_and_unknown_languages_fall_back_to_french(web):
    html = web.get("/?lang=ln").get_data(as_text=True)
    assert 'href="/safety?lang=ln"' in html and 'href="/about?lang=ln"' in html
    assert '<html lang="fr">' in web.get("/?lang=xx").get_data(as_text=True)
    about = web.get("/about?lang=en").get_data(as_text=True)
    assert "About Njia" in about and "OpenStreetMap" in about
