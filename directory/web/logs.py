"""Structured logs with an allow-list: what may be written is decided here, once.

Each line is JSON with the time, level, logger and the message *template* (never the
interpolated text), plus only the numeric arguments (counts, durations). Strings — which could
carry a place, a search or a name — are replaced by ``"[redacted]"``. An exception is logged as
its type and the code locations of its traceback, never its message (which may quote input).
Access logs are off: gunicorn is started without ``--access-logfile``, so no URL is written.
"""

from __future__ import annotations

import json
import logging
import traceback
from datetime import UTC, datetime
from typing import Any

REDACTED = "[redacted]"


class AllowListFormatter(logging.Formatter):
    """Formats a record as one JSON line holding only allow-listed fields."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "t": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "event": str(record.msg),
            "values": [_safe(a) for a in _args(record)],
        }
        if record.exc_info and record.exc_info[0] is not None:
            line["error"] = record.exc_info[0].__name__
            line["where"] = [
                f"{frame.filename.rsplit('/', 2)[-1]}:{frame.lineno} {frame.name}"
                for frame in traceback.extract_tb(record.exc_info[2])[-8:]
            ]
        return json.dumps(line, ensure_ascii=False)


def _args(record: logging.LogRecord) -> tuple[Any, ...]:
    args = record.args
    if isinstance(args, tuple):
        return args
    return () if args is None else (args,)


def _safe(value: Any) -> Any:
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | float):
        return value
    return REDACTED


def configure(level: str = "INFO") -> None:
    """Send every log line of the process through the allow-list formatter (idempotent)."""
    root = logging.getLogger()
    root.setLevel(level)
    for handler in root.handlers:
        if isinstance(handler.formatter, AllowListFormatter):
            return
    handler = logging.StreamHandler()
    handler.setFormatter(AllowListFormatter())
    root.addHandler(handler)
    # The driver logs every retry; the store reports failures itself, once, as 503s.
    logging.getLogger("neo4j").setLevel(logging.ERROR)
