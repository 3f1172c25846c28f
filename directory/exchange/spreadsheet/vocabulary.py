"""The words of service-mapping sheets (French and English) and what they mean in Njia.

Three tables, all keyed by :func:`directory.places.names.normalise`-d text (lower case, no
accents, single spaces):

- :data:`NEED_WORDS`: phrases of the GBV sub-clusters' "who does what where" sheets and the
  need codes they stand for (the four pillars of holistic care are medical, psychosocial,
  legal and livelihood support). :data:`NEED_KEYWORDS` catches the rest by word stems.
  These are *suggestions*: the coordinator confirms them per partner in the mapping step,
  and the partner's choices are saved for the next import.
- :data:`LANGUAGE_WORDS`: language names → ISO 639 codes.
- :data:`PLACEHOLDERS` and :data:`YES`/:data:`NO`: cell values meaning "nothing" or a tick.
"""

from __future__ import annotations

import re

from directory.places.names import normalise

HOLISTIC = ("medical", "psychosocial", "legal", "livelihood")
# fmt: off
NEED_WORDS: dict[str, tuple[str, ...]] = {
    # medical
    "pec medicale": ("medical",), "prise en charge medicale": ("medical",),
    "soins medicaux": ("medical",), "medical": ("medical",), "medicale": ("medical",),
    "sante": ("medical",), "soins de sante": ("medical",), "kit pep": ("medical",),
    "pep": ("medical",), "prophylaxie post exposition": ("medical",), "cmr": ("medical",),
    "prise en charge clinique du viol": ("medical",), "medical care": ("medical",),
    "health": ("medical",), "clinical management of rape": ("medical",),
    "kits pep": ("medical",), "contraception d urgence": ("medical",),
    "pec des ist": ("medical",), "clinique mobile": ("medical",), "mobile clinic": ("medical",),
    # psychosocial
    "appui psychosocial": ("psychosocial",), "soutien psychosocial": ("psychosocial",),
    "pec psychosociale": ("psychosocial",), "prise en charge psychosociale": ("psychosocial",),
    "psychosocial": ("psychosocial",), "psychosociale": ("psychosocial",),
    "accompagnement psychosocial": ("psychosocial",), "ecoute": ("psychosocial",),
    "maison d ecoute": ("psychosocial",), "sante mentale": ("psychosocial",),
    "sante mentale et soutien psychosocial": ("psychosocial",), "smsps": ("psychosocial",),
    "counselling": ("psychosocial",), "mhpss": ("psychosocial",),
    "psychosocial support": ("psychosocial",), "appui pss": ("psychosocial",),
    "pec pss": ("psychosocial",),
    # legal
    "assistance juridique": ("legal",), "aide juridique": ("legal",),
    "appui juridique": ("legal",), "assistance judiciaire": ("legal",),
    "assistance juridique et judiciaire": ("legal",), "juridique": ("legal",),
    "judiciaire": ("legal",), "pec juridique": ("legal",), "clinique juridique": ("legal",),
    "legal aid": ("legal",), "legal": ("legal",), "legal assistance": ("legal",),
    # livelihood
    "reinsertion socio economique": ("livelihood",), "reinsertion socioeconomique": ("livelihood",),
    "reinsertion economique": ("livelihood",), "reintegration socio economique": ("livelihood",),
    "reinsertion": ("livelihood",), "activites generatrices de revenus": ("livelihood",),
    "agr": ("livelihood",), "moyens de subsistance": ("livelihood",),
    "autonomisation economique": ("livelihood",), "livelihood": ("livelihood",),
    "livelihoods": ("livelihood",), "economic empowerment": ("livelihood",),
    # safety and shelter
    "securite": ("safety",), "securite physique": ("safety",), "safety": ("safety",),
    "hebergement": ("shelter",), "hebergement temporaire": ("shelter",),
    "abri": ("shelter",), "abri securise": ("shelter",), "maison de transit": ("shelter",),
    "refuge": ("shelter",), "shelter": ("shelter",), "safe house": ("shelter",),
    # material
    "kits de dignite": ("material",), "kit de dignite": ("material",),
    "assistance materielle": ("material",), "aide materielle": ("material",),
    "vivres": ("material",), "cash": ("material",), "transfert monetaire": ("material",),
    "nfi": ("material",), "dignity kits": ("material",), "material assistance": ("material",),
    "cash assistance": ("material",),
    # education, children born of SEA, case management, complaints
    "education": ("education",), "scolarisation": ("education",),
    "reinsertion scolaire": ("education",), "appui scolaire": ("education",),
    "appui aux enfants nes de l eas": ("child_support",), "pension alimentaire": ("child_support",),
    "reconnaissance de paternite": ("child_support",), "child support": ("child_support",),
    "gestion de cas": ("case_management",), "gestion des cas": ("case_management",),
    "case management": ("case_management",),
    "plainte eas": ("complaint",), "mecanisme de plainte": ("complaint",),
    "signalement eas": ("complaint",), "psea": ("complaint",), "peas": ("complaint",),
    "sea complaints": ("complaint",), "complaint": ("complaint",),
    # several at once
    "pec holistique": HOLISTIC, "prise en charge holistique": HOLISTIC,
    "holistic care": HOLISTIC,
}
ACRONYMS: dict[str, str] = {
    "pep": "medical", "cu": "medical", "ist": "medical", "sti": "medical", "vih": "medical",
    "cmr": "medical", "pss": "psychosocial", "smsps": "psychosocial", "mhpss": "psychosocial",
    "agr": "livelihood", "nfi": "material", "peas": "complaint", "psea": "complaint",
}
"""Abbreviations of the field, recognised as whole words anywhere in a phrase ("PEC médicale
(PEP, CU, IST)", "clinique mobile kits PEP")."""
MEDICAL_KITS = frozenset({"pep", "cu", "ist", "sti", "vih", "cmr"})
"""Beside these, "kit" is a medical kit (a PEP kit), not material aid."""
NEED_KEYWORDS: tuple[tuple[str, str], ...] = (
    ("psycho", "psychosocial"), ("mentale", "psychosocial"), ("medic", "medical"),
    ("soins", "medical"), ("jurid", "legal"), ("judic", "legal"), ("reinser", "livelihood"),
    ("socio eco", "livelihood"), ("subsist", "livelihood"), ("econom", "livelihood"),
    ("heberg", "shelter"), ("abri", "shelter"), ("kit", "material"), ("vivre", "material"),
    ("materiel", "material"), ("scola", "education"), ("educ", "education"),
    ("gestion de cas", "case_management"), ("plainte", "complaint"), ("securit", "safety"),
)
LANGUAGE_WORDS: dict[str, str] = {
    "francais": "fr", "french": "fr", "fr": "fr", "swahili": "sw", "kiswahili": "sw",
    "sw": "sw", "lingala": "ln", "ln": "ln", "kinyarwanda": "rw", "rw": "rw",
    "anglais": "en", "english": "en", "en": "en", "tshiluba": "lua", "ciluba": "lua",
    "luba": "lua", "lua": "lua", "kikongo": "kg", "kg": "kg", "kinande": "nnb",
    "nande": "nnb", "mashi": "shr", "shi": "shr", "kihunde": "hke", "hunde": "hke",
    "kihavu": "hav", "havu": "hav", "kirundi": "rn", "arabe": "ar", "arabic": "ar",
}
# fmt: on
PLACEHOLDERS = frozenset({"", "n a", "na", "nd", "neant", "aucun", "aucune", "ras", "none", "nil"})
"""Cell values that mean "nothing" ("N/A", "néant", "RAS", "-", ...)."""
YES = frozenset({"x", "oui", "yes", "o", "y", "1", "vrai", "true", "disponible", "ok"})
NO = frozenset({"non", "no", "n", "0", "faux", "false", "non disponible", "indisponible"})
_NOT_APPLICABLE = re.compile(r"\bn\s*/\s*a\b|\bn\.\s*a\.?(?!\w)", re.IGNORECASE)
_WORD_SPLIT = re.compile(r"[,;/+\n|•]|\s+-\s+|\bet\b(?=\s*(?:pec|prise|appui|assistance))")


