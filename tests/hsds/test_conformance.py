"""schemathesis, driven by the HSDS 3.0 ``openapi.json`` itself, against ``/hsds`` in-process.

The document is the specification's own, unchanged but for two additions that let it run
offline against this app: ``servers`` (``/hsds``), and the schema files its ``$ref`` URLs name,
embedded under their own URLs as ``$id`` so that no reference is fetched from the network.
Every operation gets a modest number of generated requests; each answer must not be a server
error and, when it is a documented 200, must conform to the response schema.
"""

from __future__ import annotations

import json

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from directory import create_app
from directory.exchange.hsds import spec
from tests.conftest import BACKENDS, store_config
from tests.hsds.conftest import rich_directory

EXAMPLES_PER_OPERATION = 25


def offline_document() -> dict:
    """The HSDS ``openapi.json`` with its referenced schemas embedded under their URLs."""
    document = json.loads((spec.SCHEMA_DIR / "openapi.json").read_text(encoding="utf-8"))
    document["servers"] = [{"url": "/hsds"}]
    embedded = {}
    for url, path in spec.schema_urls():
        if path.name != "openapi.json":
            embedded[url] = {**json.loads(path.read_text(encoding="utf-8")), "$id": url}
    document["x-njia-offline-schemas"] = embedded
    return document


@pytest.fixture(scope="module", params=BACKENDS)
def hsds_app(request, tmp_path_factory):
    """One app per backend holding the rich test directory (module-wide: it is only read)."""
    config = store_config(request.param, tmp_path_factory.mktemp("hsds"), request)
    application = create_app({"TESTING": True, **config})
    with application.app_context():
        from directory.store import get_store

        rich_directory(get_store())
    yield application
    application.extensions["njia_store"].close()


schema = schemathesis.openapi.from_dict(offline_document())


def test_the_document_covers_the_operations_we_serve():
    operations = {(r.path, r.method) for r in (o.ok() for o in schema.get_all_operations())}
    assert len(operations) == 11


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_hsds_api_conforms_to_the_hsds_openapi_document(case, hsds_app):
    response = case.call(app=hsds_app)
    case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])
