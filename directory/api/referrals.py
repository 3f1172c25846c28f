"""``/api/v1/referrals``: record referrals with the survivor's consent, and close the loop.

- ``POST /api/v1/referrals`` (caseworkers and staff): ``{"need", "service_id", "consent":
  {"attested": true, "method": …}}``, the method one of ``verbal``, ``written``, ``guardian``,
  ``best_interest``, ``adolescent`` (``referrals.CONSENT_METHODS``). Without the attestation: 422
  naming ``consent``. Any other field (a name, a phone, notes) is refused with 422: a referral
  never holds anything about the survivor. With an ``Idempotency-Key`` header, retries answer
  the referral created first (same body, 201) and never create another.
- ``GET /api/v1/referrals[?status=…]``: a provider sees referrals to its organization, a
  caseworker its own, staff all of them.
- ``PATCH /api/v1/referrals/{code}`` ``{"status"}``: the receiving provider only (anyone else
  gets 404, as for a missing code).

Every answer is ``Cache-Control: no-store``.
"""

from __future__ import annotations

from typing import Any

from flask import Response, abort, current_app, jsonify, request
from flask.views import MethodView
from flask_smorest import Blueprint
from flask_smorest import abort as smorest_abort
from marshmallow import fields, validate

from directory.core import referrals
from directory.core.schemas import NEED_CODES, StrictSchema
from directory.store import get_store
from directory.store.base import NotFound
from directory.web.auth import access, current_principal

blp = Blueprint(
    "referrals", __name__, url_prefix="/api/v1/referrals", description="Referrals (closed loop)."
)
IDEMPOTENCY_HEADER = {
    "in": "header",
    "name": "Idempotency-Key",
    "required": False,
    "schema": {"type": "string", "maxLength": referrals.MAX_KEY_LENGTH},
    "description": "Retries with the same key return the referral created first.",
}


class ConsentSchema(StrictSchema):
    attested = fields.Boolean(
        required=True,
        validate=validate.Equal(True, error="Attest the survivor's informed consent."),
    )
    method = fields.String(required=True, validate=validate.OneOf(referrals.CONSENT_METHODS))


class ReferralCreateSchema(StrictSchema):
    """Everything a referral may hold from the caller: no field about the survivor."""

    need = fields.String(required=True, validate=validate.OneOf(NEED_CODES))
    service_id = fields.UUID(required=True)
    consent = fields.Nested(ConsentSchema, required=True)


class StatusSchema(StrictSchema):
    status = fields.String(required=True, validate=validate.OneOf(referrals.STATUSES[1:]))


class ListArgs(StrictSchema):
    status = fields.String(validate=validate.OneOf(referrals.STATUSES))


@blp.route("")
class Referrals(MethodView):
    @access("signed_in")
    @blp.arguments(ListArgs, location="query")
    @blp.doc(responses={"200": {"description": "The referrals the caller may see."}})
    def get(self, args: dict[str, Any]) -> Response:
        """List referrals (closed ones past the retention period are purged first)."""
        docs = referrals.listed(
            get_store(),
            current_principal(),
            float(current_app.config["REFERRAL_RETENTION_DAYS"]),
            args.get("status"),
        )
        return jsonify(items=docs)

    @access("caseworker")
    @blp.arguments(ReferralCreateSchema)
    @blp.doc(
        parameters=[IDEMPOTENCY_HEADER],
        responses={"201": {"description": "The referral (also for a retried key)."}},
    )
    def post(self, body: dict[str, Any]) -> Response:
        """Record a referral; the survivor's informed consent must be attested."""
        key = request.headers.get("Idempotency-Key")
        doc, created = _call(
            referrals.create, get_store(), current_principal(), body["need"],
            str(body["service_id"]), body["consent"], key,
        )  # fmt: skip
        response = jsonify(doc)
        response.status_code = 201
        if not created:
            response.headers["Idempotent-Replayed"] = "true"
        return response


@blp.route("/<string:code>")
class OneReferral(MethodView):
    @access("signed_in")
    @blp.arguments(StatusSchema)
    @blp.doc(responses={"200": {"description": "The referral with its new status."}})
    def patch(self, body: dict[str, str], code: str) -> Response:
        """Move a referral on (the receiving provider only; others get 404)."""
        try:
            doc = _call(referrals.set_status, get_store(), current_principal(), code,
                        body["status"])  # fmt: skip
        except NotFound:
            abort(404)
        return jsonify(doc)


def _call(function: Any, *args: Any) -> Any:
    """Run a referral operation, turning :class:`referrals.ReferralError` into a 422."""
    try:
        return function(*args)
    except referrals.ReferralError as exc:
        smorest_abort(422, messages={"json": {exc.field: [exc.message]}})
