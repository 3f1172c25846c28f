"""Configuration defaults. Override with ``instance/config.py`` or ``NJIA_*`` variables."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def defaults(instance_path: str) -> dict[str, Any]:
    """Default settings; ``DATABASE`` lives in the instance folder."""
    return {
        "STORE": "sqlite",
        "DATABASE": str(Path(instance_path) / "njia.sqlite3"),
        "DB_TIMEOUT": 1.0,
        "SQLITE_CACHE_MB": 64,
        "NEO4J_URI": "bolt://127.0.0.1:7687",
        "NEO4J_USER": None,
        "NEO4J_PASSWORD": None,
        "NEO4J_DATABASE": "neo4j",
        "MAX_CONTENT_LENGTH": 1024 * 1024,
        "IMPORT_MAX_BYTES": 10 * 1024 * 1024,
        "SESSION_COOKIE_NAME": "njia_session",
        "SESSION_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_IDLE_MINUTES": 30,
        "SESSION_MAX_HOURS": 12,
        "REFERRAL_RETENTION_DAYS": 90,
        "MAP_TILE_URL": None,
        "RATELIMIT_STORAGE_URI": "njia://",
        "JSON_SORT_KEYS": False,
        "API_TITLE": "Njia directory API",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/api/v1",
        "OPENAPI_JSON_PATH": "openapi.json",
    }
