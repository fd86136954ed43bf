"""Cut the Levant out of Natural Earth's world TopoJSON and write the small GeoJSON the maps use.

Run once by hand when the base map should change, never during a build::

    cd /tmp && npm install world-atlas
    PYTHONPATH=plugins python -m archive_charts.extract_map \
        /tmp/node_modules/world-atlas/countries-50m.json

The TopoJSON is decoded here in pure Python (quantisation, delta-encoded arcs, reversed arc
indexes), each shared arc is simplified once (Douglas–Peucker) so that neighbours keep the
very same border, then the countries are clipped to ``CLIP_BOX`` and written with
coordinates rounded to 3 decimals (about 100 m).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .geometry import (
    Box,
    Point,
    Ring,
    boxes_intersect,
    clip_ring,
    douglas_peucker,
    ring_area,
    ring_box,
)

logger = logging.getLogger(__name__)

ATTRIBUTION = "Frontières : Natural Earth (domaine public), via le paquet npm world-atlas"

# Geometry is kept inside this box (lon/lat degrees). It is wider than PLACE_EXTENT so that a
# map of a place near the edge of the extent, padded to 4:3 around its labels, never shows
# the straight edges that clipping leaves.
CLIP_BOX: Box = (22.0, 24.0, 54.0, 46.0)
# Places inside this box can be drawn (lon 25–50, lat 27–43: the Levant, Anatolia,
# Mesopotamia, western Iran, northern Arabia, the Nile delta).
PLACE_EXTENT: Box = (25.0, 27.0, 50.0, 43.0)

# ~1 km: borders stay recognisable at the scale of a whole-Syria map, and the extract stays
# well under 150 KB.
DEFAULT_TOLERANCE = 0.01
# Islets under ~10 km² are dropped: invisible at these scales, and each costs bytes.
DEFAULT_MIN_AREA = 0.001

DEFAULT_OUTPUT = Path(__file__).resolve().parent / "data" / "levant.json"


@dataclass(frozen=True)
class CountryName:
    """The ISO 3166-1 alpha-3 code Natural Earth gives a country, and its French name."""

    iso_a3: str | None
    name_fr: str


# Keyed by world-atlas's English `properties.name`, which is unique, because a few
# units (N. Cyprus, Kosovo) have no ISO numeric id there. Natural Earth gives them no ISO
# alpha-3 either ("-99"), kept here as None. A country that enters CLIP_BOX without a line
# here stops the extract: add its French name rather than let an English one through.
COUNTRY_NAMES: Mapping[str, CountryName] = {
    "Albania": CountryName("ALB", "Albanie"),
    "Armenia": CountryName("ARM", "Arménie"),
    "Azerbaijan": CountryName("AZE", "Azerbaïdjan"),
    "Bahrain": CountryName("BHR", "Bahreïn"),
    "Bulgaria": CountryName("BGR", "Bulgarie"),
    "Cyprus": CountryName("CYP", "Chypre"),
    # The next three exist only in the 1:10m file: British sovereign bases and the UN zone.
    "Akrotiri": CountryName(None, "Akrotiri (base britannique)"),
    "Dhekelia": CountryName(None, "Dhekelia (base britannique)"),
    "Cyprus U.N. Buffer Zone": CountryName(None, "Zone tampon de l’ONU à Chypre"),
    # Natural Earth draws de facto lines: the unrecognised north of the island is its own unit.
    "N. Cyprus": CountryName(None, "Chypre du Nord"),
    "Egypt": CountryName("EGY", "Égypte"),
    "Georgia": CountryName("GEO", "Géorgie"),
    "Greece": CountryName("GRC", "Grèce"),
    "Iran": CountryName("IRN", "Iran"),
    # "Irak", not "Iraq": the spelling of the French agencies the archive collects.
    "Iraq": CountryName("IRQ", "Irak"),
    "Israel": CountryName("ISR", "Israël"),
    "Jordan": CountryName("JOR", "Jordanie"),
    "Kazakhstan": CountryName("KAZ", "Kazakhstan"),
    "Kosovo": CountryName(None, "Kosovo"),
    "Kuwait": CountryName("KWT", "Koweït"),
    "Lebanon": CountryName("LBN", "Liban"),
    "Libya": CountryName("LBY", "Libye"),
    "Macedonia": CountryName("MKD", "Macédoine du Nord"),
    "Moldova": CountryName("MDA", "Moldavie"),
    "Montenegro": CountryName("MNE", "Monténégro"),
    "Oman": CountryName("OMN", "Oman"),
    "Palestine": CountryName("PSE", "Palestine"),
    "Qatar": CountryName("QAT", "Qatar"),
    "Romania": CountryName("ROU", "Roumanie"),
    "Russia": CountryName("RUS", "Russie"),
    "Saudi Arabia": CountryName("SAU", "Arabie saoudite"),
    "Serbia": CountryName("SRB", "Serbie"),
    "Sudan": CountryName("SDN", "Soudan"),
    "Syria": CountryName("SYR", "Syrie"),
    "Turkey": CountryName("TUR", "Turquie"),
    "Turkmenistan": CountryName("TKM", "Turkménistan"),
    "Ukraine": CountryName("UKR", "Ukraine"),
    "United Arab Emirates": CountryName("ARE", "Émirats arabes unis"),
    "Uzbekistan": CountryName("UZB", "Ouzbékistan"),
}


class ExtractError(ValueError):
    """The TopoJSON cannot be read, or a country in the box has no French name."""


def decode_arcs(topology: Mapping[str, Any]) -> list[list[Point]]:
    """Decode a topology's arcs to absolute coordinates, undoing quantisation and deltas."""
    raw_arcs = topology.get("arcs")
    if not isinstance(raw_arcs, list):
        raise ExtractError("not a TopoJSON topology: no 'arcs' list")
    transform = topology.get("transform")
    arcs: list[list[Point]] = []
    if transform is None:
        for arc in raw_arcs:
            arcs.append([(float(p[0]), float(p[1])) for p in arc])
        return arcs
    try:
        sx, sy = (float(v) for v in transform["scale"])
        tx, ty = (float(v) for v in transform["translate"])
    except (KeyError, TypeError, ValueError) as exc:
        raise ExtractError(f"malformed TopoJSON transform: {transform!r}") from exc
    for arc in raw_arcs:
        x = y = 0
        points: list[Point] = []
        # A quantised topology's arcs are delta-encoded: each position is relative to the
        # previous one (TopoJSON specification, 2.1.4).
        for position in arc:
            x += position[0]
            y += position[1]
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def ring_from_arcs(indexes: Sequence[int], arcs: Sequence[Sequence[Point]]) -> Ring:
    """Join a ring's arcs; a negative index ``~i`` means arc ``i`` reversed."""
    ring: Ring = []
    for index in indexes:
        arc = list(arcs[index]) if index >= 0 else list(reversed(arcs[~index]))
        # Consecutive arcs share their junction point: keep it once.
        ring.extend(arc[1:] if ring else arc)
    return ring


