"""A whole sheet → a preview (every row, its problems, what each listing will become), then
the import itself, all or nothing over the rows the coordinator accepted.

Planning compares each listing with the directory, as the HSDS importer does
(:func:`directory.exchange.hsds.importer.plan`), with two rules of its own:

- **Only what the sheet gives is changed.** A listing that exists already is updated with the
  fields the sheet controls (:func:`directory.exchange.spreadsheet.rows.owned_fields`); everything
  else
  (capabilities, a confidentiality tier, a verification stamp) stays. A listing whose content
  would not change is left alone: no new version.
- **Claimed and edited listings are the organization's.** Once a provider account belongs to
  the organization (it accepted an invitation to claim it), or once anyone but a sheet import
  changed the listing in Njia (an edit, a verification), a re-import leaves it as it is and
  says so.

Writing reuses :func:`directory.exchange.hsds.importer.apply`: one transaction into an empty
directory,
otherwise one per listing in dependency order. Nothing is written unless no accepted row has a
blocking problem; if the database fails midway, running the same import again completes it
(ids are derived, so nothing is duplicated).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from directory.exchange.hsds import importer
from directory.exchange.hsds.parsing import Listing
from directory.exchange.spreadsheet.fields import Mapping
from directory.exchange.spreadsheet.places import Located
from directory.exchange.spreadsheet.reading import Sheet
from directory.exchange.spreadsheet.rows import (
    Context,
    Issue,
    Row,
    convert_row,
    is_shelter,
    owned_fields,
)
from directory.store.base import KINDS, Document, Store
from directory.web.i18n import gettext as _

ACTOR_PREFIX = "import-sheet:"
MANAGED = ("id", "version", "created_at", "updated_at")


@dataclass
class Preview:
    """Every data row of the sheet, the listings of the accepted rows, and the plan."""

    rows: list[Row]
    listings: list[Listing]
    plan: importer.Plan = field(default_factory=importer.Plan)
    actions: dict[str, str] = field(default_factory=dict)
    """Listing id → ``create``, ``update``, ``unchanged``, ``claimed`` or ``edited``."""

    @property
    def blocked(self) -> list[Row]:
        return [row for row in self.rows if row.blocked]

    @property
    def accepted(self) -> list[Row]:
        return [row for row in self.rows if not row.excluded]

    @property
    def importable(self) -> bool:
        return not self.blocked and bool(self.accepted)

    def count(self, action: str) -> int:
        return sum(1 for a in self.actions.values() if a == action)

    def row_action(self, row: Row) -> str:
        """What happens to the row's service: an action, ``excluded`` or ``blocked``."""
        if row.excluded:
            return "excluded"
        if row.blocked or row.service_id is None:
            return "blocked"
        return self.actions.get(row.service_id, "create")


def read_rows(context: Context, sheet: Sheet, header_row: int) -> list[Row]:
    """Every non-empty row under the header, converted, rows of one service merged."""
    rows = [
        convert_row(context, number, cells)
        for number, cells in enumerate(sheet.rows[header_row:], start=header_row + 1)
        if any(cells)
    ]
    _merge_activities(rows)
    return rows


def _merge_activities(rows: list[Row]) -> None:
    """Rows of the same service (partner, organization, service name and place), as sheets
    with a row per activity have them, make one service: the first row's, with the needs,
    phones and languages of the others added. Each later row says which row it joined."""
    first: dict[str, Row] = {}
    for row in rows:
        service_id = row.service_id
        if service_id is None or row.excluded:
            continue
        kept = first.setdefault(service_id, row)
        if kept is row:
            continue
        if not kept.excluded and not kept.blocked:
            _join(kept, row)
        message = _("Même organisation, service et lieu que la ligne %(row)s : ses besoins y "
                    "sont ajoutés.", row=kept.number)  # fmt: skip
        row.issues.append(Issue(_("Ligne"), message, blocking=False))
        row.listings = []


def _join(kept: Row, row: Row) -> None:
    service = next(x for x in kept.listings if x.kind == "service").doc
    kept.needs.extend(n for n in row.needs if n not in kept.needs)
    service["needs"] = list(dict.fromkeys([*service["needs"], *row.needs]))
    numbers = {p["number"] for p in service.get("phones", [])}
    service["phones"] = [*service.get("phones", []),
                         *(p for p in row.phones if p["number"] not in numbers)]  # fmt: skip
    service["languages"] = list(dict.fromkeys([*service.get("languages", []), *row.languages]))


def unique_listings(rows: list[Row]) -> list[Listing]:
    """The listings of the accepted rows, each once (the first row's version), by kind."""
    seen: dict[tuple[str, str], Listing] = {}
    for row in rows:
        if row.excluded or row.blocked:
            continue
        for listing in row.listings:
            seen.setdefault((listing.kind, listing.doc["id"]), listing)
    return sorted(seen.values(), key=lambda x: KINDS.index(x.kind))


