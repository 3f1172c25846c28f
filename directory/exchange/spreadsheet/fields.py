"""The Njia fields a sheet's columns map to, suggestions from common headers, and the mapping
saved per partner.

A :class:`Mapping` names columns by their *title* (not their position), so the mapping saved
after one import applies to the partner's next file even if columns moved. It also holds the
partner's need words: each word or phrase found in the needs columns and the need codes the
coordinator confirmed for it (an empty list means "not a need", e.g. "référencement").

It also remembers the place chosen for an ambiguous place name ("katale|nord kivu" → a
gazetteer id), so the partner's next file is located the same way.

Saved mappings are store records of the ``import_mapping`` collection, one per partner (id
derived from the partner's normalised name). They hold column titles, need words and place
choices, no other cell values.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l

from directory.core.schemas import NEED_CODES
from directory.exchange.spreadsheet import vocabulary
from directory.places.names import normalise
from directory.store.base import Record, Store
from directory.store.text import utc_now

NAMESPACE = uuid.UUID("6f0d5a3e-51c4-4c1e-9a7e-2f3b8d9c1e47")
"""Namespace of the spreadsheet import's derived ids (never change it: ids would change)."""
COLLECTION = "import_mapping"


@dataclass(frozen=True)
class Field:
    """A Njia field a column can fill. ``multiple``: several columns may feed it."""

    key: str
    label: Any
    synonyms: tuple[str, ...]
    multiple: bool = False


# fmt: off
FIELDS: tuple[Field, ...] = (
    Field("organization", _l("Organisation"), (
        "structure", "organisation", "organization", "nom de la structure", "ong",
        "organisation structure", "nom de l organisation", "partenaire",
        "partenaire de mise en oeuvre", "acteur", "agence", "implementing partner", "agency",
        "who", "qui")),
    Field("service", _l("Nom du service"), (
        "service", "nom du service", "intitule du service", "point de prestation", "service name",
        "service point", "point de service")),
    Field("needs", _l("Besoins couverts"), (
        "type de service", "types de services", "type de services", "services offerts",
        "services disponibles", "type d assistance", "paquet de services", "services", "quoi",
        "what", "service type", "services provided", "type of service", "prise en charge",
        "medical", "psychosocial", "juridique", "reinsertion socio economique", "securite",
        "hebergement", "education"), multiple=True),
    Field("place", _l("Lieu (ville, village)"), (
        "localite", "lieu", "village", "ville", "localisation", "location", "place", "town",
        "village localite", "ou", "where", "site", "nom du site", "cite", "agglomeration")),
    Field("health_zone", _l("Zone de santé"), ("zone de sante", "zs", "health zone")),
    Field("territory", _l("Territoire ou ville"), ("territoire", "territory", "territoire ville")),
    Field("province", _l("Province"), ("province",)),
    Field("latitude", _l("Latitude"), ("latitude", "lat", "gps latitude", "y")),
    Field("longitude", _l("Longitude"), ("longitude", "lon", "long", "lng", "gps longitude", "x")),
    Field("landmark", _l("Repère ou adresse"), (
        "adresse", "point de repere", "repere", "address", "description du lieu", "landmark")),
    Field("phones", _l("Téléphones"), (
        "telephone", "tel", "telephones", "numero de telephone", "contact telephonique", "phone",
        "phone number", "numero", "telephone 1", "telephone 2", "contact"), multiple=True),
    Field("email", _l("E-mail"), ("email", "e mail", "courriel", "adresse email", "mail")),
    Field("hours", _l("Horaires"), (
        "horaires", "horaire", "heures d ouverture", "jours et heures", "heures", "disponibilite",
        "jours et heures d ouverture", "opening hours", "hours", "horaires d ouverture")),
    Field("languages", _l("Langues"), ("langues", "langue", "langues parlees", "languages")),
    Field("eligibility", _l("Critères d'accès"), (
        "criteres", "eligibilite", "public cible", "cible", "beneficiaires", "eligibility",
        "target group", "criteres d eligibilite", "criteres d acces", "groupe cible")),
    Field("focal_point", _l("Point focal"), (
        "point focal", "personne de contact", "focal point", "contact person", "responsable",
        "point focal vbg", "nom du point focal", "point focal nom et telephone")),
)
# fmt: on
BY_KEY = {f.key: f for f in FIELDS}
REQUIRED = ("organization", "needs")
PLACE_FIELDS = ("place", "health_zone", "territory", "latitude")


