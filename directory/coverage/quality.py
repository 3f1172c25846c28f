"""Data quality: what coordinators should check next.

- :func:`verification_age`: listings of each kind by the age of their last check, the later
  of a coordinator's verification and a provider's "still accurate" (as the matcher's
  warnings count it, ``docs/decisions.md`` 14);
- :func:`issues`: one row per listing and problem (:data:`ISSUES`): never checked, imported
  and never checked (e.g. the healthsites.io facilities), not checked for 180 days, an alert
  about to expire, a shelter whose free places are unknown or stale.

Nothing here reads a location's point; shelters are listed by service, not by place, and a
confidential location appears by id only (its name is left empty: it may say where it is).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from directory.coverage.snapshot import Snapshot, parse_time
from directory.store.base import KINDS, Document

AGE_BANDS = ("never", "0-90", "90-180", "180-365", "365+")
"""Days since the last check; ``never``: never verified nor confirmed."""
STALE_AFTER_DAYS = 180
ALERT_SOON_DAYS = 14
CAPACITY_STALE_DAYS = 7
ISSUES = (
    "unverified_import",
    "never_verified",
    "verification_old",
    "alert_expiring",
    "capacity_unknown",
    "capacity_stale",
)


@dataclass(frozen=True)
class Issue:
    """A listing with a problem. ``since`` is the date the problem is measured from (last
    check, alert expiry, capacity update) and ``days`` how far it is from now (negative for
    an expiry still to come)."""

    kind: str
    id: str
    name: str
    organization_id: str
    organization_name: str
    issue: str
    since: str | None
    days: int | None


def last_checked(doc: Document) -> datetime | None:
    """The later of ``last_verified_at`` and ``last_confirmed_at`` (None if neither)."""
    stamps = [parse_time(doc.get("last_verified_at")), parse_time(doc.get("last_confirmed_at"))]
    return max((s for s in stamps if s is not None), default=None)


def age_band(doc: Document, at: datetime) -> str:
    """The :data:`AGE_BANDS` label of a listing's last check."""
    checked = last_checked(doc)
    if checked is None:
        return "never"
    days = (at - checked).days
    return "0-90" if days < 90 else "90-180" if days < 180 else "180-365" if days < 365 else "365+"


def verification_age(snapshot: Snapshot, at: datetime) -> dict[str, dict[str, int]]:
    """For each kind, how many listings fall in each age band."""
    counts = {kind: dict.fromkeys(AGE_BANDS, 0) for kind in KINDS}
    for kind, doc in _listings(snapshot):
        counts[kind][age_band(doc, at)] += 1
    return counts


def issues(
    snapshot: Snapshot,
    at: datetime,
    alert_days: int = ALERT_SOON_DAYS,
    capacity_days: int = CAPACITY_STALE_DAYS,
) -> list[Issue]:
    """Every problem found, ordered by :data:`ISSUES`, then oldest first, then name and id."""
    found = [
        issue
        for kind, doc in _listings(snapshot)
        for issue in _problems(snapshot, kind, doc, at, alert_days, capacity_days)
    ]
    found.sort(key=lambda i: (ISSUES.index(i.issue), -(i.days or 0), i.name, i.id))
    return found


def _listings(snapshot: Snapshot) -> Iterator[tuple[str, Document]]:
    yield from (("organization", d) for d in snapshot.organizations.values())
    yield from (("location", d) for d in snapshot.locations.values())
    yield from (("service", d) for d in snapshot.services)


def _problems(
    snapshot: Snapshot, kind: str, doc: Document, at: datetime, alert_days: int, capacity_days: int
) -> Iterator[Issue]:
    org = doc if kind == "organization" else snapshot.organization_of(doc)

    hidden = kind == "location" and doc.get("confidentiality") == "confidential"
    name = "" if hidden else doc["name"]  # a shelter's name may say where it is

    def issue(code: str, since: datetime | None) -> Issue:
        days = None if since is None else (at - since).days
        stamp = None if since is None else since.isoformat()
        return Issue(kind, doc["id"], name, org["id"], org["name"], code, stamp, days)

    checked = last_checked(doc)
    if checked is None:
        imported = bool(doc.get("source")) and not doc.get("demo")
        yield issue("unverified_import" if imported else "never_verified", None)
    elif (at - checked).days > STALE_AFTER_DAYS:
        yield issue("verification_old", checked)
    if kind == "service":
        yield from _service_problems(doc, at, alert_days, capacity_days, issue)


def _service_problems(
    doc: Document,
    at: datetime,
    alert_days: int,
    capacity_days: int,
    issue: Callable[[str, datetime | None], Issue],
) -> Iterator[Issue]:
    alert = doc.get("alert")
    expires = parse_time(alert.get("expires_at")) if alert else None
    if expires is not None and at < expires <= at + timedelta(days=alert_days):
        yield issue("alert_expiring", expires)
    if "shelter" in doc["needs"] and not doc["remote"] and doc["status"] == "active":
        capacity = doc.get("capacity")
        if not capacity:
            yield issue("capacity_unknown", None)
        else:
            updated = parse_time(capacity.get("updated_at"))
            if updated is None or at - updated > timedelta(days=capacity_days):
                yield issue("capacity_stale", updated)
