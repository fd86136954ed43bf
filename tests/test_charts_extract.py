"""The Levant extract: TopoJSON decoding, simplification, clipping, and the committed file."""

from __future__ import annotations

import json
import os
import subprocess
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from archive_charts.basemap import BaseMapError, load_basemap, parse_basemap
from archive_charts.extract_map import (
    ATTRIBUTION,
    CountryName,
    ExtractError,
    decode_arcs,
    extract,
    render_extract,
    ring_from_arcs,
)

EXTRACT = resources.files("archive_charts") / "data" / "levant.json"


def _tiny_topology() -> dict[str, Any]:
    """Two unit squares side by side sharing one arc, quantised with scale 1 and delta-encoded.

    Arc 0 is the shared edge x=30 from (30, 30) up to (30, 31); arc 1 goes round the west
    square, arc 2 round the east one.
    """
    return {
        "type": "Topology",
        "transform": {"scale": [1, 1], "translate": [0, 0]},
        "arcs": [
            [[30, 30], [0, 1]],
            [[30, 31], [-1, 0], [0, -1], [1, 0]],
            [[30, 30], [1, 0], [0, 1], [-1, 0]],
        ],
        "objects": {
            "countries": {
                "type": "GeometryCollection",
                "geometries": [
                    {
                        "type": "Polygon",
                        "id": "001",
                        "properties": {"name": "West"},
                        "arcs": [[0, 1]],
                    },
                    {
                        "type": "Polygon",
                        "id": "002",
                        "properties": {"name": "East"},
                        "arcs": [[2, -1]],
                    },
                    {"type": None, "properties": {"name": "Nowhere"}},
                ],
            }
        },
    }


NAMES = {"West": CountryName("WST", "Ouestie"), "East": CountryName("EST", "Estie")}


def test_decode_arcs_undoes_deltas_and_transform() -> None:
    topology = {
        "arcs": [[[10, 20], [2, 3], [-1, 0]]],
        "transform": {"scale": [0.5, 2], "translate": [1, -1]},
    }
    assert decode_arcs(topology) == [[(6.0, 39.0), (7.0, 45.0), (6.5, 45.0)]]


def test_decode_arcs_without_transform_keeps_positions() -> None:
    assert decode_arcs({"arcs": [[[1.5, 2.5], [3, 4]]]}) == [[(1.5, 2.5), (3.0, 4.0)]]


@pytest.mark.parametrize(
    ("indexes", "expected"),
    [
        ([0], [(0.0, 0.0), (1.0, 0.0)]),
        ([-1], [(1.0, 0.0), (0.0, 0.0)]),  # ~0 == -1: arc 0 reversed
        ([0, 1], [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0)]),  # the junction point once
        ([~1, ~0], [(1.0, 1.0), (1.0, 0.0), (0.0, 0.0)]),
    ],
)
def test_ring_from_arcs(indexes: list[int], expected: list[tuple[float, float]]) -> None:
    arcs = [[(0.0, 0.0), (1.0, 0.0)], [(1.0, 0.0), (1.0, 1.0)]]
    assert ring_from_arcs(indexes, arcs) == expected


def test_extract_keeps_countries_in_the_box_with_shared_border() -> None:
    features = extract(
        _tiny_topology(), clip_box=(0, 0, 100, 100), tolerance=0, min_area=0, names=NAMES
    )
    by_id = {f["id"]: f for f in features}
    assert set(by_id) == {"WST", "EST"}
    assert by_id["WST"]["properties"] == {
        "name": "Ouestie",
        "name_en": "West",
        "iso_a3": "WST",
        "iso_n3": "001",
    }
    west = by_id["WST"]["geometry"]["coordinates"][0][0]
    east = by_id["EST"]["geometry"]["coordinates"][0][0]
    assert west[0] == west[-1] and east[0] == east[-1]  # closed GeoJSON rings
    assert {(29.0, 30.0), (30.0, 30.0), (30.0, 31.0), (29.0, 31.0)} == {tuple(p) for p in west}
    assert [30.0, 31.0] in east and [30.0, 30.0] in east


