"""Coordinators' coverage, referral-network and data-quality tables (staff only).

- ``GET /api/v1/coverage/areas?need=medical&level=province``: places within 10/25/50/100 km
  of a counting service, per area and population class (``level``: ``country``,
  ``province`` or ``territory``).
- ``GET /api/v1/coverage/places?need=pep_24h&beyond_km=50``: places farther than that from
  any counting service (``need=pep_24h``: 24/7 PEP), farthest first; ``province`` filters.
- ``GET /api/v1/coverage/territories?need=legal``: services per territory, in person and by
  area; ``no_service`` marks the territories with none at all.
- ``GET /api/v1/network/referrals``: the graph of referral agreements.
- ``GET /api/v1/network/unreferred?need=&province=``: organizations nobody refers to.
- ``GET /api/v1/network/paths?need=``: provinces where organizations have no referral path to
  a provider of a need.
- ``GET /api/v1/network/flows``: referrals by month, counts below 5 withheld.
- ``GET /api/v1/quality?issue=``: listings by verification age and data problems.

Every table is JSON by default and CSV with an HXL hashtag row with ``format=csv``. Nothing
here uses a confidential location's point (``docs/coverage.md``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask import Response, jsonify
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import RAISE, fields, validate

from directory.core.schemas import StrictSchema
from directory.core.taxonomy import get_taxonomy
from directory.coverage import flows, gaps, network, quality, tables
from directory.coverage.hxl import Column, to_csv
from directory.coverage.snapshot import Snapshot, now
from directory.coverage.supply import TARGETS
from directory.store import get_store
from directory.web.auth import access

blp = Blueprint(
    "coverage",
    __name__,
    url_prefix="/api/v1",
    description="Coverage gaps, the referral network and data quality (coordinators).",
)
FORMATS = ("json", "csv")
PROVINCES = tuple(sorted(a.pcode for a in get_taxonomy().areas.values() if a.level == 1))


class FormatArgs(StrictSchema):
    format = fields.String(load_default="json", validate=validate.OneOf(FORMATS))


class AreasArgs(FormatArgs):
    need = fields.String(load_default="medical", validate=validate.OneOf(TARGETS))
    level = fields.String(load_default="province", validate=validate.OneOf(gaps.LEVELS))


class PlacesArgs(FormatArgs):
    need = fields.String(load_default="pep_24h", validate=validate.OneOf(TARGETS))
    beyond_km = fields.Float(load_default=0.0, validate=validate.Range(0, 3000), allow_nan=False)
    province = fields.String(load_default=None, validate=validate.OneOf(PROVINCES))


class NeedArgs(FormatArgs):
    need = fields.String(load_default="medical", validate=validate.OneOf(TARGETS))


class NetworkArgs(FormatArgs):
    need = fields.String(load_default=None, validate=validate.OneOf(TARGETS))
    province = fields.String(load_default=None, validate=validate.OneOf(PROVINCES))


class QualityArgs(FormatArgs):
    issue = fields.String(load_default=None, validate=validate.OneOf(quality.ISSUES))
    limit = fields.Integer(load_default=500, validate=validate.Range(1, 100_000))
    offset = fields.Integer(load_default=0, validate=validate.Range(0, 10_000_000))


def snapshot() -> Snapshot:
    """The whole directory, read once for this request."""
    return Snapshot.from_store(get_store())


def table(
    args: dict[str, Any],
    name: str,
    rows: list[dict[str, Any]],
    columns: Sequence[Column] = (),
    **extra: Any,
) -> Response:
    """Rows as JSON (``items``, ``total`` and ``extra``) or as an HXL CSV download named after
    the table and the request's own arguments."""
    if args["format"] == "csv":
        text = to_csv(columns or tables.COLUMNS[name], rows)
        labels = [str(v) for k, v in sorted(args.items()) if k != "format" and v]
        filename = "-".join(["njia", name, *labels]) + ".csv"
        return Response(
            text,
            mimetype="text/csv",
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )
    return jsonify(items=rows, total=len(rows), **extra)


@blp.route("/coverage/areas")
class Areas(MethodView):
    @access("staff")
    @blp.arguments(AreasArgs, location="query", unknown=RAISE)
    @blp.doc(responses={"200": {"description": "Coverage per area and population class."}})
    def get(self, args: dict[str, Any]) -> Response:
        """Share of places within 10, 25, 50 and 100 km of a service meeting the need."""
        report = gaps.compute(snapshot(), args["need"], now())
        rows = tables.area_rows(report, args["level"])
        return table(args, "areas", rows, need=args["need"], level=args["level"])