@dataclass
class Mapping:
    """Columns (by title) for each field, need words → need codes, and the places chosen
    for ambiguous place names (:func:`directory.exchange.spreadsheet.places.place_key` → place
    id)."""

    columns: dict[str, list[str]] = field(default_factory=dict)
    needs: dict[str, list[str]] = field(default_factory=dict)
    places: dict[str, str] = field(default_factory=dict)

    def column(self, key: str) -> str | None:
        """The one column of a single-column field, or None."""
        names = self.columns.get(key) or []
        return names[0] if names else None

    def to_json(self) -> dict[str, Any]:
        return {"columns": self.columns, "needs": self.needs, "places": self.places}

    @classmethod
    def from_json(cls, data: Any) -> Mapping:
        """A mapping from its JSON form; raises ValueError naming what is wrong."""
        if not isinstance(data, dict) or set(data) - {"columns", "needs", "places"}:
            raise ValueError('expected {"columns": {field: title or [titles]}, "needs": {...}}')
        columns: dict[str, list[str]] = {}
        for key, value in (data.get("columns") or {}).items():
            if key not in BY_KEY:
                raise ValueError(f"unknown field {key!r}; fields: {', '.join(BY_KEY)}")
            names = [value] if isinstance(value, str) else value
            if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
                raise ValueError(f"columns.{key} must be a column title or a list of titles")
            columns[key] = names if BY_KEY[key].multiple else names[:1]
        needs: dict[str, list[str]] = {}
        for word, codes in (data.get("needs") or {}).items():
            if not isinstance(codes, list) or not set(codes) <= set(NEED_CODES):
                raise ValueError(f"needs[{word!r}] must be a list of: {', '.join(NEED_CODES)}")
            needs[normalise(str(word))] = list(dict.fromkeys(codes))
        places = data.get("places") or {}
        if not isinstance(places, dict) or not all(isinstance(v, str) for v in places.values()):
            raise ValueError('places must be {"place name|province": "place id"}')
        return cls(columns, needs, {str(k): v for k, v in places.items()})

    def missing(self) -> list[str]:
        """Keys of required fields without a column (and "place" if no place field has one)."""
        absent = [key for key in REQUIRED if not self.columns.get(key)]
        if not any(self.columns.get(key) for key in PLACE_FIELDS):
            absent.append("place")
        return absent


def suggest_columns(titles: list[str], saved: Mapping | None = None) -> dict[str, list[str]]:
    """Columns for each field: the saved mapping's titles present in the sheet first, then
    header matches, best first (see :func:`score`). A column feeds one field only."""
    present = set(titles)
    columns: dict[str, list[str]] = {}
    used: set[str] = set()
    for key, names in (saved.columns if saved else {}).items():
        kept = [n for n in names if n in present and n not in used]
        if kept:
            columns[key] = kept
            used.update(kept)
    pairs = [(score(t, spec), i, t, spec) for i, t in enumerate(titles) for spec in FIELDS]
    for found, _i, title, spec in sorted(pairs, key=lambda p: (-p[0][0], -p[0][1], p[1])):
        if found[0] == 0 or title in used or (spec.key in columns and not spec.multiple):
            continue
        if saved and spec.key in saved.columns:
            continue  # the partner chose this field's columns (or none) before
        columns.setdefault(spec.key, []).append(title)
        used.add(title)
    order = {title: i for i, title in enumerate(titles)}
    return {
        spec.key: sorted(columns[spec.key], key=order.__getitem__)
        for spec in FIELDS
        if spec.key in columns
    }


def score(title: str, spec: Field) -> tuple[int, int]:
    """How well a column title names a field: (3 the same as a synonym, 2 begins with one,
    1 contains one; 0 no match), then the synonym's length (the longest wins)."""
    text = " ".join(w for w in normalise(title).split() if not w.isdigit())
    best = (0, 0)
    for synonym in spec.synonyms:
        if text == synonym:
            found = (3, len(synonym))
        elif len(synonym) >= 4 and text.startswith(synonym + " "):
            found = (2, len(synonym))
        elif len(synonym) >= 6 and f" {synonym} " in f" {text} ":
            found = (1, len(synonym))
        else:
            continue
        best = max(best, found)
    return best


def suggest_needs(words: list[str], saved: Mapping | None = None) -> dict[str, list[str]]:
    """Need codes for each word: the partner's saved choice, else the vocabulary's guess."""
    known = saved.needs if saved else {}
    return {w: list(known[w]) if w in known else vocabulary.suggest_needs(w) for w in words}


# -- saved per partner -------------------------------------------------------------------------


def partner_key(partner: str) -> str:
    """The normalised partner name that identifies its saved mapping and its listings."""
    return normalise(partner)


def _record_id(partner: str) -> str:
    return str(uuid.uuid5(NAMESPACE, "mapping/" + partner_key(partner)))


def load_saved(store: Store, partner: str) -> Mapping | None:
    """The mapping saved for ``partner``, or None."""
    record = store.get_record(COLLECTION, _record_id(partner))
    return Mapping.from_json(record.doc["mapping"]) if record else None


def save(store: Store, partner: str, mapping: Mapping, actor: str) -> None:
    """Keep ``mapping`` for the partner's next import (merging need words and place choices
    with earlier ones).

    Every field is saved, those without a column as an empty list: a column the coordinator
    chose not to use is not suggested again for this partner."""
    record_id = _record_id(partner)
    current = store.get_record(COLLECTION, record_id)
    earlier = Mapping.from_json(current.doc["mapping"]) if current else Mapping()
    needs = {**earlier.needs, **mapping.needs}
    places = {**earlier.places, **mapping.places}
    columns = {f.key: mapping.columns.get(f.key, []) for f in FIELDS}  # [] = chosen: none
    doc = {
        "partner": partner.strip(),
        "mapping": Mapping(columns, needs, places).to_json(),
        "saved_at": utc_now(),
        "saved_by": actor,
    }
    key = partner_key(partner)
    record = Record(COLLECTION, record_id, doc, key1=key, sort=key)
    store.put_record(record, current.version if current else None)


def saved_partners(store: Store) -> list[str]:
    """Partners with a saved mapping, by name."""
    return [r.doc["partner"] for r in store.find_records(COLLECTION, limit=500)]
