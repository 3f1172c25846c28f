"""Fixtures for the HSDS tests: a small directory using every field of the profile, and
validators of the HSDS compiled schemas that never touch the network."""

from __future__ import annotations

from typing import Any

import pytest
from jsonschema import Draft202012Validator, FormatChecker

from directory.exchange.hsds import spec
from tests import factories

SHELTER_POINT = (-1.6612, 29.2011)
"""Where the confidential shelter is: must never appear in any public answer."""


def validate(name: str, instance: Any) -> None:
    """Assert ``instance`` is valid against an HSDS schema (``"compiled/service"``, ...),
    with formats checked (uuid, email, date-time where the checker is installed)."""
    validator = Draft202012Validator(
        {"$ref": f"{spec.BASE_URL}{name}.json"},
        registry=spec.registry(),
        format_checker=FormatChecker(),
    )
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(instance)]
    assert errors == [], errors[:5]


def rich_directory(store) -> dict[str, dict[str, Any]]:
    """Two organizations, a location of each tier and services using every Njia field."""
    org = factories.organization(
        name="Centre Amani (démo)",
        description="Prise en charge holistique.",
        email="contact@amani.example",
        website="https://amani.example",
        phones=[
            {"number": "+243 970 000 001", "type": "voice"},
            {"number": "+243 970 000 002", "type": "whatsapp", "description": "WhatsApp"},
        ],
        source="Njia test data",
        demo=True,
        last_verified_at="2026-10-01T09:00:00+00:00",
    )
    partner = factories.organization(name="Clinique juridique Haki", status="inactive")
    org["referral_agreements"] = [
        {"organization_id": partner["id"], "since": "2025-06-01", "note": "Accord écrit"}
    ]
    public = factories.location(
        org["id"],
        name="Centre Amani – Himbi",
        description="Derrière l'église",
        adm2_pcode="CD6101",
        accessibility=["wheelchair", "sign_language"],
    )
    restricted = factories.location(
        org["id"],
        name="Bureau discret",
        latitude=-1.67,
        longitude=29.23,
        description="Portail vert",
        confidentiality="restricted",
    )
    shelter = factories.location(
        org["id"],
        name="Maison sûre Tumaini",
        latitude=SHELTER_POINT[0],
        longitude=SHELTER_POINT[1],
        description="Maison au toit bleu",
        confidentiality="confidential",
    )
    clinic = factories.service(
        org["id"],
        [public["id"], restricted["id"]],
        name="Soins post-viol",
        description="PEP, contraception d'urgence, CMR.",
        needs=["medical", "psychosocial"],
        capabilities=["pep", "emergency_contraception", "cmr"],
        stock_out=["emergency_contraception"],
        schedule={
            "always_open": False,
            "hours": [
                {"weekday": 0, "opens": "08:00", "closes": "16:00"},
                {"weekday": 4, "opens": "20:00", "closes": "06:00"},
            ],
            "description": "Garde de nuit le vendredi",
        },
        eligibility={"min_age": 12, "max_age": 99, "sexes": ["female"], "description": "Filles"},
        languages=["fr", "sw", "lua"],
        phones=[{"number": "+243 970 000 003", "type": "hotline", "description": "24/7"}],
        email="soins@amani.example",
        alert={"text": "Route coupée", "blocking": True, "expires_at": "2026-12-01T00:00:00+00:00"},
        last_verified_at="2026-10-02T09:00:00+00:00",
    )
    shelter_service = factories.service(
        org["id"],
        [shelter["id"], public["id"]],
        name="Hébergement sûr",
        needs=["shelter"],
        service_area=["CD61", "CD6101"],
        schedule={"always_open": True, "hours": [], "description": ""},
        capacity={"available": 3, "total": 8, "updated_at": "2026-11-20T10:00:00+00:00"},
    )
    hotline = factories.service(
        partner["id"],
        [],
        name="Ligne verte juridique",
        needs=["legal", "complaint"],
        remote=True,
        service_area=["CD61"],
        status="temporarily_closed",
        phones=[{"number": "+243 800 000 000", "type": "sms"}],
    )
    actor = "test"
    store.create("organization", partner, actor)
    store.create("organization", org, actor)
    for loc in (public, restricted, shelter):
        store.create("location", loc, actor)
    for svc in (clinic, shelter_service, hotline):
        store.create("service", svc, actor)
    return {
        "org": org,
        "partner": partner,
        "public": public,
        "restricted": restricted,
        "shelter": shelter,
        "clinic": clinic,
        "shelter_service": shelter_service,
        "hotline": hotline,
    }


@pytest.fixture
def listings(app_store) -> dict[str, dict[str, Any]]:
    return rich_directory(app_store)
