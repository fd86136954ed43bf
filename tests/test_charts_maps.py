"""Place maps and the overview map: content, escaping, accessibility, determinism."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from archive_charts.maps import (
    MapPlace,
    OverviewMap,
    dot_radius,
    is_mappable,
    overview_map_svg,
    place_map_svg,
)
from archive_charts.svg import ChartError

NS = {"svg": "http://www.w3.org/2000/svg"}

SYRIAN_PLACES = [
    MapPlace("idleb", "Idleb", 35.93, 36.63, "/lieux/idleb/", 340),
    MapPlace("alep", "Alep", 36.20, 37.16, "/lieux/alep/", 800),
    MapPlace("damas", "Damas", 33.51, 36.29, "/lieux/damas/", 610),
    MapPlace("raqa", "Raqa", 35.95, 39.01, "/lieux/raqa/", 290),
    MapPlace("deir-ezzor", "Deir Ezzor", 35.33, 40.14, "/lieux/deir-ezzor/", 150),
    MapPlace("homs", "Homs", 34.73, 36.72, "/lieux/homs/", 210),
    MapPlace("deraa", "Deraa", 32.62, 36.10, "/lieux/deraa/", 200),
    MapPlace("lattaquie", "Lattaquié", 35.52, 35.78, "/lieux/lattaquie/", 60),
]
BY_SLUG = {p.slug: p for p in SYRIAN_PLACES}
PARIS = MapPlace("paris", "Paris", 48.85, 2.35, "/lieux/paris/", 120)
NEW_YORK = MapPlace("new-york", "New York", 40.71, -74.01, "/lieux/new-york/", 30)


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def _idleb_map() -> str:
    neighbours = [BY_SLUG[s] for s in ("alep", "lattaquie", "homs", "raqa")]
    return place_map_svg(BY_SLUG["idleb"], neighbours, title="Idleb sur la carte")


def _label_positions(root: ET.Element) -> dict[str, tuple[float, float]]:
    return {
        "".join(t.itertext()): (float(t.attrib["x"]), float(t.attrib["y"]))
        for t in root.iter("{http://www.w3.org/2000/svg}text")
    }


def _dot_positions(root: ET.Element) -> dict[str, tuple[float, float, float]]:
    """Map each dot's tooltip to (cx, cy, r)."""
    out = {}
    for circle in root.iter("{http://www.w3.org/2000/svg}circle"):
        title = circle.find("svg:title", NS)
        if title is not None and title.text:
            out[title.text] = (
                float(circle.attrib["cx"]),
                float(circle.attrib["cy"]),
                float(circle.attrib["r"]),
            )
    return out


def test_place_map_is_accessible_well_formed_svg() -> None:
    root = _parse(_idleb_map())
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.attrib["role"] == "img"
    assert root.attrib["viewBox"] == "0 0 480 360"
    title = root.find("svg:title", NS)
    desc = root.find("svg:desc", NS)
    assert title is not None and title.text == "Idleb sur la carte"
    assert desc is not None and desc.text is not None
    assert root.attrib["aria-labelledby"] == title.attrib["id"]
    assert root.attrib["aria-describedby"] == desc.attrib["id"]
    assert "Idleb" in desc.text and "Natural Earth" in desc.text
    assert "Carte de situation" in desc.text


def test_place_map_marks_the_place_and_its_neighbours() -> None:
    svg = _idleb_map()
    root = _parse(svg)
    labels = _label_positions(root)
    assert "Idleb" in labels
    assert {"Alep", "Lattaquié", "Homs", "Raqa"} <= set(labels)
    assert 'class="chart-dot chart-dot--main"' in svg
    assert 'href="/lieux/alep/"' in svg
    # The current place is not a link to itself.
    assert 'href="/lieux/idleb/"' not in svg


