"""Places, without Flask: the gazetteer (search, sure resolution, reverse lookup), coordinates
as people write them, and the nearest-point index shared with coverage.

- :mod:`~directory.places.gazetteer`: :class:`~directory.places.gazetteer.Gazetteer`, the
  match levels and the sure rule (``docs/api.md``, "Places").
- :mod:`~directory.places.geo_parse`: "-1.68, 29.22", degrees-minutes, plus codes.
- :mod:`~directory.places.nearest`: a k-d tree on the unit sphere answering "nearest point".
"""