def _polygons(geometry: Mapping[str, Any]) -> list[list[list[int]]]:
    kind = geometry.get("type")
    if kind == "Polygon":
        return [geometry["arcs"]]
    if kind == "MultiPolygon":
        return list(geometry["arcs"])
    return []  # null geometries and points carry no outline


def _round_ring(ring: Sequence[Point]) -> list[list[float]]:
    out: list[list[float]] = []
    for x, y in ring:
        p = [round(x, 3), round(y, 3)]
        if not out or p != out[-1]:
            out.append(p)
    if len(out) > 1 and out[0] == out[-1]:
        out.pop()
    if len(out) < 3:
        return []
    out.append(list(out[0]))  # GeoJSON rings repeat their first position
    return out


def _oriented(ring: Ring, exterior: bool) -> Ring:
    # RFC 7946: exteriors counter-clockwise, holes clockwise.
    ccw = ring_area(ring) > 0
    return ring if ccw == exterior else list(reversed(ring))


def extract(
    topology: Mapping[str, Any],
    *,
    object_name: str = "countries",
    clip_box: Box = CLIP_BOX,
    tolerance: float = DEFAULT_TOLERANCE,
    min_area: float = DEFAULT_MIN_AREA,
    names: Mapping[str, CountryName] = COUNTRY_NAMES,
) -> list[dict[str, Any]]:
    """Return the GeoJSON features of the countries that enter ``clip_box``, clipped to it."""
    try:
        geometries = topology["objects"][object_name]["geometries"]
    except (KeyError, TypeError) as exc:
        raise ExtractError(f"no geometry collection named {object_name!r}") from exc
    arcs = decode_arcs(topology)
    simplified = [douglas_peucker(arc, tolerance) for arc in arcs]
    features: list[dict[str, Any]] = []
    for geometry in geometries:
        name_en = str((geometry.get("properties") or {}).get("name", ""))
        polygons: list[list[list[list[float]]]] = []
        for polygon in _polygons(geometry):
            rings: list[list[list[float]]] = []
            for position, indexes in enumerate(polygon):
                full = ring_from_arcs(indexes, arcs)
                if not full or not boxes_intersect(ring_box(full), clip_box):
                    if position == 0:
                        break  # exterior outside the box: its holes are too
                    continue
                ring = clip_ring(ring_from_arcs(indexes, simplified), clip_box)
                if abs(ring_area(ring)) < min_area:
                    if position == 0:
                        break
                    continue
                rounded = _round_ring(_oriented(ring, exterior=position == 0))
                if rounded:
                    rings.append(rounded)
                elif position == 0:
                    break
            if rings:
                polygons.append(rings)
        if not polygons:
            continue
        if name_en not in names:
            raise ExtractError(
                f"country {name_en!r} enters the box but has no French name: "
                "add it to COUNTRY_NAMES in archive_charts/extract_map.py"
            )
        name = names[name_en]
        iso_n3 = geometry.get("id")
        features.append(
            {
                "type": "Feature",
                "id": name.iso_a3 or name_en,
                "properties": {
                    "name": name.name_fr,
                    "name_en": name_en,
                    "iso_a3": name.iso_a3,
                    "iso_n3": str(iso_n3) if iso_n3 is not None else None,
                },
                "geometry": {"type": "MultiPolygon", "coordinates": polygons},
            }
        )
        logger.debug("kept %s: %s polygon(s)", name_en, len(polygons))
    features.sort(key=lambda f: f["properties"]["name_en"])
    return features