def test_place_map_is_north_up_and_west_left() -> None:
    root = _parse(place_map_svg(BY_SLUG["homs"], SYRIAN_PLACES, title="Homs"))
    dots = _dot_positions(root)
    alep, damas = dots["Alep — 800 dépêches"], dots["Damas — 610 dépêches"]
    lattaquie, deir = dots["Lattaquié — 60 dépêches"], dots["Deir Ezzor — 150 dépêches"]
    assert damas[1] > alep[1]  # Damascus is south of Aleppo: lower on the page
    assert lattaquie[0] < deir[0]  # Latakia is west of Deir ez-Zor


def test_place_map_emphasises_syria_and_shows_scale_and_attribution() -> None:
    svg = _idleb_map()
    assert re.search(r'<path class="chart-country chart-country--focus" data-iso="SYR" d="M', svg)
    root = _parse(svg)
    texts = list(_label_positions(root))
    assert any(re.fullmatch(r"[\d\u202f]+ km", t) for t in texts)
    assert any("Natural Earth" in t for t in texts)


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script>",
        'Alep" onload="alert(1)',
        "Tell Abyad & <b>Kobané</b>",
    ],
)
def test_place_map_escapes_names_and_title(hostile: str) -> None:
    place = MapPlace("x", hostile, 36.2, 37.16, None, 3)
    neighbour = MapPlace("y", hostile + " 2", 35.9, 36.6, "/lieux/y/?a=1&b=2", 1)
    svg = place_map_svg(place, [neighbour], title=hostile)
    assert "<script" not in svg and "<b>" not in svg
    root = _parse(svg)  # still well-formed
    title = root.find("svg:title", NS)
    assert title is not None and title.text == hostile
    assert hostile in _label_positions(root)
    assert 'href="/lieux/y/?a=1&amp;b=2"' in svg


@pytest.mark.parametrize(
    "href", ["javascript:alert(1)", " javascript:alert(1)", "JaVaScRiPt:x", "data:text/html,x"]
)
def test_unsafe_links_are_refused(href: str) -> None:
    neighbour = MapPlace("y", "Y", 35.9, 36.6, href, 1)
    with pytest.raises(ChartError):
        place_map_svg(BY_SLUG["alep"], [neighbour], title="t")


def test_place_map_is_deterministic_whatever_the_neighbour_order() -> None:
    neighbours = [p for p in SYRIAN_PLACES if p.slug != "alep"]
    first = place_map_svg(BY_SLUG["alep"], neighbours, title="Alep")
    again = place_map_svg(BY_SLUG["alep"], list(reversed(neighbours)), title="Alep")
    assert first == again
    assert first.encode() == place_map_svg(BY_SLUG["alep"], neighbours, title="Alep").encode()


def test_place_map_uses_no_inline_style() -> None:
    svg = _idleb_map() + overview_map_svg(SYRIAN_PLACES, title="t").svg
    assert "style=" not in svg and "<style" not in svg and "<script" not in svg


def test_place_map_leaves_out_far_neighbours_and_itself() -> None:
    svg = place_map_svg(
        BY_SLUG["damas"], [PARIS, BY_SLUG["damas"], BY_SLUG["deraa"]], title="Damas"
    )
    assert "Paris" not in svg
    assert _label_positions(_parse(svg)).keys() >= {"Damas", "Deraa"}
    assert svg.count("chart-dot--main") == 1


def test_place_map_alone_has_a_minimum_extent() -> None:
    root = _parse(place_map_svg(BY_SLUG["raqa"], [], title="Raqa"))
    desc = root.find("svg:desc", NS)
    assert desc is not None and desc.text is not None
    width_km = int(re.search(r"environ ([\d\u202f]+) km", desc.text).group(1).replace("\u202f", ""))  # type: ignore[union-attr]
    assert 250 <= width_km <= 600


def test_place_outside_the_region_is_refused() -> None:
    assert not is_mappable(PARIS)
    with pytest.raises(ChartError, match="outside"):
        place_map_svg(PARIS, [], title="Paris")


