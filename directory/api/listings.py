"""``/api/v1/{organizations,locations,services}``: create, read, update, list, deactivate.

One blueprint per listing kind, built by :func:`listing_blueprint` from the kind's schema.
Writes need ``If-Match`` with the ETag last read (428 without it, 412 when stale) and are
compare-and-set in the store, so no update is ever lost. PATCH replaces the top-level fields
it names (nested objects are replaced whole) and the merged listing is validated again.
"""

from __future__ import annotations

import uuid
from functools import cache
from typing import Any

from flask import Response, abort, jsonify, request
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import RAISE, Schema, ValidationError, fields, validate

from directory.api.review import add_listing_actions
from directory.core import editing
from directory.core.rights import can_write, sees_restricted_addresses, visible_tiers
from directory.core.schemas import NEED_CODES, SCHEMAS, TAXONOMY, StrictSchema, canonical_loaded
from directory.core.visibility import present
from directory.store import get_store
from directory.store.base import Document, ListQuery
from directory.web.auth import access, current_principal
from directory.web.etag import expected_version, with_etag
from directory.web.limits import read_limit

PLURAL = {"organization": "organizations", "location": "locations", "service": "services"}


class ListArgs(StrictSchema):
    """Query arguments of a listing collection. Unknown arguments are rejected."""

    page = fields.Integer(load_default=1, validate=validate.Range(1, 10_000))
    per_page = fields.Integer(load_default=20, validate=validate.Range(1, 100))
    q = fields.String(validate=validate.Length(min=1, max=100))
    need = fields.String(validate=validate.OneOf(NEED_CODES))
    area = fields.String(validate=lambda code: _known_area(code))
    organization_id = fields.UUID()
    status = fields.String(validate=validate.OneOf(("active", "inactive", "temporarily_closed")))


def _known_area(code: str) -> None:
    if code not in TAXONOMY.areas:
        raise ValidationError(f"Unknown area P-code {code!r}.")


def listing_blueprint(kind: str) -> Blueprint:
    """Build the blueprint serving one listing kind."""
    plural = PLURAL[kind]
    schema = SCHEMAS[kind]
    blp = Blueprint(plural, __name__, url_prefix=f"/api/v1/{plural}", description=_DOCS[kind])

    @blp.route("")
    class Collection(MethodView):
        @access("public")
        @read_limit
        @blp.arguments(ListArgs, location="query", as_kwargs=True, unknown=RAISE)
        @blp.doc(responses={"200": {"description": f"A page of {plural}."}})
        def get(self, page: int, per_page: int, **filters: Any) -> Response:
            """List, filtered and paged (ordered by name, then id)."""
            return list_listings(kind, page, per_page, filters)

        @access("writer")
        @blp.arguments(schema)
        @blp.response(201, schema)
        @blp.alt_response(202, schema=held_schema(kind), description=HELD_DOC)
        def post(self, loaded: dict[str, Any]) -> Response:
            """Create. The server assigns the id (a random UUID)."""
            return create_listing(kind, loaded)

    class Item(MethodView):
        @access("public")
        @blp.response(200, schema)
        def get(self, entity_id: uuid.UUID) -> Response:
            """Read one. The ETag header is the version to send back in If-Match."""
            return with_etag(jsonify(read_visible(kind, str(entity_id))), 200)

        @access("writer")
        @blp.arguments(schema(partial=True))
        @blp.response(200, schema)
        @blp.alt_response(202, schema=held_schema(kind), description=HELD_DOC)
        def patch(self, _: dict[str, Any], entity_id: uuid.UUID) -> Response:
            """Update the fields given. Needs If-Match (428 without, 412 if stale)."""
            return update_listing(kind, str(entity_id), request.get_json())

    class DeactivatableItem(Item):
        @access("writer")
        @blp.response(200, schema)
        def delete(self, entity_id: uuid.UUID) -> Response:
            """Deactivate (status becomes inactive; history keeps everything). Needs If-Match."""
            return update_listing(kind, str(entity_id), {"status": "inactive"})

    # Locations are retired by deactivating the services offered there.
    blp.route("/<uuid:entity_id>")(Item if kind == "location" else DeactivatableItem)
    add_listing_actions(blp, kind)

    @blp.route("/<uuid:entity_id>/history")
    class History(MethodView):
        @access("writer")
        @blp.doc(responses={"200": {"description": "Every change, oldest first."}})
        def get(self, entity_id: uuid.UUID) -> Response:
            """Every recorded change of this listing: who, when, old and new values."""
            doc = editing.read_writable(get_store(), current_principal(), kind, str(entity_id))
            changes = get_store().history(kind, doc["id"])
            return jsonify(items=[_change_json(c) for c in changes])

    return blp


