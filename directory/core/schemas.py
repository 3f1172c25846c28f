"""Marshmallow schemas: the one place where listings and API arguments are validated.

Field names follow Open Referral HSDS 3.0 where HSDS has the concept. Every schema rejects
unknown fields (``unknown = RAISE``); server-managed fields (``id``, ``version``, timestamps)
are dump-only, so a client that sends them gets 422. :func:`stored_schema` gives the variant
used by ``import``, which keeps ids, versions and timestamps as given.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from marshmallow import (
    RAISE,
    Schema,
    ValidationError,
    fields,
    pre_load,
    validate,
    validates_schema,
)

from directory.core.taxonomy import LANGUAGE_CODE, TIME_ZONES, get_taxonomy

TAXONOMY = get_taxonomy()
NEED_CODES = tuple(TAXONOMY.needs)
CAPABILITY_CODES = tuple(TAXONOMY.capabilities)
TIERS = ("public", "restricted", "confidential")
HHMM = r"^([01]\d|2[0-3]):[0-5]\d$"
OPEN_DATA_SOURCE = "healthsites.io / © OpenStreetMap contributors (ODbL 1.0)"
"""The ``source`` of listings made from open-data health facilities (unverified points)."""


def _text(max_len: int, **kw: Any) -> fields.String:
    return fields.String(validate=validate.Length(max=max_len), **kw)


def _name() -> fields.String:
    return fields.String(required=True, validate=validate.Length(min=1, max=200))


def _codes(choices: tuple[str, ...], max_len: int, min_len: int = 0, **kw: Any) -> fields.List[Any]:
    if not kw.get("required"):
        kw.setdefault("load_default", list)
    return fields.List(
        fields.String(validate=validate.OneOf(choices)),
        validate=[validate.Length(min=min_len, max=max_len), _unique],
        **kw,
    )


def _unique(values: list[Any]) -> None:
    if len(values) != len(set(values)):
        raise ValidationError("Values must be distinct.")


def _pcode(level: int | None = None, **kw: Any) -> fields.String:
    def check(code: str) -> None:
        area = TAXONOMY.areas.get(code)
        if area is None or (level is not None and area.level != level):
            kind = {1: "province", 2: "territory"}.get(level or 0, "area")
            raise ValidationError(f"Unknown {kind} P-code {code!r}.")

    return fields.String(validate=check, **kw)


FORBIDDEN_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
"""Control characters (but tab and line ends) and the bidirectional embeddings, overrides and
isolates that make text display in another order than it is stored ("Trojan Source")."""


def text_problem(text: str) -> str | None:
    """Why ``text`` may not be stored, or None."""
    found = FORBIDDEN_CHARACTERS.search(text)
    if found is None:
        return None
    return f"Contains a control or text-direction character (U+{ord(found.group()):04X})."


def _text_problems(value: Any, path: str, problems: dict[str, list[str]]) -> None:
    if isinstance(value, str):
        problem = text_problem(value)
        if problem:
            problems[path or "_schema"] = [problem]
    elif isinstance(value, dict):
        for key, item in value.items():
            _text_problems(item, f"{path}.{key}" if path else str(key), problems)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _text_problems(item, f"{path}.{index}" if path else str(index), problems)


class StrictSchema(Schema):
    """Rejects unknown fields, and text holding control or text-direction characters."""

    class Meta:
        unknown = RAISE
        ordered = True

    @pre_load
    def _plain_text(self, data: Any, **_: Any) -> Any:
        problems: dict[str, list[str]] = {}
        _text_problems(data, "", problems)
        if problems:
            raise ValidationError(problems)
        return data


class PhoneSchema(StrictSchema):
    number = fields.String(required=True, validate=validate.Regexp(r"^\+?[0-9][0-9 ().-]{2,31}$"))
    type = fields.String(
        load_default="voice", validate=validate.OneOf(("voice", "sms", "whatsapp", "hotline"))
    )
    description = _text(200, load_default="")


class ReferralAgreementSchema(StrictSchema):
    organization_id = fields.UUID(required=True)
    since = fields.Date(load_default=None, allow_none=True)
    note = _text(500, load_default="")


class OpeningHoursSchema(StrictSchema):
    weekday = fields.Integer(required=True, validate=validate.Range(0, 6), strict=True)
    opens = fields.String(required=True, validate=validate.Regexp(HHMM))
    closes = fields.String(required=True, validate=validate.Regexp(HHMM))

    @validates_schema
    def _not_empty(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("opens") == data.get("closes"):
            raise ValidationError("Closing time must differ from opening time.", "closes")


class ScheduleSchema(StrictSchema):
    always_open = fields.Boolean(load_default=False)
    hours = fields.List(
        fields.Nested(OpeningHoursSchema), load_default=list, validate=validate.Length(max=28)
    )
    description = _text(500, load_default="")


class EligibilitySchema(StrictSchema):
    min_age = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(0, 120))
    max_age = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(0, 120))
    sexes = fields.List(
        fields.String(validate=validate.OneOf(("female", "male", "other"))),
        load_default=list,
        validate=_unique,
    )
    description = _text(1000, load_default="")

    @validates_schema
    def _ages_ordered(self, data: dict[str, Any], **_: Any) -> None:
        low, high = data.get("min_age"), data.get("max_age")
        if low is not None and high is not None and low > high:
            raise ValidationError("Must not be below min_age.", "max_age")


class AlertSchema(StrictSchema):
    text = fields.String(required=True, validate=validate.Length(min=1, max=500))
    blocking = fields.Boolean(load_default=False)
    expires_at = fields.AwareDateTime(load_default=None, allow_none=True)


class CapacitySchema(StrictSchema):
    available = fields.Integer(required=True, validate=validate.Range(min=0), strict=True)
    total = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=0))
    updated_at = fields.AwareDateTime(required=True)

    @validates_schema
    def _within_total(self, data: dict[str, Any], **_: Any) -> None:
        total = data.get("total")
        if total is not None and data.get("available", 0) > total:
            raise ValidationError("Must not exceed total.", "available")


class ForeignAttributeSchema(StrictSchema):
    """A term of another organisation's taxonomy, kept as given (HSDS import and export)."""

    taxonomy = fields.String(required=True, validate=validate.Length(min=1, max=200))
    term_id = _text(200, load_default="")
    code = _text(200, load_default="")
    name = _text(500, load_default="")
    description = _text(2000, load_default="")
    value = _text(2000, load_default="")


