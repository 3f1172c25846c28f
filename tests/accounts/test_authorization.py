"""Default-deny, per object: a role × operation matrix, cross-organization probing, and
concurrent editors without lost updates."""

from __future__ import annotations

import threading

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from directory.core.rights import issue_token
from directory.core.schemas import text_problem
from tests.api.helpers import create, goma_listing, snapshot
from tests.conftest import bearer

ROLES = ("anonymous", "caseworker", "provider_own", "provider_other", "coordinator", "admin")
OK, NO_AUTH, DENY, HIDE = "ok", 401, 403, 404
PUBLIC = dict.fromkeys(ROLES, OK)
SIGNED_IN = {**PUBLIC, "anonymous": NO_AUTH}
STAFF = {"anonymous": NO_AUTH, "caseworker": DENY, "provider_own": DENY, "provider_other": DENY,
         "coordinator": OK, "admin": OK}  # fmt: skip
OWNER = {**STAFF, "provider_own": OK, "provider_other": HIDE}
ORG_CREATE = {**STAFF}
CASEWORK = {**STAFF, "caseworker": OK}
CASEWORK_BAD_FORM = {**STAFF, "caseworker": 422, "coordinator": 422, "admin": 422}
SIGNED_IN_HIDE = {**dict.fromkeys(ROLES, HIDE), "anonymous": NO_AUTH}

