"""The caseworker's search form: the public form's place and needs, plus every matcher field.

The place, point and needs are read by :class:`directory.pages.search.SearchForm` (a device
point is rounded to 2 decimals, about 1 km, before anything uses it) and resolved by
:func:`directory.pages.search.resolve`; this module adds hours since the incident, age or age
group, sex, languages, accessibility, travel mode and radius. A field the form does not have (a
name, notes, a phone) is refused: nothing about the survivor is accepted, even to be ignored.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext

from directory.core.taxonomy import get_taxonomy
from directory.pages import search
from directory.pages.search import FormError, SearchForm
from directory.search.request import MAX_HOURS
from directory.web.i18n import gettext
from matching.match import MAX_AGE

SEARCH_FIELDS = frozenset({
    "csrf_token", "lang", "place", "place_id", "choose_place", "province", "lat", "lon", "needs",
    "hours",
    "age", "age_group", "sex", "languages", "accessibility", "mode", "max_distance_km",
})  # fmt: skip
"""Every field the search form sends; anything else is refused (422)."""
LANGUAGES = ("fr", "ln", "sw", "lua", "kg", "en")
"""French, the four national languages, English."""
SEXES = {
    "female": lazy_gettext("Féminin"),
    "male": lazy_gettext("Masculin"),
    "other": lazy_gettext("Autre"),
    "": lazy_gettext("Non précisé"),
}
AGE_GROUPS = {
    "": lazy_gettext("Non précisé"),
    "child": lazy_gettext("Enfant (moins de 18 ans)"),
    "adult": lazy_gettext("Adulte"),
}
MODES = {
    "motorbike": lazy_gettext("Moto-taxi"),
    "walking": lazy_gettext("À pied"),
    "car": lazy_gettext("Voiture"),
}
RADII = (10, 25, 50, 100, 250, 500)
DEFAULT_RADIUS = 100
RESULTS_PER_NEED = 5


@dataclass
class StaffForm:
    """What the caseworker's form sends; :meth:`read` never raises, it lists the problems."""

    base: SearchForm = field(default_factory=SearchForm)
    hours: float | None = None
    age: int | None = None
    age_group: str = ""
    sex: str = ""
    languages: list[str] = field(default_factory=list)
    accessibility: list[str] = field(default_factory=list)
    mode: str = "motorbike"
    max_distance_km: int = DEFAULT_RADIUS
    problems: list[FormError] = field(default_factory=list)
    texts: dict[str, str] = field(default_factory=dict)
    """The hours and age as typed, to show them again beside an error."""

    @classmethod
    def read(cls, form: Mapping[str, Any]) -> StaffForm:
        """Read a submitted form (a ``MultiDict``)."""
        unknown = sorted(set(form) - SEARCH_FIELDS)
        read = cls(base=SearchForm.read(form))
        if unknown:
            read.problems.append(
                FormError(unknown[0], gettext("Ce champ n'existe pas : %(name)s.", name=unknown[0]))
            )
        read.texts = {name: form.get(name, "")[:20] for name in ("hours", "age")}
        read.hours = read._number("hours", 0, MAX_HOURS)
        age = read._number("age", 0, MAX_AGE)
        read.age = None if age is None else int(age)
        read.age_group = read._choice(form, "age_group", AGE_GROUPS)
        read.sex = read._choice(form, "sex", SEXES)
        read.mode = read._choice(form, "mode", MODES) or "motorbike"
        radius = form.get("max_distance_km", str(DEFAULT_RADIUS))
        read.max_distance_km = int(radius) if radius in {str(r) for r in RADII} else DEFAULT_RADIUS
        languages = form.getlist("languages")  # type: ignore[attr-defined]
        read.languages = [code for code in LANGUAGES if code in languages]
        features = form.getlist("accessibility")  # type: ignore[attr-defined]
        read.accessibility = sorted(set(features) & get_taxonomy().accessibility)
        return read

    def _number(self, name: str, low: float, high: float) -> float | None:
        text = self.texts[name].strip().replace(",", ".")
        if not text:
            return None
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if not (math.isfinite(value) and low <= value <= high):
            message = gettext("Un nombre entre %(low)s et %(high)s.", low=low, high=int(high))
            self.problems.append(FormError(name, message))
            return None
        return value

    def _choice(self, form: Mapping[str, Any], name: str, choices: Mapping[str, Any]) -> str:
        value = form.get(name)
        if value is None:  # not sent: the default
            return ""
        if value not in choices:
            self.problems.append(FormError(name, gettext("Choix non valable.")))
            return ""
        return str(value)

    def options(self) -> dict[str, Any]:
        """The matchmaker's options (the place is resolved separately), loaded through the
        API's request schema (:mod:`directory.search.request`)."""
        if not self.base.needs:
            raise FormError("needs", gettext("Cochez au moins un besoin."))
        fields: dict[str, Any] = {
            "needs": self.base.needs,
            "languages": self.languages,
            "accessibility": self.accessibility,
            "mode": self.mode,
            "max_distance_km": float(self.max_distance_km),
            "limit": RESULTS_PER_NEED,
        }
        if self.hours is not None:
            fields["hours_since_incident"] = self.hours
        if self.age is not None:
            fields["age"] = self.age
        elif self.age_group:
            fields["age_group"] = self.age_group
        if self.sex:
            fields["sex"] = self.sex
        return search.request_options(fields)
