"""Security headers on every response; public pages: no cookie, no store, nothing inline or
from another origin, a quick exit and a skip link on every page."""

from __future__ import annotations

import re
import uuid

import pytest

from directory.web.security import CONTENT_SECURITY_POLICY

EXPECTED_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "geolocation=(self)",
}
PAGES = ["/", "/?lang=sw", "/safety", "/about", "/api/v1/docs"]


def test_the_policy_allows_nothing_from_elsewhere_and_nothing_inline():
    assert CONTENT_SECURITY_POLICY == (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    )


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/"),
        ("POST", "/"),
        ("GET", "/static/njia.css"),
        ("GET", "/api/v1/services"),
        ("GET", "/no-such-page"),
        ("POST", "/api/v1/match"),
        ("GET", "/livez"),
    ],
)
def test_every_response_has_the_security_headers(web, method, path):
    with web.open(path, method=method, data={"place": "Goma", "needs": "medical"}) as response:
        headers = response.headers
    for name, value in EXPECTED_HEADERS.items():
        assert headers.get(name) == value, (path, name)
    assert "Set-Cookie" not in headers
    assert "Server" not in headers


def test_pages_are_not_stored_and_static_files_are_cached_by_version(web):
    assert web.get("/").headers["Cache-Control"] == "no-store"
    assert web.post("/suggest", data={"q": "goma"}).headers["Cache-Control"] == "no-store"
    missing = web.get("/no-such-page", headers={"Accept": "text/html"})
    assert missing.headers["Cache-Control"] == "no-store"
    html = web.get("/").get_data(as_text=True)
    css = re.search(r'href="(/static/njia\.css\?v=\w+)"', html)[1]
    with web.get(css) as stylesheet:
        assert stylesheet.headers["Cache-Control"].startswith("public, max-age=")


@pytest.mark.parametrize("path", PAGES)
def test_pages_load_nothing_inline_or_from_another_origin(web, path):
    page = web.get(path)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "<style" not in html and " style=" not in html
    assert not re.search(r"<script(?![^>]*\ssrc=\"/static/)", html)
    assert not re.search(r"\son\w+=", html)  # no inline event handlers
    for url in re.findall(r'<(?:link|script|img)[^>]*\s(?:href|src)="([^"]+)"', html):
        assert url.startswith("/") or url == "data:,", url
    assert "data-quick-exit" in html and 'rel="noreferrer"' in html
    assert 'class="skip" href="#main"' in html
    assert "Set-Cookie" not in page.headers


def test_static_files_reach_no_other_origin(web):
    for name in ("njia.css", "njia.js"):
        with web.get(f"/static/{name}") as response:
            text = response.get_data(as_text=True)
        assert "@import" not in text and "url(" not in text
        assert "http:" not in text and "https:" not in text


def test_a_session_cookie_sent_to_public_pages_is_not_answered(web):
    headers = {"Cookie": "session=stale; njia_session=stale"}
    for path in ("/", "/safety", f"/services/{uuid.uuid4()}"):
        assert "Set-Cookie" not in web.get(path, headers=headers).headers
    searched = web.post("/", data={"place": "Goma", "needs": "medical"}, headers=headers)
    assert "Set-Cookie" not in searched.headers


def test_answers_with_more_than_the_public_sees_are_never_stored(client, tokens, app_store):
    """``no-store`` on match answers, on every answer to a signed-in caller (a confidential
    address may be in it) and on errors; anonymous public reads revalidate (item 11)."""
    from tests import factories
    from tests.conftest import bearer

    org = factories.organization(name="Refuge")
    app_store.create("organization", org, "test")
    shelter = factories.location(org["id"], confidentiality="confidential")
    app_store.create("location", shelter, "test")
    match = {"location": {"lat": -1.67, "lon": 29.22}, "needs": ["shelter"]}
    staff = bearer(tokens["coordinator"])
    stored_never = [
        client.post("/api/v1/match", json=match),
        client.post("/api/v1/places/nearest", json={"lat": -1.67, "lon": 29.22}),
        client.get(f"/api/v1/locations/{shelter['id']}", headers=staff),
        client.get("/api/v1/locations", headers=staff),
        client.get("/hsds/organizations?full=true", headers=staff),
        client.get(f"/api/v1/locations/{shelter['id']}"),  # 404
    ]
    for response in stored_never:
        assert response.headers["Cache-Control"] == "no-store", response.request.path
        assert {"Authorization", "Cookie"} <= set(response.vary)
    public = client.get("/api/v1/services")
    assert public.status_code == 200 and public.headers["Cache-Control"] == "no-cache"
