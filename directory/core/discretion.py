"""What may be printed on paper a survivor carries home.

A referral slip can be found by the person who hurt them. It names places and phones, never
what happened: a service, organization or place whose name says violence, rape, abuse or the
acronyms of the field (VBG, SGBV, EAS, PEP…) is named by a neutral title instead (decision 26,
``docs/caseworker-workspace.md``). The words are French, English and Swahili, plus the
acronyms; Lingala names in the directory are rare and their words are left for native speakers
to add (``REVEALING_WORDS``).
"""

from __future__ import annotations

import re
import unicodedata

REVEALING_WORDS = (
    # French
    r"viols?", r"violee?s?", r"violences?", r"violent\w*", r"sexuel\w*", r"abus\w*",
    r"exploitation", r"survivant\w*", r"victimes?", r"agression\w*", r"inceste",
    r"traumatis\w*", r"genre",
    # English
    r"rape\w*", r"sexual\w*", r"abuse\w*", r"assault\w*", r"survivor\w*", r"victims?",
    r"violence", r"gender",
    # Swahili
    r"ubakaji", r"kubakwa", r"unyanyasaji", r"ukatili", r"dhuluma", r"kijinsia",
    # acronyms (French and English)
    r"vbg", r"vsbg", r"vs", r"sgbv", r"gbv", r"eas", r"sea", r"psea", r"pseas", r"pep",
    r"ist", r"sti", r"vih", r"hiv", r"osc?c",
)  # fmt: skip
"""Whole words (accents and case ignored) that reveal what a service is for."""
_REVEALING = re.compile(r"\b(?:" + "|".join(REVEALING_WORDS) + r")\b")


def _folded(text: str) -> str:
    """Lower case, accents removed, apostrophes and hyphens as spaces."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"[’'\-_/.]", " ", plain)


def reveals(text: str | None) -> bool:
    """Whether ``text`` holds a word that says what happened to the person carrying it."""
    return bool(text) and _REVEALING.search(_folded(text or "")) is not None


def discreet(text: str | None) -> str:
    """``text`` if it may be printed on a slip, else the empty string."""
    return "" if text is None or reveals(text) else text