@blp.route("/coverage/places")
class Places(MethodView):
    @access("staff")
    @blp.arguments(PlacesArgs, location="query", unknown=RAISE)
    @blp.doc(responses={"200": {"description": "Places beyond the distance, farthest first."}})
    def get(self, args: dict[str, Any]) -> Response:
        """Places farther than ``beyond_km`` from every service meeting the need."""
        report = gaps.compute(snapshot(), args["need"], now())
        rows = tables.place_rows(report, args["beyond_km"], args["province"])
        return table(args, "places", rows, need=args["need"], beyond_km=args["beyond_km"])


@blp.route("/coverage/territories")
class Territories(MethodView):
    @access("staff")
    @blp.arguments(NeedArgs, location="query", unknown=RAISE)
    @blp.doc(responses={"200": {"description": "Services per territory."}})
    def get(self, args: dict[str, Any]) -> Response:
        """Every territory with its services in person and by area (``no_service``: none)."""
        report = gaps.compute(snapshot(), args["need"], now())
        return table(args, "territories", tables.territory_rows(report), need=args["need"])


@blp.route("/network/referrals")
class Referrals(MethodView):
    @access("staff")
    @blp.arguments(FormatArgs, location="query", unknown=RAISE)
    @blp.doc(responses={"200": {"description": "Organizations with agreements, and the edges."}})
    def get(self, args: dict[str, Any]) -> Response:
        """The referral graph: who refers to whom (CSV: one row per agreement)."""
        graph = network.build_graph(snapshot(), now())
        nodes = [tables.node_row(n) for n in graph.connected()]
        return table(args, "referrals", tables.referral_rows(graph), nodes=nodes)


@blp.route("/network/unreferred")
class Unreferred(MethodView):
    @access("staff")
    @blp.arguments(NetworkArgs, location="query", unknown=RAISE)
    @blp.doc(responses={"200": {"description": "Organizations nobody refers to."}})
    def get(self, args: dict[str, Any]) -> Response:
        """Active organizations offering a need (any) that no active organization refers to."""
        graph = network.build_graph(snapshot(), now())
        found = network.unreferred(graph, args["need"], args["province"])
        rows = [tables.node_row(n) for n in found]
        return table(args, "unreferred", rows, need=args["need"], province=args["province"])


@blp.route("/network/paths")
class Paths(MethodView):
    @access("staff")
    @blp.arguments(NetworkArgs, location="query", unknown=RAISE)
    @blp.doc(responses={"200": {"description": "Provinces and needs, with referral paths."}})
    def get(self, args: dict[str, Any]) -> Response:
        """Per province and need with providers: can the other organizations refer to them?"""
        graph = network.build_graph(snapshot(), now())
        targets = [args["need"]] if args["need"] else TARGETS
        found = network.path_gaps(graph, targets)
        if args["province"]:
            found = [g for g in found if g.province_pcode == args["province"]]
        return table(args, "paths", tables.path_rows(found), need=args["need"])


@blp.route("/network/flows")
class Flows(MethodView):
    @access("staff")
    @blp.arguments(FormatArgs, location="query", unknown=RAISE)
    @blp.doc(responses={"200": {"description": "Referrals by month, small counts withheld."}})
    def get(self, args: dict[str, Any]) -> Response:
        """Referrals between organizations by month; counts 1–4 and any count they could be
        worked out from are withheld (null). Read from the referrals the workspace records."""
        snap = snapshot()
        events = flows.referral_events(get_store())
        graph = network.build_graph(snap, now())
        flow = flows.flow_table(events, [(e.source, e.target) for e in graph.edges])
        names = {i: o["name"] for i, o in snap.organizations.items()}
        if args["format"] == "csv":
            columns = tables.flow_columns(flow)
            return table(args, "flows", tables.flow_csv_rows(flow, names), columns)
        return jsonify(recorded=len(events), **tables.flow_json(flow, names))


@blp.route("/quality")
class Quality(MethodView):
    @access("staff")
    @blp.arguments(QualityArgs, location="query", unknown=RAISE)
    @blp.doc(responses={"200": {"description": "Verification ages and data problems."}})
    def get(self, args: dict[str, Any]) -> Response:
        """Listings by age of their last check, and problems to fix (``issue`` filters)."""
        snap, at = snapshot(), now()
        found = quality.issues(snap, at)
        counts = {code: sum(1 for i in found if i.issue == code) for code in quality.ISSUES}
        if args["issue"]:
            found = [i for i in found if i.issue == args["issue"]]
        page = tables.issue_rows(found[args["offset"] : args["offset"] + args["limit"]])
        if args["format"] == "csv":
            return table(args, "issues", page, issue=args["issue"])
        ages = quality.verification_age(snap, at)
        return jsonify(items=page, total=len(found), issues=counts, verification_age=ages)
