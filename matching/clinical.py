"""Clinical urgency: the PEP and emergency-contraception windows.

HIV post-exposure prophylaxis (PEP) must start within 72 hours of the incident and emergency
contraception within 120 hours. Inside a window a ``medical`` need is urgent: only services that
can give the treatment *now* count (capability recorded, open at the request's instant or 24/7,
not out of stock), nearest travel time first. Up to 72 hours the treatment that decides is PEP;
from 72 to 120 hours it is emergency contraception, which does not apply to a survivor whose sex is
recorded as ``male`` (his medical need is then not urgent). Care never depends on a police report.
"""

from __future__ import annotations

from dataclasses import dataclass

from .model import MatchRequest

PEP = "pep"
EMERGENCY_CONTRACEPTION = "emergency_contraception"
PEP_WINDOW_HOURS = 72.0
EC_WINDOW_HOURS = 120.0
URGENT_NEED = "medical"


@dataclass(frozen=True)
class Urgency:
    """An open clinical window: the capability that decides, and the hours left in the window."""

    capability: str
    window_hours: float
    hours_left: float


def medical_urgency(request: MatchRequest) -> Urgency | None:
    """The window the request is in, or ``None`` when its medical need (if any) is not urgent.

    ``None`` when ``medical`` is not requested, ``hours_since_incident`` is unknown, or the
    incident is older than 120 hours (older than 72 hours for a male survivor).
    """
    hours = request.hours_since_incident
    if URGENT_NEED not in request.needs or hours is None or hours < 0:
        return None
    if hours <= PEP_WINDOW_HOURS:
        return Urgency(PEP, PEP_WINDOW_HOURS, PEP_WINDOW_HOURS - hours)
    if hours <= EC_WINDOW_HOURS and request.sex != "male":
        return Urgency(EMERGENCY_CONTRACEPTION, EC_WINDOW_HOURS, EC_WINDOW_HOURS - hours)
    return None