# (method, url template, body, expected by role). {svc}, {loc}, {org} are the own listing.
MATRIX = [
    ("GET", "/api/v1/services", None, PUBLIC),
    ("GET", "/api/v1/services/{svc}", None, PUBLIC),
    ("GET", "/api/v1/locations", None, PUBLIC),
    ("GET", "/api/v1/locations/{loc}", None, PUBLIC),
    ("GET", "/api/v1/organizations", None, PUBLIC),
    ("GET", "/api/v1/organizations/{org}", None, PUBLIC),
    ("POST", "/api/v1/organizations", {"name": "New"}, ORG_CREATE),
    (
        "POST",
        "/api/v1/locations",
        {
            "name": "L",
            "organization_id": "{org}",
            "latitude": -1.6,
            "longitude": 29.2,
            "adm1_pcode": "CD61",
        },
        OWNER,
    ),
    (
        "POST",
        "/api/v1/services",
        {"name": "S", "organization_id": "{org}", "needs": ["legal"], "location_ids": ["{loc}"]},
        OWNER,
    ),
    ("PATCH", "/api/v1/services/{svc}", {"name": "Renamed"}, OWNER),
    ("PATCH", "/api/v1/locations/{loc}", {"name": "Renamed"}, OWNER),
    ("PATCH", "/api/v1/organizations/{org}", {"description": "x"}, OWNER),
    ("DELETE", "/api/v1/services/{svc}", None, OWNER),
    ("DELETE", "/api/v1/organizations/{org}", None, OWNER),
    ("GET", "/api/v1/services/{svc}/history", None, OWNER),
    ("GET", "/api/v1/locations/{loc}/history", None, OWNER),
    ("GET", "/api/v1/organizations/{org}/history", None, OWNER),
    ("POST", "/api/v1/services/{svc}/confirm", None, OWNER),
    ("POST", "/api/v1/locations/{loc}/confirm", None, OWNER),
    ("POST", "/api/v1/organizations/{org}/confirm", None, OWNER),
    ("POST", "/api/v1/services/{svc}/verify", None, STAFF),
    ("POST", "/api/v1/locations/{loc}/verify", None, STAFF),
    ("POST", "/api/v1/organizations/{org}/verify", None, STAFF),
    ("POST", "/api/v1/services/{svc}/revert", {"version": 1}, STAFF),
    ("POST", "/api/v1/locations/{loc}/revert", {"version": 1}, STAFF),
    ("POST", "/api/v1/organizations/{org}/revert", {"version": 1}, STAFF),
    ("GET", "/api/v1/moderation", None, STAFF),
    (
        "POST",
        "/api/v1/moderation/{missing}/approve",
        {},
        {**STAFF, "coordinator": HIDE, "admin": HIDE},
    ),
    (
        "POST",
        "/api/v1/moderation/{missing}/reject",
        {},
        {**STAFF, "coordinator": HIDE, "admin": HIDE},
    ),
    ("GET", "/api/v1/review/stale", None, STAFF),
    ("GET", "/api/v1/users", None, STAFF),
    (
        "PATCH",
        "/api/v1/users/{missing}",
        {"name": "x"},
        {**STAFF, "coordinator": HIDE, "admin": HIDE},
    ),
    ("POST", "/api/v1/invites", {"email": "n@example.org", "role": "caseworker"}, STAFF),
    (
        "POST",
        "/api/v1/invites/accept",
        {"token": "x" * 20, "name": "n", "password": "y" * 12},
        dict.fromkeys(ROLES, 422),
    ),
    ("GET", "/api/v1/auth/me", None, SIGNED_IN),
    ("POST", "/api/v1/auth/logout", None, {**SIGNED_IN}),
    (
        "POST",
        "/api/v1/auth/login",
        {"email": "nobody@example.org", "password": "wrong"},
        dict.fromkeys(ROLES, 401),
    ),
    # Matrix principals are service tokens without an account: they may not mint tokens.
    ("POST", "/api/v1/tokens", {"label": "t"}, {**dict.fromkeys(ROLES, DENY), "anonymous": 401}),
    (
        "POST",
        "/api/v1/tokens/revoke",
        {"id": "{missing}"},
        {**SIGNED_IN, **{r: HIDE for r in ROLES if r != "anonymous"}},
    ),
    (
        "POST",
        "/api/v1/match",
        {"location": {"lat": -1.67, "lon": 29.22}, "needs": ["medical"]},
        PUBLIC,
    ),
    ("GET", "/api/v1/places?q=goma", None, PUBLIC),
    ("GET", "/api/v1/places/nearest?lat=-1.6&lon=29.2", None, PUBLIC),
    ("POST", "/api/v1/places/nearest", {"lat": -1.6, "lon": 29.2}, PUBLIC),
    ("GET", "/api/v1/places/osm:1", None, dict.fromkeys(ROLES, 404)),
    ("GET", "/api/v1/openapi.json", None, PUBLIC),
    ("GET", "/api/v1/docs", None, PUBLIC),
    ("GET", "/livez", None, PUBLIC),
    ("GET", "/readyz", None, PUBLIC),
    ("GET", "/about", None, PUBLIC),
    ("GET", "/login", None, PUBLIC),
    (
        "GET",
        "/provider",
        None,
        {**STAFF, "caseworker": DENY, "provider_own": OK, "provider_other": OK},
    ),
    ("GET", "/provider/services/{svc}", None, OWNER),
    ("GET", "/provider/locations/{loc}", None, OWNER),
    ("GET", "/provider/organizations/{org}", None, OWNER),
    ("GET", "/provider/services/{svc}/history", None, OWNER),
    ("GET", "/review", None, STAFF),
    ("GET", "/review/accounts", None, STAFF),
    ("GET", "/review/service/{svc}/history", None, STAFF),
    ("GET", "/api/v1/coverage/areas?need=legal", None, STAFF),
    ("GET", "/api/v1/coverage/places?need=pep_24h&beyond_km=500", None, STAFF),
    ("GET", "/api/v1/coverage/territories?need=legal&format=csv", None, STAFF),
    ("GET", "/api/v1/network/referrals", None, STAFF),
    ("GET", "/api/v1/network/unreferred", None, STAFF),
    ("GET", "/api/v1/network/paths", None, STAFF),
    ("GET", "/api/v1/network/flows", None, STAFF),
    ("GET", "/api/v1/quality", None, STAFF),
    ("GET", "/gaps", None, STAFF),
    ("GET", "/gaps/map.svg?need=legal", None, STAFF),
    ("GET", "/gaps/network", None, STAFF),
    ("GET", "/gaps/quality", None, STAFF),
    ("GET", "/api/v1/referrals", None, SIGNED_IN),
    (
        "POST",
        "/api/v1/referrals",
        {
            "need": "medical",
            "service_id": "{svc}",
            "consent": {"attested": True, "method": "verbal"},
        },
        CASEWORK,
    ),
    ("PATCH", "/api/v1/referrals/{missing}", {"status": "received"}, SIGNED_IN_HIDE),
    ("GET", "/workspace", None, CASEWORK),
    ("POST", "/workspace", None, CASEWORK_BAD_FORM),
    ("GET", "/workspace/services/{svc}", None, CASEWORK),
    ("POST", "/workspace/refer", None, CASEWORK_BAD_FORM),
    ("POST", "/workspace/refer/record", None, CASEWORK_BAD_FORM),
    ("POST", "/workspace/slip.pdf", None, CASEWORK_BAD_FORM),
    ("GET", "/workspace/referrals", None, SIGNED_IN),
    ("POST", "/workspace/referrals/status", None, SIGNED_IN_HIDE),
]
MISSING = "00000000-0000-4000-8000-000000000000"


