"""Rows and CSV columns of every coverage, network and quality table.

One function per table turns the computed objects into plain rows (dicts of JSON values);
the API returns them as JSON or, with the matching :data:`COLUMNS`, as CSV with an HXL
hashtag row (``docs/coverage.md`` lists them). Pages render the same rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from directory.coverage.flows import FlowTable
from directory.coverage.gaps import BANDS, THRESHOLDS_KM, AreaCoverage, CoverageReport, band
from directory.coverage.hxl import Column
from directory.coverage.network import OrganizationNode, PathGap, ReferralGraph
from directory.coverage.places import area_name
from directory.coverage.quality import Issue

Row = dict[str, Any]


def _c(key: str, header: str, hashtag: str) -> Column:
    return Column(key, header, hashtag)


ADM1 = [_c("adm1_code", "province_pcode", "#adm1+code"), _c("adm1_name", "province", "#adm1+name")]
ADM2 = [
    _c("adm2_code", "territory_pcode", "#adm2+code+approx"),
    _c("adm2_name", "territory", "#adm2+name+approx"),
]
NEED = [_c("need", "need", "#sector+code")]
WITHIN = [
    c
    for km in THRESHOLDS_KM
    for c in (
        _c(f"within_{km}km", f"places_within_{km}km", f"#indicator+places+num+within_{km}km"),
        _c(f"share_{km}km", f"share_within_{km}km", f"#indicator+places+pct+within_{km}km"),
    )
]
COLUMNS: dict[str, list[Column]] = {
    "areas": [
        _c("level", "level", "#meta+level"),
        *ADM1,
        *ADM2,
        _c("place_class", "place_class", "#loc+type"),
        *NEED,
        _c("places", "places", "#indicator+places+num"),
        *WITHIN,
        _c("unserved", "places_without_any_service", "#indicator+places+num+unserved"),
        _c("median_km", "median_distance_km", "#indicator+km+median"),
    ],
    "places": [
        _c("place_id", "place_id", "#loc+code"),
        _c("name", "place", "#loc+name"),
        _c("place_class", "place_class", "#loc+type"),
        *ADM1,
        *ADM2,
        _c("lat", "latitude", "#geo+lat"),
        _c("lon", "longitude", "#geo+lon"),
        *NEED,
        _c("distance_km", "distance_to_nearest_km", "#indicator+km+nearest"),
        _c("band", "distance_band_km", "#indicator+band"),
    ],
    "territories": [
        *ADM1,
        _c("adm2_code", "territory_pcode", "#adm2+code"),
        _c("adm2_name", "territory", "#adm2+name"),
        *NEED,
        _c("places", "places", "#indicator+places+num+approx"),
        _c("in_person", "services_in_person", "#indicator+services+num+in_person"),
        _c("by_area", "services_reaching_by_area", "#indicator+services+num+by_area"),
        _c("no_service", "no_service_at_all", "#indicator+no_service"),
    ],
    "referrals": [
        _c("source_id", "from_organization_id", "#org+code+source"),
        _c("source_name", "from_organization", "#org+name+source"),
        _c("target_id", "to_organization_id", "#org+code+target"),
        _c("target_name", "to_organization", "#org+name+target"),
        _c("since", "since", "#date+start"),
        _c("active", "both_active", "#status+active"),
    ],
    "unreferred": [
        _c("id", "organization_id", "#org+code"),
        _c("name", "organization", "#org+name"),
        _c("needs", "needs", "#sector+code+list"),
        _c("provinces", "province_pcodes", "#adm1+code+list"),
        _c("refers_to", "refers_to_organizations", "#indicator+org+num+refers_to"),
    ],
    "paths": [
        *ADM1,
        *NEED,
        _c("providers", "providers", "#indicator+org+num+providers"),
        _c("referrers", "other_organizations", "#indicator+org+num+others"),
        _c("linked", "others_with_referral_path", "#indicator+org+num+linked"),
        _c("gap", "no_referral_path", "#indicator+gap"),
    ],
    "issues": [
        _c("kind", "listing_kind", "#meta+kind"),
        _c("id", "listing_id", "#meta+id"),
        _c("name", "listing", "#meta+name"),
        _c("organization_id", "organization_id", "#org+code"),
        _c("organization_name", "organization", "#org+name"),
        _c("issue", "issue", "#status+issue"),
        _c("since", "since", "#date"),
        _c("days", "days", "#indicator+days"),
    ],
}


def area_rows(report: CoverageReport, level: str) -> list[Row]:
    """The per-area table of a coverage report (see :meth:`CoverageReport.areas`)."""
    return [area_row(a, report.target) for a in report.areas(level)]


def area_row(a: AreaCoverage, need: str) -> Row:
    """One area and population class."""
    row: Row = {
        "level": a.level,
        "adm1_code": a.province_pcode,
        "adm1_name": area_name(a.province_pcode),
        "adm2_code": a.pcode if a.level == "territory" else None,
        "adm2_name": area_name(a.pcode) if a.level == "territory" else None,
        "place_class": a.place_class,
        "need": need,
        "places": a.places,
        "unserved": a.unserved,
        "median_km": a.median_km,
    }
    for km, count, share in zip(THRESHOLDS_KM, a.within, a.shares, strict=True):
        row[f"within_{km}km"] = count
        row[f"share_{km}km"] = share
    return row


def band_counts(a: AreaCoverage) -> list[int]:
    """Places of an area in each of :data:`~directory.coverage.gaps.BANDS` (for the charts)."""
    cumulative = [*a.within, a.places - a.unserved]
    counts = [cumulative[0]] + [cumulative[i] - cumulative[i - 1] for i in range(1, 5)]
    return [*counts, a.unserved]


def place_rows(report: CoverageReport, beyond_km: float, province: str | None) -> list[Row]:
    """Places farther than ``beyond_km`` from any counting service, farthest first. Distances
    are rounded to the kilometre."""
    return [
        {
            "place_id": p.place_id,
            "name": p.name,
            "place_class": p.place_class,
            "adm1_code": p.province_pcode,
            "adm1_name": area_name(p.province_pcode),
            "adm2_code": p.territory_pcode,
            "adm2_name": area_name(p.territory_pcode) or None,
            "lat": p.lat,
            "lon": p.lon,
            "need": report.target,
            "distance_km": None if km is None else round(km),
            "band": BANDS[band(km)],
        }
        for p, km in report.beyond(beyond_km, province)
    ]


def territory_rows(report: CoverageReport) -> list[Row]:
    """Every territory with its service counts for the report's target."""
    return [
        {
            "adm1_code": t.province_pcode,
            "adm1_name": area_name(t.province_pcode),
            "adm2_code": t.pcode,
            "adm2_name": area_name(t.pcode),
            "need": report.target,
            "places": t.places,
            "in_person": t.in_person,
            "by_area": t.by_area,
            "no_service": t.no_service,
        }
        for t in report.territories()
    ]


