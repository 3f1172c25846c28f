"""The answer of a search as JSON, one shape for the API and the pages, and its documented
schema (:class:`MatchResponseSchema`, the ``200`` response of ``POST /api/v1/match`` in the
OpenAPI document).

:class:`MatchJson` writes the answer from a :class:`matching.MatchResult` and the store rows
the matcher was given; the schema only documents it (the answer is not dumped through it: a
test checks every answer against the document instead).
"""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields

import matching
from directory.core.schemas import PhoneSchema, ScheduleSchema
from directory.core.taxonomy import get_taxonomy
from directory.store.base import CandidateRow, Document


class MatchJson:
    """Serialises a :class:`matching.MatchResult` with the display fields of each listing."""

    def __init__(self, rows: list[CandidateRow], audience: str) -> None:
        self.audience = audience
        self.rows = {r.key: r for r in rows}

    def result(self, result: matching.MatchResult) -> dict[str, Any]:
        """The whole answer."""
        return {
            "needs": [self.need(n) for n in result.needs],
            "care_plan": [self.stop(s) for s in result.care_plan],
            "hotlines": [self.recommendation(r) for r in result.hotlines],
            "uncovered": list(result.uncovered),
        }

    def need(self, n: matching.NeedResult) -> dict[str, Any]:
        """One need's lists and messages."""
        one = self.recommendation
        return {
            "need": n.need,
            "urgent": n.urgent,
            "unmet": n.unmet,
            "results": [one(r) for r in n.results],
            "remote": [one(r) for r in n.remote],
            "nearest_beyond": one(n.nearest_beyond) if n.nearest_beyond else None,
            "opens_soonest": one(n.opens_soonest) if n.opens_soonest else None,
            "messages": [note(m) for m in n.messages],
            "left_out": [self.left_out(x) for x in n.left_out],
        }

    def left_out(self, x: matching.LeftOut) -> dict[str, Any]:
        """One rule's exclusions: the count, and for staff the nearest (name, distance)."""
        shown: dict[str, Any] = {"rule": x.rule, "count": x.count}
        if x.nearest is not None:
            row = self.rows[(x.nearest.candidate.service_id, x.nearest.candidate.location_id)]
            shown["nearest"] = {
                "service": {"id": row.service["id"], "name": row.service["name"]},
                "distance_km": round(x.nearest.distance_km or 0.0, 1),
            }
        return shown

    def stop(self, stop: matching.CarePlanStop) -> dict[str, Any]:
        """One stop of the care plan."""
        return {
            **self.recommendation(stop.recommendation),
            "covers": list(stop.needs),
            "stop_reasons": [note(r) for r in stop.reasons],
        }

    def recommendation(self, rec: matching.Recommendation) -> dict[str, Any]:
        """One result with what a person needs to get there: names, phones, place in words."""
        c = rec.candidate
        row = self.rows[(c.service_id, c.location_id)]
        return {
            "service": _service(row.service),
            "organization": {"id": c.organization_id, "name": c.organization_name,
                             "phones": row.organization["phones"]},
            "location": _location(row.location) if c.lat is not None else None,
            "distance_km": None if rec.distance_km is None else round(rec.distance_km, 1),
            "travel_minutes": rec.travel_minutes,
            "open_now": rec.open_now,
            "next_open": rec.next_open.isoformat() if rec.next_open else None,
            "reasons": [note(r) for r in rec.reasons],
            "warnings": [note(w) for w in rec.warnings],
        }  # fmt: skip


def _service(s: Document) -> dict[str, Any]:
    keys = ("id", "name", "description", "needs", "capabilities", "phones", "languages",
            "schedule", "remote", "last_verified_at", "demo", "source")  # fmt: skip
    return {k: s[k] for k in keys}


def _location(loc: Document | None) -> dict[str, Any] | None:
    if loc is None:
        return None
    keys = ("id", "name", "description", "latitude", "longitude", "adm1_pcode", "adm2_pcode",
            "tz", "accessibility", "confidentiality")  # fmt: skip
    province = get_taxonomy().areas.get(loc["adm1_pcode"])
    return {**{k: loc[k] for k in keys}, "approximate": bool(loc.get("approximate")),
            "province": province.name if province else None}  # fmt: skip


