"""The storage contract (directory/store/base.py), run against every backend."""

from __future__ import annotations

from itertools import pairwise

import pytest

from directory.store.base import (
    BrokenReference,
    Conflict,
    ListQuery,
    NotFound,
    Token,
    VersionConflict,
    link_id,
)
from tests import factories as f

ACTOR = "test"


def seed_goma(store):
    """One organization with a public location in Goma and a medical service there."""
    org = store.create("organization", f.organization(name="Alpha"), ACTOR)
    loc = store.create("location", f.location(org["id"]), ACTOR)
    svc = store.create("service", f.service(org["id"], [loc["id"]]), ACTOR)
    return org, loc, svc


def test_create_then_get_returns_the_same_document(store):
    org = f.organization(name="Alpha", description="Écoute")
    stored = store.create("organization", org, ACTOR)
    assert stored["version"] == 1
    assert stored["created_at"] == stored["updated_at"]
    assert store.get("organization", org["id"]) == stored
    assert {k: stored[k] for k in org} == org


def test_get_missing_is_none(store):
    assert store.get("service", f.new_id()) is None


def test_create_existing_id_conflicts(store):
    org = store.create("organization", f.organization(), ACTOR)
    with pytest.raises(Conflict):
        store.create("organization", {**org}, ACTOR)


@pytest.mark.parametrize("kind", ["location", "service"])
def test_reference_to_missing_organization_is_refused(store, kind):
    missing = f.new_id()
    doc = (
        f.location(missing)
        if kind == "location"
        else f.service(missing, [], remote=True, service_area=["CD61"])
    )
    with pytest.raises(BrokenReference) as err:
        store.create(kind, doc, ACTOR)
    assert err.value.field == "organization_id"
    assert store.counts()[kind] == 0


def test_service_cannot_use_another_organizations_location(store):
    _, loc, _ = seed_goma(store)
    other = store.create("organization", f.organization(name="Beta"), ACTOR)
    with pytest.raises(BrokenReference) as err:
        store.create("service", f.service(other["id"], [loc["id"]]), ACTOR)
    assert err.value.field == "location_ids"


def test_referral_to_missing_organization_is_refused(store):
    doc = f.organization(referral_agreements=[{"organization_id": f.new_id()}])
    with pytest.raises(BrokenReference) as err:
        store.create("organization", doc, ACTOR)
    assert err.value.field == "referral_agreements"


def test_update_is_compare_and_set(store):
    org, _, svc = seed_goma(store)
    changed = {**svc, "name": "Renamed"}
    updated = store.update("service", svc["id"], changed, 1, ACTOR)
    assert updated["version"] == 2
    assert updated["created_at"] == svc["created_at"]
    with pytest.raises(VersionConflict) as err:
        store.update("service", svc["id"], {**svc, "name": "Stale"}, 1, ACTOR)
    assert err.value.current_version == 2
    assert store.get("service", svc["id"])["name"] == "Renamed"


def test_update_missing_raises_not_found(store):
    with pytest.raises(NotFound):
        store.update("organization", f.new_id(), f.organization(), 1, ACTOR)


def test_failed_update_changes_nothing(store):
    org, loc, svc = seed_goma(store)
    bad = {**svc, "location_ids": [f.new_id()]}
    with pytest.raises(BrokenReference):
        store.update("service", svc["id"], bad, 1, ACTOR)
    assert store.get("service", svc["id"]) == svc
    assert len(store.history("service", svc["id"])) == 1


def test_history_records_old_and_new(store):
    _, _, svc = seed_goma(store)
    store.update("service", svc["id"], {**svc, "name": "Two"}, 1, "someone")
    changes = store.history("service", svc["id"])
    assert [(c.version, c.action) for c in changes] == [(1, "create"), (2, "update")]
    assert changes[0].old is None and changes[0].new["name"] == "Service"
    assert changes[1].old["name"] == "Service" and changes[1].new["name"] == "Two"
    assert changes[1].actor == "someone"


def test_list_orders_by_name_and_pages(store):
    for name in ["Charlie", "alpha", "Bravo", "Delta"]:
        store.create("organization", f.organization(name=name), ACTOR)
    page = store.page("organization", ListQuery(limit=2, offset=1))
    assert page.total == 4
    assert len(page.items) == 2
    names = [d["name"] for d in store.page("organization", ListQuery(limit=10)).items]
    assert names == sorted(names)


