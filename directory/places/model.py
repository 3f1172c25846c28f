"""What the gazetteer answers with: a :class:`Place`, how it matched a query (:class:`Match`)
and what typed text resolves to (:class:`Resolution`), with the kinds of places and labels
that tell namesakes apart."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

KINDS: tuple[str, ...] = ("city", "town", "commune", "health_zone", "village", "suburb", "quarter")
KINDS += ("neighbourhood", "site", "health_area", "hamlet", "locality", "island")
KINDS += ("isolated_dwelling", "farm")


TOWN_KINDS = frozenset({"city", "town"})


#: Parts of a city: a town does not outrank them ("Panzi" may be the Bukavu quarter), nor they
#: a village ("Kasika" may be the Sud-Kivu village).
CITY_PART_KINDS = frozenset({"commune", "suburb", "quarter", "neighbourhood", "site"})
CITY_PART_KINDS |= {"health_area", "health_zone"}


SURE_LEVELS = frozenset({"exact", "alias", "variant"})


@dataclass(frozen=True, slots=True)
class Place:
    """A named place. ``place_id`` is stable: ``osm:<node id>`` or ``gn:<geonameid>``.

    ``territory_*`` is set only for the town that is a territory's seat or is itself a city
    (ADM2); ``population`` is None when no source gives one. ``within`` names the city a
    quarter, commune, site or health area belongs to; ``approximate`` is true when the point
    stands for the place only roughly (a health area at the middle of its facilities, a quarter
    at its city's centre).
    """

    place_id: str
    name: str
    kind: str
    province_name: str
    province_pcode: str
    territory_name: str | None
    territory_pcode: str | None
    tz: str
    lat: float
    lon: float
    population: int | None
    alt_names: tuple[str, ...]
    approximate: bool = False
    within: str | None = None

    @property
    def label(self) -> str:
        """Name with city if any, then province: "Bukavu (Sud-Kivu)", "Ndosho (Goma, Nord-Kivu)".

        1,400 names occur more than once.
        """
        if self.within and self.within != self.name:
            return f"{self.name} ({self.within}, {self.province_name})"
        return f"{self.name} ({self.province_name})"


@dataclass(frozen=True, slots=True)
class Match:
    """A place found for a query and how: ``level`` is one of

    - ``exact``: the place's name, ignoring case, accents and punctuation;
    - ``alias``: another name it is known by (historical, short, other language or spelling);
    - ``variant``: a name spelt another common way (tsh/tch/ch, ou/u, w/u, dj/j, y/i, doubled
      letters, spaces);
    - ``prefix``: a name that begins with the query; ``word``: a later word of a name does;
    - ``typo``: a name ``distance`` edits away (a letter added, missing, changed or two swapped).

    Only the first three are *sure* enough to search from without asking.
    """

    place: Place
    level: str
    distance: int = 0

    @property
    def sure(self) -> bool:
        return self.level in SURE_LEVELS


@dataclass(frozen=True, slots=True)
class Context:
    """What typed text named around a place: a province's or a town's ``name``, and the town."""

    name: str
    town: Place | None = None


@dataclass(frozen=True)
class Resolution:
    """What typed text names: ``place`` when sure, else None; ``choices`` to offer either way
    (namesakes of a sure place, or the candidates of an unsure text); ``context`` is the city or
    province the text named around the place ("Ndosho, Goma") or that the search was limited to.
    """

    text: str
    place: Place | None
    match: Match | None
    choices: tuple[Match, ...]
    context: str | None = None


def distinct_labels(places: Iterable[Place]) -> list[str]:
    """Labels for a result list, adding kind and then coordinates where labels would repeat."""
    places = list(places)
    labels = [p.label for p in places]
    for detail in (_with_kind, _with_point):
        seen: dict[str, int] = defaultdict(int)
        for label in labels:
            seen[label] += 1
        labels = [
            detail(p) if seen[lab] > 1 else lab for p, lab in zip(places, labels, strict=True)
        ]
    return labels


def _with_kind(p: Place) -> str:
    return f"{p.name} ({p.kind}, {p.province_name})"


def _with_point(p: Place) -> str:
    return f"{p.name} ({p.kind}, {p.province_name}, {p.lat:.2f}, {p.lon:.2f})"
