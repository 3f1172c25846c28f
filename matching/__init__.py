"""Pure matcher: a survivor's needs plus candidate services in, ranked and explained results out.

Standard library only; see ``README.md`` in this package for the import rule and the ranking rules.
"""

from .match import match, validate
from .model import (
    AGE_GROUPS,
    AUDIENCES,
    MODES,
    NEEDS,
    SEXES,
    Alert,
    Candidate,
    CarePlanStop,
    LeftOut,
    MatchRequest,
    MatchResult,
    NeedResult,
    Note,
    OpeningHours,
    Recommendation,
)

__all__ = [
    "AGE_GROUPS",
    "AUDIENCES",
    "MODES",
    "NEEDS",
    "SEXES",
    "Alert",
    "Candidate",
    "CarePlanStop",
    "LeftOut",
    "MatchRequest",
    "MatchResult",
    "NeedResult",
    "Note",
    "OpeningHours",
    "Recommendation",
    "match",
    "validate",
]
