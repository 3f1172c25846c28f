"""Hard filters: whether a candidate may be offered at all, and for which need.

Each filter returns ``None`` when the candidate passes, or a short rejection code (the constants
below) saying why not. Rejection codes are for tests and debugging; they never reach a survivor.
Filters never look at a candidate's point: distance and area coverage are applied by
:mod:`matching.assess`.
"""

from __future__ import annotations

from datetime import UTC, datetime

from .clinical import URGENT_NEED, Urgency
from .model import Alert, Candidate, MatchRequest

INACTIVE = "inactive"
BLOCKED = "blocked"
RESTRICTED = "restricted"
AGE = "age"
SEX = "sex"
ACCESSIBILITY = "accessibility"
NEED = "need"
NO_CAPACITY = "no_capacity"
NO_CAPABILITY = "no_capability"
STOCK_OUT = "stock_out"
CLOSED = "closed"

ADULT_AGE = 18
"""``age_group`` ``child`` means ages 0 to 17, ``adult`` 18 and over."""

PHYSICAL_ACCESSIBILITY = frozenset({"wheelchair"})
"""Accessibility features that concern a building; not required of remote services."""

SHELTER = "shelter"


def aware(moment: datetime) -> datetime:
    """``moment`` itself if timezone-aware; a naive datetime is taken to be UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def live_alert(candidate: Candidate, at: datetime) -> Alert | None:
    """The candidate's alert if it has one that has not expired at ``at``.

    An alert with no ``expires_at`` never expires; one expiring exactly at ``at`` has expired.
    """
    alert = candidate.alert
    if alert is None or (alert.expires_at is not None and aware(alert.expires_at) <= at):
        return None
    return alert


def is_child(request: MatchRequest) -> bool | None:
    """Whether the survivor is under 18: from ``age`` if given, else ``age_group``, else None."""
    if request.age is not None:
        return request.age < ADULT_AGE
    if request.age_group is not None:
        return request.age_group == "child"
    return None


def age_rejection(candidate: Candidate, request: MatchRequest) -> str | None:
    """Eligibility by age, bounds inclusive.

    With an exact ``age`` it must lie in ``[min_age, max_age]``. With only ``age_group`` the
    service's range must overlap the group (0 to 17 or 18 and over). With neither, the service
    passes (a warning tells the caseworker to check).
    """
    low, high = candidate.min_age, candidate.max_age
    if request.age is not None:
        age = request.age
    elif request.age_group == "child":
        return None if low is None or low < ADULT_AGE else AGE
    elif request.age_group == "adult":
        return None if high is None or high >= ADULT_AGE else AGE
    else:
        return None
    if (low is not None and age < low) or (high is not None and age > high):
        return AGE
    return None


def general_rejection(candidate: Candidate, request: MatchRequest) -> str | None:
    """The need-independent filters, in this order.

    ``inactive`` (status is not ``active``), ``blocked`` (an unexpired blocking alert),
    ``restricted`` (a restricted location asked for by the public audience), ``age``, ``sex``
    (the service lists the sexes it serves and the survivor's is not among them) and
    ``accessibility`` (a required feature is in neither ``accessibility`` nor ``capabilities``;
    building features such as ``wheelchair`` are not required of remote services).
    """
    if candidate.status != "active":
        return INACTIVE
    alert = live_alert(candidate, request.at)
    if alert is not None and alert.blocking:
        return BLOCKED
    if request.audience != "staff" and candidate.confidentiality == "restricted":
        return RESTRICTED
    rejection = age_rejection(candidate, request)
    if rejection:
        return rejection
    if request.sex is not None and candidate.sexes and request.sex not in candidate.sexes:
        return SEX
    required = request.accessibility
    if candidate.remote:
        required = required - PHYSICAL_ACCESSIBILITY
    if not required <= candidate.accessibility | candidate.capabilities:
        return ACCESSIBILITY
    return None


def need_rejection(
    candidate: Candidate,
    need: str,
    urgency: Urgency | None,
    open_now: bool,
) -> str | None:
    """The filters for one need.

    ``need`` (the service does not meet it); for ``shelter``, ``no_capacity`` (capacity recorded
    and not positive; unknown capacity passes with a warning); for an urgent ``medical`` need,
    ``no_capability`` (the window's capability is not recorded), ``stock_out`` (it is recorded as
    out of stock) and ``closed`` (not open now and not 24/7). Pass ``open_now=True`` to ask
    whether a candidate would qualify once it opens.
    """
    if need not in candidate.needs:
        return NEED
    capacity = candidate.capacity_available
    if need == SHELTER and capacity is not None and capacity <= 0:
        return NO_CAPACITY
    if need == URGENT_NEED and urgency is not None:
        if urgency.capability not in candidate.capabilities:
            return NO_CAPABILITY
        if urgency.capability in candidate.stock_out:
            return STOCK_OUT
        if not open_now:
            return CLOSED
    return None


def covers(candidate: Candidate, request: MatchRequest) -> bool:
    """Whether a point-less candidate serves the search point's area.

    True when its ``service_area`` is empty (no restriction recorded: national) or shares a
    P-code with the request's ``area_pcodes``. Never uses the candidate's own location.
    """
    return not candidate.service_area or bool(candidate.service_area & request.area_pcodes)
