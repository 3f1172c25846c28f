"""Stored JSON is decoded with orjson, falling back to the standard library where it refuses."""

import json
import math

from hypothesis import given, settings
from hypothesis import strategies as st

from directory.store.documents import LazyDocument, decode


def test_decode_reads_what_json_dumps_wrote():
    assert decode('{"name": "Clinique", "needs": ["medical"], "lat": -1.68}') == {
        "name": "Clinique",
        "needs": ["medical"],
        "lat": -1.68,
    }
    assert math.isnan(decode('{"x": NaN}')["x"])  # json.dumps writes NaN; orjson refuses it
    assert decode('{"n": 123456789012345678901234567890}')["n"] == 123456789012345678901234567890


def test_a_lazy_document_is_decoded_once():
    doc = LazyDocument('{"id": "a"}')
    assert doc.get() is doc.get() == {"id": "a"}


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=300)
@given(JSON_VALUES)
def test_decode_agrees_with_the_standard_library(value):
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    expected = json.loads(text)
    # NaN is never equal to itself: compare the texts the two decodings give back.
    assert json.dumps(decode(text), sort_keys=True) == json.dumps(expected, sort_keys=True)
    assert type(decode(text)) is type(expected)