HELD_DOC = (
    "A provider's change that waits for a coordinator: the listing as stored now, and the "
    "pending changes (a provider's new service is stored inactive until it is approved)."
)


@cache
def held_schema(kind: str) -> type[Schema]:
    """``{"listing": ..., "pending": [...]}``: the answer when some changes wait."""
    return Schema.from_dict(
        {"listing": fields.Nested(SCHEMAS[kind]), "pending": fields.List(fields.Dict())},
        name=f"{kind.title()}Held",
    )


def list_listings(kind: str, page: int, per_page: int, filters: dict[str, Any]) -> Response:
    """A page of listings as the caller may see them."""
    store, principal = get_store(), current_principal()
    org = filters.get("organization_id")
    query = ListQuery(
        need=filters.get("need"),
        area=filters.get("area"),
        text=filters.get("q"),
        text_names_only=kind == "location" and not sees_restricted_addresses(principal),
        organization_id=str(org) if org else None,
        status=filters.get("status"),
        tiers=visible_tiers(principal),
        offset=(page - 1) * per_page,
        limit=per_page,
    )
    result = store.page(kind, query)
    items = [present(store, principal, kind, doc) for doc in result.items]
    return jsonify(items=items, page=page, per_page=per_page, total=result.total)


def create_listing(kind: str, loaded: dict[str, Any]) -> Response:
    """Authorize and store a new listing, validated once by the route's schema."""
    principal = current_principal()
    doc = canonical_loaded(kind, loaded)
    doc = {"id": str(uuid.uuid4()), **doc}
    if not can_write(principal, kind, doc):
        abort(403 if kind == "organization" else 404)
    result = editing.create(get_store(), principal, kind, doc)
    if not result.pending:
        return with_etag(jsonify(result.listing), 201)
    return _held(result, 202)


def update_listing(kind: str, entity_id: str, changes: dict[str, Any]) -> Response:
    """Merge ``changes`` into the stored listing and compare-and-set it.

    A provider's changes of sensitive fields go to the moderation queue instead (202).
    """
    version = expected_version()
    store, principal = get_store(), current_principal()
    current = editing.read_writable(store, principal, kind, entity_id)
    result = editing.apply_edit(store, principal, kind, current, changes, version)
    if not result.pending:
        return with_etag(jsonify(result.listing), 200)
    return _held(result, 202)


def _held(result: editing.EditResult, status: int) -> Response:
    """The listing as stored now and the changes waiting for a coordinator."""
    response = jsonify(listing=result.listing, pending=list(result.pending))
    response.status_code = status
    response.headers["ETag"] = f'"{result.listing["version"]}"'
    return response


def read_visible(kind: str, entity_id: str) -> Document:
    """The listing as the caller may see it; 404 if missing or hidden from them."""
    store = get_store()
    doc = store.get(kind, entity_id)
    shown = present(store, current_principal(), kind, doc) if doc else None
    if shown is None:
        abort(404)
    return shown


def _change_json(change: Any) -> dict[str, Any]:
    return {
        "seq": change.seq,
        "version": change.version,
        "action": change.action,
        "actor": change.actor,
        "at": change.at,
        "old": change.old,
        "new": change.new,
    }


_DOCS = {
    "organization": "Organizations that provide services, and their referral agreements.",
    "location": "Places where services are offered: a point, an area (P-codes) and a landmark.",
    "service": "Services: the needs they meet, capabilities, hours, eligibility, capacity.",
}
