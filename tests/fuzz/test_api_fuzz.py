"""schemathesis against Njia's own OpenAPI document, for each role: no server error, no
response that breaks the document, and no stack trace or query text in any answer."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from directory import create_app
from directory.core.rights import issue_token

pytestmark = pytest.mark.slow  # schemathesis over every operation and role

EXAMPLES_PER_OPERATION = 20
ROLES = ("anonymous", "caseworker", "provider", "coordinator")
LEAKS = ("Traceback", "SELECT ", "INSERT INTO", "MATCH (", "sqlite3.", "neo4j.exceptions")


def _spec() -> dict:
    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"DATABASE": str(Path(folder) / "spec.sqlite3"), "SECRET_KEY": "x"})
        return app.extensions["njia_api"].spec.to_dict()


schema = schemathesis.openapi.from_dict(_spec())


@pytest.fixture(scope="module", params=ROLES)
def role_app(request, tmp_path_factory):
    """A seeded app and the Authorization header of one role (module-wide)."""
    folder = tmp_path_factory.mktemp(f"fuzz-{request.param}")
    app = create_app(
        {
            "TESTING": True,
            "DATABASE": str(folder / "db.sqlite3"),
            "SECRET_KEY": "x",
        }
    )
    runner = app.test_cli_runner()
    assert runner.invoke(args=["seed", "--only", "demo"]).exit_code == 0
    headers = {}
    with app.app_context():
        from directory.store import get_store

        store = get_store()
        org = next(d for k, d in store.export() if k == "organization")
        if request.param != "anonymous":
            organization = org["id"] if request.param == "provider" else None
            secret = issue_token(store, request.param, "fuzz", organization)
            headers = {"Authorization": f"Bearer {secret}"}
    yield app, headers
    app.extensions["njia_store"].close()


def no_leaks(ctx, response, case):
    """No stack trace, SQL or Cypher in any answer."""
    text = response.text or ""
    for leak in LEAKS:
        assert leak not in text, f"{leak!r} in {case.method} {case.path}"


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_api_survives_fuzzing(case, role_app):
    app, headers = role_app
    response = case.call(app=app, headers={**(case.headers or {}), **headers})
    case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])
    no_leaks(None, response, case)


HOSTILE_BODIES = {
    "nested array": "[" * 100_000,
    "nested object": '{"a":' * 50_000 + "1" + "}" * 50_000,
    "nested in a field": '{"name": "x", "phones": ' + "[" * 5_000 + "]" * 5_000 + "}",
    "huge integer": '{"location": {"lat": ' + "9" * 5_000 + ', "lon": 29}, "needs": ["medical"]}',
    "huge negative": '{"version": -' + "1" * 5_000 + "}",
    "long decimal": '{"latitude": 0.' + "1" * 5_000 + "}",
}


def _json_operations() -> list[tuple[str, str]]:
    """(method, path) of every operation of the OpenAPI document that takes a JSON body,
    path parameters filled with a random UUID."""
    import re
    import uuid

    found = []
    for path, item in _spec()["paths"].items():
        for method, operation in item.items():
            if not isinstance(operation, dict):  # path-level "parameters"
                continue
            if "application/json" in operation.get("requestBody", {}).get("content", {}):
                filled = re.sub(r"\{[^}]+\}", str(uuid.uuid4()), path)
                found.append((method.upper(), filled))
    return found


def test_hostile_json_bodies_get_400_on_every_operation_for_every_role(role_app):
    """Deep nesting and huge numbers, to every JSON operation: a 4xx in the envelope."""
    app, headers = role_app
    client = app.test_client()
    operations = _json_operations()
    assert len(operations) > 15
    for method, path in operations:
        for name, body in HOSTILE_BODIES.items():
            response = client.open(
                path, method=method, data=body,
                headers={**headers, "Content-Type": "application/json", "If-Match": '"1"'},
            )  # fmt: skip
            assert 400 <= response.status_code < 500, (method, path, name, response.status_code)
            assert set(response.get_json() or []) == {"error"}, (
                method,
                path,
                name,
                response.get_data()[:200],
            )