def test_list_filters(store):
    org, loc, svc = seed_goma(store)
    kin = store.create(
        "location",
        f.location(
            org["id"],
            name="Gombe",
            latitude=-4.32,
            longitude=15.31,
            adm1_pcode="CD10",
            confidentiality="restricted",
        ),
        ACTOR,
    )
    legal = store.create(
        "service",
        f.service(
            org["id"],
            [kin["id"]],
            name="Clinique juridique",
            needs=["legal"],
            description="Assistance judiciaire gratuite",
        ),
        ACTOR,
    )
    q = lambda kind, **kw: [d["id"] for d in store.page(kind, ListQuery(**kw)).items]
    assert q("service", need="legal") == [legal["id"]]
    assert q("service", area="CD10") == [legal["id"]]
    assert q("service", area="CD10", tiers=frozenset({"public"})) == []
    assert q("location", area="CD61") == [loc["id"]]
    assert q("location", tiers=frozenset({"public"})) == [loc["id"]]
    assert q("service", text="judic") == [legal["id"]]
    assert q("service", text="JUDICIÂIRE") == [legal["id"]]
    assert q("service", text='" OR *') == []
    assert q("service", organization_id=org["id"], need="medical") == [svc["id"]]
    assert q("service", status="inactive") == []


def test_candidates_near_uses_radius_needs_tiers_and_status(store):
    org, loc, svc = seed_goma(store)
    bukavu = store.create(
        "location",
        f.location(org["id"], latitude=-2.5083, longitude=28.8608, adm1_pcode="CD62"),
        ACTOR,
    )
    store.create("service", f.service(org["id"], [bukavu["id"]]), ACTOR)
    secret = store.create("location", f.location(org["id"], confidentiality="confidential"), ACTOR)
    store.create("service", f.service(org["id"], [secret["id"]], needs=["shelter"]), ACTOR)
    near = store.candidates_near(-1.68, 29.22, 10, ["medical", "shelter"])
    assert [(r.service["id"], r.location["id"]) for r in near] == [(svc["id"], loc["id"])]
    assert near[0].organization["id"] == org["id"]
    assert len(store.candidates_near(-1.68, 29.22, 150, ["medical"])) == 2
    assert store.candidates_near(-1.68, 29.22, 10, ["legal"]) == []
    staff = store.candidates_near(-1.68, 29.22, 10, ["shelter"], frozenset({"confidential"}))
    assert [r.location["id"] for r in staff] == [secret["id"]]
    store.update("service", svc["id"], {**svc, "status": "inactive"}, 1, ACTOR)
    assert store.candidates_near(-1.68, 29.22, 10, ["medical"]) == []


def test_a_widening_search_reads_each_row_once(store):
    """Excluding an inner radius leaves out exactly the rows that radius returns."""
    org = store.create("organization", f.organization(name="Alpha"), ACTOR)
    for step in range(12):  # from the point itself to about 200 km, in every direction
        offset = 0.0 if step == 0 else 0.0004 * 2.2**step
        sign = 1 if step % 2 else -1
        loc = store.create(
            "location",
            f.location(org["id"], latitude=-1.68 + sign * offset, longitude=29.22 + offset / 2),
            ACTOR,
        )
        store.create("service", f.service(org["id"], [loc["id"]]), ACTOR)
    radii = [0.05, 0.5, 2.0, 8.0, 40.0, 400.0]
    keys = {r: [row.key for row in store.candidates_near(-1.68, 29.22, r, ["medical"])]
            for r in radii}  # fmt: skip
    assert len(keys[0.05]) == 1 and len(keys[400.0]) == 12
    for inner, outer in pairwise(radii):
        ring = store.candidates_near(-1.68, 29.22, outer, ["medical"], exclude_km=inner)
        ring_keys = [row.key for row in ring]
        assert not set(ring_keys) & set(keys[inner])
        assert sorted(ring_keys + keys[inner]) == sorted(keys[outer])
        assert all(row.key == (row.service["id"], row.location["id"]) for row in ring)


def test_a_service_at_a_location_is_found_by_its_link_id(store):
    org, loc, svc = seed_goma(store)
    other = store.create("location", f.location(org["id"], name="Annexe"), ACTOR)
    assert store.find_link(link_id(svc["id"], loc["id"])) == (svc["id"], loc["id"])
    assert store.find_link(link_id(svc["id"], other["id"])) is None
    store.update("service", svc["id"], {**svc, "location_ids": [other["id"]]}, 1, ACTOR)
    assert store.find_link(link_id(svc["id"], loc["id"])) is None
    assert store.find_link(link_id(svc["id"], other["id"])) == (svc["id"], other["id"])
    assert store.find_link(f.new_id()) is None


