"""DRC-shaped synthetic directories: services clustered around real places of the gazetteer.

Deterministic for a given size and seed. Three quarters of the service locations sit around
the gazetteer's cities and towns, chosen with weight ``population ** 0.75`` (Kinshasa province
gets about a sixth of them, not the 40 % its population would give: services follow need as much
as people), spread with a Gaussian whose width grows with the town (1 km for a small town, 25 km
for Kinshasa); the other quarter sits around villages (rural health posts). Points are kept
inside the DRC border.

Each location has one service. Needs, capabilities, schedules, eligibility, status, alerts,
verification dates, languages, capacity and confidentiality follow plausible mixes (below);
1 % of locations are confidential (safe shelters, found through their service area), 7 %
restricted. Every province also gets two hotlines (remote services). One organization runs
about ten locations around its home town and has referral agreements with up to three earlier
organizations of the same town.

Documents are built directly in their canonical stored form; :func:`check_sample` validates a
sample against :func:`directory.core.schemas.stored_schema` so the shortcut stays honest.
"""

from __future__ import annotations

import bisect
import math
import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from directory.core.schemas import TAXONOMY, stored_schema
from directory.places.gazetteer import Gazetteer, get_gazetteer
from directory.places.model import Place

Doc = dict[str, Any]
STAMP = "2026-11-01T08:00:00+00:00"
"""created_at/updated_at of every generated listing; verification dates are before it."""

NEED_WEIGHTS = {
    "medical": 30, "psychosocial": 18, "legal": 10, "safety": 5, "shelter": 4, "material": 8,
    "livelihood": 8, "education": 6, "child_support": 3, "case_management": 6, "complaint": 2,
}  # fmt: skip
CAPABILITY_RATES = {
    "medical": {"pep": 0.6, "emergency_contraception": 0.5, "cmr": 0.5, "sti_treatment": 0.6,
                "female_clinician": 0.4, "forensic_certificate": 0.2},
    "psychosocial": {"mental_health_specialist": 0.3, "child_friendly": 0.3},
    "legal": {"legal_representation": 0.5, "interpreter": 0.1},
}  # fmt: skip
KIND = {
    "medical": "Centre de santé", "psychosocial": "Espace d'écoute", "legal": "Clinique juridique",
    "safety": "Point focal protection", "shelter": "Maison d'accueil", "material": "Distribution",
    "livelihood": "Centre de réinsertion", "education": "Centre scolaire",
    "child_support": "Appui enfants", "case_management": "Gestion de cas",
    "complaint": "Point de plainte",
}  # fmt: skip
LOCATIONS_PER_ORG = 10
TOWN_SHARE = 0.75


@dataclass(frozen=True)
class Centre:
    """A cluster centre: a gazetteer place and how widely services spread around it (km)."""

    place: Place
    sigma_km: float


def centres(gazetteer: Gazetteer) -> tuple[list[Centre], list[float]]:
    """Cluster centres and their weights (towns by population, villages evenly)."""
    towns = [p for p in gazetteer if p.kind in ("city", "town")]
    villages = [p for p in gazetteer if p.kind == "village"]
    town_w = [(p.population or 5000) ** 0.75 for p in towns]
    scale = TOWN_SHARE / sum(town_w)
    village_w = (1 - TOWN_SHARE) / len(villages)
    result = [Centre(p, min(25.0, max(1.0, 2.5 * math.sqrt((p.population or 5000) / 1e5))))
              for p in towns] + [Centre(p, 1.5) for p in villages]  # fmt: skip
    return result, [w * scale for w in town_w] + [village_w] * len(villages)


