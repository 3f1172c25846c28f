"""A need's candidates side by side, as caseworkers compare them before referring: open now or
when, how far and how long to get there, the care that matters in stock, female staff,
languages, accessibility, free places, when the listing was last verified, and whether the
caseworker's organization has a referral agreement with it.

Built only from the match answer (the same rows the cards show) and the caseworker's own
organization; nothing is read per candidate.
"""

from __future__ import annotations

from typing import Any

from directory.pages import wording
from directory.web.i18n import capability_label, gettext, language_name

CLINICAL = {"medical": ("pep", "emergency_contraception", "sti_treatment", "cmr")}
"""Care whose stock or absence decides where to go, per need (PEP first)."""
PEOPLE = ("female_clinician", "child_friendly", "mental_health_specialist", "interpreter")


def _notes(rec: dict[str, Any], code: str) -> list[dict[str, Any]]:
    return [n for n in [*rec["reasons"], *rec["warnings"]] if n["code"] == code]


def _stock_out(rec: dict[str, Any]) -> set[str]:
    return {item for n in _notes(rec, "stock_out") for item in n["params"]["items"].split(",")}


def _care(rec: dict[str, Any], code: str) -> str:
    if code in _stock_out(rec):
        return gettext("en rupture")
    return gettext("oui") if code in rec["service"]["capabilities"] else "—"


def _places(rec: dict[str, Any]) -> str:
    for note in _notes(rec, "has_capacity"):
        return str(note["params"]["places"])
    return gettext("inconnu") if _notes(rec, "capacity_unknown") else "—"


def _access(rec: dict[str, Any]) -> str:
    features = (rec["location"] or {}).get("accessibility") or []
    return ", ".join(capability_label(code) for code in features) or "—"


def rows(
    need: str, results: list[dict[str, Any]], partners: set[str]
) -> list[tuple[str, list[str]]]:
    """(what, one cell per result) for the comparison table of ``need``'s ``results``;
    ``partners`` are the organizations the caseworker's organization refers to."""
    shown: list[tuple[str, list[str]]] = [
        (gettext("Ouvert"), [(wording.opening(r) or ("", gettext("par téléphone")))[1]
                             for r in results]),
        (gettext("Distance et trajet"), [wording.distance(r) or "—" for r in results]),
    ]  # fmt: skip
    for code in CLINICAL.get(need, ()):
        shown.append((capability_label(code), [_care(r, code) for r in results]))
    for code in PEOPLE:
        cells = [_care(r, code) for r in results]
        if any(cell != "—" for cell in cells):
            shown.append((capability_label(code), cells))
    shown += [
        (gettext("Langues"), [", ".join(language_name(c) for c in r["service"]["languages"])
                              or "—" for r in results]),
        (gettext("Accessibilité"), [_access(r) for r in results]),
    ]  # fmt: skip
    if need == "shelter":
        shown.append((gettext("Places libres"), [_places(r) for r in results]))
    shown += [
        (gettext("Vérifiée"), [(r["service"]["last_verified_at"] or "")[:10] or gettext("jamais")
                               for r in results]),
        (gettext("Accord d'orientation avec votre organisation"),
         [gettext("oui") if r["organization"]["id"] in partners else gettext("non")
          for r in results]),
    ]  # fmt: skip
    return shown
