"""Answers are written by orjson (directory/web/json.py) exactly as Flask's json would."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from flask.json.provider import DefaultJSONProvider
from hypothesis import given
from hypothesis import strategies as st

from directory import create_app
from directory.web.json import OrjsonProvider

JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.text()
    | st.floats(allow_nan=False, allow_infinity=False),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=6), children, max_size=4),
    max_leaves=20,
)  # fmt: skip


@dataclass
class Pair:
    a: int
    b: str


def _providers(tmp_path):  # type: ignore[no-untyped-def]
    app = create_app({"TESTING": True, "DATABASE": str(tmp_path / "x.sqlite3")})
    reference = DefaultJSONProvider(app)
    reference.ensure_ascii = False  # type: ignore[misc]
    return app, reference


def test_the_app_writes_json_through_orjson(tmp_path):
    app, _ = _providers(tmp_path)
    assert isinstance(app.json, OrjsonProvider)


@given(JSONISH)
def test_any_json_value_is_written_as_flask_writes_it(value):  # type: ignore[no-untyped-def]
    """The same text, except that a float may be spelt otherwise (``1e16``, not ``1e+16``)."""
    provider = OrjsonProvider.__new__(OrjsonProvider)
    written = provider.dumps(value, separators=(",", ":"))
    expected = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    assert json.loads(written) == json.loads(expected)
    if not _has_float(value):
        assert written == expected


def _has_float(value):  # type: ignore[no-untyped-def]
    if isinstance(value, list | dict):
        return any(_has_float(v) for v in (value.values() if isinstance(value, dict) else value))
    return isinstance(value, float)


def test_dates_uuids_decimals_dataclasses_and_big_numbers_as_flask_writes_them(tmp_path):
    app, reference = _providers(tmp_path)
    value = {
        "z": datetime(2026, 12, 2, 6, 30, tzinfo=UTC),
        "d": date(2026, 1, 2),
        "u": uuid.UUID(int=7),
        "m": Decimal("1.50"),
        "p": Pair(1, "é"),
        "big": 2**80,
    }
    numbered = {2: "b", 1: "a"}
    compact = {"separators": (",", ":")}
    with app.app_context():
        assert app.json.dumps(value, **compact) == reference.dumps(value, **compact)
        assert app.json.dumps(numbered, **compact) == reference.dumps(numbered, **compact)
        assert app.json.dumps({"é": [1, "ü"]}, **compact) == '{"é":[1,"ü"]}'
        assert app.json.dumps({"b": 1}) == reference.dumps({"b": 1}) == '{"b": 1}'
        assert app.json.dumps({"b": 1, "a": 2}, indent=2) == reference.dumps({"b": 1, "a": 2},
                                                                             indent=2)  # fmt: skip
        answer = app.json.response({"b": Pair(2, "x"), "a": date(2026, 1, 2)})
        assert answer.get_data(as_text=True) == (
            '{"a":"Fri, 02 Jan 2026 00:00:00 GMT","b":{"a":2,"b":"x"}}\n'
        )
