"""The caseworker workspace: find, compare and refer, with consent and without storing the
survivor. The search pages (:mod:`directory.pages.workspace.pages`, blueprint ``workspace``),
referring
from them (:mod:`.referring`, blueprint ``referring``), the map (:mod:`.svgmap`), the slip
(:mod:`.slip`); the referrals API is :mod:`directory.api.referrals`."""

from __future__ import annotations