def test_candidates_by_area_returns_remote_and_confidential_without_location(store):
    org, _, _ = seed_goma(store)
    hotline = store.create(
        "service",
        f.service(
            org["id"], [], remote=True, service_area=["CD61", "CD62"], needs=["psychosocial"]
        ),
        ACTOR,
    )
    secret = store.create("location", f.location(org["id"], confidentiality="confidential"), ACTOR)
    shelter = store.create(
        "service",
        f.service(org["id"], [secret["id"]], needs=["shelter"], service_area=["CD61"]),
        ACTOR,
    )
    rows = store.candidates_by_area(["CD61"], ["psychosocial", "shelter", "medical"])
    assert sorted(r.service["id"] for r in rows) == sorted([hotline["id"], shelter["id"]])
    assert all(r.key[1] is None for r in rows)  # matched by area, never by point
    by_id = {r.service["id"]: r for r in rows}
    assert by_id[hotline["id"]].location is None
    assert by_id[shelter["id"]].location == secret  # its facts: time zone, accessibility
    assert store.candidates_by_area(["CD10"], ["psychosocial"]) == []


def test_a_confidential_service_without_service_area_covers_everywhere(store):
    org, _, _ = seed_goma(store)
    secret = store.create("location", f.location(org["id"], confidentiality="confidential"), ACTOR)
    everywhere = store.create(
        "service", f.service(org["id"], [secret["id"]], needs=["shelter"]), ACTOR
    )
    for pcodes in (["CD61"], ["CD10"], ["CD"]):
        (row,) = store.candidates_by_area(pcodes, ["shelter"])
        assert row.service["id"] == everywhere["id"] and row.location == secret
    assert store.candidates_by_area(["CD10"], ["legal"]) == []


def test_candidates_carry_referral_partners(store):
    partner = store.create("organization", f.organization(name="Partner"), ACTOR)
    org = store.create(
        "organization",
        f.organization(name="Alpha", referral_agreements=[{"organization_id": partner["id"]}]),
        ACTOR,
    )
    loc = store.create("location", f.location(org["id"]), ACTOR)
    store.create("service", f.service(org["id"], [loc["id"]]), ACTOR)
    (row,) = store.candidates_near(-1.68, 29.22, 5, ["medical"])
    assert row.refers_to == frozenset({partner["id"]})


def test_export_import_round_trip(store, tmp_path):
    from directory.store.sqlite import SqliteStore

    org, loc, svc = seed_goma(store)
    store.update("service", svc["id"], {**svc, "name": "Two"}, 1, ACTOR)
    listings, history = list(store.export()), list(store.export_history())
    target = SqliteStore(tmp_path / "copy.sqlite3")
    target.init_schema()
    assert target.import_all(listings, history) == 3
    assert list(target.export()) == listings
    assert [c.new for c in target.export_history()] == [c.new for c in history]


def test_import_is_all_or_nothing(store):
    org = f.organization()
    dangling = f.location(f.new_id())
    with pytest.raises(BrokenReference):
        store.import_all(
            [
                ("organization", {**org, "version": 1, "created_at": "x", "updated_at": "x"}),
                ("location", {**dangling, "version": 1, "created_at": "x", "updated_at": "x"}),
            ]
        )
    assert store.counts() == {"organization": 0, "location": 0, "service": 0}


def test_tokens(store):
    token = Token(f.new_id(), "caseworker", "laptop")
    store.add_token(token, "hash1")
    assert store.token_for("hash1") == token
    assert store.token_for("nope") is None
    assert store.revoke_token(token.id)
    assert store.token_for("hash1").revoked
    assert not store.revoke_token(f.new_id())


