"""A browsable API reference at ``/api/v1/docs``, rendered on the server from the OpenAPI spec.

No script or stylesheet comes from another origin, so it works offline.
"""

from __future__ import annotations

from flask import Blueprint, current_app, render_template

from directory.web.auth import access

blp = Blueprint("apidocs", __name__)
METHODS = ("get", "post", "put", "patch", "delete")


@blp.get("/api/v1/docs")
@access("public")
def api_docs() -> str:
    """List every operation with its parameters, body schema and responses."""
    spec = current_app.extensions["njia_api"].spec.to_dict()
    operations = [
        {"path": path, "method": method.upper(), **item[method]}
        for path, item in sorted(spec["paths"].items())
        for method in METHODS
        if method in item
    ]
    schemas = spec.get("components", {}).get("schemas", {})
    return render_template("api_docs.html", spec=spec, operations=operations, schemas=schemas)