class ListingSchema(StrictSchema):
    """Fields every listing has. Server-managed fields are dump-only."""

    id = fields.UUID(dump_only=True)
    version = fields.Integer(dump_only=True)
    created_at = fields.String(dump_only=True)
    updated_at = fields.String(dump_only=True)
    name = _name()
    description = _text(4000, load_default="")
    source = _text(300, load_default="")
    demo = fields.Boolean(load_default=False)
    last_verified_at = fields.AwareDateTime(load_default=None, allow_none=True)
    last_confirmed_at = fields.AwareDateTime(load_default=None, allow_none=True)
    attributes = fields.List(
        fields.Nested(ForeignAttributeSchema), load_default=list, validate=validate.Length(max=200)
    )


class OrganizationSchema(ListingSchema):
    email = fields.Email(load_default=None, allow_none=True)
    website = fields.URL(load_default=None, allow_none=True, schemes={"http", "https"})
    phones = fields.List(
        fields.Nested(PhoneSchema), load_default=list, validate=validate.Length(max=20)
    )
    status = fields.String(load_default="active", validate=validate.OneOf(("active", "inactive")))
    referral_agreements = fields.List(
        fields.Nested(ReferralAgreementSchema), load_default=list, validate=validate.Length(max=500)
    )


class LocationSchema(ListingSchema):
    organization_id = fields.UUID(required=True)
    latitude = fields.Float(required=True, validate=validate.Range(-90, 90), allow_nan=False)
    longitude = fields.Float(required=True, validate=validate.Range(-180, 180), allow_nan=False)
    tz = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(TIME_ZONES))
    confidentiality = fields.String(load_default="public", validate=validate.OneOf(TIERS))
    adm1_pcode = _pcode(1, required=True)
    adm2_pcode = _pcode(2, load_default=None, allow_none=True)
    accessibility = _codes(tuple(sorted(TAXONOMY.accessibility)), 20)
    approximate = fields.Boolean(
        metadata={"description": "The point was taken from a place name (a town, a quarter), "
                  "not measured at the door: shown as approximate, never as an exact distance."}
    )  # fmt: skip

    @validates_schema
    def _territory_in_province(self, data: dict[str, Any], **_: Any) -> None:
        adm1, adm2 = data.get("adm1_pcode"), data.get("adm2_pcode")
        if adm1 and adm2 and TAXONOMY.province_of(adm2) != adm1:
            raise ValidationError(f"Territory {adm2} is not in province {adm1}.", "adm2_pcode")