@pytest.mark.parametrize(
    ("slug", "expected"), [("alep", "carte-alep"), ("Tell Abyad/é", "carte-tell-abyad")]
)
def test_place_map_ids_come_from_the_slug(slug: str, expected: str) -> None:
    svg = place_map_svg(MapPlace(slug, "X", 36.2, 37.16), [], title="t")
    assert f'id="{expected}-titre"' in svg


def test_overview_omits_far_places_and_keeps_the_rest() -> None:
    result = overview_map_svg([*SYRIAN_PLACES, PARIS, NEW_YORK], title="Lieux cités")
    assert isinstance(result, OverviewMap)
    assert result.omitted == (PARIS, NEW_YORK)
    assert result.drawn == tuple(SYRIAN_PLACES)
    assert "Paris" not in result.svg
    _parse(result.svg)


def test_overview_sizes_dots_by_count() -> None:
    root = _parse(overview_map_svg(SYRIAN_PLACES, title="Lieux cités").svg)
    dots = _dot_positions(root)
    alep = dots["Alep — 800 dépêches"][2]
    deraa = dots["Deraa — 200 dépêches"][2]
    homs = dots["Homs — 210 dépêches"][2]
    # Area proportional to count: 4 times the dispatches, twice the radius.
    assert alep / deraa == pytest.approx(2.0, rel=0.01)
    assert deraa < homs < alep


def test_overview_dots_are_links_with_tooltips() -> None:
    svg = overview_map_svg(SYRIAN_PLACES, title="t").svg
    assert '<a href="/lieux/alep/" tabindex="-1"><circle' in svg
    assert "<title>Lattaquié — 60 dépêches</title>" in svg


@pytest.mark.parametrize(
    ("count", "tooltip"),
    [
        (1, "Saraqeb — 1 dépêche"),
        (0, "Saraqeb — 0 dépêche"),
        (1200, "Saraqeb — 1\u202f200 dépêches"),
    ],
)
def test_overview_tooltip_wording(count: int, tooltip: str) -> None:
    place = MapPlace("saraqeb", "Saraqeb", 35.86, 36.8, None, count)
    svg = overview_map_svg([place, BY_SLUG["alep"]], title="t").svg
    assert f"<title>{tooltip}</title>" in svg


@pytest.mark.parametrize(
    ("count", "max_count", "expected"),
    [(100, 100, 14.0), (25, 100, 7.0), (0, 100, 2.5), (1, 10_000, 2.5), (5, 0, 2.5)],
)
def test_dot_radius(count: int, max_count: int, expected: float) -> None:
    assert dot_radius(count, max_count) == pytest.approx(expected)


def test_overview_fits_syria_even_without_places() -> None:
    result = overview_map_svg([PARIS], title="t")
    assert result.drawn == () and result.omitted == (PARIS,)
    assert 'data-iso="SYR"' in result.svg


def test_labels_stay_inside_the_frame() -> None:
    root = _parse(overview_map_svg(SYRIAN_PLACES, title="t").svg)
    for x, y in _label_positions(root).values():
        assert 0 <= x <= 480 and 0 <= y <= 360


def test_real_places_render(tmp_path: Path) -> None:
    """Write the maps a person should look at (see docs/charts.md for the screenshot)."""
    neighbours = [BY_SLUG[s] for s in ("alep", "lattaquie", "homs", "raqa")]
    place = place_map_svg(BY_SLUG["idleb"], neighbours, title="Idleb")
    overview = overview_map_svg([*SYRIAN_PLACES, PARIS], title="Lieux cités")
    (tmp_path / "idleb.svg").write_text(place, encoding="utf-8")
    (tmp_path / "overview.svg").write_text(overview.svg, encoding="utf-8")
    for svg in (place, overview.svg):
        root = _parse(svg)
        paths = root.findall(".//svg:path", NS)
        assert len(paths) >= 3  # several countries drawn
        assert all(
            math.isfinite(float(n)) for n in re.findall(r"-?\d+(?:\.\d+)?", root.attrib["viewBox"])
        )
    assert len(overview.svg) < 40_000