@pytest.fixture
def backend():
    """Authorization is decided above the store; the matrix runs on the embedded store."""
    return "sqlite"


@pytest.fixture
def world(client, tokens, app_store):
    """Two organizations with listings, and a bearer token for every role."""
    own, own_loc, own_svc = goma_listing(client, tokens["admin"])
    other = create(client, tokens["admin"], "organization", {"name": "Other"})
    secrets = {
        "caseworker": tokens["caseworker"],
        "coordinator": tokens["coordinator"],
        "admin": tokens["admin"],
        "provider_own": issue_token(app_store, "provider", "own", own["id"]),
        "provider_other": issue_token(app_store, "provider", "other", other["id"]),
    }
    ids = {"org": own["id"], "loc": own_loc["id"], "svc": own_svc["id"], "missing": MISSING}
    return secrets, ids


def _fill(value, ids):
    if isinstance(value, str):
        return value.format(**ids)
    if isinstance(value, list):
        return [_fill(v, ids) for v in value]
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    return value


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("method", "url", "body", "expected"), MATRIX, ids=[f"{m} {u}" for m, u, _, _ in MATRIX]
)
def test_role_operation_matrix(client, world, role, method, url, body, expected):
    secrets, ids = world
    headers = {"If-Match": '"1"'}
    if role != "anonymous":
        headers.update(bearer(secrets[role]))
    response = client.open(_fill(url, ids), method=method, json=_fill(body, ids), headers=headers)
    want = expected[role]
    if want == OK:
        assert 200 <= response.status_code < 300, (role, response.get_json())
    else:
        assert response.status_code == want, (role, response.status_code, response.get_data()[:300])


def test_matrix_covers_every_api_route(app):
    covered = {(m, u.split("?")[0]) for m, u, _, _ in MATRIX}
    normalise = {"<uuid:entity_id>": "{x}", "<uuid:change_id>": "{x}", "<uuid:user_id>": "{x}",
                 "<string:place_id>": "{x}", "<string:code>": "{x}"}  # fmt: skip
    have = set()
    for m, u in covered:
        for token in ("{svc}", "{loc}", "{org}", "{missing}", "osm:1"):
            u = u.replace(token, "{x}")
        have.add((m, u.replace("/approve", "/<decision>").replace("/reject", "/<decision>")))
    missing = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(("/api/v1", "/livez", "/readyz", "/about")):
            continue
        path = rule.rule
        for raw, generic in normalise.items():
            path = path.replace(raw, generic)
        path = path.replace("<any(approve, reject):decision>", "<decision>")
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            if (method, path) not in have:
                missing.append(f"{method} {rule.rule}")
    assert missing == []


