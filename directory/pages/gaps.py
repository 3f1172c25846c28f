"""Coordinators' pages: coverage gaps, the referral network and data quality (French first).

- ``/gaps``: for a need (or 24/7 PEP), the national and provincial shares of places within
  10/25/50/100 km of a service, the map of gaps, bars by province, territories with no
  service at all, and the places farther than a chosen distance;
- ``/gaps/map.svg`` and ``/gaps/chart.svg``: the pictures, standalone SVG for reports;
- ``/gaps/network``: referral agreements, organizations nobody refers to, provinces where no
  referral path leads to a provider, and referral flows (none recorded yet);
- ``/gaps/quality``: listings by age of their last check, and problems to fix.

Staff only. The forms are GET (they change nothing); every table has its CSV in the API
(``/api/v1/coverage/...``). The computations are in :mod:`directory.coverage`.
"""

from __future__ import annotations

import time
import weakref
from typing import Any

from flask import Blueprint, Response, render_template, request

from directory.coverage import drawing, flows, gaps, network, quality, tables
from directory.coverage.places import area_name
from directory.coverage.snapshot import Snapshot, now
from directory.coverage.supply import PEP_24H, TARGETS
from directory.store import get_store
from directory.store.base import Store
from directory.web.auth import access
from directory.web.i18n import gettext as _
from directory.web.i18n import need_label

blp = Blueprint("gaps", __name__, url_prefix="/gaps")
DISTANCES_KM = (10, 25, 50, 100, 200)
SHOWN = 50


def target_label(target: str) -> str:
    """A need, or 24/7 PEP, in words in the page language."""
    return _("PEP disponible 24 h/24, 7 j/7") if target == PEP_24H else need_label(target)


def band_labels() -> list[str]:
    """The distance bands in words (map legend, chart legend)."""
    return [
        _("≤ 10 km"),
        _("10 à 25 km"),
        _("25 à 50 km"),
        _("50 à 100 km"),
        _("plus de 100 km"),
        _("aucun service"),
    ]


def class_label(place_class: str) -> str:
    """A population class in words."""
    return {
        "all": _("tous les lieux"),
        "city": _("villes"),
        "town": _("petites villes"),
        "village": _("villages"),
    }[place_class]


def _choice() -> tuple[str, int]:
    """The need and distance chosen in the query string (defaults if absent or unknown)."""
    need = request.args.get("need", "medical")
    km = request.args.get("km", "50")
    return (
        need if need in TARGETS else "medical",
        int(km) if km.isdigit() and int(km) in DISTANCES_KM else 50,
    )


REPORT_SECONDS = 300.0
"""How long a coverage report is reused while the directory does not change (operating hours
and alerts move with the clock, so not forever)."""
_REPORTS: weakref.WeakKeyDictionary[Store, dict[tuple[tuple[int, int], str], Any]] = (
    weakref.WeakKeyDictionary()
)
"""Per store: (change mark, need) → (when computed, report)."""


def _report() -> gaps.CoverageReport:
    """The coverage report of the chosen need. The page, its map and its chart ask for the same
    one (three computations of about a second and a half each on the demo directory): it is
    kept until the directory's change mark moves, or for ``REPORT_SECONDS``."""
    store, target = get_store(), _choice()[0]
    reports = _REPORTS.setdefault(store, {})
    key = (store.change_mark(), target)
    kept = reports.get(key)
    if kept is not None and time.monotonic() - kept[0] < REPORT_SECONDS:
        return kept[1]  # type: ignore[no-any-return]
    report = gaps.compute(Snapshot.from_store(store), target, now())
    if len(reports) >= 32:
        reports.clear()
    reports[key] = (time.monotonic(), report)
    return report


@blp.get("")
@access("staff")
def index() -> str:
    """Coverage of one need: summary, map, bars, territories without service, far places."""
    need, km = _choice()
    report = _report()
    provinces = [a for a in report.areas("province") if a.place_class == "all"]
    far = report.beyond(km)
    return render_template(
        "gaps.html",
        need=need,
        km=km,
        targets=[(t, target_label(t)) for t in TARGETS],
        distances=DISTANCES_KM,
        national=report.areas("country"),
        provinces=provinces,
        empty_territories=[t for t in report.territories() if t.no_service],
        far=far[:SHOWN],
        far_total=len(far),
        points=len(report.supply.points),
        by_area=len(report.supply.by_area),
        class_label=class_label,
        target_label=target_label,
        area_name=area_name,
    )


