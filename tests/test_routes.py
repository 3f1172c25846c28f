"""Default-deny: every route declares who may call it; the API is documented by OpenAPI."""

from __future__ import annotations

from directory.web.auth import ACCESS_LEVELS, route_access


def test_every_route_and_method_is_classified(app):
    unclassified = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if rule.endpoint == "static":
                continue
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                if route_access(rule.endpoint, method) not in ACCESS_LEVELS:
                    unclassified.append(f"{method} {rule.rule}")
    assert unclassified == []


def test_openapi_spec_documents_every_api_operation(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    paths = spec["paths"]
    assert set(paths["/api/v1/services/{entity_id}"]) >= {"get", "patch", "delete"}
    assert set(paths["/api/v1/services"]) >= {"get", "post"}
    assert "Service" in spec["components"]["schemas"]
    assert "ServicePatch" in spec["components"]["schemas"]


def test_docs_page_is_browsable(client):
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    assert b"/api/v1/services" in page.data
    assert b"<script" not in page.data


def test_about_page_shows_every_data_attribution(client):
    page = client.get("/about").get_data(as_text=True)
    for credit in (
        "OpenStreetMap",
        "ODbL",
        "GeoNames",
        "CC BY 4.0",
        "OCHA",
        "CC BY 3.0 IGO",
        "Open Referral",
        "CC BY-SA 4.0",
    ):
        assert credit in page
    assert "Sources et licences" in client.get("/api/v1/docs").get_data(as_text=True)
