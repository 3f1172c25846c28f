"""The public search: read the form, find the place, run the matcher for the public.

The form is POSTed, so the place or point never appears in a URL. A point from the device is
rounded to 2 decimals (about 1 km) by the page's script and again here, before anything uses
it. Nothing about a search is logged or stored.

Where the search happens, in order of precedence:

1. ``choose_place``: a button offering another place that matched the typed name;
2. ``place_id`` (set by the typeahead or a previous answer) when the typed text is empty or
   still that place's label;
3. ``lat`` and ``lon`` (from "use my location") when no place name is typed;
4. the typed text: coordinates ("-1.67, 29.22") or a place name, within the chosen
   ``province`` if any. A name is used only when the gazetteer is sure of it
   (:meth:`directory.places.gazetteer.Gazetteer.resolve`: an exact name, alias or spelling variant
   of
   one place); otherwise :class:`PlaceChoice` says so and offers the candidates. Never a guess.
5. no text but a ``province``: the province's towns are offered.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext
from marshmallow import ValidationError

import matching
from directory.core.taxonomy import get_taxonomy
from directory.places.gazetteer import get_gazetteer
from directory.places.geo_parse import parse_coordinates
from directory.places.model import Place
from directory.places.names import normalise
from directory.search import engine
from directory.search import request as match_request
from directory.search.answer import MatchJson
from directory.search.candidates import to_candidate
from directory.search.engine import Point
from directory.search.index import index_for
from directory.store.base import Store
from directory.web.i18n import gettext, kind_label
from matching.match import HOTLINE_NEEDS

COMPLAINT = "complaint"
MAX_PLACE_TEXT = 100
ALTERNATIVES = 4
TOWN_CHOICES = 8
KINSHASA = (-4.32, 15.31)
WHEN_CHOICES = {
    "3d": (0.0, lazy_gettext("Il y a moins de 3 jours (72 heures)")),
    "5d": (73.0, lazy_gettext("Il y a 3 à 5 jours")),
    "": (None, lazy_gettext("Plus longtemps, ou je ne sais pas")),
}
"""When it happened: the value sent, the hours since the incident given to the matcher (0 and
73 put the request inside the PEP and the emergency-contraception windows) and the label."""


class FormError(ValueError):
    """A search that cannot run; ``field`` names the input to correct."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


class PlaceChoice(FormError):
    """The typed place is not sure: ``choices`` are (place id, label) to pick from."""

    def __init__(self, message: str, choices: tuple[tuple[str, str], ...]) -> None:
        super().__init__("place", message)
        self.choices = choices


@dataclass
class SearchForm:
    """What the public form sends. Every field is optional; :meth:`read` never raises."""

    place: str = ""
    place_id: str = ""
    choose_place: str = ""
    province: str = ""
    lat: float | None = None
    lon: float | None = None
    needs: list[str] = field(default_factory=list)
    when: str = ""

    @classmethod
    def read(cls, form: Mapping[str, Any]) -> SearchForm:
        """Read a submitted form (a ``MultiDict``), dropping what is not valid."""
        known = get_taxonomy().needs
        ticked = form.getlist("needs")  # type: ignore[attr-defined]
        needs = [n for n in dict.fromkeys(ticked) if n in known]
        when = form.get("when", "")
        return cls(
            place=" ".join(form.get("place", "").split())[:MAX_PLACE_TEXT],
            place_id=form.get("place_id", "")[:40],
            choose_place=form.get("choose_place", "")[:40],
            province=_province(form.get("province", "")),
            lat=_rounded(form.get("lat"), 90),
            lon=_rounded(form.get("lon"), 180),
            needs=needs,
            when=when if when in WHEN_CHOICES else "",
        )


def _province(value: str) -> str:
    """A province P-code the gazetteer knows, else empty."""
    return value if value in dict(get_gazetteer().provinces()) else ""


def _rounded(value: str | None, bound: float) -> float | None:
    """A coordinate rounded to 2 decimals (about 1 km), or None if absent or not valid."""
    try:
        number = float(value or "")
    except ValueError:
        return None
    if not math.isfinite(number) or abs(number) > bound:
        return None
    return round(number, 2)


