"""Load the committed Levant extract (``data/levant.json``) into immutable country outlines."""

from __future__ import annotations

import functools
import json
import logging
from dataclasses import dataclass
from importlib import resources
from typing import Any

from .geometry import Box, Point, ring_box

logger = logging.getLogger(__name__)

DATA_FILE = "levant.json"


class BaseMapError(ValueError):
    """The committed extract is missing or malformed: regenerate it with extract_map."""


@dataclass(frozen=True)
class Country:
    """One country of the extract: its codes, French name and rings in lon/lat degrees."""

    key: str
    name: str
    iso_a3: str | None
    iso_n3: str | None
    # Every ring of every polygon, exteriors and holes alike: the renderer fills with the
    # even-odd rule, so a hole needs no special treatment.
    rings: tuple[tuple[Point, ...], ...]
    box: Box


@dataclass(frozen=True)
class BaseMap:
    """The extract: countries, the box they were clipped to and the box places may lie in."""

    countries: tuple[Country, ...]
    bbox: Box
    extent: Box
    attribution: str

    def country(self, iso_a3: str) -> Country | None:
        """Return the country with this ISO alpha-3 code, if the extract has it."""
        for country in self.countries:
            if country.iso_a3 == iso_a3:
                return country
        return None

    def in_extent(self, lon: float, lat: float) -> bool:
        """Tell whether a point lies in the box where places can be drawn."""
        min_lon, min_lat, max_lon, max_lat = self.extent
        return min_lon <= lon <= max_lon and min_lat <= lat <= max_lat


def _box(value: Any, what: str) -> Box:
    if not (isinstance(value, list) and len(value) == 4):
        raise BaseMapError(f"{what} must be [min_lon, min_lat, max_lon, max_lat], got {value!r}")
    a, b, c, d = (float(v) for v in value)
    return (a, b, c, d)


def parse_basemap(data: Any) -> BaseMap:
    """Validate the decoded extract and build a BaseMap."""
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise BaseMapError("the extract is not a FeatureCollection")
    attribution = data.get("attribution")
    if not isinstance(attribution, str) or not attribution:
        # Natural Earth asks for nothing, but the site promises to say where borders come from.
        raise BaseMapError("the extract has no attribution text")
    countries: list[Country] = []
    for feature in data.get("features", []):
        try:
            props = feature["properties"]
            rings = tuple(
                tuple((float(x), float(y)) for x, y in ring)
                for polygon in feature["geometry"]["coordinates"]
                for ring in polygon
            )
            key = str(feature["id"])
            name = str(props["name"])
        except (KeyError, TypeError, ValueError) as exc:
            raise BaseMapError(f"malformed feature {feature.get('id')!r}: {exc}") from exc
        rings = tuple(ring for ring in rings if len(ring) >= 4)
        if not rings:
            continue
        boxes = [ring_box(ring) for ring in rings]
        box = (
            min(b[0] for b in boxes),
            min(b[1] for b in boxes),
            max(b[2] for b in boxes),
            max(b[3] for b in boxes),
        )
        countries.append(Country(key, name, props.get("iso_a3"), props.get("iso_n3"), rings, box))
    if not countries:
        raise BaseMapError("the extract has no country")
    return BaseMap(
        countries=tuple(countries),
        bbox=_box(data.get("bbox"), "bbox"),
        extent=_box(data.get("extent"), "extent"),
        attribution=attribution,
    )


@functools.cache
def load_basemap() -> BaseMap:
    """Load and cache the committed extract."""
    source = resources.files(__package__ or "archive_charts") / "data" / DATA_FILE
    try:
        data = json.loads(source.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BaseMapError(f"cannot read the map extract {source}: {exc}") from exc
    basemap = parse_basemap(data)
    logger.debug("loaded %s countries from %s", len(basemap.countries), source)
    return basemap