@pytest.mark.slow
@settings(
    max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    kind=st.sampled_from(["organization", "location", "service"]),
    action=st.sampled_from(
        ["patch", "delete", "history", "confirm", "verify", "revert", "create", "read_confidential"]
    ),
    name=st.text(min_size=1, max_size=20),
)
def test_cross_organization_access_never_succeeds(client, world, app_store, kind, action, name):
    secrets, _ = world
    other_org = next(
        d for k, d in app_store.export() if k == "organization" and d["name"] == "Other"
    )
    targets = _victim_listings(client, app_store, other_org)
    before = snapshot(app_store)
    headers = bearer(secrets["provider_own"], **{"If-Match": '"1"'})
    plural = {"organization": "organizations", "location": "locations", "service": "services"}[kind]
    target = targets[kind]
    url = f"/api/v1/{plural}/{target['id']}"
    response = {
        "patch": lambda: client.patch(url, json={"name": name}, headers=headers),
        "delete": lambda: client.delete(url, headers=headers),
        "history": lambda: client.get(url + "/history", headers=headers),
        "confirm": lambda: client.post(url + "/confirm", headers=headers),
        "verify": lambda: client.post(url + "/verify", headers=headers),
        "revert": lambda: client.post(url + "/revert", json={"version": 1}, headers=headers),
        "create": lambda: client.post(
            f"/api/v1/{plural}",
            headers=headers,
            json=_body_for(kind, other_org["id"], targets["location"]["id"], name),
        ),
        "read_confidential": lambda: client.get(
            f"/api/v1/locations/{targets['secret']['id']}", headers=headers
        ),
    }[action]()
    # A body no one may send is refused (422) before any object is looked up: it tells nothing.
    refused = (422,) if text_problem(name) and action in ("patch", "create") else ()
    assert response.status_code in (403, 404, 405, *refused), (action, kind, response.status_code)
    assert snapshot(app_store) == before


def _victim_listings(client, store, org):
    found = {"organization": org}
    for kind, doc in store.export():
        if doc.get("organization_id") == org["id"]:
            found.setdefault(kind, doc)
            if doc.get("confidentiality") == "confidential":
                found.setdefault("secret", doc)
    if "secret" not in found:
        from tests import factories as f

        loc = store.create(
            "location",
            f.location(org["id"], name="Shelter", confidentiality="confidential"),
            "test",
        )
        svc = store.create("service", f.service(org["id"], [loc["id"]]), "test")
        found.update(secret=loc, location=loc, service=svc)
    return found


def _body_for(kind, org_id, loc_id, name):
    if kind == "organization":
        return {"name": name}
    if kind == "location":
        return {
            "name": name,
            "organization_id": org_id,
            "latitude": -1.6,
            "longitude": 29.2,
            "adm1_pcode": "CD61",
        }
    return {"name": name, "organization_id": org_id, "needs": ["legal"], "location_ids": [loc_id]}


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["sqlite", "neo4j"], indirect=False)
def test_concurrent_read_modify_write_loses_nothing(client, tokens, app_store, backend):
    _, _, svc = goma_listing(client, tokens["admin"])
    url = f"/api/v1/services/{svc['id']}"
    applied: dict[str, list[str]] = {"a": [], "b": []}
    stale = {"a": 0, "b": 0}

    def editor(name):
        own = client.application.test_client()
        for i in range(500):
            current = own.get(url)
            tag = f"{name}{i};"
            response = own.patch(
                url,
                json={"description": current.get_json()["description"] + tag},
                headers=bearer(tokens["admin"], **{"If-Match": current.headers["ETag"]}),
            )
            if response.status_code == 200:
                applied[name].append(tag)
            else:
                assert response.status_code == 412, response.get_data()
                stale[name] += 1

    threads = [threading.Thread(target=editor, args=(n,)) for n in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    final = client.get(url).get_json()
    tags = applied["a"] + applied["b"]
    assert sorted(t + ";" for t in final["description"].split(";") if t) == sorted(tags)
    history = app_store.history("service", svc["id"])
    assert len(history) == 1 + len(tags)
    assert final["version"] == 1 + len(tags)
    assert len(tags) + stale["a"] + stale["b"] == 1000
