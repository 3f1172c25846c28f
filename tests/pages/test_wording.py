"""Every reason, warning and message the matcher documents becomes a sentence in every
language (or is said otherwise by the page), with the parameters it documents."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from directory.pages import wording

README = (Path(__file__).resolve().parents[2] / "matching" / "README.md").read_text("utf-8")
SAMPLES = {
    "need": "medical",
    "needs": "medical,legal",
    "capability": "pep",
    "features": "wheelchair,sign_language",
    "languages": "sw,ln",
    "items": "pep",
    "sexes": "female",
    "next_open": "2026-11-30T08:00:00+02:00",
    "text": "Route coupée.",
}


def documented_codes() -> dict[str, list[str]]:
    """Code -> parameter names, from the README tables of reasons, warnings and messages."""
    section = README.split("### `Recommendation.reasons`")[1].split("### `CarePlanStop")[0]
    codes = {}
    for code, params in re.findall(r"^\| `(\w+)` \|([^|]*)\|", section, flags=re.M):
        codes[code] = re.findall(r"`(\w+)`", params)
    return codes


def test_the_readme_tables_are_found():
    assert {"has_capability", "location_withheld", "urgent", "see_hotlines"} <= set(
        documented_codes()
    )


@pytest.mark.parametrize("code", sorted(documented_codes()))
@pytest.mark.parametrize("lang", ["fr", "en", "sw", "ln"])
def test_every_code_is_worded_in_every_language(page_app, code, lang):
    params = {name: SAMPLES.get(name, "3") for name in documented_codes()[code]}
    with page_app.test_request_context(f"/?lang={lang}"):
        text = wording.note_text({"code": code, "params": params})
    if code in wording.SAID_OTHERWISE:
        assert text is None
    else:
        assert text and "%(" not in text and "_" not in text, text


def test_opening_times_and_distances_in_words(page_app):
    rec = {"location": {}, "service": {"schedule": {"always_open": False}}, "open_now": False,
           "next_open": "2026-12-07T08:00:00+02:00", "distance_km": 12.25,
           "travel_minutes": 75}  # fmt: skip
    with page_app.test_request_context("/?lang=en"):
        assert wording.opening(rec) == ("closed", "Closed. Opens Monday at 08:00.")
        assert wording.distance(rec) == "12.2 km · about 1 h 15 by motorbike"
    with page_app.test_request_context("/"):
        assert wording.distance(rec) == "12,2 km · environ 1 h 15 à moto"
        assert wording.phone_links([{"number": "+243 (0) 970-000", "type": "sms"}]) == [
            {"href": "sms:+2430970000", "number": "+243 (0) 970-000", "kind": "SMS"}
        ]