def is_placeholder(text: str) -> bool:
    """Whether a cell says nothing ("", "N/A", "néant", "-", "RAS")."""
    return normalise(text) in PLACEHOLDERS


def without_not_applicable(text: str) -> str:
    """``text`` without "N/A" or "n.a." (which the separators "/" and "." would split)."""
    return _NOT_APPLICABLE.sub(" ", text)


def need_words(cell: str) -> list[str]:
    """The need phrases of one cell, normalised, in order, each once.

    Cells list services separated by commas, semicolons, slashes, plus signs or new lines:
    ``"PEC médicale, appui psychosocial; assistance juridique"``.
    """
    words: list[str] = []
    for part in _WORD_SPLIT.split(without_not_applicable(cell).casefold()):
        word = normalise(part)
        if len(word) > 1 and word not in PLACEHOLDERS and word not in words:
            words.append(word)
    return words


def suggest_needs(word: str) -> list[str]:
    """Need codes a normalised phrase probably stands for (possibly none): the phrase itself,
    else the field's abbreviations in it, then word stems ("kit" beside "PEP" is medical)."""
    if word in NEED_WORDS:
        return list(NEED_WORDS[word])
    tokens = word.split()
    found: list[str] = []
    for token in tokens:
        code = ACRONYMS.get(token)
        if code is not None and code not in found:
            found.append(code)
    medical_kit = not MEDICAL_KITS.isdisjoint(tokens)
    for stem, code in NEED_KEYWORDS:
        if stem == "kit" and medical_kit:
            continue
        if stem in word and code not in found:
            found.append(code)
    return found


def language_codes(cell: str) -> tuple[list[str], list[str]]:
    """ISO codes of the languages named in a cell, and the words that are not languages."""
    codes: list[str] = []
    unknown: list[str] = []
    for part in re.split(r"[,;/+\n|]|\bet\b|\band\b", cell.casefold()):
        word = normalise(part)
        if not word or word in PLACEHOLDERS:
            continue
        code = LANGUAGE_WORDS.get(word)
        if code is None:
            unknown.append(part.strip())
        elif code not in codes:
            codes.append(code)
    return codes, unknown
