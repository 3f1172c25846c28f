"""Helpers for API tests: creating listings through HTTP and snapshotting the database."""

from __future__ import annotations

from typing import Any

from tests.conftest import bearer


def create(client, token: str, kind: str, body: dict[str, Any]) -> dict[str, Any]:
    """POST a listing and return the created document (asserting 201)."""
    plural = {"organization": "organizations", "location": "locations", "service": "services"}
    response = client.post(f"/api/v1/{plural[kind]}", json=body, headers=bearer(token))
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def goma_listing(client, token: str, **service_overrides: Any) -> tuple[dict, dict, dict]:
    """An organization, a public Goma location and a medical service, created over HTTP."""
    org = create(client, token, "organization", {"name": "Alpha"})
    loc = create(
        client, token, "location",
        {"name": "Site", "organization_id": org["id"], "latitude": -1.6792,
         "longitude": 29.2228, "adm1_pcode": "CD61", "description": "Près du rond-point"},
    )  # fmt: skip
    svc = create(
        client, token, "service",
        {"name": "Soins", "organization_id": org["id"], "needs": ["medical"],
         "location_ids": [loc["id"]], **service_overrides},
    )  # fmt: skip
    return org, loc, svc


def snapshot(store) -> tuple[list, list]:
    """Everything the store holds, for 'nothing changed' assertions."""
    return list(store.export()), [c.new for c in store.export_history()]
