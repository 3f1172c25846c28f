"""ETags are listing versions (``ETag: "3"``); writes send ``If-Match`` with the version read."""

from __future__ import annotations

import re

from flask import Response, abort, request

_ETAG = re.compile(r'^(?:W/)?"(\d{1,9})"$')


def with_etag(response: Response, status: int) -> Response:
    """Set the status and the ETag (the listing's version) on a JSON listing response."""
    response.status_code = status
    version = (response.get_json(silent=True) or {}).get("version")
    if version is not None:
        response.headers["ETag"] = f'"{version}"'
    return response


def expected_version() -> int:
    """The version named by ``If-Match``: 428 when absent, 412 when it cannot match."""
    header = request.headers.get("If-Match")
    if not header:
        abort(428, description="Send If-Match with the ETag of the version you read.")
    match = _ETAG.match(header.strip())
    if match is None:
        abort(412, description="If-Match must be the ETag of the version you read.")
    return int(match.group(1))
