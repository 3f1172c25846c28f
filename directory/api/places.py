"""``/api/v1/places``: offline place search and reverse lookup over the DRC gazetteer.

Reverse lookup takes a point that may be a survivor's home, so besides the documented
``GET ?lat=&lon=`` it accepts the same fields in a ``POST`` body, which is what Njia's own
pages use: a body is never written to access logs or browser history.
"""

from __future__ import annotations

from typing import Any

from flask import Response, abort, current_app, jsonify
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import RAISE, fields, validate

from directory.core.schemas import StrictSchema
from directory.places.gazetteer import MAX_LIMIT, get_gazetteer
from directory.places.geo_parse import OnlineGeocoder
from directory.places.model import Match, Place, distinct_labels
from directory.web.auth import access
from directory.web.limits import search_limit

blp = Blueprint(
    "places", __name__, url_prefix="/api/v1/places", description="DRC places (offline gazetteer)."
)


class PlaceSearchArgs(StrictSchema):
    q = fields.String(required=True, validate=validate.Length(min=1, max=100))
    limit = fields.Integer(load_default=10, validate=validate.Range(1, 50))
    province = fields.String(validate=validate.Regexp(r"^CD\d{2}$"))


class PointArgs(StrictSchema):
    lat = fields.Float(required=True, validate=validate.Range(-90, 90), allow_nan=False)
    lon = fields.Float(required=True, validate=validate.Range(-180, 180), allow_nan=False)


def place_json(place: Place, label: str | None = None) -> dict[str, Any]:
    """A place as the API shows it."""
    territory = (
        {"pcode": place.territory_pcode, "name": place.territory_name}
        if place.territory_pcode
        else None
    )
    return {
        "id": place.place_id,
        "name": place.name,
        "label": label or place.label,
        "kind": place.kind,
        "province": {"pcode": place.province_pcode, "name": place.province_name},
        "territory": territory,
        "tz": place.tz,
        "latitude": place.lat,
        "longitude": place.lon,
        "population": place.population,
        "approximate": place.approximate,
        "within": place.within,
    }


def match_json(match: Match) -> dict[str, Any]:
    """How a place matched the query (see :class:`directory.places.model.Match`)."""
    return {
        "level": match.level,
        "distance": match.distance if match.level == "typo" else None,
        "sure": match.sure,
    }


@blp.route("")
class Search(MethodView):
    @access("public")
    @search_limit
    @blp.arguments(PlaceSearchArgs, location="query", unknown=RAISE)
    @blp.doc(responses={"200": {"description": "Matching places, best first."}})
    def get(self, args: dict[str, Any]) -> Response:
        """Search places by name: accents, case, prefixes, common spellings and typos.

        Each item says how it matched (``match.level``: exact, alias, variant, prefix, word,
        typo with ``match.distance`` edits). ``resolved`` is the id of the place Njia's own
        pages would search from without asking ("Ndosho", "Katindo, Goma"), or null when the
        text is not sure: a typo, a prefix, or namesakes; then show the items as choices.
        """
        gazetteer = get_gazetteer()
        province = args.get("province")
        if province is not None and province not in dict(gazetteer.provinces()):
            abort(422, description="province: not a province P-code")
        try:  # within a province, filter the longest list then cut, not the other way round
            found = gazetteer.matches(args["q"], MAX_LIMIT if province else args["limit"])
            resolution = gazetteer.resolve(args["q"], province)
        except ValueError as exc:
            abort(422, description=str(exc))
        if province is not None:
            found = [m for m in found if m.place.province_pcode == province][: args["limit"]]
        if resolution.place is not None and resolution.match is not None:
            rest = [m for m in found if m.place != resolution.place]
            found = [resolution.match, *rest][: args["limit"]]
        labels = distinct_labels([m.place for m in found])
        items = [
            place_json(m.place, label) | {"match": match_json(m)}
            for m, label in zip(found, labels, strict=True)
        ]
        resolved = resolution.place.place_id if resolution.place else None
        if not items:
            items = online_places(args["q"], args["limit"])
        return jsonify(items=items, resolved=resolved)


@blp.route("/nearest")
class Nearest(MethodView):
    @access("public")
    @search_limit
    @blp.arguments(PointArgs, location="query", unknown=RAISE)
    @blp.doc(responses={"200": {"description": "The nearest named place, or in_drc false."}})
    def get(self, args: dict[str, float]) -> Response:
        """Describe a point in words: the nearest named place and its province."""
        return jsonify(nearest_json(args["lat"], args["lon"]))

    @access("public")
    @search_limit
    @blp.arguments(PointArgs)
    @blp.doc(responses={"200": {"description": "The nearest named place, or in_drc false."}})
    def post(self, args: dict[str, float]) -> Response:
        """The same, with the point in the body (keeps it out of URLs and logs)."""
        return jsonify(nearest_json(args["lat"], args["lon"]))


@blp.route("/<string:place_id>")
class One(MethodView):
    @access("public")
    @blp.doc(responses={"200": {"description": "One place."}})
    def get(self, place_id: str) -> Response:
        """A place by its stable id (``osm:…`` or ``gn:…``)."""
        place = get_gazetteer().get(place_id)
        if place is None:
            abort(404)
        return jsonify(place_json(place))


def online_places(q: str, limit: int) -> list[dict[str, Any]]:
    """Places from the optional online geocoder (off unless ``NJIA_GEOCODER_ONLINE``)."""
    if "njia_geocoder" not in current_app.extensions:
        current_app.extensions["njia_geocoder"] = OnlineGeocoder.from_config(current_app.config)
    geocoder = current_app.extensions["njia_geocoder"]
    if geocoder is None:
        return []
    items = []
    for name, lat, lon in geocoder.search(q, limit):
        near = get_gazetteer().nearest(lat, lon)
        if near is None:
            continue
        province = near[0]
        items.append({
            "id": None, "name": name, "label": name, "kind": "online", "source": "online",
            "province": {"pcode": province.province_pcode, "name": province.province_name},
            "territory": None, "tz": province.tz, "latitude": lat, "longitude": lon,
            "population": None, "approximate": False, "within": None,
            "match": {"level": "online", "distance": None, "sure": False},
        })  # fmt: skip
    return items


def nearest_json(lat: float, lon: float) -> dict[str, Any]:
    """The nearest place and town to a point, or ``in_drc: false`` outside the country."""
    gazetteer = get_gazetteer()
    found = gazetteer.nearest(lat, lon)
    if found is None:
        return {"in_drc": False, "place": None, "distance_km": None, "town": None}
    place, km = found
    town = gazetteer.nearest(lat, lon, kinds={"city", "town"})
    return {
        "in_drc": True,
        "place": place_json(place),
        "distance_km": round(km, 2),
        "town": place_json(town[0]) if town else None,
    }
