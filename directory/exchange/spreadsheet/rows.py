"""One sheet row → an organization, a location and a service, with every problem named by row
and column. Pure: reads the gazetteer, never the directory.

A row is one service point. Rows of one partner naming the same organization share it; rows
of one organization naming the same place share a location. Ids are UUID 5s of the partner,
the organization's normalised name, the service name and the place text, so importing the
same sheet again finds the same listings (see :mod:`directory.exchange.spreadsheet.planning`).

Listing content is written in French whatever the page language, so that the language of
the person importing never makes a listing look changed.

Problems are *blocking* (the row cannot be imported as it is: no organization, no need
recognised, place unknown or ambiguous, a duplicate row, a value Njia's schemas refuse) or
warnings (a phone number not recognised and left out, hours kept as text, ...).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from marshmallow import ValidationError, validate

from directory.core.contact_info import find_phones, parse_phones
from directory.core.schemas import TAXONOMY, canonical, flatten_field_errors
from directory.exchange.hsds.parsing import Listing
from directory.exchange.spreadsheet import places, vocabulary
from directory.exchange.spreadsheet.fields import BY_KEY, NAMESPACE, Mapping, partner_key
from directory.exchange.spreadsheet.hours import read_hours
from directory.places.names import normalise
from directory.web.i18n import gettext as _

SOURCE_MAX = 300
SCHEMA_FIELD_COLUMNS = {
    "needs": "needs",
    "phones": "phones",
    "eligibility": "eligibility",
    "email": "email",
    "schedule": "hours",
    "languages": "languages",
}
"""A listing field refused by Njia's schemas → the import field whose column to name."""


@dataclass
class Issue:
    """A problem of one row; ``column`` is the column title (or the field's label)."""

    column: str
    message: str
    blocking: bool = True


@dataclass
class Row:
    """One data row of the sheet, read for the preview and turned into listings."""

    number: int
    organization: str = ""
    service: str = ""
    needs: list[str] = field(default_factory=list)
    place: places.Located | places.Flagged | None = None
    schedule: dict[str, Any] | None = None
    phones: list[dict[str, str]] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    excluded: bool = False
    listings: list[Listing] = field(default_factory=list)
    place_key: str = ""
    chosen: bool = False
    """The place was chosen among candidates (on this row, or for this name before)."""

    @property
    def blocked(self) -> bool:
        return not self.excluded and any(i.blocking for i in self.issues)

    @property
    def service_id(self) -> str | None:
        return next((x.doc["id"] for x in self.listings if x.kind == "service"), None)


@dataclass
class Context:
    """What the conversion needs besides the row: who, which file, which columns."""

    partner: str
    file_name: str
    titles: list[str]
    mapping: Mapping
    choices: dict[int, str] = field(default_factory=dict)
    excluded: frozenset[int] = frozenset()

    @property
    def source(self) -> str:
        return f"{self.partner.strip()} — {self.file_name}"[:SOURCE_MAX]


class _Cells:
    """The cells of one row by field, placeholders ("N/A", "néant", "-") read as empty."""

    def __init__(self, context: Context, cells: list[str]) -> None:
        self.context = context
        self.by_title = dict(zip(context.titles, cells, strict=False))

    def get(self, key: str) -> str:
        column = self.context.mapping.column(key)
        value = self.by_title.get(column, "") if column else ""
        return "" if vocabulary.is_placeholder(value) else value

    def all(self, key: str) -> list[tuple[str, str]]:
        """(column title, value) of each column of a multi-column field."""
        return [(t, self.by_title.get(t, "")) for t in self.context.mapping.columns.get(key, [])]

    def column(self, key: str) -> str:
        names = self.context.mapping.columns.get(key) or []
        return names[0] if names else str(BY_KEY[key].label)


def need_tokens(context: Context, cells: list[str]) -> list[str]:
    """The need words of a row: ticked columns give their title, others their words."""
    tokens: list[str] = []
    for title, value in _Cells(context, cells).all("needs"):
        word = normalise(value)
        if word in vocabulary.YES:
            found = [normalise(title)]
        elif word in vocabulary.NO or vocabulary.is_placeholder(value):
            found = []
        else:
            found = vocabulary.need_words(value)
        tokens.extend(t for t in found if t not in tokens)
    return tokens


def convert_row(context: Context, number: int, cells: list[str]) -> Row:
    """Read one row (``number`` is its row in the sheet)."""
    row = Row(number, excluded=number in context.excluded)
    data = _Cells(context, cells)
    row.organization = " ".join(data.get("organization").split())
    if not row.organization:
        row.issues.append(Issue(data.column("organization"), _("Organisation manquante.")))
    _needs(row, context, data, cells)
    _place(row, context, data)
    row.service = " ".join(data.get("service").split())
    _contacts(row, data)
    if not row.blocked and not row.excluded and isinstance(row.place, places.Located):
        row.listings = _listings(row, context, data)
    return row