def referral_rows(graph: ReferralGraph) -> list[Row]:
    """Every referral agreement, by source then target id."""
    nodes = graph.nodes
    return [
        {
            "source_id": e.source,
            "source_name": nodes[e.source].name,
            "target_id": e.target,
            "target_name": nodes[e.target].name,
            "since": e.since,
            "active": nodes[e.source].active and nodes[e.target].active,
        }
        for e in graph.edges
    ]


def node_row(node: OrganizationNode) -> Row:
    """An organization of the graph: where it offers what, and its active partners."""
    needs = sorted(set(node.works) | set(node.remote))
    return {
        "id": node.id,
        "name": node.name,
        "active": node.active,
        "needs": "|".join(needs),
        "provinces": "|".join(sorted(node.offers())),
        "refers_to": node.refers_to,
        "referred_by": node.referred_by,
    }


def path_rows(gaps: Iterable[PathGap]) -> list[Row]:
    """Provinces and needs with providers, and whether the others can refer to them."""
    return [
        {
            "adm1_code": g.province_pcode,
            "adm1_name": area_name(g.province_pcode),
            "need": g.need,
            "providers": g.providers,
            "referrers": g.referrers,
            "linked": g.linked,
            "gap": g.gap,
        }
        for g in gaps
    ]


def issue_rows(issues: Iterable[Issue]) -> list[Row]:
    """Data-quality problems as rows."""
    return [dict(vars(i)) for i in issues]


def flow_json(table: FlowTable, names: dict[str, str]) -> Row:
    """The suppressed flow table; withheld counts are null."""
    return {
        "months": table.months,
        "rows": [
            {
                "source_id": s,
                "source_name": names.get(s, s),
                "target_id": t,
                "target_name": names.get(t, t),
                "counts": counts,
                "total": total,
            }
            for (s, t), counts, total in zip(
                table.pairs, table.cells, table.pair_totals, strict=True
            )
        ],
        "month_totals": table.month_totals,
        "total": table.total,
        "withheld": table.withheld,
    }


def flow_columns(table: FlowTable) -> list[Column]:
    """Columns of the flow table as CSV: the pair, one column per month, the total."""
    return [
        *COLUMNS["referrals"][:4],
        *(
            Column(f"m{m}", m, "#indicator+referrals+num+m" + m.replace("-", "_"))
            for m in table.months
        ),
        Column("total", "total", "#indicator+referrals+num+total"),
    ]


def flow_csv_rows(table: FlowTable, names: dict[str, str]) -> list[Row]:
    """The flow table as CSV rows (withheld counts blank), with a last row of totals."""
    rows: list[Row] = []
    for (s, t), counts, total in zip(table.pairs, table.cells, table.pair_totals, strict=True):
        row: Row = {"source_id": s, "source_name": names.get(s, s), "target_id": t}
        row |= {"target_name": names.get(t, t), "total": total}
        rows.append(row | {f"m{m}": c for m, c in zip(table.months, counts, strict=True)})
    totals: Row = {"source_name": "total", "total": table.total}
    rows.append(
        totals | {f"m{m}": c for m, c in zip(table.months, table.month_totals, strict=True)}
    )
    return rows
