"""The referral graph: agreements, organizations nobody refers to, provinces without a path."""

from __future__ import annotations

from directory.coverage import network
from directory.coverage.snapshot import Snapshot
from tests import factories as f
from tests.coverage.conftest import AT

BUNIA = {"latitude": 1.5667, "longitude": 30.25, "adm1_pcode": "CD54"}  # Ituri
GOMA = {"latitude": -1.6792, "longitude": 29.2228, "adm1_pcode": "CD61"}  # Nord-Kivu


def org(name, refers_to=(), **overrides):
    agreements = [{"organization_id": o["id"], "since": "2025-01-01"} for o in refers_to]
    return f.organization(name=name, referral_agreements=agreements, **overrides)


def provider(o, needs, where=GOMA, **overrides):
    """A location of ``o`` and a service there meeting ``needs``."""
    location_overrides = {k: overrides.pop(k) for k in ("confidentiality",) if k in overrides}
    loc = f.location(o["id"], **where, **location_overrides)
    return [
        ("location", loc),
        ("service", f.service(o["id"], [loc["id"]], needs=needs, **overrides)),
    ]


def snapshot(*orgs, listings=()):
    return Snapshot.from_listings([*(("organization", o) for o in orgs), *listings])


def test_edges_degrees_and_unreferred():
    legal = org("Legal")
    clinic = org("Clinic", refers_to=[legal])
    ngo = org("NGO", refers_to=[clinic])
    listings = [*provider(legal, ["legal"]), *provider(clinic, ["medical"])]
    snap = snapshot(legal, clinic, ngo, listings=[*listings, *provider(ngo, ["psychosocial"])])
    graph = network.build_graph(snap, AT)
    assert [(e.source, e.target) for e in graph.edges] == sorted(
        [(clinic["id"], legal["id"]), (ngo["id"], clinic["id"])]
    )
    assert graph.nodes[clinic["id"]].refers_to == 1 and graph.nodes[clinic["id"]].referred_by == 1
    assert [n.name for n in network.unreferred(graph)] == ["NGO"]
    assert network.unreferred(graph, "legal") == []
    assert [n.name for n in network.unreferred(graph, "psychosocial", "CD61")] == ["NGO"]
    assert network.unreferred(graph, "psychosocial", "CD54") == []
    assert [n.name for n in graph.connected()] == ["Clinic", "Legal", "NGO"]


def test_paths_count_through_intermediaries_and_only_active_ones():
    legal = org("Legal")
    clinic = org("Clinic", refers_to=[legal])
    ngo = org("NGO", refers_to=[clinic])
    listings = [*provider(legal, ["legal"]), *provider(clinic, ["medical"]),
                *provider(ngo, ["psychosocial"])]  # fmt: skip
    rows = {(g.province_pcode, g.need): g for g in network.path_gaps(
        network.build_graph(snapshot(legal, clinic, ngo, listings=listings), AT))}  # fmt: skip
    # NGO -> Clinic -> Legal: both others can refer to the legal clinic.
    assert rows[("CD61", "legal")].linked == 2 and not rows[("CD61", "legal")].gap
    # Nobody refers to NGO's psychosocial service.
    gap = rows[("CD61", "psychosocial")]
    assert (gap.providers, gap.referrers, gap.linked, gap.gap) == (1, 2, 0, True)
    # The intermediary closes: the NGO loses its path to the legal clinic.
    closed = {**clinic, "status": "inactive"}
    rows = {(g.province_pcode, g.need): g for g in network.path_gaps(
        network.build_graph(snapshot(legal, closed, ngo, listings=listings), AT))}  # fmt: skip
    assert rows[("CD61", "legal")].referrers == 1 and rows[("CD61", "legal")].gap


def test_provinces_are_separate():
    legal = org("Legal Bunia")
    ngo = org("NGO Goma", refers_to=[legal])
    snap = snapshot(legal, ngo, listings=[
        *provider(legal, ["legal"], where=BUNIA), *provider(ngo, ["psychosocial"]),
    ])  # fmt: skip
    rows = network.path_gaps(network.build_graph(snap, AT))
    assert [(g.province_pcode, g.need, g.referrers) for g in rows] == [
        ("CD54", "legal", 0),
        ("CD61", "psychosocial", 0),
    ]
    assert not any(g.gap for g in rows)


def test_a_confidential_shelter_counts_by_its_service_area_not_its_point():
    shelter = org("Shelter")
    listings = provider(shelter, ["shelter"], where=BUNIA, confidentiality="confidential",
                        service_area=["CD61"])  # fmt: skip
    graph = network.build_graph(snapshot(shelter, listings=listings), AT)
    assert graph.nodes[shelter["id"]].works == {"shelter": frozenset({"CD61"})}


def test_hotlines_work_remotely_and_are_not_providers_in_person():
    line = org("Hotline")
    ngo = org("NGO")
    hotline = f.service(line["id"], [], needs=["psychosocial"], remote=True, service_area=["CD61"])
    snap = snapshot(line, ngo, listings=[("service", hotline), *provider(ngo, ["medical"])])
    graph = network.build_graph(snap, AT)
    assert graph.nodes[line["id"]].remote == {"psychosocial": frozenset({"CD61"})}
    assert [n.name for n in network.unreferred(graph, "psychosocial")] == ["Hotline"]
    rows = network.path_gaps(graph)
    assert [(g.need, g.referrers, g.gap) for g in rows] == [("medical", 1, True)]


def test_suspended_and_inactive_services_do_not_count():
    ngo = org("NGO")
    alert = {"text": "combats", "blocking": True, "expires_at": "2027-01-01T00:00:00+00:00"}
    listings = [
        *provider(ngo, ["legal"], alert=alert),
        *provider(ngo, ["medical"], status="inactive"),
    ]
    graph = network.build_graph(snapshot(ngo, listings=listings), AT)
    assert graph.nodes[ngo["id"]].works == {}
    expired = {**alert, "expires_at": "2026-01-01T00:00:00+00:00"}
    graph = network.build_graph(snapshot(ngo, listings=provider(ngo, ["legal"], alert=expired)), AT)
    assert graph.nodes[ngo["id"]].works == {"legal": frozenset({"CD61"})}


def test_the_demo_network(seed_snapshot):
    graph = network.build_graph(seed_snapshot, AT)
    assert len(graph.edges) == 12 and len(graph.connected()) == 10
    names = {n.name for n in network.unreferred(graph) if "émo" in n.name}
    assert names == {"Ligne verte Démo (démo)", "Réseau PSEA Démo (démo)"}


def test_unchecked_open_data_points_are_left_out_of_the_unreferred_list_on_request():
    from directory.core.schemas import OPEN_DATA_SOURCE

    raw = org("Bukumbi (Shayo??)", source=OPEN_DATA_SOURCE)
    checked = org("Centre de santé Kasika", source=OPEN_DATA_SOURCE,
                  last_verified_at="2026-10-01T00:00:00+00:00")  # fmt: skip
    partner = org("Clinique Amani")
    listings = [*provider(raw, ["medical"]), *provider(checked, ["medical"]),
                *provider(partner, ["medical"])]  # fmt: skip
    graph = network.build_graph(snapshot(raw, checked, partner, listings=listings), AT)
    every = {n.name for n in network.unreferred(graph)}
    assert every == {"Bukumbi (Shayo??)", "Centre de santé Kasika", "Clinique Amani"}
    vetted = {n.name for n in network.unreferred(graph, vetted_only=True)}
    assert vetted == {"Centre de santé Kasika", "Clinique Amani"}
