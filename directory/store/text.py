"""Small helpers shared by the storage adapters."""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime

_WORD = re.compile(r"\w+", re.UNICODE)


def utc_now() -> str:
    """The current time as an ISO 8601 UTC string with seconds, e.g. 2026-11-29T10:00:00+00:00."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def fold(text: str) -> str:
    """Lower-case ``text`` and strip accents (é → e), for accent-insensitive matching."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def search_words(text: str, limit: int = 8) -> list[str]:
    """The first ``limit`` words of a free-text query, accent-folded."""
    return _WORD.findall(fold(text))[:limit]


def fts_query(text: str) -> str:
    """An FTS5 query matching every word of ``text`` as a prefix.

    Each word is quoted, so operators and punctuation in user input are inert. A query with no
    words matches nothing (``""`` is a valid query that matches no row).
    """
    words = search_words(text)
    return " ".join(f'"{w}"*' for w in words) if words else '""'