class ServiceSchema(ListingSchema):
    organization_id = fields.UUID(required=True)
    status = fields.String(
        load_default="active",
        validate=validate.OneOf(("active", "inactive", "temporarily_closed")),
    )
    needs = _codes(NEED_CODES, len(NEED_CODES), min_len=1, required=True)
    capabilities = _codes(CAPABILITY_CODES, len(CAPABILITY_CODES))
    stock_out = _codes(CAPABILITY_CODES, len(CAPABILITY_CODES))
    remote = fields.Boolean(load_default=False)
    service_area = fields.List(
        _pcode(), load_default=list, validate=[validate.Length(max=250), _unique]
    )
    location_ids = fields.List(
        fields.UUID(), load_default=list, validate=[validate.Length(max=200), _unique]
    )
    schedule = fields.Nested(ScheduleSchema, load_default=lambda: ScheduleSchema().load({}))
    eligibility = fields.Nested(
        EligibilitySchema, load_default=lambda: EligibilitySchema().load({})
    )
    languages = fields.List(
        fields.String(validate=validate.Regexp(LANGUAGE_CODE)),
        load_default=list,
        validate=[validate.Length(max=30), _unique],
    )
    phones = fields.List(
        fields.Nested(PhoneSchema), load_default=list, validate=validate.Length(max=20)
    )
    email = fields.Email(load_default=None, allow_none=True)
    alert = fields.Nested(AlertSchema, load_default=None, allow_none=True)
    capacity = fields.Nested(CapacitySchema, load_default=None, allow_none=True)
    places_available = fields.String(
        dump_only=True,
        validate=validate.OneOf(("yes", "no", "unknown")),
        metadata={"description": "Instead of `capacity`, for callers who may not read counts."},
    )

    @validates_schema
    def _consistent(self, data: dict[str, Any], partial: bool = False, **_: Any) -> None:
        if partial:
            return  # a PATCH is checked again once merged into the stored listing
        errors: dict[str, list[str]] = {}
        if not data.get("remote", False) and not data.get("location_ids"):
            errors["location_ids"] = ["A service that is not remote needs at least one location."]
        if data.get("remote") and not data.get("service_area"):
            errors["service_area"] = ["A remote service needs the areas it covers."]
        if not set(data.get("stock_out", [])) <= set(data.get("capabilities", [])):
            errors["stock_out"] = ["Only a recorded capability can be out of stock."]
        if errors:
            raise ValidationError(errors)


SCHEMAS: dict[str, type[ListingSchema]] = {
    "organization": OrganizationSchema,
    "location": LocationSchema,
    "service": ServiceSchema,
}


@cache
def stored_schema(kind: str) -> ListingSchema:
    """A schema for whole stored documents (import): server-managed fields are required."""
    base = SCHEMAS[kind]
    stored = type(
        f"Stored{base.__name__}",
        (base,),
        {
            "id": fields.UUID(required=True),
            "version": fields.Integer(required=True, validate=validate.Range(min=1)),
            "created_at": fields.String(required=True, validate=validate.Length(min=1, max=40)),
            "updated_at": fields.String(required=True, validate=validate.Length(min=1, max=40)),
        },
    )
    schema: ListingSchema = stored()
    return schema


def canonical(kind: str, data: dict[str, Any]) -> dict[str, Any]:
    """Validate client ``data`` for ``kind`` and return its JSON form with defaults filled in.

    Raises :class:`marshmallow.ValidationError` naming every bad field.
    """
    return canonical_loaded(kind, SCHEMAS[kind]().load(data))


def canonical_loaded(kind: str, loaded: dict[str, Any]) -> dict[str, Any]:
    """The JSON form of a listing already loaded by its schema (as the API's arguments are),
    with defaults filled in and server-managed fields dropped: :func:`canonical` without
    validating twice."""
    doc: dict[str, Any] = SCHEMAS[kind]().dump(loaded)
    for managed in SERVER_MANAGED:
        doc.pop(managed, None)
    if kind == "location" and doc["tz"] is None:
        doc["tz"] = TAXONOMY.time_zone_for(doc["adm1_pcode"])
    return doc


SERVER_MANAGED = ("id", "version", "created_at", "updated_at")


class ErrorBodySchema(Schema):
    """The body of every error (see :mod:`directory.web.errors`)."""

    status = fields.Integer(required=True)
    code = fields.String(required=True)
    message = fields.String(required=True)
    fields = fields.Dict(keys=fields.String(), values=fields.List(fields.String()))  # type: ignore[assignment]  # the envelope's field is called so


class ErrorEnvelopeSchema(Schema):
    """``{"error": {...}}``: the one error envelope."""

    error = fields.Nested(ErrorBodySchema, required=True)


_LOCATIONS = ("json", "query", "form", "files", "headers", "path")


def flatten_field_errors(errors: Any, prefix: str = "") -> dict[str, list[str]]:
    """Turn marshmallow's nested error dict into ``{"dotted.path": [messages]}`` (a request
    location such as ``json`` or ``query`` is left out of the path)."""
    if isinstance(errors, list):
        return {prefix or "_schema": [str(m) for m in errors]}
    if not isinstance(errors, dict):
        return {prefix or "_schema": [str(errors)]}
    flat: dict[str, list[str]] = {}
    for key, value in errors.items():
        name = str(key)
        if not prefix and name in _LOCATIONS and isinstance(value, dict):
            flat.update(flatten_field_errors(value))
            continue
        flat.update(flatten_field_errors(value, f"{prefix}.{name}" if prefix else name))
    return flat
