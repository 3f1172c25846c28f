"""Data quality: verification ages and the problems listed for coordinators."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from directory.coverage import quality
from directory.coverage.snapshot import Snapshot
from tests import factories as f
from tests.coverage.conftest import AT


def days_ago(n):
    return (AT - timedelta(days=n)).isoformat()


def test_age_bands_use_the_later_of_verification_and_confirmation():
    o = f.organization(last_verified_at=days_ago(400), last_confirmed_at=days_ago(10))
    assert quality.age_band(o, AT) == "0-90"
    assert quality.age_band({**o, "last_confirmed_at": None}, AT) == "365+"
    assert (
        quality.age_band({**o, "last_verified_at": days_ago(200), "last_confirmed_at": None}, AT)
        == "180-365"
    )
    assert quality.age_band(f.organization(), AT) == "never"


def test_issues_of_each_kind():
    o = f.organization(last_verified_at=days_ago(1))
    imported = f.organization(source="healthsites.io", name="Imported")
    old = f.organization(name="Old", last_verified_at=days_ago(181))
    loc = f.location(o["id"], last_verified_at=days_ago(1))
    soon = {
        "text": "route coupée",
        "blocking": False,
        "expires_at": (AT + timedelta(days=3)).isoformat(),
    }
    later = {**soon, "expires_at": (AT + timedelta(days=30)).isoformat()}
    fresh = {"available": 2, "total": 5, "updated_at": days_ago(1)}
    stale = {**fresh, "updated_at": days_ago(8)}
    checked = {"last_verified_at": days_ago(1)}
    services = [
        f.service(o["id"], [loc["id"]], name="Alert soon", alert=soon, **checked),
        f.service(o["id"], [loc["id"]], name="Alert later", alert=later, **checked),
        f.service(o["id"], [loc["id"]], name="No beds", needs=["shelter"], **checked),
        f.service(
            o["id"], [loc["id"]], name="Stale beds", needs=["shelter"], capacity=stale, **checked
        ),
        f.service(
            o["id"], [loc["id"]], name="Fresh beds", needs=["shelter"], capacity=fresh, **checked
        ),
        f.service(
            o["id"],
            [loc["id"]],
            name="Closed shelter",
            needs=["shelter"],
            status="inactive",
            **checked,
        ),
        f.service(o["id"], [loc["id"]], name="Never checked"),
    ]
    listings = [("organization", x) for x in (o, imported, old)] + [("location", loc)]
    found = quality.issues(
        Snapshot.from_listings(listings + [("service", s) for s in services]), AT
    )
    assert [(i.issue, i.name) for i in found] == [
        ("unverified_import", "Imported"),
        ("never_verified", "Never checked"),
        ("verification_old", "Old"),
        ("alert_expiring", "Alert soon"),
        ("capacity_unknown", "No beds"),
        ("capacity_stale", "Stale beds"),
    ]
    by_code = {i.issue: i for i in found}
    assert by_code["alert_expiring"].days == -3 and by_code["capacity_stale"].days == 8
    assert by_code["never_verified"].organization_id == o["id"]


def test_the_seed_directory(seed_snapshot):
    counts = Counter(i.issue for i in quality.issues(seed_snapshot, AT))
    assert counts["unverified_import"] == 3 * 2218  # every healthsites.io listing
    assert counts["capacity_stale"] == 1 and counts["capacity_unknown"] == 1
    ages = quality.verification_age(seed_snapshot, AT)
    assert sum(ages["service"].values()) == len(seed_snapshot.services)


def test_confidential_locations_are_listed_without_their_name():
    o = f.organization(last_verified_at=days_ago(1))
    secret = f.location(o["id"], name="Maison près de l'église", confidentiality="confidential")
    snapshot = Snapshot.from_listings([("organization", o), ("location", secret)])
    [issue] = quality.issues(snapshot, AT)
    assert (issue.kind, issue.id, issue.name, issue.issue) == (
        "location",
        secret["id"],
        "",
        "never_verified",
    )
