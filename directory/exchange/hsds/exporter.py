"""The directory as HSDS 3.0: a JSON list of full organizations, or the CSV data package.

Contract: :func:`organizations` returns every organization of the store, fully nested with its
locations and services (ordered by id, like ``Store.export``). With ``public=True`` (the
default of ``export-hsds``) it is exactly what ``/hsds`` shows anyone: confidential locations
are left out and restricted ones lose their point and landmark. With ``public=False`` it holds
everything, confidential locations included, and ``import-hsds`` of it into an empty directory
reproduces the directory (history aside: each listing gets one "create" change).
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import IO, Any

from directory.exchange.hsds import mapping, tabular, vocab
from directory.exchange.hsds.public import PublicView
from directory.store.base import Document, Store


def organizations(store: Store, public: bool = True) -> list[dict[str, Any]]:
    """Every organization as a fully nested HSDS organization (see the module docstring)."""
    docs: dict[str, list[Document]] = defaultdict(list)
    for kind, doc in store.export():
        docs[kind].append(doc)
    preloaded = {("location", d["id"]): d for d in docs["location"]}
    view = PublicView(store, preloaded)
    locations: dict[str, list[Document]] = defaultdict(list)
    for doc in docs["location"]:
        shown = view.location(doc["id"]) if public else doc
        if shown is not None:
            locations[doc["organization_id"]].append(shown)
    services: dict[str, list[Document]] = defaultdict(list)
    for doc in docs["service"]:
        services[doc["organization_id"]].append(view.service(doc) if public else doc)
    return [
        mapping.full_organization(org, locations[org["id"]], services[org["id"]])
        for org in docs["organization"]
    ]


def write_json(orgs: list[dict[str, Any]], out: IO[str]) -> None:
    """The list of organizations as indented JSON (stable, diff-friendly)."""
    json.dump(orgs, out, ensure_ascii=False, indent=2)
    out.write("\n")


def write_csv(orgs: list[dict[str, Any]], directory: Path) -> int:
    """The tabular data package (every HSDS table and ``datapackage.json``); rows written."""
    objects = [("organization", org) for org in orgs]
    objects += [("taxonomy", vocab.taxonomy(name)) for name in vocab.TAXONOMIES]
    return tabular.write_csv_package(tabular.flatten(objects), directory)