def note(n: matching.Note) -> dict[str, Any]:
    """A reason, warning or message as ``{"code": ..., "params": {...}}``."""
    return {"code": n.code, "params": dict(n.params)}


class NoteSchema(Schema):
    """A reason, warning or message: a code the pages translate, and its parameters."""

    code = fields.String(required=True)
    params = fields.Dict(keys=fields.String(), required=True)


class ShownServiceSchema(Schema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    description = fields.String(required=True)
    needs = fields.List(fields.String(), required=True)
    capabilities = fields.List(fields.String(), required=True)
    phones = fields.List(fields.Nested(PhoneSchema), required=True)
    languages = fields.List(fields.String(), required=True)
    schedule = fields.Nested(ScheduleSchema, required=True)
    remote = fields.Boolean(required=True)
    last_verified_at = fields.String(required=True, allow_none=True)
    demo = fields.Boolean(required=True)
    source = fields.String(required=True, allow_none=True)


class ShownOrganizationSchema(Schema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    phones = fields.List(fields.Nested(PhoneSchema), required=True)


class ShownLocationSchema(Schema):
    """A location as the caller may see it; ``approximate`` when its point is a place's."""

    id = fields.String(required=True)
    name = fields.String(required=True)
    description = fields.String(required=True, allow_none=True)
    latitude = fields.Float(required=True)
    longitude = fields.Float(required=True)
    adm1_pcode = fields.String(required=True)
    adm2_pcode = fields.String(required=True, allow_none=True)
    tz = fields.String(required=True)
    accessibility = fields.List(fields.String(), required=True)
    confidentiality = fields.String(required=True)
    approximate = fields.Boolean(required=True)
    province = fields.String(required=True, allow_none=True)


class RecommendationSchema(Schema):
    """One service at one place, with what a person needs to get there and why it was chosen.
    ``location`` is null for a remote service or one whose place the caller may not see."""

    service = fields.Nested(ShownServiceSchema, required=True)
    organization = fields.Nested(ShownOrganizationSchema, required=True)
    location = fields.Nested(ShownLocationSchema, required=True, allow_none=True)
    distance_km = fields.Float(required=True, allow_none=True)
    travel_minutes = fields.Integer(required=True, allow_none=True)
    open_now = fields.Boolean(required=True, allow_none=True)
    next_open = fields.String(required=True, allow_none=True)
    reasons = fields.List(fields.Nested(NoteSchema), required=True)
    warnings = fields.List(fields.Nested(NoteSchema), required=True)


class StopSchema(RecommendationSchema):
    """One stop of the care plan: a recommendation, the needs it covers, and why."""

    covers = fields.List(fields.String(), required=True)
    stop_reasons = fields.List(fields.Nested(NoteSchema), required=True)


class LeftOutNearestSchema(Schema):
    service = fields.Dict(keys=fields.String(), required=True)
    distance_km = fields.Float(required=True)


class LeftOutSchema(Schema):
    """How many services one rule left out; for staff, the nearest of them."""

    rule = fields.String(required=True)
    count = fields.Integer(required=True)
    nearest = fields.Nested(LeftOutNearestSchema)


class NeedAnswerSchema(Schema):
    need = fields.String(required=True)
    urgent = fields.Boolean(required=True)
    unmet = fields.Boolean(required=True)
    results = fields.List(fields.Nested(RecommendationSchema), required=True)
    remote = fields.List(fields.Nested(RecommendationSchema), required=True)
    nearest_beyond = fields.Nested(RecommendationSchema, required=True, allow_none=True)
    opens_soonest = fields.Nested(RecommendationSchema, required=True, allow_none=True)
    messages = fields.List(fields.Nested(NoteSchema), required=True)
    left_out = fields.List(fields.Nested(LeftOutSchema), required=True)


class MatchResponseSchema(Schema):
    """The answer: per need, the ranked results with reasons; a care plan (fewest stops, most
    urgent first); hotlines; the needs nothing covers."""

    needs = fields.List(fields.Nested(NeedAnswerSchema), required=True)
    care_plan = fields.List(fields.Nested(StopSchema), required=True)
    hotlines = fields.List(fields.Nested(RecommendationSchema), required=True)
    uncovered = fields.List(fields.String(), required=True)
