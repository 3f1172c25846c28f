"""Verification, re-confirmation, revert and the moderation queue (coordinators' work).

- ``POST /api/v1/{kind}/{id}/verify`` (staff): the listing was checked; ``last_verified_at``.
- ``POST /api/v1/{kind}/{id}/confirm`` (its provider or staff): "still accurate";
  ``last_confirmed_at``.
- ``POST /api/v1/{kind}/{id}/revert`` (staff) with ``{"version": n}``: a new version with the
  content of version ``n``.
- ``GET /api/v1/moderation``, ``POST /api/v1/moderation/{id}/approve|reject`` (staff).
- ``GET /api/v1/review/stale?kind=service`` (staff): listings not verified for 180 days.

All listing actions need ``If-Match`` like any other write.
"""

from __future__ import annotations

import uuid
from typing import Any

from flask import Response, abort, jsonify
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import fields, validate

from directory.core import editing, workflow
from directory.core.schemas import StrictSchema
from directory.store import get_store
from directory.store.base import KINDS, NotFound
from directory.web.auth import access, current_principal
from directory.web.etag import expected_version, with_etag

blp = Blueprint("review", __name__, url_prefix="/api/v1", description="Coordinators' review.")


class RevertSchema(StrictSchema):
    version = fields.Integer(required=True, validate=validate.Range(min=1), strict=True)


class DecisionSchema(StrictSchema):
    reason = fields.String(load_default="", validate=validate.Length(max=500))


class StaleArgs(StrictSchema):
    kind = fields.String(load_default="service", validate=validate.OneOf(KINDS))
    limit = fields.Integer(load_default=100, validate=validate.Range(1, 1000))


def add_listing_actions(listing_blp: Blueprint, kind: str) -> None:
    """Add verify, confirm and revert to one listing kind's blueprint."""

    @listing_blp.route("/<uuid:entity_id>/verify")
    class Verify(MethodView):
        @access("staff")
        @listing_blp.doc(responses={"200": {"description": "The verified listing."}})
        def post(self, entity_id: uuid.UUID) -> Response:
            """Mark the listing verified now (coordinators)."""
            return _stamp(kind, str(entity_id), "last_verified_at")

    @listing_blp.route("/<uuid:entity_id>/confirm")
    class Confirm(MethodView):
        @access("writer")
        @listing_blp.doc(responses={"200": {"description": "The confirmed listing."}})
        def post(self, entity_id: uuid.UUID) -> Response:
            """ "Still accurate": the provider confirms the listing without changes."""
            return _stamp(kind, str(entity_id), "last_confirmed_at")

    @listing_blp.route("/<uuid:entity_id>/revert")
    class Revert(MethodView):
        @access("staff")
        @listing_blp.arguments(RevertSchema)
        @listing_blp.doc(responses={"200": {"description": "The listing as a new version."}})
        def post(self, body: dict[str, int], entity_id: uuid.UUID) -> Response:
            """Revert to an earlier version by appending it as a new version."""
            version = expected_version()
            current = editing.read_writable(get_store(), current_principal(), kind, str(entity_id))
            try:
                stored = workflow.revert(get_store(), kind, current, body["version"], version,
                                         current_principal().actor)  # fmt: skip
            except NotFound:
                abort(422, description="No such version of this listing.")
            return with_etag(jsonify(stored), 200)


def _stamp(kind: str, entity_id: str, field: str) -> Response:
    version = expected_version()
    current = editing.read_writable(get_store(), current_principal(), kind, entity_id)
    stored = workflow.stamp(get_store(), kind, current, field, version, current_principal().actor)
    return with_etag(jsonify(stored), 200)


@blp.route("/moderation")
class Queue(MethodView):
    @access("staff")
    @blp.doc(responses={"200": {"description": "Pending changes, oldest first."}})
    def get(self) -> Response:
        """Changes of sensitive fields waiting for a coordinator."""
        store = get_store()
        items = []
        for record in workflow.pending(store):
            change = workflow.pending_json(record)
            listing = store.get(change["kind"], change["entity_id"])
            items.append({**change, "current": listing})
        return jsonify(items=items)


@blp.route("/moderation/<uuid:change_id>/<any(approve, reject):decision>")
class Decide(MethodView):
    @access("staff")
    @blp.arguments(DecisionSchema)
    @blp.doc(responses={"200": {"description": "The decided change."}})
    def post(self, body: dict[str, str], change_id: uuid.UUID, decision: str) -> Response:
        """Approve (apply to the current listing) or reject a pending change, with a reason."""
        decided = workflow.decide(get_store(), str(change_id), decision == "approve",
                                  current_principal().actor, body["reason"])  # fmt: skip
        return jsonify(decided)


@blp.route("/review/stale")
class Stale(MethodView):
    @access("staff")
    @blp.arguments(StaleArgs, location="query")
    @blp.doc(responses={"200": {"description": "Listings due for verification."}})
    def get(self, args: dict[str, Any]) -> Response:
        """Listings never verified (imports) or not verified for 180 days, oldest first."""
        docs = [d for _, d in workflow.stale_listings(get_store(), args["kind"])]
        return jsonify(items=docs[: args["limit"]], total=len(docs))