def _needs(row: Row, context: Context, data: _Cells, cells: list[str]) -> None:
    for token in need_tokens(context, cells):
        known = context.mapping.needs.get(token)
        codes = known if known is not None else vocabulary.suggest_needs(token)
        row.needs.extend(c for c in codes if c not in row.needs)
    if not row.needs:
        shown = ", ".join(v for _t, v in data.all("needs") if v) or "—"
        row.issues.append(Issue(data.column("needs"), _(
            "Aucun besoin reconnu dans « %(text)s » : associez ces mots à des besoins.",
            text=shown)))  # fmt: skip


def _place(row: Row, context: Context, data: _Cells) -> None:
    where = places.Where(**{f: data.get(f) for f in places.Where.__dataclass_fields__})
    row.place_key = places.place_key(where)
    chosen = context.choices.get(row.number) or context.mapping.places.get(row.place_key)
    row.chosen = chosen is not None
    try:
        row.place = places.locate(where, chosen)
    except places.PlaceProblem as exc:
        row.issues.append(Issue(data.column(exc.field), exc.message))
        return
    if where.territory and places.territory_pcode(where.territory, None) is None:
        _warn(
            row,
            data.column("territory"),
            _("Territoire inconnu : « %(text)s » (ignoré).", text=where.territory),
        )
    if isinstance(row.place, places.Flagged):
        row.issues.append(Issue(data.column(_place_field(where)), _flag_message(row.place)))
    elif row.place.note:
        _warn(row, data.column(_place_field(where)), row.place.note)


def _warn(row: Row, column: str, message: str) -> None:
    row.issues.append(Issue(column, message, blocking=False))


def _place_field(where: places.Where) -> str:
    if where.latitude or where.longitude:
        return "latitude"
    return next((f for f in ("place", "health_zone", "territory") if getattr(where, f)), "place")


def _flag_message(flag: places.Flagged) -> str:
    if flag.reason == "ambiguous":
        return _("Plusieurs lieux s'appellent « %(text)s » : choisissez le bon.", text=flag.query)
    if flag.reason == "confirm":
        return _("« %(text)s » n'est pas dans le répertoire géographique : choisissez un lieu "
                 "proche du nom, ou corrigez la feuille.", text=flag.query)  # fmt: skip
    return _("Lieu introuvable : « %(text)s ». Corrigez le nom, ajoutez latitude et longitude, "
             "ou excluez la ligne.", text=flag.query)  # fmt: skip


def _contacts(row: Row, data: _Cells) -> None:
    if data.context.mapping.columns.get("hours"):
        text = data.get("hours")
        row.schedule, understood = read_hours(text)
        if not understood:
            _warn(
                row,
                data.column("hours"),
                _("Horaires non compris : « %(text)s » gardé tel quel.", text=text),
            )
    for title, value in data.all("phones"):
        text = "" if vocabulary.is_placeholder(value) else value
        found, rejected = parse_phones(vocabulary.without_not_applicable(text))
        row.phones.extend(p for p in found if p["number"] not in _numbers(row))
        for part in rejected:
            _warn(row, title, _("Numéro non reconnu : « %(text)s » (ignoré).", text=part))
    _focal_point(row, data)
    codes, unknown = vocabulary.language_codes(data.get("languages"))
    row.languages = codes
    for word in unknown:
        _warn(
            row, data.column("languages"), _("Langue inconnue : « %(text)s » (ignorée).", text=word)
        )


def _numbers(row: Row) -> set[str]:
    return {p["number"] for p in row.phones}


def _focal_point(row: Row, data: _Cells) -> None:
    text = data.get("focal_point")
    if not text:
        return
    found, name = find_phones(text)
    if not found:
        _warn(
            row, data.column("focal_point"), _("Point focal sans numéro de téléphone : non repris.")
        )
    for phone in found:
        if phone["number"] not in _numbers(row):
            description = f"Point focal : {name}" if name else "Point focal"
            row.phones.append({**phone, "description": description[:200]})


