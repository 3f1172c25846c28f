"""The attributes of an HSDS object: those of Njia's taxonomies (its needs, capabilities,
areas, fields...) recognised as terms, and those of other taxonomies, kept as they are."""

from __future__ import annotations

from collections import Counter
from typing import Any

from directory.exchange.hsds.vocab import Term, recognise

Doc = dict[str, Any]


def terms(obj: Doc) -> list[tuple[Term, Doc]]:
    """The Njia terms of an object's attributes (see :func:`foreign` for the others)."""
    out = []
    for attr in obj.get("attributes") or []:
        term = recognise(attr)
        if term is not None:
            out.append((term, attr))
    return out


def foreign(obj: Doc, notes: Counter[str]) -> list[Doc]:
    """The object's attributes of other taxonomies, kept as the listing's ``attributes`` (each
    counted in ``notes``)."""
    kept = []
    for attr in obj.get("attributes") or []:
        if recognise(attr) is not None:
            continue
        nested = attr.get("taxonomy_term") or {}
        taxonomy = nested.get("taxonomy") or (nested.get("taxonomy_detail") or {}).get("name")
        term_id = str(attr.get("taxonomy_term_id") or nested.get("id") or "")
        notes[f"attributes of other taxonomies kept ({taxonomy or term_id or '?'})"] += 1
        kept.append({
            "taxonomy": str(taxonomy or "unknown")[:200], "term_id": term_id[:200],
            "code": str(nested.get("code") or "")[:200],
            "name": str(nested.get("name") or "")[:500],
            "description": str(nested.get("description") or "")[:2000],
            "value": "" if attr.get("value") is None else str(attr["value"])[:2000],
        })  # fmt: skip
    return kept


def field_values(found: list[tuple[Term, Doc]]) -> dict[str, str]:
    """The values of the ``njia-field`` attributes among ``found`` terms."""
    return {t.code: str(a.get("value", "")) for t, a in found if t.taxonomy == "njia-field"}
