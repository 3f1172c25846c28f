"""``/hsds``: a read-only HSDS 3.0 API over the public view, conforming to the HSDS
``openapi.json`` (not to Njia's own ``/api/v1`` spec).

Every operation of that document is served, with its query arguments; arguments it does not
declare are rejected (422, Njia's error envelope), as are out-of-range pages. Answers are what
the anonymous public may see (:mod:`directory.exchange.hsds.public`). ``format=ndjson`` streams
every
matching item, one JSON object a line, without pagination. Extension: ``/service_at_locations``
takes ``lat``, ``lon`` and ``proximity`` (metres) instead of a postcode; ``postcode`` is read
as an OCHA P-code (province or territory), since the DRC has no postcodes.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    jsonify,
    request,
    stream_with_context,
    url_for,
)
from marshmallow import ValidationError, fields, validate, validates

from directory.core.schemas import StrictSchema
from directory.exchange.hsds import mapping, queries, spec, vocab
from directory.exchange.hsds.public import PublicView
from directory.store import get_store
from directory.store.base import ListQuery
from directory.web.auth import access
from directory.web.limits import read_limit

blp = Blueprint("hsds", __name__, url_prefix="/hsds")
PROFILE_PATH = Path(__file__).resolve().parents[2] / "docs" / "hsds-profile.md"
DEFAULT_PROXIMITY_M = 25_000.0
MAX_PROXIMITY_M = 500_000.0


class Timestamp(fields.Field):  # type: ignore[type-arg]
    """An ISO 8601 date or date-time; without a zone it is UTC."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> datetime:
        try:
            moment = datetime.fromisoformat(str(value).strip())
        except ValueError as exc:
            raise ValidationError("Not an ISO 8601 date or date-time.") from exc
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class PageArgs(StrictSchema):
    search = fields.String(validate=validate.Length(max=200))
    page = fields.Integer(load_default=1, validate=validate.Range(1, 10_000))
    per_page = fields.Integer(load_default=20, validate=validate.Range(1, 100))
    format = fields.String(load_default="json", validate=validate.OneOf(("json", "ndjson")))


class ServiceArgs(PageArgs):
    taxonomy_term_id = fields.String(validate=validate.Length(max=100))
    taxonomy_id = fields.String(validate=validate.Length(max=100))
    organization_id = fields.String(validate=validate.Length(max=100))
    modified_after = Timestamp()
    minimal = fields.Boolean(load_default=False)
    full = fields.Boolean(load_default=False)


class LinkArgs(ServiceArgs):
    postcode = fields.String(validate=validate.Length(max=20))
    proximity = fields.Float(validate=validate.Range(1, MAX_PROXIMITY_M))
    lat = fields.Float(validate=validate.Range(-90, 90))
    lon = fields.Float(validate=validate.Range(-180, 180))

    @validates("postcode")
    def _pcode(self, value: str, **_: Any) -> None:
        if not queries.area_known(value):
            raise ValidationError("Not an OCHA P-code of the DRC (a province or territory).")


class OrganizationArgs(PageArgs):
    full = fields.Boolean(load_default=False)
    full_service = fields.Boolean(load_default=False)


class OrganizationItemArgs(StrictSchema):
    full_service = fields.Boolean(load_default=False)


class TermArgs(PageArgs):
    taxonomy_id = fields.String(validate=validate.Length(max=100))
    parent_id = fields.String(validate=validate.Length(max=100))
    top_only = fields.Boolean(load_default=False)


class NoArgs(StrictSchema):
    pass


def _args(schema: type[StrictSchema]) -> dict[str, Any]:
    loaded: dict[str, Any] = schema().load(request.args.to_dict())
    if not (loaded.get("search") or "").strip():
        loaded.pop("search", None)
    return loaded


