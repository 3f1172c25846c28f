"""Request plumbing shared by the API and the pages (Flask).

- :mod:`~directory.web.auth`: who is asking; every route's declared access (default deny).
- :mod:`~directory.web.sessions`: server-side sessions, the secret key, CSRF.
- :mod:`~directory.web.bodies`: the JSON gate (size, type, parse once).
- :mod:`~directory.web.limits`: rate limits; :mod:`~directory.web.security`: headers,
  no-store, quick exit; :mod:`~directory.web.etag`: conditional GETs.
- :mod:`~directory.web.errors`: the one error envelope; :mod:`~directory.web.logs`: logs
  without survivors' data; :mod:`~directory.web.i18n`: languages and shared words.
"""