def render_extract(
    features: Sequence[Mapping[str, Any]],
    *,
    source: Mapping[str, Any],
    clip_box: Box = CLIP_BOX,
    extent: Box = PLACE_EXTENT,
    tolerance: float = DEFAULT_TOLERANCE,
) -> str:
    """Serialise the extract: one feature a line, so that a regenerated file diffs readably."""
    compact: dict[str, Any] = {"separators": (",", ":"), "ensure_ascii": False}
    header = {
        "type": "FeatureCollection",
        "attribution": ATTRIBUTION,
        "source": dict(source),
        "bbox": list(clip_box),
        "extent": list(extent),
        "simplification_tolerance_degrees": tolerance,
    }
    head = json.dumps(header, **compact)[:-1]  # reopen the object to append the features
    lines = [json.dumps(feature, **compact) for feature in features]
    return head + ',"features":[\n' + ",\n".join(lines) + "\n]}\n"


def _source_description(path: Path) -> dict[str, Any]:
    package = path.parent / "package.json"
    version = None
    if package.is_file():
        try:
            version = json.loads(package.read_text(encoding="utf-8")).get("version")
        except (OSError, ValueError):
            logger.warning("cannot read %s; the extract will not record the version", package)
    return {
        "package": "world-atlas",
        "version": version,
        "file": path.name,
        "data": "Natural Earth Admin 0 countries (public domain)",
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Read a world-atlas countries TopoJSON and write the Levant extract."""
    parser = argparse.ArgumentParser(
        prog="python -m archive_charts.extract_map", description=__doc__
    )
    parser.add_argument("topojson", type=Path, help="world-atlas countries-50m.json (or -10m)")
    parser.add_argument("-o", "--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--tolerance", type=float, default=DEFAULT_TOLERANCE, help="degrees")
    parser.add_argument("--min-area", type=float, default=DEFAULT_MIN_AREA, help="square degrees")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
    try:
        topology = json.loads(args.topojson.read_text(encoding="utf-8"))
        features = extract(topology, tolerance=args.tolerance, min_area=args.min_area)
    except (OSError, ValueError) as exc:
        logger.error("cannot extract %s: %s", args.topojson, exc)
        return 1
    text = render_extract(
        features, source=_source_description(args.topojson), tolerance=args.tolerance
    )
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8")
    logger.info(
        "wrote %s: %s countries, %s bytes", args.output, len(features), len(text.encode("utf-8"))
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
