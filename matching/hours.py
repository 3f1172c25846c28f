"""Opening hours: is a place open at an instant, and when does it next open.

Opening hours are weekly intervals in the location's own local time (its IANA zone: in the DRC
``Africa/Kinshasa``, UTC+1, in the west and ``Africa/Lubumbashi``, UTC+2, in the east). An instant
is converted to that zone before it is compared, so the same instant can find a clinic in Kinshasa
closed and one in Goma open.

Each :class:`~matching.model.OpeningHours` becomes a half-open span ``[start, end)`` of seconds
from Monday 00:00 local time. ``closes`` at or before ``opens`` runs past midnight into the next day
(``"22:00"`` to ``"06:00"``), ``closes == opens`` is a full 24 hours, and ``"24:00"`` is accepted as
the end of the day. Sunday's overnight spans wrap into Monday.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from .model import OpeningHours

DAY = 24 * 3600
WEEK = 7 * DAY


@lru_cache(maxsize=64)
def zone(name: str) -> ZoneInfo:
    """The :class:`ZoneInfo` for an IANA name (cached). Raises ``ZoneInfoNotFoundError``."""
    return ZoneInfo(name)


def parse_hhmm(text: str) -> int:
    """Seconds after midnight for ``"HH:MM"`` (``"24:00"`` allowed). Raises ``ValueError``."""
    hours, sep, minutes = text.partition(":")
    if not sep or not hours.isdigit() or not minutes.isdigit() or len(minutes) != 2:
        raise ValueError(f"opening time must be HH:MM, got {text!r}")
    h, m = int(hours), int(minutes)
    if m > 59 or h > 24 or (h == 24 and m):
        raise ValueError(f"opening time out of range: {text!r}")
    return h * 3600 + m * 60


@lru_cache(maxsize=4096)
def weekly_spans(hours: tuple[OpeningHours, ...]) -> tuple[tuple[int, int], ...]:
    """The intervals as ``(start, end)`` seconds from Monday 00:00; ``end`` may pass one week.

    Raises ``ValueError`` for a weekday outside 0..6 or a malformed time.
    """
    spans = []
    for interval in hours:
        if not 0 <= interval.weekday <= 6:
            raise ValueError(f"weekday must be 0..6, got {interval.weekday}")
        opens, closes = parse_hhmm(interval.opens), parse_hhmm(interval.closes)
        length = closes - opens if closes > opens else closes - opens + DAY
        start = interval.weekday * DAY + opens
        spans.append((start, start + length))
    return tuple(sorted(spans))


def local_time(at: datetime, tz: str) -> datetime:
    """``at`` (timezone-aware) as wall-clock time in the zone ``tz``."""
    if at.tzinfo is None:
        raise ValueError("'at' must be timezone-aware")
    return at.astimezone(zone(tz))


@lru_cache(maxsize=256)
def week_position(at: datetime, tz: str) -> tuple[datetime, float]:
    """The naive wall-clock Monday 00:00 of ``at``'s week in zone ``tz``, and the seconds from it
    to ``at`` (cached: a match asks the same few instants and zones for every candidate)."""
    local = local_time(at, tz)
    monday = _monday(local)
    return monday, (local.replace(tzinfo=None) - monday).total_seconds()


def _monday(local: datetime) -> datetime:
    """Naive wall-clock Monday 00:00 of the week containing ``local``."""
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0, tzinfo=None)
    return midnight - timedelta(days=local.weekday())


def _covers(spans: tuple[tuple[int, int], ...], now: float) -> bool:
    return any(start <= t < end for start, end in spans for t in (now, now + WEEK))


def opening_state(
    hours: tuple[OpeningHours, ...], tz: str, at: datetime, always_open: bool = False
) -> tuple[bool, datetime | None]:
    """``(is_open(...), next_opening(...))`` for the same arguments, computed together."""
    if always_open:
        return True, None
    spans = weekly_spans(hours)
    monday, now = week_position(at, tz)
    if _covers(spans, now):
        return True, None
    if not spans:
        return False, None
    start = min(start if start > now else start + WEEK for start, _ in spans)
    return False, (monday + timedelta(seconds=start)).replace(tzinfo=zone(tz))


def is_open(
    hours: tuple[OpeningHours, ...], tz: str, at: datetime, always_open: bool = False
) -> bool:
    """Whether the place is open at the instant ``at``, judged in its own zone ``tz``.

    ``always_open`` (24/7) is open whatever the hours say. No hours and not ``always_open`` is
    "not known to be open": ``False``.
    """
    return opening_state(hours, tz, at, always_open)[0]


def next_opening(
    hours: tuple[OpeningHours, ...], tz: str, at: datetime, always_open: bool = False
) -> datetime | None:
    """When a place that is closed at ``at`` next opens, as an aware datetime in zone ``tz``.

    ``None`` when it is open at ``at`` (or ``always_open``) and when no opening hours are recorded.
    The answer is always within one week after ``at``.
    """
    return opening_state(hours, tz, at, always_open)[1]
