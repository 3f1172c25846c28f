"""Helpers for account tests: users made directly in the store, and signing in over HTTP."""

from __future__ import annotations

from directory.core import users

PASSWORD = "lac Kivu pirogue 2026"


def make_user(store, role, organization_id=None, email=None):
    email = email or f"{role}-{organization_id or 'x'}@example.org"
    return users.create_user(store, email, role.title(), role, PASSWORD, organization_id)


def sign_in(client, email, password=PASSWORD):
    """Sign in; returns the CSRF token for later cookie-signed writes."""
    response = client.post("/api/v1/auth/login", json={"email": email, "password": password})
    assert response.status_code == 200, response.get_json()
    return response.get_json()["csrf_token"]
