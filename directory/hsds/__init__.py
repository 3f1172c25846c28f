"""Open Referral HSDS 3.0 for Njia: a conforming read API, import, export and the profile.

- :mod:`~directory.hsds.api`: ``/hsds``, the public view as the HSDS ``openapi.json`` says.
- :mod:`~directory.hsds.mapping` (Njia → HSDS) and :mod:`~directory.hsds.parsing` (HSDS →
  Njia), with :mod:`~directory.hsds.details` and :mod:`~directory.hsds.vocab` (Njia's
  taxonomies, stable ids): the profile, in code (``docs/hsds-profile.md`` in prose).
- :mod:`~directory.hsds.importer`, :mod:`~directory.hsds.exporter`,
  :mod:`~directory.hsds.tabular` (CSV data package) and :mod:`~directory.hsds.cli`.
- :mod:`~directory.hsds.spec`: the local copy of the specification (``seed_data/hsds-3.0``).
"""

from __future__ import annotations