@blp.get("/map.svg")
@access("staff")
def map_svg() -> Response:
    """The map of one need's gaps: every place coloured by distance to the nearest service."""
    report = _report()
    dots = [
        (p.lat, p.lon, gaps.band(d)) for p, d in zip(report.places, report.distances, strict=True)
    ]
    counts = [sum(1 for dot in dots if dot[2] == band) for band in range(len(gaps.BANDS))]
    legend = [f"{label} ({n})" for label, n in zip(band_labels(), counts, strict=True)]
    title = _("Distance au service le plus proche : %(need)s", need=target_label(report.target))
    svg = drawing.gap_map(title, dots, legend, _description(report))
    return _svg(svg, f"njia-carte-{report.target}.svg")


@blp.get("/chart.svg")
@access("staff")
def chart_svg() -> Response:
    """Bars by province: the share of places in each distance band."""
    report = _report()
    rows = [
        (area_name(a.pcode), tables.band_counts(a))
        for a in report.areas("province")
        if a.place_class == "all"
    ]
    title = _(
        "Lieux par distance au service, par province : %(need)s", need=target_label(report.target)
    )
    svg = drawing.stacked_bars(title, rows, band_labels(), _description(report))
    return _svg(svg, f"njia-provinces-{report.target}.svg")


def _description(report: gaps.CoverageReport) -> str:
    return _(
        "%(places)s lieux du répertoire géographique ; distances en ligne droite jusqu'au "
        "service le plus proche (%(points)s sites). Les sites confidentiels ne sont pas "
        "utilisés. Njia, %(date)s.",
        places=len(report.places),
        points=len(report.supply.points),
        date=report.at.date().isoformat(),
    )


def _svg(text: str, filename: str) -> Response:
    return Response(
        text,
        mimetype="image/svg+xml",
        headers={"Content-Disposition": f'inline; filename="{filename}"'},
    )


@blp.get("/network")
@access("staff")
def network_page() -> str:
    """Referral agreements, organizations nobody refers to, missing paths, flows."""
    need = request.args.get("need") or None
    need = need if need in TARGETS else None
    snapshot, at = Snapshot.from_store(get_store()), now()
    graph = network.build_graph(snapshot, at)
    unreferred = network.unreferred(graph, need, vetted_only=True)
    unvetted = len(network.unreferred(graph, need)) - len(unreferred)
    return render_template(
        "gaps_network.html",
        need=need,
        targets=[(t, target_label(t)) for t in TARGETS],
        referrals=tables.referral_rows(graph),
        unreferred=unreferred[:SHOWN],
        unreferred_total=len(unreferred),
        unvetted=unvetted,
        paths=[g for g in network.path_gaps(graph) if g.gap],
        recorded=len(flows.referral_events(get_store())),
        target_label=target_label,
        area_name=area_name,
    )


@blp.get("/quality")
@access("staff")
def quality_page() -> str:
    """Listings by age of their last check, and the problems to fix."""
    snapshot, at = Snapshot.from_store(get_store()), now()
    found = quality.issues(snapshot, at)
    grouped: dict[str, list[Any]] = {code: [] for code in quality.ISSUES}
    for issue in found:
        grouped[issue.issue].append(issue)
    return render_template(
        "gaps_quality.html",
        ages=quality.verification_age(snapshot, at),
        bands=quality.AGE_BANDS,
        grouped=grouped,
        shown=SHOWN,
        issue_label=issue_label,
        kind_label=kind_label,
    )


def kind_label(kind: str) -> str:
    """A listing kind in words."""
    return {"organization": _("organisation"), "location": _("site"), "service": _("service")}[kind]


def issue_label(code: str) -> str:
    """A data-quality problem in words."""
    return {
        "unverified_import": _("Importées, jamais vérifiées"),
        "never_verified": _("Jamais vérifiées"),
        "verification_old": _("Vérifiées il y a plus de 180 jours"),
        "alert_expiring": _("Alertes qui expirent dans les 14 jours"),
        "capacity_unknown": _("Hébergements sans places disponibles renseignées"),
        "capacity_stale": _("Hébergements dont les places datent de plus de 7 jours"),
    }[code]
