"""The referral network: which organizations refer to which, and where referral paths are missing.

The graph is the organizations' ``referral_agreements`` (``(:Organization)-[:REFERS_TO]->``):
an agreement of A with B means A refers survivors to B. It is read from the listings, so both
stores give the same graph by construction; the tests check it on both.

Where an organization works, per need (see :mod:`~directory.coverage.supply` for which
services count): *in person* in the provinces of its services' non-confidential locations and,
for services at confidential locations, of their ``service_area`` (never a confidential point);
*remotely* (hotlines) in the provinces their ``service_area`` covers.

- :func:`unreferred`: active organizations with counting services that no active
  organization refers to;
- :func:`path_gaps`: for each province and need with in-person providers there, how many of
  the other organizations working there (in person or remotely) have a referral path, through
  any number of active organizations, to one of those providers. None of them having one is a
  gap: a survivor who reaches them cannot be referred for that need within the network.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from directory.core.schemas import OPEN_DATA_SOURCE
from directory.core.taxonomy import get_taxonomy
from directory.coverage.snapshot import Snapshot
from directory.coverage.supply import TARGETS, is_operating, meets
from directory.store.base import Document


@dataclass(frozen=True)
class Referral:
    """A referral agreement: ``source`` refers survivors to ``target``."""

    source: str
    target: str
    since: str | None


@dataclass(frozen=True)
class OrganizationNode:
    """An organization of the graph. ``works`` (in person) and ``remote`` (hotlines) map each
    target it offers to the provinces where it offers it; ``referred_by`` and ``refers_to``
    count active partners only."""

    id: str
    name: str
    active: bool
    works: dict[str, frozenset[str]] = field(default_factory=dict)
    remote: dict[str, frozenset[str]] = field(default_factory=dict)
    refers_to: int = 0
    referred_by: int = 0
    vetted: bool = True
    """Whether a person stands behind it: entered in Njia or a partner's sheet, or verified or
    confirmed since; False for an open-data point nobody has checked (its name may be a
    mapper's placeholder: "A", "Bukumbi (Shayo??)")."""

    def offers(self, target: str | None = None) -> frozenset[str]:
        """Provinces where it offers ``target`` (anything if None), in person or remotely."""
        maps = (self.works, self.remote)
        if target is not None:
            return frozenset().union(*(m.get(target, frozenset()) for m in maps))
        return frozenset().union(*(p for m in maps for p in m.values()))


@dataclass(frozen=True)
class ReferralGraph:
    """Organizations by id and agreements ordered by (source, target)."""

    nodes: dict[str, OrganizationNode]
    edges: list[Referral]

    def active_edges(self) -> list[Referral]:
        """Agreements between two active organizations (the ones that can carry a referral)."""
        nodes = self.nodes
        return [e for e in self.edges if nodes[e.source].active and nodes[e.target].active]

    def connected(self) -> list[OrganizationNode]:
        """Organizations with at least one agreement, in or out, by name then id."""
        ids = {e.source for e in self.edges} | {e.target for e in self.edges}
        return sorted((self.nodes[i] for i in ids), key=lambda n: (n.name, n.id))


@dataclass(frozen=True)
class PathGap:
    """One province and need: providers there, other organizations working there, and how
    many of those have a referral path to one of the providers."""

    province_pcode: str
    need: str
    providers: int
    referrers: int
    linked: int

    @property
    def gap(self) -> bool:
        """Organizations work there, but none can refer to a provider of the need."""
        return self.referrers > 0 and self.linked == 0


def build_graph(snapshot: Snapshot, at: datetime) -> ReferralGraph:
    """The referral graph of every organization, with where each works at time ``at``."""
    works, remote = _works(snapshot, at, remote=False), _works(snapshot, at, remote=True)
    edges = sorted(
        (
            Referral(org["id"], a["organization_id"], a.get("since"))
            for org in snapshot.organizations.values()
            for a in org.get("referral_agreements", [])
            if a["organization_id"] in snapshot.organizations
        ),
        key=lambda e: (e.source, e.target),
    )
    active = {i for i, o in snapshot.organizations.items() if o.get("status") == "active"}
    out_degree: dict[str, int] = defaultdict(int)
    in_degree: dict[str, int] = defaultdict(int)
    for e in edges:
        if e.source in active and e.target in active:
            out_degree[e.source] += 1
            in_degree[e.target] += 1
    nodes = {
        i: OrganizationNode(
            i,
            o["name"],
            i in active,
            works.get(i, {}),
            remote.get(i, {}),
            out_degree[i],
            in_degree[i],
            _vetted(o),
        )
        for i, o in snapshot.organizations.items()
    }
    return ReferralGraph(nodes, edges)


def _works(snapshot: Snapshot, at: datetime, remote: bool) -> dict[str, dict[str, frozenset[str]]]:
    """Organization id → target → provinces, from its operating in-person (or remote)
    services."""
    found: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for service in snapshot.services:
        if bool(service["remote"]) != remote:
            continue
        if not is_operating(service, snapshot.organization_of(service), at):
            continue
        provinces = _provinces(snapshot, service)
        for target in TARGETS:
            if meets(service, target):
                found[service["organization_id"]][target] |= provinces
    return {org: {t: frozenset(p) for t, p in by.items() if p} for org, by in found.items()}


def _provinces(snapshot: Snapshot, service: Document) -> set[str]:
    """Provinces of a service's non-confidential locations, and of its service area when it
    is remote or at a confidential location."""
    located = [snapshot.locations.get(i) for i in service["location_ids"]]
    present = [loc for loc in located if loc is not None]
    provinces = {loc["adm1_pcode"] for loc in present if loc["confidentiality"] != "confidential"}
    if service["remote"] or len(provinces) < len(present):
        taxonomy = get_taxonomy()
        provinces |= {taxonomy.province_of(code) or "" for code in service["service_area"]}
    return {p for p in provinces if p}


def _vetted(org: dict[str, Any]) -> bool:
    checked = org.get("last_verified_at") or org.get("last_confirmed_at")
    return bool(checked) or org.get("source") != OPEN_DATA_SOURCE


def unreferred(
    graph: ReferralGraph,
    need: str | None = None,
    province: str | None = None,
    vetted_only: bool = False,
) -> list[OrganizationNode]:
    """Active organizations offering ``need`` (any need if None), in ``province`` if given,
    that no active organization refers to (only those a person stands behind with
    ``vetted_only``); by name then id."""
    found = []
    for node in graph.nodes.values():
        if not node.active or node.referred_by or (vetted_only and not node.vetted):
            continue
        where = node.offers(need)
        if where and (province is None or province in where):
            found.append(node)
    return sorted(found, key=lambda n: (n.name, n.id))


def path_gaps(graph: ReferralGraph, targets: Iterable[str] = TARGETS) -> list[PathGap]:
    """Every (province, need) with at least one provider, by province then need order."""
    predecessors: dict[str, set[str]] = defaultdict(set)
    for e in graph.active_edges():
        predecessors[e.target].add(e.source)
    working: dict[str, set[str]] = defaultdict(set)
    providers: dict[tuple[str, str], set[str]] = defaultdict(set)
    for node in graph.nodes.values():
        if node.active:
            for province in node.offers():
                working[province].add(node.id)
            for target, provinces in node.works.items():
                for province in provinces:
                    providers[(province, target)].add(node.id)
    rows = []
    for province in sorted(working):
        for target in targets:
            offering = providers.get((province, target))
            if offering:
                others = working[province] - offering
                reach = _can_reach(offering, predecessors)
                rows.append(
                    PathGap(province, target, len(offering), len(others), len(others & reach))
                )
    return rows


def _can_reach(goals: set[str], predecessors: dict[str, set[str]]) -> set[str]:
    """Organizations with a path of one or more agreements to any of ``goals``."""
    seen: set[str] = set()
    frontier = list(goals)
    while frontier:
        for source in predecessors.get(frontier.pop(), ()):
            if source not in seen:
                seen.add(source)
                frontier.append(source)
    return seen