@dataclass(frozen=True)
class Where:
    """The resolved search place: its point, a label, and other places the text matched."""

    point: Point
    label: str | None
    """The place's label, or the nearest named place to a point; None outside the DRC."""
    place_id: str = ""
    from_device: bool = False
    alternatives: tuple[tuple[str, str], ...] = ()
    approximate: bool = False
    """The place's point stands for it only roughly (a quarter at its city's centre)."""


def resolve(form: SearchForm) -> Where:
    """Where to search from (see the module docstring); raises :class:`FormError`."""
    gazetteer = get_gazetteer()
    chosen = gazetteer.get(form.choose_place) if form.choose_place else None
    if chosen is not None:
        return _at_place(chosen)
    previous = gazetteer.get(form.place_id) if form.place_id else None
    if previous is not None and _names_place(form.place, previous):
        return _at_place(previous)
    if not form.place and form.lat is not None and form.lon is not None:
        return _at_point(form.lat, form.lon, from_device=True)
    if not form.place and form.province:
        raise PlaceChoice(gettext("Choisissez votre ville, ou tapez le nom de votre quartier."),
                          _towns_of(form.province))  # fmt: skip
    if not form.place:
        raise FormError("place", gettext("Indiquez un lieu, ou utilisez votre position."))
    if any(ch.isdigit() for ch in form.place):
        try:
            lat, lon = parse_coordinates(form.place)
        except ValueError:
            pass
        else:
            return _at_point(round(lat, 2), round(lon, 2), from_device=False)
    return _by_name(form.place, form.province or None)


def _names_place(text: str, place: Place) -> bool:
    """Whether the typed text is still (a label of) the place chosen before."""
    return text in ("", place.name) or text.startswith(place.name + " (")


def place_labels(places: list[Place]) -> list[str]:
    """Labels for a list of places: "Bukavu (Sud-Kivu)", with the kind of place in words, then
    the point, added where labels would repeat."""
    labels = [p.label for p in places]
    for detail in (_with_kind, _with_point):
        counts = Counter(labels)
        labels = [
            detail(p) if counts[lab] > 1 else lab for p, lab in zip(places, labels, strict=True)
        ]
    return labels


def _kind(place: Place) -> str:
    return kind_label(place.kind)


def _with_kind(place: Place) -> str:
    return f"{place.name} ({_kind(place)}, {place.province_name})"


def _with_point(place: Place) -> str:
    return f"{place.name} ({_kind(place)}, {place.province_name}, {place.lat:.2f}, {place.lon:.2f})"


def _at_place(place: Place, alternatives: tuple[tuple[str, str], ...] = ()) -> Where:
    point = Point(place.lat, place.lon, frozenset({place.province_pcode}), place.tz)
    return Where(point, place.label, place.place_id, alternatives=alternatives,
                 approximate=place.approximate)  # fmt: skip


def _at_point(lat: float, lon: float, from_device: bool) -> Where:
    point = engine.point_from(lat, lon)
    near = get_gazetteer().nearest(lat, lon, kinds={"city", "town", "village", "suburb"})
    label = f"{near[0].name}, {near[0].province_name}" if near else None
    return Where(point, label, from_device=from_device)


def _by_name(text: str, province: str | None) -> Where:
    """The place the text surely names (namesakes offered), else :class:`PlaceChoice`."""
    try:
        found = get_gazetteer().resolve(text, province)
    except ValueError:
        found = None
    if found is None or (found.place is None and not found.choices):
        raise PlaceChoice(gettext("Lieu introuvable : vérifiez l'orthographe, choisissez votre "
                                  "province, ou utilisez votre position."), ())  # fmt: skip
    choices = [m.place for m in found.choices]
    if found.place is None:
        labels = place_labels(choices)
        raise PlaceChoice(
            gettext("Nous ne savons pas avec certitude où est « %(text)s ». Choisissez :",
                    text=text),
            tuple((p.place_id, label) for p, label in zip(choices, labels, strict=True)),
        )  # fmt: skip
    labels = place_labels([found.place, *choices])[1:]
    others = tuple((p.place_id, label) for p, label in zip(choices, labels, strict=True))
    return _at_place(found.place, others[:ALTERNATIVES])