def test_extract_clips_to_the_box() -> None:
    features = extract(
        _tiny_topology(), clip_box=(0, 0, 29.5, 100), tolerance=0, min_area=0, names=NAMES
    )
    assert [f["id"] for f in features] == ["WST"]
    xs = [p[0] for p in features[0]["geometry"]["coordinates"][0][0]]
    assert max(xs) == 29.5


def test_extract_refuses_a_country_without_french_name() -> None:
    with pytest.raises(ExtractError, match="West"):
        extract(_tiny_topology(), clip_box=(0, 0, 100, 100), names={"East": NAMES["East"]})


def test_rendered_extract_is_json_with_attribution() -> None:
    features = extract(
        _tiny_topology(), clip_box=(0, 0, 100, 100), tolerance=0, min_area=0, names=NAMES
    )
    text = render_extract(features, source={"package": "world-atlas"}, clip_box=(0, 0, 100, 100))
    data = json.loads(text)
    assert data["attribution"] == ATTRIBUTION
    assert len(data["features"]) == 2
    basemap = parse_basemap(data)
    assert basemap.country("EST") is not None


def test_committed_extract_is_small() -> None:
    assert len(EXTRACT.read_bytes()) < 150_000


def test_committed_extract_has_syria_with_plausible_box() -> None:
    basemap = load_basemap()
    syria = basemap.country("SYR")
    assert syria is not None
    assert syria.name == "Syrie"
    min_lon, min_lat, max_lon, max_lat = syria.box
    assert 35.4 < min_lon < 36.0 and 41.8 < max_lon < 42.6
    assert 32.0 < min_lat < 32.6 and 37.0 < max_lat < 37.6
    assert "Natural Earth" in basemap.attribution and "world-atlas" in basemap.attribution


@pytest.mark.parametrize(
    ("iso", "name"),
    [
        ("TUR", "Turquie"),
        ("IRQ", "Irak"),
        ("LBN", "Liban"),
        ("JOR", "Jordanie"),
        ("ISR", "Israël"),
        ("PSE", "Palestine"),
        ("CYP", "Chypre"),
        ("EGY", "Égypte"),
        ("IRN", "Iran"),
        ("SAU", "Arabie saoudite"),
    ],
)
def test_committed_extract_has_the_neighbours_in_french(iso: str, name: str) -> None:
    country = load_basemap().country(iso)
    assert country is not None and country.name == name


def test_committed_extract_coordinates_have_three_decimals() -> None:
    data = json.loads(EXTRACT.read_text(encoding="utf-8"))
    for feature in data["features"]:
        for polygon in feature["geometry"]["coordinates"]:
            for ring in polygon:
                assert ring[0] == ring[-1]
                for lon, lat in ring:
                    assert round(lon, 3) == lon and round(lat, 3) == lat


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"type": "FeatureCollection", "features": []},
        {
            "type": "FeatureCollection",
            "attribution": "x",
            "bbox": [0, 0, 1, 1],
            "extent": [0, 0, 1, 1],
            "features": [],
        },
        {
            "type": "FeatureCollection",
            "attribution": "x",
            "bbox": [0, 0, 1, 1],
            "extent": [0, 0, 1, 1],
            "features": [{"id": "A", "properties": {}, "geometry": {"coordinates": []}}],
        },
    ],
)
def test_malformed_extract_is_refused(data: dict[str, Any]) -> None:
    with pytest.raises(BaseMapError):
        parse_basemap(data)


def test_committed_extract_regenerates_identically() -> None:
    """Golden check: the committed file is what the script makes from world-atlas 10m.

    Needs the npm package: `cd /tmp && npm install world-atlas`, then
    WORLD_ATLAS_DIR=/tmp/node_modules/world-atlas.
    """
    root = Path(__file__).resolve().parent.parent
    directory = os.environ.get("WORLD_ATLAS_DIR") or str(root / "node_modules" / "world-atlas")
    if not (Path(directory) / "countries-10m.json").is_file():
        # package.json lists world-atlas with the other test-only npm packages.
        subprocess.run(["npm", "install", "--no-audit", "--no-fund"], cwd=root, check=True, timeout=600)
    source = Path(directory) / "countries-10m.json"
    features = extract(json.loads(source.read_text(encoding="utf-8")))
    committed = json.loads(EXTRACT.read_text(encoding="utf-8"))
    assert features == committed["features"]
