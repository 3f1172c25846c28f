"""``POST /api/v1/match``: the nearest suitable support for a survivor's needs, explained.

The request holds no identity: only needs, a place or point, and what eligibility and clinical
urgency need. Any other field (a name, a phone, a case number, notes) is rejected with 422. The
point travels in the body, never in a URL, and nothing about the request is stored or logged.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Response, jsonify
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import ValidationError, fields, validate, validates_schema

from directory import matchmaker
from directory.auth import access, current_principal
from directory.gazetteer import get_gazetteer
from directory.limits import search_limit
from directory.schemas import NEED_CODES, TAXONOMY, StrictSchema
from directory.store import get_store
from directory.taxonomy import LANGUAGE_CODE

blp = Blueprint("match", __name__, url_prefix="/api/v1/match", description=__doc__)


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
        validate=[validate.Length(min=1, max=12), lambda v: _distinct(v)],
    )
    hours_since_incident = fields.Float(validate=validate.Range(0, 24 * 365 * 100), allow_nan=False)
    age = fields.Integer(validate=validate.Range(0, 120), strict=True)
    age_group = fields.String(validate=validate.OneOf(("child", "adult")))
    sex = fields.String(validate=validate.OneOf(("female", "male", "other")))
    languages = fields.List(
        fields.String(validate=validate.Regexp(LANGUAGE_CODE)), validate=validate.Length(max=10)
    )
    accessibility = fields.List(
        fields.String(validate=validate.OneOf(sorted(TAXONOMY.accessibility))),
        validate=validate.Length(max=10),
    )
    max_distance_km = fields.Float(
        load_default=100.0, validate=validate.Range(1, 1000), allow_nan=False
    )
    limit = fields.Integer(load_default=3, validate=validate.Range(1, 20), strict=True)
    mode = fields.String(
        load_default="motorbike", validate=validate.OneOf(("walking", "motorbike", "car"))
    )
    at = fields.AwareDateTime()

    @validates_schema
    def _age_once(self, data: dict[str, Any], **_: Any) -> None:
        if "age" in data and "age_group" in data:
            raise ValidationError("Give age or age_group, not both.", "age_group")


def _distinct(values: list[str]) -> None:
    if len(set(values)) != len(values):
        raise ValidationError("Needs must be distinct.")


@blp.route("")
class Match(MethodView):
    @access("public")
    @search_limit
    @blp.arguments(MatchRequestSchema)
    @blp.doc(responses={"200": {"description": "Ranked, explained services for each need."}})
    def post(self, body: dict[str, Any]) -> Response:
        """Recommend the nearest suitable services for each need, with a care plan."""
        return jsonify(match_from(body))


def match_from(body: dict[str, Any]) -> dict[str, Any]:
    """Run a validated match request for the current caller (pages use this too)."""
    where = body.pop("location")
    if "place_id" in where:
        place = get_gazetteer().get(where["place_id"])
        assert place is not None  # checked by the schema
        point = matchmaker.Point(place.lat, place.lon, frozenset({place.province_pcode}), place.tz)
    else:
        point = matchmaker.point_from(where["lat"], where["lon"])
    options = {
        **body,
        "needs": tuple(body["needs"]),
        "languages": frozenset(body.get("languages", ())),
        "accessibility": frozenset(body.get("accessibility", ())),
        "at": body.get("at") or datetime.now(UTC),
    }
    principal = current_principal()
    audience = matchmaker.audience_of(principal)
    return matchmaker.run_match(get_store(), point, options, audience, principal.is_staff)
