"""Fixtures of the workspace tests: plain-HTTP session cookies, a Goma service and principals.

The referral API tests that matter for storage (idempotency, the marker scan) run on both
backends through the shared ``backend`` fixture; the page tests use the embedded store.
"""

from __future__ import annotations

import pytest

from directory.core.rights import issue_token
from tests.api.helpers import create, goma_listing


@pytest.fixture
def config(config):
    """Sessions over plain HTTP in the test client: cookies may not be Secure there."""
    return {**config, "SESSION_COOKIE_SECURE": False, "SECRET_KEY": "test-secret"}


@pytest.fixture
def world(client, tokens, app_store):
    """A Goma medical service of organization "Alpha", another organization, and bearer
    secrets: admin, coordinator, caseworker, the receiving provider and another provider."""
    org, loc, svc = goma_listing(client, tokens["admin"])
    other = create(client, tokens["admin"], "organization", {"name": "Other"})
    secrets = {
        **tokens,
        "provider": issue_token(app_store, "provider", "receiving", org["id"]),
        "other_provider": issue_token(app_store, "provider", "other", other["id"]),
    }
    return {"org": org, "loc": loc, "svc": svc, "other": other, "secrets": secrets}


def consent(method: str = "verbal") -> dict[str, object]:
    return {"attested": True, "method": method}


def referral_body(service_id: str, need: str = "medical", **extra: object) -> dict[str, object]:
    return {"need": need, "service_id": service_id, "consent": consent(), **extra}