def ids(
    context: Context, organization: str, service: str, place: str, confidential: bool = False
) -> dict[str, str]:
    """The listing ids of a row: the same partner, names and place give the same ids.

    A safe shelter's row gets a location of its own (``confidential``): rows of one
    organization at one place share a location, but a shelter never shares the public
    location of the same organization's clinic, whichever row comes first.
    """
    org_key = f"{partner_key(context.partner)}/{normalise(organization)}"
    place_key = normalise(place)
    hidden = "/confidential" if confidential else ""
    service_key = f"svc/{org_key}/{normalise(service)}/{place_key}{hidden}"
    return {
        "organization": str(uuid.uuid5(NAMESPACE, f"org/{org_key}")),
        "location": str(uuid.uuid5(NAMESPACE, f"loc/{org_key}/{place_key}{hidden}")),
        "service": str(uuid.uuid5(NAMESPACE, service_key)),
    }


def is_shelter(needs: list[str]) -> bool:
    """A row whose service meets the shelter need: its place is never published."""
    return "shelter" in needs


def _listings(row: Row, context: Context, data: _Cells) -> list[Listing]:
    assert isinstance(row.place, places.Located)
    where = data.get("place") or data.get("health_zone") or data.get("territory")
    place_text = where or f"{data.get('latitude')} {data.get('longitude')}"
    key = ids(context, row.organization, row.service, place_text, is_shelter(row.needs))
    origin = f"row {row.number}"
    built = []
    for kind, content in (
        ("organization", {"name": row.organization[:200]}),
        ("location", _location(row, data, key["organization"])),
        ("service", _service(row, data, key)),
    ):
        try:
            doc = canonical(kind, {**content, "source": context.source})
        except ValidationError as exc:
            for path, messages in flatten_field_errors(exc.messages).items():
                text = f"{path} : {' '.join(messages)}"
                row.issues.append(Issue(_column_of(data, kind, path), text))
            continue
        built.append(Listing(kind, {"id": key[kind], **doc}, origin))
    return built if len(built) == 3 else []


def _location(row: Row, data: _Cells, org_id: str) -> dict[str, Any]:
    assert isinstance(row.place, places.Located)
    place = row.place
    parts = [data.get("landmark")]
    if data.get("health_zone"):
        parts.append(f"Zone de santé {data.get('health_zone')}")
    if place.place_id:
        parts.append(f"Position approximative : {place.label}")
    return {
        "organization_id": org_id,
        "name": f"{row.organization} – {place.label.split(' (')[0]}"[:200],
        "description": " · ".join(p for p in parts if p)[:4000],
        "latitude": place.lat, "longitude": place.lon,
        "adm1_pcode": place.adm1, "adm2_pcode": place.adm2,
        "tz": TAXONOMY.time_zone_for(place.adm1),
        # A safe shelter's place is never published (the point is only a town's anyway).
        "confidentiality": "confidential" if is_shelter(row.needs) else "public",
        **({"approximate": True} if place.place_id else {}),  # a point from a place name
    }  # fmt: skip


def _service(row: Row, data: _Cells, key: dict[str, str]) -> dict[str, Any]:
    content: dict[str, Any] = {
        "organization_id": key["organization"],
        "name": (row.service or _default_service_name(row))[:200],
        "needs": row.needs,
        "location_ids": [key["location"]],
        "phones": row.phones[:20],
        "languages": row.languages,
        "eligibility": {"description": data.get("eligibility")[:1000]},
    }
    if row.schedule is not None:
        content["schedule"] = row.schedule
    email = data.get("email")
    if email:
        try:
            validate.Email()(email)
            content["email"] = email
        except ValidationError:
            _warn(
                row,
                data.column("email"),
                _("Adresse e-mail non valable : « %(text)s » (ignorée).", text=email),
            )
    return content


def _default_service_name(row: Row) -> str:
    """A name for a row without a service name (French, like every listing's content)."""
    return f"Prise en charge VBG – {row.organization}"


def _column_of(data: _Cells, kind: str, path: str) -> str:
    key = {"organization": "organization", "location": "place"}.get(kind, "service")
    head = path.split(".")[0]
    return data.column(SCHEMA_FIELD_COLUMNS.get(head, key))


def owned_fields(kind: str, mapping: Mapping) -> frozenset[str]:
    """The fields a re-import may change: those the sheet gives (others are kept as they are
    in Njia, e.g. capabilities or a confidentiality tier set by a coordinator)."""
    common = {"name", "source"}
    if kind == "organization":
        return frozenset(common)
    if kind == "location":
        return frozenset(common | {"description", "latitude", "longitude", "tz", "adm1_pcode",
                                   "adm2_pcode", "approximate"})  # fmt: skip
    optional = {"schedule": "hours", "languages": "languages", "eligibility": "eligibility",
                "email": "email"}  # fmt: skip
    owned = common | {"needs", "location_ids"}
    owned |= {f for f, key in optional.items() if mapping.columns.get(key)}
    if mapping.columns.get("phones") or mapping.columns.get("focal_point"):
        owned.add("phones")
    return frozenset(owned)