def _page(items: list[Any], total: int, args: dict[str, Any]) -> Response:
    pages = queries.pages_count(total, args["per_page"])
    return jsonify(
        total_items=total,
        total_pages=pages,
        page_number=args["page"],
        size=len(items),
        first_page=args["page"] == 1,
        last_page=args["page"] >= pages,
        empty=total == 0,
        contents=items,
    )


def _ndjson(items: Iterable[Any]) -> Response:
    def lines() -> Iterator[str]:
        for item in items:
            yield json.dumps(item, ensure_ascii=False) + "\n"

    return Response(stream_with_context(lines()), mimetype="application/x-ndjson")


def _listing(
    args: dict[str, Any],
    fetch: Callable[[int, int | None], tuple[list[Any], int]],
    present: Callable[[Any], Any],
) -> Response:
    """A page (or the ndjson stream) of a collection given a fetcher and a presenter."""
    if args["format"] == "ndjson":
        return _ndjson(present(item) for item in fetch(0, None)[0])
    offset = (args["page"] - 1) * args["per_page"]
    items, total = fetch(offset, args["per_page"])
    return _page([present(item) for item in items], total, args)


def _filters(args: dict[str, Any]) -> queries.ServiceFilters:
    org = args.get("organization_id")
    return queries.ServiceFilters(
        search=args.get("search"),
        organization_id=org.lower() if org else None,
        taxonomy_term_id=(args.get("taxonomy_term_id") or "").lower() or None,
        taxonomy_id=(args.get("taxonomy_id") or "").lower() or None,
        modified_after=args.get("modified_after"),
        postcode=args.get("postcode"),
    )


# -- routes ------------------------------------------------------------------------------------


@blp.get("/")
@access("public")
def root() -> Response:
    """Which HSDS version this is, the Njia profile, and the OpenAPI document."""
    _args(NoArgs)
    profile = current_app.config.get("HSDS_PROFILE_URL") or url_for("hsds.profile", _external=True)
    return jsonify(
        version=spec.HSDS_VERSION,
        profile=profile,
        openapi_url=url_for("hsds.openapi", _external=True),
    )


@blp.get("/openapi.json")
@access("public")
def openapi() -> Response:
    """The HSDS OpenAPI document this API conforms to (with the Njia extension)."""
    return jsonify(spec.served_openapi(url_for("hsds.root").rstrip("/")))


@blp.get("/profile")
@access("public")
def profile() -> Response:
    """The Njia HSDS profile (Markdown)."""
    text = PROFILE_PATH.read_text(encoding="utf-8")
    return Response(text, mimetype="text/markdown")


@blp.get("/services")
@access("public")
@read_limit
def services() -> Response:
    args = _args(ServiceArgs)
    view = PublicView(get_store())
    filters = _filters(args)
    return _listing(
        args,
        lambda offset, limit: queries.services(view, filters, offset, limit),
        lambda doc: queries.service_item(view, doc, args["full"], args["minimal"]),
    )


@blp.get("/services/<string:entity_id>")
@access("public")
def service(entity_id: str) -> Response:
    _args(NoArgs)
    view = PublicView(get_store())
    doc = view.get("service", entity_id) if queries.is_uuid(entity_id) else None
    if doc is None:
        abort(404)
    return jsonify(queries.service_item(view, doc, full=True))


@blp.get("/organizations")
@access("public")
@read_limit
def organizations() -> Response:
    args = _args(OrganizationArgs)
    view = PublicView(get_store())
    query = ListQuery(text=args.get("search"))

    def fetch(offset: int, limit: int | None) -> tuple[list[Any], int]:
        if limit is None:
            return list(view.pages("organization", query)), 0
        result = view.store.page("organization", replace(query, offset=offset, limit=limit))
        return result.items, result.total

    def present(doc: dict[str, Any]) -> dict[str, Any]:
        if args["full"]:
            return queries.full_organization(view, doc, args["full_service"])
        return mapping.organization_basic(doc)

    return _listing(args, fetch, present)


