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


def test_towns_are_named_and_a_scale_bar_gives_distances():
    from matching.geo import distance_km

    bukavu, uvira = (-2.45, 28.80), (-3.48, 29.20)  # services a few km from the towns
    shape = svgmap.draw([svgmap.Marker(1, *bukavu, "a"), svgmap.Marker(2, *uvira, "b")], None)
    assert shape is not None
    names = [name for _x, _y, name in shape.labels]
    assert "Bukavu" in names and "Uvira" in names and len(names) <= svgmap.MAX_LABELS
    for x, y, _ in shape.labels:
        assert 0 <= x <= shape.width and 0 <= y <= shape.height
    width, height = svgmap.LABEL_BOX
    boxes = [(x - 3, y - height, x + width, y + 3) for x, y, _ in shape.labels]
    for i, box in enumerate(boxes):  # no two labels on top of each other
        assert not any(svgmap._overlap(box, other) for other in boxes[i + 1 :])
    length, words = shape.scale
    km = float(words.split()[0])
    # The bar's length on the map is that many km: check against two markers' true distance.
    (ax, ay, _), (bx, by, _) = shape.markers
    true_km = distance_km(*bukavu, *uvira)
    per_unit = true_km / ((ax - bx) ** 2 + (ay - by) ** 2) ** 0.5
    assert abs(km - length * per_unit) / km < 0.05
    assert length <= svgmap.SCALE_MAX


def test_a_close_view_names_villages_and_measures_in_metres_or_km():
    shape = svgmap.draw([svgmap.Marker(1, *GOMA, "a")], (-1.68, 29.22))
    assert shape is not None and shape.labels
    assert shape.scale[1].endswith(" m") or shape.scale[1].endswith(" km")
