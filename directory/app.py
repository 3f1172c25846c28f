"""The web application: configuration, request plumbing, and every blueprint and command
registered from one list (:func:`blueprints`, :func:`commands`)."""

from __future__ import annotations

from typing import Any

from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Flask
from flask_smorest import Api

from directory import config, store
from directory.core.schemas import ErrorEnvelopeSchema
from directory.web import bodies, errors, i18n, limits, logs, security, sessions
from directory.web.auth import declare_access, enforce_route_access
from directory.web.json import OrjsonProvider


class NjiaApi(Api):
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
    app = Flask("directory", instance_relative_config=True)  # the package: its templates, static
    app.json = OrjsonProvider(app)  # French text as UTF-8, keys sorted, written by orjson
    app.config.from_mapping(config.defaults(app.instance_path))
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("NJIA")
    if test_config:
        app.config.update(test_config)
    logs.configure(app.config["LOG_LEVEL"])

    store.init_app(app)
    bodies.init_app(app)  # first of the before_request hooks: others read the body
    limits.init_app(app)
    i18n.init_app(app)
    security.init_app(app)
    errors.register_error_handlers(app)
    sessions.init_app(app)  # sessions and CSRF
    app.before_request(enforce_route_access)
    _register(app)
    return app


def blueprints() -> tuple[list[Any], list[Any]]:
    """(API blueprints documented in the OpenAPI document, other blueprints): all of them."""
    from directory.api import accounts as accounts_api
    from directory.api import coverage, docs, health, listings, match, places, referrals, review
    from directory.api import hsds as hsds_api
    from directory.pages import (
        about,
        accounts,
        gaps,
        provider,
        provider_self,
        public,
        review_pages,
        signin,
    )
    from directory.pages import spreadsheet as import_pages
    from directory.pages.workspace import pages as workspace_pages
    from directory.pages.workspace import referring

    documented = [listings.listing_blueprint(kind) for kind in ("organization", "location",
                                                                "service")]  # fmt: skip
    documented += [places.blp, match.blp, review.blp, accounts_api.blp, referrals.blp, coverage.blp]
    others = [health.blp, docs.blp, about.blp, public.blp, provider.blp, hsds_api.blp]
    others += [signin.blp, provider_self.blp, review_pages.blp, workspace_pages.blp, referring.blp]
    others += [gaps.blp, import_pages.blp, accounts.blp]
    return documented, others


def commands() -> list[Any]:
    """Every ``flask --app wsgi`` command."""
    from directory import cli
    from directory.cli import hsds as hsds_cli
    from directory.cli import spreadsheet as import_cli

    return [*cli.COMMANDS, *hsds_cli.COMMANDS, *import_cli.COMMANDS]


def _register(app: Flask) -> None:
    plugin = MarshmallowPlugin(schema_name_resolver=schema_name)
    api = NjiaApi(app, spec_kwargs={"marshmallow_plugin": plugin})
    app.extensions["njia_api"] = api
    documented, others = blueprints()
    for blueprint in documented:
        api.register_blueprint(blueprint)
    for blueprint in others:
        app.register_blueprint(blueprint)
    declare_access(app, "api-docs.openapi_json", "public")
    for command in commands():
        app.cli.add_command(command)