@blp.get("/organizations/<string:entity_id>")
@access("public")
def organization(entity_id: str) -> Response:
    args = _args(OrganizationItemArgs)
    view = PublicView(get_store())
    doc = view.get("organization", entity_id) if queries.is_uuid(entity_id) else None
    if doc is None:
        abort(404)
    return jsonify(queries.full_organization(view, doc, args["full_service"]))


@blp.get("/service_at_locations")
@access("public")
@read_limit
def service_at_locations() -> Response:
    args = _args(LinkArgs)
    view = PublicView(get_store())
    filters = _filters(args)
    near = [args.get(k) is not None for k in ("lat", "lon")]
    if any(near) and not all(near):
        raise ValidationError({"lat": ["Give lat and lon together."]})
    if args.get("proximity") is not None and not all(near):
        raise ValidationError(
            {"proximity": ["Give lat and lon with proximity (no postcodes in the DRC)."]}
        )

    def fetch(offset: int, limit: int | None) -> tuple[list[Any], int]:
        if all(near):
            metres = args.get("proximity") or DEFAULT_PROXIMITY_M
            found = queries.links_near(view, filters, args["lat"], args["lon"], metres)
            return queries.window(iter(found), offset, limit)
        return queries.window(queries.links(view, filters), offset, limit)

    return _listing(args, fetch, lambda link: queries.link_item(view, link, args["full"]))


@blp.get("/service_at_locations/<string:entity_id>")
@access("public")
def service_at_location(entity_id: str) -> Response:
    """A service at a location, fully nested. It also carries the service's ``name`` and
    ``status``: HSDS 3.0.0's openapi.json declares this answer a *service* (a bug fixed in a
    3.0.x release), and with them it conforms to both readings."""
    _args(NoArgs)
    view = PublicView(get_store())
    link = queries.find_link(view, entity_id) if queries.is_uuid(entity_id) else None
    if link is None:
        abort(404)
    item = queries.link_item(view, link, full=True)
    item["name"] = link.service["name"]
    item["status"] = mapping.STATUS_TO_HSDS[link.service["status"]]
    return jsonify(item)


@blp.get("/taxonomies")
@access("public")
def taxonomies() -> Response:
    args = _args(PageArgs)
    found = [
        vocab.taxonomy(name)
        for name, text in vocab.TAXONOMIES.items()
        if queries.text_matches(args.get("search"), name, text)
    ]
    return _listing(args, lambda offset, limit: queries.window(iter(found), offset, limit), dict)


@blp.get("/taxonomies/<string:entity_id>")
@access("public")
def taxonomy(entity_id: str) -> Response:
    _args(NoArgs)
    for name in vocab.TAXONOMIES:
        if vocab.taxonomy_id(name) == entity_id:
            return jsonify(vocab.taxonomy(name))
    abort(404)


@blp.get("/taxonomy_terms")
@access("public")
def taxonomy_terms() -> Response:
    args = _args(TermArgs)
    found = [
        term
        for term in vocab.all_terms()
        if (not args.get("taxonomy_id") or vocab.taxonomy_id(term.taxonomy) == args["taxonomy_id"])
        and (
            not args.get("parent_id")
            or (term.parent and term.hsds()["parent_id"] == args["parent_id"])
        )
        and not (args["top_only"] and term.parent)
        and queries.text_matches(args.get("search"), term.code, term.name, term.description)
    ]
    return _listing(args, lambda offset, limit: queries.window(iter(found), offset, limit), _term)


@blp.get("/taxonomy_terms/<string:entity_id>")
@access("public")
def taxonomy_term(entity_id: str) -> Response:
    _args(NoArgs)
    term = vocab.terms_by_id().get(entity_id)
    if term is None:
        abort(404)
    return jsonify(_term(term))


def _term(term: vocab.Term) -> dict[str, Any]:
    return {**term.hsds(), "taxonomy_detail": vocab.taxonomy(term.taxonomy)}
