"""Rebuild the compact gazetteer files in this folder from the shared DRC extracts.

This is a one-off data-preparation script, kept so that every derived value can be traced.
The application never runs it; it reads only the files this script writes.

    python seed_data/gazetteer/build_gazetteer.py places  SHARED_DRC_DATA_DIR
    python seed_data/gazetteer/build_gazetteer.py outline   # needs timezonefinder + shapely
    python seed_data/gazetteer/build_gazetteer.py health  SHARED_DRC_DATA_DIR

``places`` (standard library only) writes ``places.csv.gz`` and ``admin_areas.csv``:

- every named OSM place of ``gazetteer/cod_places_osm_2019.csv`` (id ``osm:<node id>``);
- each GeoNames town of ``gazetteer/cod_geonames_towns.csv`` is merged into the OSM place with the
  same normalised name (or one of its alternate names, or one edit away within 3 km) within 10 km;
  the OSM id, name, point and province are kept, GeoNames adds population and alternate names;
- a GeoNames town that matches no OSM place is kept (id ``gn:<geonameid>``) only if some OSM place
  lies within 5 km; nine are not corroborated and are dropped (e.g. "Mwene", 295,683 people in
  Lualaba, or a "Dungu" in Mai-Ndombe whose population looks like that of Dungu in Haut-Uele);
- places with the same normalised name within 0.5 km (OSM double nodes) are kept once;
- ``kind`` is the OSM ``place`` tag, raised for settlements to ``town`` (population >= 10,000) or
  ``city`` (>= 100,000) by the recorded population;
- a territory (OCHA ADM2) is assigned only to the city or town that bears the territory's name
  in the same province (the territory's seat, or the city that is itself an ADM2); else none.

``health`` (standard library only) writes ``health_places.csv``: the health areas (*aires de
santé*) and health zones the healthsites.io facilities name, each at the median point of its
facilities and marked approximate (see :func:`build_health_places`).

``outline`` writes ``drc_outline.geojson.gz``: the union of the Africa/Kinshasa and
Africa/Lubumbashi zones of timezone-boundary-builder (as packaged in timezonefinder-data), which
follow the OSM national border, simplified with a 0.0005 degree (about 55 m) tolerance.
"""

import csv
import gzip
import io
import json
import math
import re
import sys
import unicodedata
from pathlib import Path

HERE = Path(__file__).resolve().parent
KIND_RANK = ["city", "town", "village", "suburb", "quarter", "neighbourhood", "hamlet", "locality"]
SETTLEMENTS = {"town", "village", "hamlet", "locality", "isolated_dwelling"}
ADMIN_WORDS = {"province", "provincia", "provinz", "provinsi", "provinco", "mkoa", "pravincyja"}
ADMIN_WORDS |= {"gobolka", "wilayah", "vilojati", "viloyati", "oblusu", "oblysy", "lardin"}
ADMIN_WORDS |= {"bolgesi", "boelgesi", "tartomany"}
PLACEHOLDER_NAMES = {"unknown", "unknown village", "village"}
DISPLAY_NAMES = {"CD82": "Kasaï-Oriental", "CD91": "Kasaï-Central", "CD92": "Kasaï"}


def norm(text: str) -> str:
    """Lower case, accents removed, punctuation collapsed to single spaces."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return re.sub(r"[^0-9a-z]+", " ", text).strip()


def km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in km."""
    la1, lo1, la2, lo2 = map(math.radians, (*a, *b))
    h = (
        math.sin((la2 - la1) / 2) ** 2
        + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    )
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


def one_edit(a: str, b: str) -> bool:
    """True when a and b differ by at most one substitution, insertion or deletion."""
    if abs(len(a) - len(b)) > 1:
        return False
    i = 0
    while i < min(len(a), len(b)) and a[i] == b[i]:
        i += 1
    return a[i + 1 :] == b[i + 1 :] or a[i + 1 :] == b[i:] or a[i:] == b[i + 1 :]


def good_alternates(raw: str) -> list[str]:
    """Latin-script, capitalised alternate names; no airport codes or province names."""
    keep = []
    for name in raw.split("|"):
        n = norm(name)
        if not n or not name[0].isupper() or any(ord(c) >= 0x250 and c != "\u2019" for c in name):
            continue
        if (len(name) <= 4 and name.isupper()) or ADMIN_WORDS & set(n.split()):
            continue
        keep.append(name)
    return keep


def kind_for(kind: str, population: int | None) -> str:
    """Raise a settlement's kind by its population."""
    if kind in SETTLEMENTS and population:
        if population >= 100_000:
            return "city"
        if population >= 10_000 and kind != "town":
            return "town"
    return kind


def rank(p: dict) -> tuple:
    k = p["kind"]
    return (KIND_RANK.index(k) if k in KIND_RANK else len(KIND_RANK), -(p["population"] or 0))


