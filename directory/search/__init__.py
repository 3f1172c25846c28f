"""The search: from a request to the ranked, explained answer, without Flask.

- :mod:`~directory.search.request`: the one definition of a match request (the API body, the
  public page's and the caseworker form's fields) and where it points.
- :mod:`~directory.search.engine`: the widening search — store candidates by growing radius,
  the pure matcher (:mod:`matching`), and the answer as JSON for each audience.
"""