def test_records_create_read_compare_and_set_find_delete(store):
    from directory.store.base import Record

    user = Record(
        "user",
        f.new_id(),
        {"email": "a@example.org"},
        key1="a@example.org",
        key2="org-1",
        sort="2026-01-01",
    )
    assert store.put_record(user, None) == 1
    with pytest.raises(Conflict):
        store.put_record(user, None)
    assert store.get_record("user", user.id) == Record(
        "user", user.id, user.doc, 1, "a@example.org", "org-1", "2026-01-01"
    )
    renamed = Record("user", user.id, {"email": "b@x"}, key1="b@x", sort="2026-01-01")
    assert store.put_record(renamed, 1) == 2
    with pytest.raises(VersionConflict):
        store.put_record(Record("user", user.id, {"email": "c@x"}), 1)
    with pytest.raises(NotFound):
        store.put_record(Record("user", f.new_id(), {}), 1)
    assert store.get_record("user", user.id).doc == {"email": "b@x"}
    assert store.get_record("invite", user.id) is None
    early = Record("user", f.new_id(), {}, key1="x", sort="2025")
    store.put_record(early, None)
    assert [r.id for r in store.find_records("user")] == [early.id, user.id]
    assert [r.id for r in store.find_records("user", key1="b@x")] == [user.id]
    assert store.find_records("user", key2="org-1") == []
    assert store.delete_record("user", user.id) and not store.delete_record("user", user.id)


# -- the change feed and located rows (an in-process match index reads them) -----------------


def test_the_change_mark_moves_with_every_write_and_import(store):
    start = store.change_mark()
    org, loc, svc = seed_goma(store)
    after_writes = store.change_mark()
    assert after_writes[0] == start[0] and after_writes[1] > start[1]
    changes = store.changes_since(start[1])
    assert [(kind, entity) for _, kind, entity in changes] == [
        ("organization", org["id"]), ("location", loc["id"]), ("service", svc["id"])]  # fmt: skip
    assert [seq for seq, _, _ in changes] == sorted({seq for seq, _, _ in changes})
    assert store.changes_since(changes[0][0], limit=1) == [changes[1]]
    assert store.changes_since(after_writes[1]) == []
    store.import_all([("organization", {**f.organization(), "version": 1, "created_at": "x",
                                        "updated_at": "x"})])  # fmt: skip
    assert store.change_mark()[0] == after_writes[0] + 1


def test_marked_candidates_are_the_mark_and_the_rows_of_the_services(store):
    org, loc, svc = seed_goma(store)
    second = store.create("location", f.location(org["id"], name="B", latitude=-1.6), ACTOR)
    two = store.create("service", f.service(org["id"], [loc["id"], second["id"]]), ACTOR)
    mark, rows = store.marked_candidates([two["id"], svc["id"], "missing"])
    assert mark == store.change_mark()
    assert [row.key for row in rows] == [
        row.key for row in store.located_candidates(service_ids=[svc["id"], two["id"]])
    ]
    assert [(row.service, row.location) for row in rows] == [
        (r.service, r.location)
        for r in store.located_candidates(service_ids=[svc["id"], two["id"]])
    ]
    assert store.marked_candidates([]) == (mark, [])
    store.update("service", svc["id"], {**svc, "status": "inactive"}, 1, ACTOR)
    later, rows = store.marked_candidates([svc["id"]])
    assert later[1] > mark[1] and rows == []


def test_located_candidates_are_the_active_located_rows_of_the_chosen_services(store):
    org, loc, svc = seed_goma(store)
    second = store.create("location", f.location(org["id"], name="B", latitude=-1.6), ACTOR)
    two = store.create("service", f.service(org["id"], [loc["id"], second["id"]]), ACTOR)
    store.create("service", f.service(org["id"], [], remote=True, service_area=["CD61"]), ACTOR)
    other = store.create("organization", f.organization(name="Beta"), ACTOR)
    far = store.create("location", f.location(other["id"], confidentiality="confidential"), ACTOR)
    shelter = store.create("service", f.service(other["id"], [far["id"]], needs=["shelter"]), ACTOR)

    def keys(**chosen):
        return sorted(row.key for row in store.located_candidates(**chosen))

    every = sorted([(svc["id"], loc["id"]), (two["id"], loc["id"]), (two["id"], second["id"]),
                    (shelter["id"], far["id"])])  # fmt: skip
    assert keys() == every  # remote services left out, every tier kept
    assert keys(service_ids=[svc["id"]]) == [(svc["id"], loc["id"])]
    assert keys(organization_ids=[other["id"]]) == [(shelter["id"], far["id"])]
    assert keys(location_ids=[second["id"]]) == sorted([(two["id"], loc["id"]),
                                                        (two["id"], second["id"])])  # fmt: skip
    assert keys(service_ids=[]) == []
    (row,) = [r for r in store.located_candidates(service_ids=[svc["id"]])]
    assert row.service == store.get("service", svc["id"]) and row.remote is False
    assert row.location == store.get("location", loc["id"])
    store.update("organization", other["id"], {**other, "status": "inactive"}, 1, ACTOR)
    assert keys(organization_ids=[other["id"]]) == []
