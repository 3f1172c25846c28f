"""The caseworker workspace: find, compare and refer, with consent and without storing the
survivor. Pages (:mod:`directory.workspace.pages`), the map (:mod:`.svgmap`), the slip
(:mod:`.slip`), the referrals API (:mod:`directory.api.referrals`) and the purge command."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the workspace pages, ``/api/v1/referrals`` and ``purge-referrals``."""
    from directory import referrals
    from directory.api import referrals as referrals_api
    from directory.workspace import pages, referring  # noqa: F401  (routes on pages.blp)

    app.extensions["njia_api"].register_blueprint(referrals_api.blp)
    app.register_blueprint(pages.blp)
    app.cli.add_command(referrals.purge_command)
