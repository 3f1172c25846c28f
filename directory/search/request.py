"""The one definition of a match request: its fields, bounds and defaults.

``POST /api/v1/match`` loads its body with :class:`MatchRequestSchema`; the public page and the
caseworker's form build the same fields from what they read and load them through the same
schema (:func:`load_options`), so a bound or a default is written once. The bounds are the
matcher's own (``matching.MAX_*``, ``matching.MODES``, ...): the web layer refuses with 422
what the matcher's ``validate`` would refuse. The request holds no identity: any other field (a
name, a phone, a case number, notes) is refused.

Flask-free; the gazetteer checks a ``place_id``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from marshmallow import ValidationError, fields, validate, validates_schema

import matching
from directory.core.schemas import NEED_CODES, TAXONOMY, StrictSchema
from directory.core.taxonomy import LANGUAGE_CODE
from directory.places.gazetteer import get_gazetteer
from directory.search.engine import Point, point_from
from matching.match import MAX_AGE, MAX_DISTANCE_KM, MAX_LIMIT, MAX_NEEDS

MAX_HOURS = 24 * 365 * 100
"""Hours since the incident: up to a century (a survivor may seek help years later)."""
DEFAULT_DISTANCE_KM = 100.0
DEFAULT_LIMIT = 3
DEFAULT_MODE = "motorbike"


class SearchLocationSchema(StrictSchema):
    """Either a point (``lat`` and ``lon``) or a gazetteer ``place_id``."""

    lat = fields.Float(validate=validate.Range(-90, 90), allow_nan=False)
    lon = fields.Float(validate=validate.Range(-180, 180), allow_nan=False)
    place_id = fields.String(validate=validate.Length(min=3, max=40))

    @validates_schema
    def _one_way(self, data: dict[str, Any], **_: Any) -> None:
        has_point = "lat" in data or "lon" in data
        if has_point and "place_id" in data:
            raise ValidationError("Give a point or a place_id, not both.", "place_id")
        if "place_id" in data:
            if get_gazetteer().get(data["place_id"]) is None:
                raise ValidationError("Unknown place.", "place_id")
        elif not ("lat" in data and "lon" in data):
            raise ValidationError("Give lat and lon, or a place_id.", "lat")


class MatchRequestSchema(StrictSchema):
    """What the matcher may know. Unknown fields are refused: the matcher takes no identity."""

    location = fields.Nested(SearchLocationSchema, required=True)
    needs = fields.List(
        fields.String(validate=validate.OneOf(NEED_CODES)),
        required=True,
        validate=[validate.Length(min=1, max=MAX_NEEDS), lambda v: _distinct(v)],
    )
    hours_since_incident = fields.Float(validate=validate.Range(0, MAX_HOURS), allow_nan=False)
    age = fields.Integer(validate=validate.Range(0, MAX_AGE), strict=True)
    age_group = fields.String(validate=validate.OneOf(matching.AGE_GROUPS))
    sex = fields.String(validate=validate.OneOf(matching.SEXES))
    languages = fields.List(
        fields.String(validate=validate.Regexp(LANGUAGE_CODE)), validate=validate.Length(max=10)
    )
    accessibility = fields.List(
        fields.String(validate=validate.OneOf(sorted(TAXONOMY.accessibility))),
        validate=validate.Length(max=10),
    )
    max_distance_km = fields.Float(
        load_default=DEFAULT_DISTANCE_KM,
        validate=validate.Range(1, MAX_DISTANCE_KM),
        allow_nan=False,
    )
    limit = fields.Integer(
        load_default=DEFAULT_LIMIT, validate=validate.Range(1, MAX_LIMIT), strict=True
    )
    mode = fields.String(load_default=DEFAULT_MODE, validate=validate.OneOf(matching.MODES))
    at = fields.AwareDateTime()

    @validates_schema
    def _age_once(self, data: dict[str, Any], **_: Any) -> None:
        if "age" in data and "age_group" in data:
            raise ValidationError("Give age or age_group, not both.", "age_group")


def _distinct(values: list[str]) -> None:
    if len(set(values)) != len(values):
        raise ValidationError("Needs must be distinct.")


def options(loaded: dict[str, Any], now: datetime) -> dict[str, Any]:
    """The matchmaker's options from a loaded request (its ``location`` left out); ``at`` is
    ``now`` unless the request gives it."""
    body = {k: v for k, v in loaded.items() if k != "location"}
    return {
        **body,
        "needs": tuple(body["needs"]),
        "languages": frozenset(body.get("languages", ())),
        "accessibility": frozenset(body.get("accessibility", ())),
        "at": body.get("at") or now,
    }


def load_options(fields_: dict[str, Any], now: datetime) -> dict[str, Any]:
    """Load request fields without a location (a page resolves its place itself) and return the
    matchmaker's options; raises marshmallow's ``ValidationError`` naming the field."""
    loaded = MatchRequestSchema().load(fields_, partial=("location",))
    return options(loaded, now)


def point_of(location: dict[str, Any]) -> Point:
    """The search point of a loaded ``location``: a gazetteer place's, or the given point's."""
    if "place_id" in location:
        place = get_gazetteer().get(location["place_id"])
        assert place is not None  # checked by the schema
        return Point(place.lat, place.lon, frozenset({place.province_pcode}), place.tz)
    return point_from(location["lat"], location["lon"])
