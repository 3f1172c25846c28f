"""Njia: the directory web application (API, pages, CLI) around a pluggable store."""

from __future__ import annotations

from typing import Any

from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Flask
from flask_smorest import Api

from directory import accounts, bodies, config, errors, i18n, limits, logs, security, store
from directory.auth import declare_access, enforce_route_access
from directory.schemas import ErrorEnvelopeSchema


class NjiaApi(Api):  # type: ignore[misc]
    """flask-smorest's Api with Njia's error envelope (documented as every operation's
    default error response)."""

    ERROR_SCHEMA = ErrorEnvelopeSchema

    def handle_http_exception(self, error):  # type: ignore[no-untyped-def]
        return errors.http_error(error)


def schema_name(schema: Any) -> str:
    """OpenAPI component names: ``ServiceSchema`` → ``Service``, partial → ``ServicePatch``."""
    cls = schema if isinstance(schema, type) else type(schema)
    name = cls.__name__.removesuffix("Schema")
    return name + "Patch" if getattr(schema, "partial", False) else name


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the app: defaults, then ``instance/config.py``, then ``NJIA_*`` env, then
    ``test_config``. Nothing touches the database until the first request needs it."""
    app = Flask(__name__, instance_relative_config=True)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]  # French text, fewer bytes
    app.config.from_mapping(config.defaults(app.instance_path))
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("NJIA")
    if test_config:
        app.config.update(test_config)
    logs.configure(app.config.get("LOG_LEVEL", "INFO"))

    store.init_app(app)
    bodies.init_app(app)  # first of the before_request hooks: others read the body
    limits.init_app(app)
    i18n.init_app(app)
    security.init_app(app)
    errors.register_error_handlers(app)
    app.before_request(enforce_route_access)
    _register_api(app)
    _register_cli(app)
    return app


def _register_api(app: Flask) -> None:
    from directory import hsds, imports, workspace
    from directory.api import coverage as coverage_api
    from directory.api import docs, health, listings, match, places, review
    from directory.pages import about, provider, public

    plugin = MarshmallowPlugin(schema_name_resolver=schema_name)
    api = NjiaApi(app, spec_kwargs={"marshmallow_plugin": plugin})
    app.extensions["njia_api"] = api
    for kind in ("organization", "location", "service"):
        api.register_blueprint(listings.listing_blueprint(kind))
    api.register_blueprint(places.blp)
    api.register_blueprint(match.blp)
    api.register_blueprint(review.blp)
    app.register_blueprint(health.blp)
    app.register_blueprint(docs.blp)
    app.register_blueprint(about.blp)
    app.register_blueprint(public.blp)
    app.register_blueprint(provider.blp)
    declare_access(app, "api-docs.openapi_json", "public")
    hsds.init_app(app)
    accounts.init_app(app)
    workspace.init_app(app)
    coverage_api.init_app(app)
    imports.init_app(app)


def _register_cli(app: Flask) -> None:
    from directory import cli

    cli.init_app(app)
