"""Listing factories: valid documents in their stored (canonical) form, with overrides."""

from __future__ import annotations

import uuid
from typing import Any

from directory.core.schemas import canonical


def new_id() -> str:
    return str(uuid.uuid4())


def organization(**overrides: Any) -> dict[str, Any]:
    """A canonical organization document with a fresh id."""
    return {"id": new_id(), **canonical("organization", {"name": "Org", **overrides})}


def location(organization_id: str, **overrides: Any) -> dict[str, Any]:
    """A canonical location in Goma (Nord-Kivu) unless overridden."""
    data = {
        "name": "Site",
        "organization_id": organization_id,
        "latitude": -1.6792,
        "longitude": 29.2228,
        "adm1_pcode": "CD61",
        **overrides,
    }
    return {"id": new_id(), **canonical("location", data)}


def service(organization_id: str, location_ids: list[str], **overrides: Any) -> dict[str, Any]:
    """A canonical active medical service at the given locations."""
    data = {
        "name": "Service",
        "organization_id": organization_id,
        "needs": ["medical"],
        "location_ids": location_ids,
        **overrides,
    }
    return {"id": new_id(), **canonical("service", data)}


def api_body(doc: dict[str, Any]) -> dict[str, Any]:
    """A document as a client would send it (no server-managed fields)."""
    return {k: v for k, v in doc.items() if k not in ("id", "version", "created_at", "updated_at")}
