"""The server-drawn map: offline border, fitted view, numbered places, tiles only if set."""

from __future__ import annotations

from directory.pages.workspace import svgmap

GOMA = (-1.6792, 29.2228)


def test_the_border_is_simplified_once_and_cut_to_the_view():
    full = sum(len(r) for r in svgmap._rings())
    coarse = svgmap.simplified(svgmap.TOLERANCES_DEG[-1])
    assert sum(len(r) for r in coarse) < full / 10
    assert svgmap.simplified(svgmap.TOLERANCES_DEG[-1]) is coarse  # cached
    country = svgmap.draw([svgmap.Marker(1, -4.32, 15.31, "Kinshasa"),
                           svgmap.Marker(2, *GOMA, "Goma")], None)  # fmt: skip
    local = svgmap.draw([svgmap.Marker(1, *GOMA, "a", "stop")], (-1.68, 29.22))
    assert country is not None and local is not None
    assert country.inset_box is None and local.inset_box is not None
    assert len(local.border) < 20_000 and country.border.startswith("M")
    assert svgmap.MIN_HEIGHT - 1 <= local.height <= svgmap.MAX_HEIGHT + 1


def test_points_fall_inside_the_view_and_the_search_point_is_drawn():
    markers = [svgmap.Marker(1, *GOMA, "a"), svgmap.Marker(2, -1.685, 29.23, "b", "stop")]
    shape = svgmap.draw(markers, (-1.68, 29.22))
    assert shape is not None and shape.search is not None
    for x, y, _ in shape.markers:
        assert 0 <= x <= shape.width and 0 <= y <= shape.height
    assert 0 <= shape.search[0] <= shape.width
    assert svgmap.draw([], None) is None


def test_tiles_only_when_configured():
    markers = [svgmap.Marker(1, *GOMA, "a")]
    assert svgmap.draw(markers, None).tiles == []
    tiles = svgmap.draw(markers, None, "/tiles/{z}/{x}/{y}.png").tiles
    assert tiles and all(url.startswith("/tiles/") for url, *_ in tiles)