class Generator:
    """Builds one directory of ``size`` service locations (plus hotlines) from ``seed``."""

    def __init__(self, size: int, seed: int = 20261115) -> None:
        self.size = size
        self.rng = random.Random(f"{seed}:{size}")  # noqa: S311 - reproducible, not secret
        self.gazetteer = get_gazetteer()
        self.centres, weights = centres(self.gazetteer)
        self.cum = list(_accumulate(weights))
        self.needs = list(NEED_WEIGHTS)
        self.need_cum = list(_accumulate(NEED_WEIGHTS.values()))

    # -- public ----------------------------------------------------------------------

    def listings(self) -> Iterator[tuple[str, Doc]]:
        """Every listing in dependency order: organizations, locations, then services."""
        orgs, sites = self._plan()
        yield from (("organization", o) for o in orgs)
        locations = []
        for org, centre in sites:
            loc = self._location(org, centre)
            locations.append((loc, org))
            yield "location", loc
        for loc, org in locations:
            yield "service", self._service(org, loc)
        yield from (("service", s) for s in self._hotlines(orgs))

    def point(self, rng: random.Random) -> tuple[float, float]:
        """A search point drawn like the services (where people and services are)."""
        return self._scatter(self._pick_centre(rng), rng)

    # -- plan ------------------------------------------------------------------------

    def _plan(self) -> tuple[list[Doc], list[tuple[Doc, Centre]]]:
        orgs: list[Doc] = []
        by_town: dict[str, list[str]] = {}
        sites: list[tuple[Doc, Centre]] = []
        for _ in range(math.ceil(self.size / LOCATIONS_PER_ORG)):
            home = self._pick_centre(self.rng)
            earlier = by_town.setdefault(home.place.place_id, [])
            partners = self.rng.sample(earlier, min(len(earlier), self.rng.randint(0, 3)))
            org = self._organization(home, partners)
            earlier.append(org["id"])
            orgs.append(org)
            for _ in range(LOCATIONS_PER_ORG):
                if len(sites) < self.size:
                    sites.append((org, home))
        return orgs, sites

    def _pick_centre(self, rng: random.Random) -> Centre:
        return self.centres[_bisect(self.cum, rng.random() * self.cum[-1])]

    def _scatter(self, centre: Centre, rng: random.Random) -> tuple[float, float]:
        p = centre.place
        for _ in range(8):
            north, east = rng.gauss(0, centre.sigma_km), rng.gauss(0, centre.sigma_km)
            lat = p.lat + north / 110.57
            lon = p.lon + east / (111.32 * math.cos(math.radians(lat)))
            if self.gazetteer.in_drc(lat, lon):
                return round(lat, 6), round(lon, 6)
        return p.lat, p.lon

    # -- documents -------------------------------------------------------------------

    def _id(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def _verified(self) -> str | None:
        r = self.rng.random()
        if r < 0.1:
            return None
        days = self.rng.randint(1, 90) if r < 0.5 else self.rng.randint(91, 720)
        return f"2026-{11 - min(10, days // 30):02d}-01T09:00:00+00:00"

    def _phone(self) -> list[Doc]:
        digits = f"{self.rng.randint(0, 999_999_999):09d}"
        number = f"+243 {digits[:3]} {digits[3:6]} {digits[6:]}"
        return [{"number": number, "type": "voice", "description": ""}]

    def _listing(self, name: str) -> Doc:
        return {
            "id": self._id(), "version": 1, "created_at": STAMP, "updated_at": STAMP,
            "name": name, "description": f"{name} (données de test de performance).",
            "source": "Njia benchmark", "demo": True, "last_verified_at": self._verified(),
            "attributes": [],
        }  # fmt: skip

    def _organization(self, home: Centre, partners: list[str]) -> Doc:
        doc = self._listing(f"Organisation {home.place.name} {self.rng.randint(1, 99_999)}")
        agreements = [{"organization_id": p, "since": "2025-06-01", "note": ""} for p in partners]
        status = "inactive" if self.rng.random() < 0.02 else "active"
        doc.update(email=None, website=None, phones=self._phone(), status=status,
                   referral_agreements=agreements)  # fmt: skip
        return doc

    def _location(self, org: Doc, centre: Centre) -> Doc:
        place = centre.place
        lat, lon = self._scatter(centre, self.rng)
        doc = self._listing(f"Site {place.name} {self.rng.randint(1, 99_999)}")
        r = self.rng.random()
        tier = "confidential" if r < 0.01 else "restricted" if r < 0.08 else "public"
        features = (("child_friendly", 0.2), ("wheelchair", 0.2))
        access = [a for a, p in features if self.rng.random() < p]
        doc.update(
            organization_id=org["id"], latitude=lat, longitude=lon,
            tz=TAXONOMY.time_zone_for(place.province_pcode), confidentiality=tier,
            adm1_pcode=place.province_pcode, adm2_pcode=place.territory_pcode, accessibility=access,
        )  # fmt: skip
        return doc

    def _need_set(self) -> list[str]:
        def draw() -> str:
            return self.needs[_bisect(self.need_cum, self.rng.random() * self.need_cum[-1])]

        needs = [draw()]
        needs += [draw() for extra in (0.4, 0.15) if self.rng.random() < extra]
        return list(dict.fromkeys(needs))

    def _service(self, org: Doc, loc: Doc) -> Doc:
        needs = self._need_set()
        if loc["confidentiality"] == "confidential":  # a safe shelter
            needs = list(dict.fromkeys(["shelter", *needs]))
        doc = self._listing(f"{KIND[needs[0]]} {loc['name'].removeprefix('Site ')}")
        caps = sorted({c for n in needs for c, p in CAPABILITY_RATES.get(n, {}).items()
                       if self.rng.random() < p})  # fmt: skip
        stock_out = ["pep"] if "pep" in caps and self.rng.random() < 0.05 else []
        r = self.rng.random()
        status = "inactive" if r < 0.03 else "temporarily_closed" if r < 0.06 else "active"
        shelter = "shelter" in needs and self.rng.random() < 0.7
        capacity = {"available": self.rng.randint(0, 20), "total": 20, "updated_at": STAMP}
        doc.update(
            organization_id=org["id"], status=status, needs=needs, capabilities=caps,
            stock_out=stock_out, remote=False,
            service_area=[loc["adm1_pcode"]] if loc["confidentiality"] == "confidential" else [],
            location_ids=[loc["id"]], schedule=self._schedule(needs),
            eligibility=self._eligibility(),
            languages=self._languages(loc["tz"]), phones=self._phone(), email=None,
            alert=self._alert(), capacity=capacity if shelter else None,
        )  # fmt: skip
        return doc

    def _schedule(self, needs: list[str]) -> Doc:
        r = self.rng.random()
        if r < (0.25 if "medical" in needs else 0.10):
            return {"always_open": True, "hours": [], "description": ""}
        if r > 0.95:
            return {"always_open": False, "hours": [], "description": ""}
        hours = [{"weekday": d, "opens": "08:00", "closes": "16:00"} for d in range(5)]
        if self.rng.random() < 0.4:
            hours.append({"weekday": 5, "opens": "08:00", "closes": "12:00"})
        return {"always_open": False, "hours": hours, "description": ""}

    def _eligibility(self) -> Doc:
        r = self.rng.random()
        low, high = (None, 17) if r < 0.08 else (18, None) if r < 0.13 else (None, None)
        sexes = ["female"] if self.rng.random() < 0.15 else []
        return {"min_age": low, "max_age": high, "sexes": sexes, "description": ""}

    def _languages(self, tz: str | None) -> list[str]:
        local = "sw" if tz == "Africa/Lubumbashi" else "ln"
        return ["fr", local] if self.rng.random() < 0.7 else ["fr"]

    def _alert(self) -> Doc | None:
        r = self.rng.random()
        if r < 0.005:
            until = "2030-01-01T00:00:00+00:00"
            return {"text": "Fermé pour travaux.", "blocking": True, "expires_at": until}
        if r < 0.025:
            return {"text": "Rupture de stock possible.", "blocking": False, "expires_at": None}
        return None

    def _hotlines(self, orgs: list[Doc]) -> Iterator[Doc]:
        provinces = sorted(a.pcode for a in TAXONOMY.areas.values() if a.level == 1)
        for pcode in provinces:
            for needs in (["safety", "psychosocial"], ["complaint", "case_management"]):
                org = orgs[self.rng.randrange(len(orgs))]
                doc = self._listing(f"Ligne verte {KIND[needs[0]]} {pcode}")
                doc.update(
                    organization_id=org["id"], status="active", needs=needs, capabilities=[],
                    stock_out=[], remote=True, service_area=[pcode], location_ids=[],
                    schedule={"always_open": True, "hours": [], "description": ""},
                    eligibility=self._eligibility(), languages=["fr"], phones=self._phone(),
                    email=None, alert=None, capacity=None,
                )  # fmt: skip
                yield doc


def check_sample(listings: list[tuple[str, Doc]], every: int = 97) -> int:
    """Validate every ``every``-th document with the stored schema; the dump must equal it.

    Returns the number checked; raises AssertionError naming the first mismatch.
    """
    checked = 0
    for kind, doc in listings[::every]:
        schema = stored_schema(kind)
        dumped = schema.dump(schema.load(doc))
        diff = sorted(k for k in dumped.keys() | doc.keys() if dumped.get(k) != doc.get(k))
        assert not diff, f"{kind} {doc['id']} differs from its canonical form in {diff}"
        checked += 1
    return checked


def _accumulate(values: Any) -> Iterator[float]:
    total = 0.0
    for v in values:
        total += v
        yield total


def _bisect(cum: list[float], x: float) -> int:
    return min(bisect.bisect_left(cum, x), len(cum) - 1)