def province_choices() -> list[tuple[str, str]]:
    """(P-code, name) of the 26 provinces, by name."""
    return sorted(get_gazetteer().provinces(), key=lambda item: normalise(item[1]))


def _towns_of(province: str) -> tuple[tuple[str, str], ...]:
    """The largest towns of a province, to choose from."""
    towns = get_gazetteer().towns(province)[:TOWN_CHOICES]
    return tuple((p.place_id, label) for p, label in zip(towns, place_labels(towns), strict=True))


def shown_form(form: SearchForm, where: Where) -> SearchForm:
    """The form as a results page shows it: the place resolved, ready to search again."""
    if where.place_id:
        return replace(form, place=where.label or "", place_id=where.place_id, lat=None, lon=None)
    if where.from_device:
        lat, lon = where.point.lat, where.point.lon
        return replace(form, place="", place_id="", lat=lat, lon=lon)
    return replace(form, place_id="", lat=None, lon=None)


def now() -> datetime:
    """The current instant (tests replace it to make pages reproducible)."""
    return datetime.now(UTC)


def run(store: Store, form: SearchForm, where: Where) -> dict[str, Any]:
    """The matcher's public answer for the ticked needs (raises :class:`FormError` if none)."""
    if not form.needs:
        raise FormError("needs", gettext("Cochez au moins un besoin."))
    fields: dict[str, Any] = {"needs": form.needs}
    hours = WHEN_CHOICES[form.when][0]
    if hours is not None:
        fields["hours_since_incident"] = hours
    index = index_for(store, current_app.config["MATCH_INDEX_MIN_SERVICES"])
    return engine.run_match(store, where.point, request_options(fields), "public", index=index)


def request_options(fields: dict[str, Any]) -> dict[str, Any]:
    """The matchmaker's options for a page's request fields, loaded by the API's own schema
    (:mod:`directory.search.request`); raises :class:`FormError` naming the first bad field."""
    try:
        return match_request.load_options(fields, now())
    except ValidationError as exc:
        name = next(iter(exc.normalized_messages()), "needs")  # type: ignore[no-untyped-call]
        raise FormError(str(name), gettext("Choix non valable.")) from exc


def complaint_channels(store: Store, where: Where, answer: dict[str, Any]) -> dict[str, Any]:
    """The SEA complaint channels near ``where``: the ``complaint`` need of ``answer`` if it
    was ticked, otherwise matched on its own (so they are always shown, and ticking nothing
    else changes no ranking)."""
    ticked = [need for need in answer["needs"] if need["need"] == COMPLAINT]
    if ticked:
        return ticked[0]  # type: ignore[no-any-return]
    options = {"needs": (COMPLAINT,), "at": now()}
    index = index_for(store, current_app.config["MATCH_INDEX_MIN_SERVICES"])
    alone = engine.run_match(store, where.point, options, "public", index=index)
    return alone["needs"][0]  # type: ignore[no-any-return]


def national_hotlines(store: Store) -> list[dict[str, Any]]:
    """Hotlines and complaint channels that cover the whole country, for the front page.

    They are matched like any hotline (active, no blocking alert), by coverage only: no point
    is involved, so this is the same for every visitor.
    """
    provinces = frozenset(pcode for pcode, _ in get_gazetteer().provinces())
    rows = [r for r in store.candidates_by_area(provinces, (), HOTLINE_NEEDS) if r.remote]
    rows = [r for r in rows if provinces <= set(r.service["service_area"] or provinces)]
    if not rows:
        return []
    # The matcher needs a point; point-less candidates are matched by coverage, never by it.
    request = matching.MatchRequest(
        lat=KINSHASA[0], lon=KINSHASA[1], needs=(COMPLAINT,), at=now(), area_pcodes=provinces
    )
    candidates = [to_candidate(r, "Africa/Kinshasa") for r in rows]
    result = matching.match(request, candidates)
    return [MatchJson(rows, "public").recommendation(r) for r in result.hotlines]
