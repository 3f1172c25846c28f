"""Open Referral HSDS 3.0 for Njia: a conforming read API, import, export and the profile.

- :mod:`~directory.api.hsds`: ``/hsds``, the public view as the HSDS ``openapi.json`` says.
- :mod:`~directory.exchange.hsds.mapping` (Njia → HSDS) and :mod:`~directory.exchange.hsds.parsing`
  (HSDS →
  Njia), with :mod:`~directory.exchange.hsds.details` and :mod:`~directory.exchange.hsds.vocab`
  (Njia's
  taxonomies, stable ids): the profile, in code (``docs/hsds-profile.md`` in prose).
- :mod:`~directory.exchange.hsds.importer`, :mod:`~directory.exchange.hsds.exporter`,
  :mod:`~directory.exchange.hsds.tabular` (CSV data package) and :mod:`~directory.cli.hsds`.
- :mod:`~directory.exchange.hsds.spec`: the local copy of the specification
  (``seed_data/hsds-3.0``).
"""

from __future__ import annotations
