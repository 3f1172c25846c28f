"""Configuration defaults: every setting of the web application, in one place. Override with
``instance/config.py`` or ``NJIA_*`` variables. (Components used without an app — the store
adapters, the optional online geocoder — document their own defaults for bare mappings.)"""

from __future__ import annotations

from pathlib import Path
from typing import Any

QUICK_EXIT_URL = "https://www.google.com/search?q=m%C3%A9t%C3%A9o"
"""Where quick exit goes: a weather search, harmless on anyone's screen."""


def defaults(instance_path: str) -> dict[str, Any]:
    """Default settings; ``DATABASE`` lives in the instance folder."""
    return {
        "STORE": "sqlite",
        "DATABASE": str(Path(instance_path) / "njia.sqlite3"),
        "DB_TIMEOUT": 1.0,
        "SQLITE_CACHE_MB": 64,
        "MATCH_INDEX_MIN_SERVICES": 20_000,  # directory/search/index.py
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
        "RATELIMIT_STORAGE_URI": "njia://",  # the store's own records (directory/web/limits.py)
        "RATELIMIT_STRATEGY": "moving-window",
        "RATELIMIT_HEADERS_ENABLED": True,
        # When the database cannot count, let the request through: it then needs the database
        # itself and answers 503, except the offline place search, which keeps working.
        "RATELIMIT_SWALLOW_ERRORS": True,
        # The limiter object is shared by every app of the process (tests make many): each
        # app states its choice, or one app's RATELIMIT_ENABLED=False would leak into the next.
        "RATELIMIT_ENABLED": True,
        "BABEL_DEFAULT_LOCALE": "fr",
        "WTF_CSRF_CHECK_DEFAULT": False,  # checked for cookie-authenticated writes only
        "WTF_CSRF_TIME_LIMIT": None,  # tokens live as long as the session
        "LOG_LEVEL": "INFO",
        "QUICK_EXIT_URL": QUICK_EXIT_URL,
        "GEOCODER_ONLINE": False,
        "JSON_SORT_KEYS": False,
        "API_TITLE": "Njia directory API",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/api/v1",
        "OPENAPI_JSON_PATH": "openapi.json",
    }
