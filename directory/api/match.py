"""``POST /api/v1/match``: the nearest suitable support for a survivor's needs, explained.

The request holds no identity: only needs, a place or point, and what eligibility and clinical
urgency need. Any other field (a name, a phone, a case number, notes) is rejected with 422. The
point travels in the body, never in a URL, and nothing about the request is stored or logged.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Response, current_app, jsonify
from flask.views import MethodView
from flask_smorest import Blueprint

from directory.search import engine
from directory.search import request as match_request
from directory.search.answer import MatchResponseSchema
from directory.search.index import index_for
from directory.search.request import MatchRequestSchema
from directory.store import get_store
from directory.web.auth import access, current_principal
from directory.web.limits import search_limit

blp = Blueprint("match", __name__, url_prefix="/api/v1/match", description=__doc__)


@blp.route("")
class Match(MethodView):
    @access("public")
    @search_limit
    @blp.arguments(MatchRequestSchema)
    @blp.alt_response(200, schema=MatchResponseSchema, success=True,
                      description="Ranked, explained services for each need.")  # fmt: skip
    def post(self, body: dict[str, Any]) -> Response:
        """Recommend the nearest suitable services for each need, with a care plan."""
        return jsonify(match_from(body))


def match_from(body: dict[str, Any]) -> dict[str, Any]:
    """Run a loaded match request for the current caller."""
    point = match_request.point_of(body["location"])
    options = match_request.options(body, datetime.now(UTC))
    principal = current_principal()
    audience = engine.audience_of(principal)
    store = get_store()
    index = index_for(store, current_app.config["MATCH_INDEX_MIN_SERVICES"])
    return engine.run_match(store, point, options, audience, principal.is_staff, index)
