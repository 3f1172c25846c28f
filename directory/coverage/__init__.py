"""Coverage gaps, the referral network and data quality, for coordinators.

Everything here is computed from the directory (providers) and the gazetteer (places) only:
nothing about survivors is read, stored or published. The modules are plain Python over plain
data, with no Flask and no database driver, so that the web layer (``directory/api/coverage.py``,
``directory/pages/gaps.py``) only gathers a :class:`~directory.coverage.snapshot.Snapshot`
from the store and serialises what these functions return.

- :mod:`~directory.coverage.snapshot`: the directory read once (one export) per computation.
- :mod:`~directory.coverage.places`: the gazetteer's places with a population class and a
  territory (approximate: the nearest territory seat of the province).
- :mod:`directory.places.nearest` (shared with the gazetteer): a k-d tree answering "how far is the
  nearest point", exactly.
- :mod:`~directory.coverage.supply`: which services count for a need, and where they are.
- :mod:`~directory.coverage.gaps`: distances from every place, shares within 10/25/50/100 km
  by province and territory, territories without any service.
- :mod:`~directory.coverage.network`: the graph of referral agreements.
- :mod:`~directory.coverage.flows`: referral flows by month with small-cell suppression.
- :mod:`~directory.coverage.quality`: listings by verification age and other data problems.
- :mod:`~directory.coverage.tables`, :mod:`~directory.coverage.hxl` and
  :mod:`~directory.coverage.drawing`: rows and CSV columns with HXL hashtags, SVG maps and
  charts.

Privacy rule (``docs/coverage.md``): a confidential location's point is never used, at any
level of aggregation. Services at confidential locations (safe shelters) count only through
the areas they cover (``service_area``), exactly as the matcher finds them.
"""
