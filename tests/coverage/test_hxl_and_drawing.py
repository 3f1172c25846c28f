"""CSV with HXL hashtags, and the SVG pictures."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET

import pytest

from directory.coverage import drawing
from directory.coverage.hxl import Column, to_csv
from directory.coverage.tables import COLUMNS

SVG = "{http://www.w3.org/2000/svg}"


def test_csv_has_a_header_row_then_hashtags_then_data():
    columns = [Column("name", "organization", "#org+name"), Column("n", "count", "#indicator+num")]
    text = to_csv(columns, [{"name": "=HYPERLINK(1)", "n": 3}, {"name": "Haki", "n": None}])
    rows = list(csv.reader(io.StringIO(text)))
    assert rows == [["organization", "count"], ["#org+name", "#indicator+num"],
                    ["'=HYPERLINK(1)", "3"], ["Haki", ""]]  # fmt: skip


@pytest.mark.parametrize("bad", ["org", "#Org", "#org+", "#org name", "#1org"])
def test_hashtags_are_checked(bad):
    with pytest.raises(ValueError):
        Column("x", "x", bad)


def test_every_table_has_unique_keys_and_valid_hashtags():
    for columns in COLUMNS.values():
        assert len({c.key for c in columns}) == len(columns)
        assert all(c.hashtag.startswith("#") for c in columns)


def test_simplify_keeps_the_shape_within_tolerance():
    ring = [(0.0, 0.0), (1.0, 0.001), (2.0, 0.0), (2.0, 2.0), (1.0, 2.5), (0.0, 2.0), (0.0, 0.0)]
    assert drawing.simplify(ring, 0.01) == [(0.0, 0.0), (2.0, 0.0), (2.0, 2.0), (1.0, 2.5),
                                            (0.0, 2.0), (0.0, 0.0)]  # fmt: skip
    outline = drawing.drc_outline()
    assert 100 < sum(len(r) for r in outline) < 2000  # 15,853 points in the file


def test_map_is_standalone_svg_with_a_dot_per_place():
    dots = [(-1.68, 29.22, 0), (-4.32, 15.31, 4), (1.56, 30.25, 5)]
    svg = drawing.gap_map("Carte <test>", dots, ["a", "b", "c", "d", "e", "f"], "desc & more")
    root = ET.fromstring(svg)
    assert root.tag == SVG + "svg" and root.find(SVG + "title").text == "Carte <test>"
    assert "<script" not in svg and "style=" not in svg and "href" not in svg
    dot_paths = [p for p in root.iter(SVG + "path") if p.get("stroke-linecap") == "round"]
    assert sorted(p.get("stroke") for p in dot_paths) == sorted(
        drawing.BAND_COLOURS[b] for b in (0, 4, 5)
    )


def test_bars_are_proportional():
    svg = drawing.stacked_bars(
        "t", [("Ituri", [1, 1, 0, 0, 2, 0]), ("Vide", [0] * 6)], list("abcdef"), "d"
    )
    root = ET.fromstring(svg)
    widths = [
        float(r.get("width")) for r in root.iter(SVG + "rect") if r.find(SVG + "title") is not None
    ]
    assert widths == pytest.approx([130.0, 130.0, 260.0], abs=0.1)
