"""The Neo4j store's reference nodes and migrations: the area hierarchy and the need nodes
(from the taxonomy), then each step a graph written by an older Njia needs, up to
:data:`~directory.store.neo4j_queries.SCHEMA_VERSION` (constraints and indexes are
:data:`~directory.store.neo4j_queries.SCHEMA`, created first)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import neo4j

from directory.store import neo4j_queries as q
from directory.store.base import link_id

Write = Callable[[Callable[[neo4j.ManagedTransaction], Any]], Any]
"""Runs a transaction function in a write transaction (the store's retrying runner)."""


def migrate(write: Write) -> None:
    """Seed the areas and needs, bring an older graph up to date, then stamp the version."""
    from directory.core.taxonomy import get_taxonomy

    taxonomy = get_taxonomy()
    areas = [
        {"pcode": a.pcode, "name": a.name, "level": a.level, "parent": a.parent_pcode}
        for a in taxonomy.areas.values()
    ]

    def seed(tx: neo4j.ManagedTransaction) -> int:
        tx.run(q.AREAS, areas=areas).consume()
        tx.run(q.NEEDS, codes=list(taxonomy.needs)).consume()
        found = tx.run(q.GET_VERSION).single()
        return int(found[0]) if found else 0

    if write(seed) < q.LINK_ID_VERSION:
        _backfill_link_ids(write)
    write(lambda tx: tx.run(q.SET_VERSION, version=q.SCHEMA_VERSION).consume())


def _backfill_link_ids(write: Write) -> None:
    """Give the links written before link ids existed theirs, a batch at a time (once: the
    schema version is raised only after it)."""

    def batch(tx: neo4j.ManagedTransaction) -> int:
        pairs = tx.run(q.LINKS_WITHOUT_ID).values()
        rows = [{"s": sid, "l": lid, "link_id": link_id(sid, lid)} for sid, lid in pairs]
        tx.run(q.SET_LINK_IDS, rows=rows).consume()
        return len(rows)

    while write(batch):
        pass