def read_osm(src: Path) -> list[dict]:
    places = []
    with open(src / "gazetteer/cod_places_osm_2019.csv", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            if r["name_norm"] in PLACEHOLDER_NAMES:
                continue
            pop = int(float(r["population"])) if r["population"] else None
            alts = [r["name_en"]] if r["name_en"] and norm(r["name_en"]) != r["name_norm"] else []
            places.append(
                {
                    "place_id": f"osm:{r['osm_node_id']}",
                    "name": r["name"],
                    "kind": r["place"],
                    "province_pcode": r["adm1_pcode_approx"],
                    "territory_pcode": "",
                    "tz": r["tz"],
                    "lat": float(r["lat"]),
                    "lon": float(r["lon"]),
                    "population": pop,
                    "alt_names": alts,
                    "norm": r["name_norm"],
                    "conf": float(r["adm1_approx_conf"]),
                }
            )
    return places


def match_osm(town: dict, alts: list[str], places: list[dict]) -> dict | None:
    """The OSM place a GeoNames town describes, or None."""
    point = (float(town["lat"]), float(town["lon"]))
    near = [(p, km(point, (p["lat"], p["lon"]))) for p in places]
    near = [(p, d) for p, d in near if d <= 10]
    name, alt_norms = norm(town["name"]), {norm(a) for a in alts}
    for test in (
        lambda p, d: p["norm"] == name,
        lambda p, d: p["norm"] in alt_norms,
        lambda p, d: d <= 3 and one_edit(p["norm"].replace(" ", ""), name.replace(" ", "")),
    ):
        hits = [(p, d) for p, d in near if test(p, d)]
        if hits:
            return min(hits, key=lambda h: (*rank(h[0]), h[1]))[0]
    return None


def merge_geonames(src: Path, places: list[dict]) -> None:
    """Merge or add the GeoNames towns (see module docstring)."""
    with open(src / "gazetteer/cod_geonames_towns.csv", encoding="utf-8") as f:
        towns = list(csv.DictReader(f))
    for t in towns:
        alts = good_alternates(t["alternatenames"])
        pop = int(t["population"]) or None
        p = match_osm(t, alts, places)
        if p is None:
            point = (float(t["lat"]), float(t["lon"]))
            if not any(km(point, (q["lat"], q["lon"])) <= 5 for q in places):
                print(f"dropped uncorroborated GeoNames town {t['name']} ({t['adm1_name']})")
                continue
            p = {"place_id": f"gn:{t['geonameid']}", "name": t["name"], "kind": "town"}
            p |= {"province_pcode": t["adm1_pcode"], "territory_pcode": "", "tz": t["timezone"]}
            p |= {"lat": point[0], "lon": point[1], "population": None, "alt_names": []}
            p |= {"norm": norm(t["name"]), "conf": 1.0}
            places.append(p)
        p["population"] = pop or p["population"]
        seen = {p["norm"], *map(norm, p["alt_names"])}
        for a in [t["name"], *alts]:
            if norm(a) not in seen and not ADMIN_WORDS & set(norm(a).split()):
                seen.add(norm(a))
                p["alt_names"].append(a)


def assign_territories(admin: list[dict], places: list[dict]) -> None:
    """Give each ADM2 to the city or town that bears its name (spelling may differ by one edit).

    The town must lie in the ADM2's province; or, when it is the only city or town of that name
    and its approximate province came from a split vote (a point near a province border), it is
    moved to the ADM2's province (Ikela, Monkoto, Lubudi, Ngandajika).
    """
    towns = [p for p in places if p["kind"] in ("city", "town")]
    for area in (a for a in admin if a["admin_level"] == "2"):
        name = norm(area["name_ocha"]).replace(" ", "")
        named = [p for p in towns if one_edit(p["norm"].replace(" ", ""), name)]
        here = [p for p in named if p["province_pcode"] == area["parent_pcode"]]
        if not here and len(named) == 1 and named[0]["conf"] < 1:
            print(f"moved {named[0]['name']} to province {area['parent_pcode']}")
            named[0]["province_pcode"] = area["parent_pcode"]
            here = named
        if here:
            best = min(here, key=lambda p: (p["norm"].replace(" ", "") != name, *rank(p)))
            best["territory_pcode"] = area["pcode"]
        else:
            print(f"no seat found for territory {area['name_ocha']} ({area['pcode']})")


def drop_duplicates(places: list[dict], max_km: float = 0.5) -> list[dict]:
    """Keep one of the places that share a normalised name within ``max_km`` (OSM double nodes)."""
    by_name: dict[str, list[dict]] = {}
    for p in sorted(places, key=rank):
        by_name.setdefault(p["norm"], []).append(p)
    kept = []
    for group in by_name.values():
        survivors: list[dict] = []
        for p in group:
            twin = next(
                (s for s in survivors if km((s["lat"], s["lon"]), (p["lat"], p["lon"])) <= max_km),
                None,
            )
            if twin is None:
                survivors.append(p)
            else:
                twin["population"] = twin["population"] or p["population"]
                twin["alt_names"] += [a for a in p["alt_names"] if a not in twin["alt_names"]]
        kept += survivors
    print(f"dropped {len(places) - len(kept)} duplicate nodes")
    return kept


def build_places(src: Path) -> None:
    with open(src / "admin/cod_adm1_adm2_pcodes_ocha_2019.csv", encoding="utf-8") as f:
        admin = [
            {
                "pcode": r["pcode"],
                "admin_level": r["admin_level"],
                "name": DISPLAY_NAMES.get(r["pcode"], r["name"]),
                "name_ocha": r["name"],
                "parent_pcode": r["parent_pcode"],
            }
            for r in csv.DictReader(f)
        ]
    places = read_osm(src)
    merge_geonames(src, places)
    places = drop_duplicates(places)
    for p in places:
        p["kind"] = kind_for(p["kind"], p["population"])
    assign_territories(admin, places)
    with open(HERE / "admin_areas.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(admin[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(admin)
    cols = ["place_id", "name", "kind", "province_pcode", "territory_pcode", "tz", "lat", "lon"]
    with gzip.GzipFile(HERE / "places.csv.gz", "wb", mtime=0) as raw:
        f = io.TextIOWrapper(raw, encoding="utf-8", newline="")
        w = csv.writer(f, lineterminator="\n")
        w.writerow([*cols, "population", "alt_names"])
        for p in sorted(places, key=lambda p: (p["province_pcode"], p["norm"], p["place_id"])):
            w.writerow([p[c] for c in cols] + [p["population"] or "", "|".join(p["alt_names"])])
        f.flush()
    print(f"wrote {len(places)} places")


def build_outline() -> None:
    import shapely  # only this step needs shapely and timezonefinder
    from shapely.geometry import Polygon, mapping
    from timezonefinder import TimezoneFinder

    tf = TimezoneFinder()
    polys = []
    for zone in ("Africa/Kinshasa", "Africa/Lubumbashi"):
        for rings in tf.get_geometry(tz_name=zone, coords_as_pairs=True):
            polys.append(Polygon(rings[0], rings[1:]))
    outline = shapely.union_all(polys).simplify(0.0005, preserve_topology=True)
    geometry = json.loads(json.dumps(mapping(outline)))
    geometry = json.loads(re.sub(r"(\d+\.\d{5})\d+", r"\1", json.dumps(geometry)))
    feature = {
        "type": "Feature",
        "properties": {
            "name": "Democratic Republic of the Congo",
            "source": f"timezone-boundary-builder {tf.data_version} via timezonefinder-data "
            "(Africa/Kinshasa + Africa/Lubumbashi), simplified 0.0005 deg; ODbL 1.0, "
            "(c) OpenStreetMap contributors",
        },
        "geometry": geometry,
    }
    data = json.dumps({"type": "FeatureCollection", "features": [feature]}, separators=(",", ":"))
    with gzip.GzipFile(HERE / "drc_outline.geojson.gz", "wb", mtime=0) as f:
        f.write(data.encode())
    print(f"wrote outline with {shapely.get_num_coordinates(outline)} vertices")


HEALTH_CENTRE = re.compile(r"^(?:centre de sant[eé]|cs)\s+(?:de la |de l'|de |du |d')?(.+)$", re.I)
#: Words that show a health centre's name is the facility's own, not its health area's.
NOT_AN_AREA = {"et", "la", "le", "les", "de", "du", "des", "l", "d", "saint", "sainte", "st", "ste"}
NOT_AN_AREA |= {"maternite", "reference", "communautaire", "medical", "medicale", "medicalise"}
NOT_AN_AREA |= {"dieu", "grace", "paix", "foi", "famille", "croix", "rouge", "espoir", "mon", "ma"}
NOT_AN_AREA |= {"bon", "bonne", "mere", "vie", "urbain", "clinique", "centre", "hopital", "tout"}
NOT_AN_AREA |= {"dentaire", "buco", "cst", "dans", "pour", "chretienne", "divine", "merveilles"}
AREA_SPREAD_KM = 8.0  # a health area's facilities lie within this of their median point
ZONE_SPREAD_KM = 30.0  # a health zone's (about 100,000 to 300,000 people)
SAME_AREA_KM = 5.0


def area_named_by(facility: dict) -> str | None:
    """The health area a facility names: its ``is_in_health_area``, or the X of "Centre de santé
    X" when X reads as a place name (at most three words, none of :data:`NOT_AN_AREA`).

    In the DRC an *aire de santé* is served by one health centre, which bears its name. Only
    centres that a health-system survey recorded (a ``source`` such as OMS-DSNIS or MSF survey)
    or that are public count: Kinshasa's unsourced "Centre de santé Jésus Guéri" are private
    clinics. The word list keeps out names such as "Centre de santé La Grâce".
    """
    if facility["is_in_health_area"].strip():
        return facility["is_in_health_area"].strip()
    surveyed = facility["source"].strip() or facility["operator_type"] in ("public", "government")
    found = HEALTH_CENTRE.match(facility["name"].strip()) if surveyed else None
    if not found:
        return None
    name = found.group(1).strip()
    words = norm(name).split()
    if not words or len(words) > 3 or set(words) & NOT_AN_AREA or not words[0][0].isalpha():
        return None
    if name.isupper() and len(name) <= 5:
        return None  # an acronym (CCLK, OMECO)
    return name.title() if name.isupper() else name


def median(values: list[float]) -> float:
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def group_points(named: list[tuple[str, dict]], spread_km: float) -> list[dict]:
    """Facilities grouped by area name and nearness (``2 * spread_km``): one group per area, at
    its median point; a facility farther than ``spread_km`` from it is dropped as misplaced."""
    groups: list[dict] = []
    for name, facility in named:
        point = (float(facility["lat"]), float(facility["lon"]))
        for g in groups:
            if norm(g["name"]) == norm(name) and km(g["seed"], point) <= spread_km * 2:
                g["facilities"].append((point, facility))
                break
        else:
            groups.append({"name": name, "seed": point, "facilities": [(point, facility)]})
    for g in groups:
        centre = (median([p[0] for p, _ in g["facilities"]]),
                  median([p[1] for p, _ in g["facilities"]]))  # fmt: skip
        g["facilities"] = [(p, f) for p, f in g["facilities"] if km(p, centre) <= spread_km]
        g["lat"], g["lon"] = centre
    return [g for g in groups if g["facilities"]]


def health_place_row(g: dict, kind: str) -> dict:
    facilities = [f for _, f in g["facilities"]]
    votes: dict[str, int] = {}
    for f in facilities:
        votes[f["adm1_pcode_approx"]] = votes.get(f["adm1_pcode_approx"], 0) + 1
    province = max(sorted(votes), key=votes.__getitem__)
    slug = re.sub(r" ", "-", norm(g["name"]))
    return {
        "place_id": f"hs:{kind.split('_')[1]}:{province}:{slug}:{round(g['lat'], 2)}",
        "name": g["name"], "kind": kind, "province_pcode": province, "territory_pcode": "",
        "tz": facilities[0]["tz"], "lat": round(g["lat"], 6), "lon": round(g["lon"], 6),
        "population": "", "alt_names": "", "facilities": len(facilities),
    }  # fmt: skip


def build_health_places(src: Path) -> None:
    """Health areas and zones named by healthsites.io facilities, not already OSM places.

    An area is dropped when an OSM place of the same name (or spelling) lies within 5 km: the
    gazetteer already has it, at a surveyed point.
    """
    with open(src / "facilities/cod_healthsites_2020.csv", encoding="utf-8") as f:
        facilities = [r for r in csv.DictReader(f) if r["lat"] and r["adm1_pcode_approx"]]
    areas = group_points([(a, f) for f in facilities if (a := area_named_by(f))], AREA_SPREAD_KM)
    zones = group_points([(f["is_in_health_zone"].strip(), f) for f in facilities
                          if f["is_in_health_zone"].strip()], ZONE_SPREAD_KM)  # fmt: skip
    osm = read_osm(src)
    by_name: dict[str, list[tuple[float, float]]] = {}
    for p in osm:
        by_name.setdefault(norm(p["name"]), []).append((p["lat"], p["lon"]))
    rows = []
    for kind, groups in (("health_zone", zones), ("health_area", areas)):
        for g in groups:
            known = by_name.get(norm(g["name"]), [])
            if any(km(point, (g["lat"], g["lon"])) <= SAME_AREA_KM for point in known):
                continue
            rows.append(health_place_row(g, kind))
    rows.sort(key=lambda r: (r["province_pcode"], r["kind"], norm(r["name"]), r["place_id"]))
    with open(HERE / "health_places.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    print(f"wrote {len(rows)} health areas and zones ({len(areas)} areas, {len(zones)} zones)")


if __name__ == "__main__":
    if sys.argv[1:2] == ["places"]:
        build_places(Path(sys.argv[2]))
    elif sys.argv[1:2] == ["health"]:
        build_health_places(Path(sys.argv[2]))
    elif sys.argv[1:2] == ["outline"]:
        build_outline()
    else:
        sys.exit(__doc__)