def preview(store: Store, context: Context, sheet: Sheet, header_row: int) -> Preview:
    """Read the sheet and plan the import against the directory (reads only)."""
    rows = read_rows(context, sheet, header_row)
    _block_published_shelters(store, rows, unique_listings(rows))
    result = Preview(rows, unique_listings(rows))
    _plan(store, context, result)
    return result


def _block_published_shelters(store: Store, rows: list[Row], listings: list[Listing]) -> None:
    """A shelter service may only be linked to confidential locations, as the sheet would
    leave them: a row that would put one at a public or restricted place is blocked.

    Row ids keep shelters on locations of their own
    (:func:`directory.exchange.spreadsheet.rows.ids`);
    this guards the effect whatever produced the link (GUIDE §4.9).
    """
    tiers = {x.doc["id"]: x.doc["confidentiality"] for x in listings if x.kind == "location"}
    for row in rows:
        service = next((x.doc for x in row.listings if x.kind == "service"), None)
        if service is None or not is_shelter(service["needs"]):
            continue
        for location_id in service["location_ids"]:
            stored = store.get("location", location_id)
            tier = stored["confidentiality"] if stored else tiers.get(location_id)
            if tier != "confidential":
                message = _("Un lieu d'hébergement sûr ne peut pas être publié : ce lieu "
                            "n'est pas confidentiel.")  # fmt: skip
                row.issues.append(Issue(_("Lieu"), message))
                row.listings = []
                break


def _plan(store: Store, context: Context, result: Preview) -> None:
    claimed: dict[str, bool] = {}
    for listing in result.listings:
        doc, kind = listing.doc, listing.kind
        current = store.get(kind, doc["id"])
        if current is None:
            result.plan.creates.append(listing)
            result.actions[doc["id"]] = "create"
            continue
        merged = _merged(current, doc, owned_fields(kind, context.mapping))
        org_id = doc["id"] if kind == "organization" else doc["organization_id"]
        if org_id not in claimed:
            claimed[org_id] = bool(store.find_records("user", key2=org_id, limit=1))
        if merged == _content(current):
            result.plan.unchanged += 1
            result.actions[doc["id"]] = "unchanged"
        elif claimed[org_id]:
            result.actions[doc["id"]] = "claimed"
        elif not _last_change_was_an_import(store, kind, doc["id"]):
            result.actions[doc["id"]] = "edited"
        else:
            updated = Listing(kind, {"id": doc["id"], **merged}, listing.origin)
            result.plan.updates.append((updated, current["version"]))
            result.actions[doc["id"]] = "update"


def _content(doc: Document) -> Document:
    return {k: v for k, v in doc.items() if k not in MANAGED}


def _merged(current: Document, new: Document, owned: frozenset[str]) -> Document:
    return {**_content(current), **{k: v for k, v in new.items() if k in owned}}


def _last_change_was_an_import(store: Store, kind: str, entity_id: str) -> bool:
    history = store.history(kind, entity_id)
    return bool(history) and history[-1].actor.startswith(ACTOR_PREFIX)


def write(
    store: Store, result: Preview, actor: str, on_write: Callable[[], None] | None = None
) -> int:
    """Write the plan of an importable preview; returns the number of listings written.

    Raises :class:`directory.exchange.hsds.importer.ImportStopped` if the database fails midway.
    """
    if not result.importable:
        raise ValueError("the preview has blocking problems")
    return importer.apply(store, result.plan, ACTOR_PREFIX + actor, on_write)


def remembered(context: Context, result: Preview) -> Mapping:
    """The mapping to save for the partner: with the places chosen for ambiguous names."""
    chosen = {row.place_key: row.place.place_id for row in result.accepted
              if row.chosen and isinstance(row.place, Located) and row.place.place_id}  # fmt: skip
    mapping = context.mapping
    return Mapping(mapping.columns, mapping.needs, {**mapping.places, **chosen})


def summary(result: Preview) -> dict[str, Any]:
    """Counts for the result page, the CLI and the import's record."""
    organizations = {x.doc["id"]: x.doc["name"] for x in result.listings
                     if x.kind == "organization"}  # fmt: skip
    return {
        "rows": len(result.accepted),
        "excluded": [row.number for row in result.rows if row.excluded],
        "created": result.count("create"),
        "updated": result.count("update"),
        "unchanged": result.count("unchanged"),
        "kept": result.count("claimed") + result.count("edited"),
        "organizations": [{"id": k, "name": v} for k, v in sorted(organizations.items(),
                                                                   key=lambda kv: kv[1])],
    }  # fmt: skip
