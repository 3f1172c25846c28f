"""Places, without Flask: the gazetteer (search, sure resolution, reverse lookup), coordinates
as people write them, and the nearest-point index shared with coverage.

- :mod:`~directory.places.gazetteer`: :class:`~directory.places.gazetteer.Gazetteer`, the sure
  rule (``docs/api.md``, "Places") and :func:`~directory.places.gazetteer.get_gazetteer`.
- :mod:`~directory.places.model`: a place, how it matched (the match levels), a resolution.
- :mod:`~directory.places.names`: normalised names, spelling variants, the name index.
- :mod:`~directory.places.loading`: the seed files read into places.
- :mod:`~directory.places.geo_parse`: "-1.68, 29.22", degrees-minutes, plus codes; the border.
- :mod:`~directory.places.nearest`: a k-d tree on the unit sphere answering "nearest point".
"""
