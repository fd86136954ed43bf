"""Static SVG maps of places: one place among its neighbours, and all places at once.

Equirectangular projection with a cos(latitude) correction at the centre of the view: at
the scale of a few hundred kilometres the distortion is invisible, and the scale bar is
true at the centre. Outlines come from the committed Natural Earth extract
(``data/levant.json``); nothing is fetched and no script runs in the page.

Links inside the maps are pointer shortcuts only (``tabindex="-1"``): a ``role="img"`` SVG
hides its content from assistive technology, so the template must list the same places as
ordinary HTML links.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .basemap import BaseMap, Country, load_basemap
from .geometry import (
    Box,
    Point,
    Ring,
    boxes_intersect,
    clip_ring,
    douglas_peucker,
    label_point,
    point_in_ring,
    ring_area,
    ring_box,
)
from .labels import depeches, number_fr
from .svg import ChartError, attr, id_token, num, safe_href, svg_open, text

logger = logging.getLogger(__name__)

WIDTH = 480
HEIGHT = 360
FOCUS_COUNTRY = "SYR"  # drawn emphasised on every map: the archive is about Syria

KM_PER_DEGREE = 111.32
# A place map never shows less than this many degrees of latitude (~270 km): enough to
# recognise where the place is even when it has no neighbour.
MIN_SPAN_LAT = 2.4
# Outlines are re-simplified in pixels: the extract is finer than an overview needs.
PIXEL_TOLERANCE = 0.35

MAIN_FONT = 13.0
PLACE_FONT = 10.0
COUNTRY_FONT = 9.5
ATTRIBUTION_FONT = 7.5
MAIN_RADIUS = 4.5
NEIGHBOUR_RADIUS = 2.8
OVERVIEW_MIN_RADIUS = 2.5
OVERVIEW_MAX_RADIUS = 14.0

# Average advance of a character, in ems, for the sans-serif faces the theme uses; the
# label placement only needs to be roughly right (a little too wide is the safe side).
CHAR_EM = 0.6
CAPS_EM = 0.72


@dataclass(frozen=True)
class MapPlace:
    """A place to draw: ``count`` is the number of dispatches that mention it."""

    slug: str
    name: str
    lat: float
    lon: float
    href: str | None = None
    count: int = 0


@dataclass(frozen=True)
class OverviewMap:
    """The overview's SVG, the places drawn on it, and those left for the caller to list."""

    svg: str
    drawn: tuple[MapPlace, ...]
    omitted: tuple[MapPlace, ...]


@dataclass(frozen=True)
class _View:
    lon0: float
    lat0: float
    k: float  # pixels per degree of latitude
    cos0: float

    def project(self, lon: float, lat: float) -> Point:
        return (
            WIDTH / 2 + (lon - self.lon0) * self.cos0 * self.k,
            HEIGHT / 2 - (lat - self.lat0) * self.k,  # north up: SVG's y grows downwards
        )

    def geo_box(self, margin_px: float = 0.0) -> Box:
        half_lon = (WIDTH / 2 + margin_px) / (self.k * self.cos0)
        half_lat = (HEIGHT / 2 + margin_px) / self.k
        return (
            self.lon0 - half_lon,
            self.lat0 - half_lat,
            self.lon0 + half_lon,
            self.lat0 + half_lat,
        )

    @property
    def km_per_px(self) -> float:
        return KM_PER_DEGREE / self.k


class _Layout:
    """Boxes already taken on the canvas; a label that would overlap one is skipped."""

    def __init__(self) -> None:
        self.taken: list[Box] = []

    def free(self, box: Box) -> bool:
        x0, y0, x1, y1 = box
        if x0 < 2 or y0 < 2 or x1 > WIDTH - 2 or y1 > HEIGHT - 2:
            return False
        return not any(boxes_intersect(box, other) for other in self.taken)

    def take(self, box: Box) -> None:
        self.taken.append(box)


def is_mappable(place: MapPlace, basemap: BaseMap | None = None) -> bool:
    """Tell whether a place lies in the region the maps can show."""
    basemap = basemap or load_basemap()
    return (
        math.isfinite(place.lat)
        and math.isfinite(place.lon)
        and basemap.in_extent(place.lon, place.lat)
    )


def _union(boxes: Iterable[Box]) -> Box:
    items = list(boxes)
    return (
        min(b[0] for b in items),
        min(b[1] for b in items),
        max(b[2] for b in items),
        max(b[3] for b in items),
    )


def _fit(box: Box, basemap: BaseMap, *, pad_x: float, pad_y: float, min_span_lat: float) -> _View:
    """Choose centre and zoom so that ``box`` fits inside the padded canvas."""
    min_lon, min_lat, max_lon, max_lat = box
    lat0 = (min_lat + max_lat) / 2
    lon0 = (min_lon + max_lon) / 2
    cos0 = math.cos(math.radians(lat0))
    span_lat = max(max_lat - min_lat, min_span_lat)
    span_x = max((max_lon - min_lon) * cos0, 1e-9)
    k = min((WIDTH - 2 * pad_x) / span_x, (HEIGHT - 2 * pad_y) / span_lat)
    b_min_lon, b_min_lat, b_max_lon, b_max_lat = basemap.bbox
    # Never zoom out beyond the extract: places spread to opposite corners of the extent
    # lose some padding instead (the extent lies well inside the extract).
    k = max(
        k,
        (WIDTH + 8) / ((b_max_lon - b_min_lon) * cos0),
        (HEIGHT + 8) / (b_max_lat - b_min_lat),
    )
    view = _View(lon0, lat0, k, cos0)
    # Slide the view back inside the extract so that the straight edges left by clipping
    # never show; the margin between the place extent and the clip box makes room for it.
    view_box = view.geo_box(margin_px=4)
    if view_box[0] < b_min_lon:
        lon0 += b_min_lon - view_box[0]
    elif view_box[2] > b_max_lon:
        lon0 -= view_box[2] - b_max_lon
    if view_box[1] < b_min_lat:
        lat0 += b_min_lat - view_box[1]
    elif view_box[3] > b_max_lat:
        lat0 -= view_box[3] - b_max_lat
    return _View(lon0, lat0, k, cos0)


def _simplify_ring(ring: Ring) -> Ring:
    if len(ring) < 8:
        return ring
    closed = douglas_peucker([*ring, ring[0]], PIXEL_TOLERANCE)
    return closed[:-1]


def _projected_rings(country: Country, view: _View, frame: Box) -> list[Ring]:
    """Project, clip to ``frame`` (pixels) and simplify the country's visible rings."""
    geo_frame = view.geo_box(margin_px=4)
    rings: list[Ring] = []
    for ring in country.rings:
        if not boxes_intersect(ring_box(ring), geo_frame):
            continue
        projected = [view.project(lon, lat) for lon, lat in ring]
        # Clip first: a linear pass that leaves the simplification only the visible points.
        clipped = _simplify_ring(clip_ring(projected, frame))
        if len(clipped) >= 3 and abs(ring_area(clipped)) >= 0.5:
            rings.append(clipped)
    return rings


def _path_data(rings: Sequence[Ring]) -> str:
    parts: list[str] = []
    for ring in rings:
        coords: list[str] = []
        for x, y in ring:
            pair = f"{num(x)} {num(y)}"
            if not coords or pair != coords[-1]:
                coords.append(pair)
        if len(coords) >= 3:
            parts.append("M" + "L".join(coords) + "Z")
    return "".join(parts)


def _text_width(label: str, font: float, em: float = CHAR_EM) -> float:
    return len(label) * font * em


def _country_layer(view: _View, basemap: BaseMap, layout: _Layout) -> tuple[list[str], list[str]]:
    """Return the country outlines and the country names that fit."""
    frame = (-2.0, -2.0, WIDTH + 2.0, HEIGHT + 2.0)
    geo_frame = view.geo_box(margin_px=4)
    visible: list[tuple[Country, list[Ring]]] = []
    for country in basemap.countries:
        if not boxes_intersect(country.box, geo_frame):
            continue
        rings = _projected_rings(country, view, frame)
        if rings:
            visible.append((country, rings))
    # The focus country last, so that its stronger border is not painted over by a
    # neighbour's.
    visible.sort(key=lambda item: (item[0].iso_a3 == FOCUS_COUNTRY, item[0].key))
    paths: list[str] = []
    for country, rings in visible:
        css = "chart-country"
        if country.iso_a3 == FOCUS_COUNTRY:
            css += " chart-country--focus"
        paths.append(
            f'<path class="{css}" data-iso={attr(country.iso_a3 or country.key)}'
            f' d="{_path_data(rings)}"/>'
        )
    names: list[str] = []
    # Largest visible country first, the focus country before all.
    by_size = sorted(
        visible,
        key=lambda item: (
            item[0].iso_a3 != FOCUS_COUNTRY,
            -max(abs(ring_area(r)) for r in item[1]),
            item[0].key,
        ),
    )
    canvas = (0.0, 0.0, float(WIDTH), float(HEIGHT))
    for country, rings in by_size:
        label = country.name.upper()
        width = _text_width(label, COUNTRY_FONT, CAPS_EM)
        shown = [clip_ring(r, canvas) for r in rings]
        shown = [r for r in shown if len(r) >= 3]
        if not shown:
            continue
        biggest = max(shown, key=lambda r: abs(ring_area(r)))
        x0, y0, x1, y1 = ring_box(biggest)
        if x1 - x0 < width + 4 or y1 - y0 < 2 * COUNTRY_FONT:
            continue  # cannot hold its name: skip the costly search
        # A coarse outline is enough to find room for a name, and five times cheaper.
        biggest = douglas_peucker([*biggest, biggest[0]], 1.5)[:-1]
        found = label_point(biggest)
        if found is None:
            continue
        (x, y), clearance = found
        box = (x - width / 2, y - COUNTRY_FONT * 0.75, x + width / 2, y + COUNTRY_FONT * 0.3)
        corners = [(box[0], box[1]), (box[2], box[1]), (box[0], box[3]), (box[2], box[3])]
        if clearance < COUNTRY_FONT or not all(point_in_ring(c, biggest) for c in corners):
            continue
        if not layout.free(box):
            continue
        layout.take(box)
        names.append(
            f'<text class="chart-country-label" x="{num(x)}" y="{num(y + COUNTRY_FONT * 0.35)}"'
            f' text-anchor="middle">{text(label)}</text>'
        )
    return paths, names


def _nice_length(target_km: float) -> float:
    """Return the largest 1, 2 or 5 × 10ⁿ not above ``target_km``."""
    exponent = math.floor(math.log10(target_km))
    for step in (5, 2, 1):
        value = step * 10**exponent
        if value <= target_km:
            return float(value)
    return float(10**exponent)


def _frame_furniture(view: _View, basemap: BaseMap, layout: _Layout) -> list[str]:
    """Scale bar at the bottom left, attribution at the bottom right."""
    length_km = _nice_length(90 * view.km_per_px)
    length_px = length_km / view.km_per_px
    x0, y0 = 10.0, HEIGHT - 18.0
    x1 = x0 + length_px
    label = f"{number_fr(int(length_km))} km"
    out = [
        '<g class="chart-scale">',
        f'<path class="chart-scale-bar" d="M{num(x0)} {num(y0 - 4)}V{num(y0)}H{num(x1)}'
        f'V{num(y0 - 4)}"/>',
        f'<text class="chart-scale-label" x="{num((x0 + x1) / 2)}" y="{num(y0 - 6)}"'
        f' font-size="{num(PLACE_FONT * 0.9)}" text-anchor="middle">{text(label)}</text>',
        "</g>",
    ]
    layout.take((x0 - 4, y0 - 17, x1 + 4, y0 + 3))
    attribution_width = _text_width(basemap.attribution, ATTRIBUTION_FONT, 0.52)
    ax, ay = WIDTH - 5.0, HEIGHT - 5.0
    out.append(
        f'<text class="chart-attribution" x="{num(ax)}" y="{num(ay)}"'
        f' font-size="{num(ATTRIBUTION_FONT)}" text-anchor="end">{text(basemap.attribution)}</text>'
    )
    layout.take(
        (ax - attribution_width - 2, ay - ATTRIBUTION_FONT - 1, float(WIDTH), float(HEIGHT))
    )
    return out


def _label_candidates(
    x: float, y: float, r: float, width: float, font: float
) -> list[tuple[str, float, float, Box]]:
    """Right, left, above, below: (anchor, text x, baseline y, box)."""
    gap = 2.5
    ascent, descent = font * 0.75, font * 0.25
    mid = y + font * 0.32
    return [
        (
            "start",
            x + r + gap,
            mid,
            (x + r + gap, mid - ascent, x + r + gap + width, mid + descent),
        ),
        ("end", x - r - gap, mid, (x - r - gap - width, mid - ascent, x - r - gap, mid + descent)),
        (
            "middle",
            x,
            y - r - gap - descent,
            (x - width / 2, y - r - gap - font, x + width / 2, y - r - gap),
        ),
        (
            "middle",
            x,
            y + r + gap + ascent,
            (x - width / 2, y + r + gap, x + width / 2, y + r + gap + font),
        ),
    ]


def _place_label(
    layout: _Layout,
    label: str,
    point: Point,
    radius: float,
    *,
    font: float,
    css: str,
) -> str | None:
    width = _text_width(label, font, CHAR_EM * (1.08 if font >= MAIN_FONT else 1.0))
    for anchor, tx, ty, box in _label_candidates(point[0], point[1], radius, width, font):
        if layout.free(box):
            layout.take(box)
            return (
                f'<text class="{css}" x="{num(tx)}" y="{num(ty)}" font-size="{num(font)}"'
                f' text-anchor="{anchor}">{text(label)}</text>'
            )
    return None


def _dot_box(point: Point, radius: float) -> Box:
    x, y = point
    return (x - radius - 1, y - radius - 1, x + radius + 1, y + radius + 1)


def _link(href: str | None, inner: str) -> str:
    if href is None:
        return inner
    # tabindex -1: see the module docstring; the page lists the same links in HTML.
    return f'<a href={attr(safe_href(href))} tabindex="-1">{inner}</a>'


def _coordinate_fr(value: float, positive: str, negative: str) -> str:
    hemisphere = positive if value >= 0 else negative
    return f"{abs(value):.2f}".replace(".", ",") + f" °{hemisphere}"


def _svg_open_group() -> list[str]:
    # Fallback colours as presentation attributes: charts.css overrides them (and adds the
    # dark theme); without the stylesheet the map is still legible.
    return [
        f'<rect class="chart-sea" width="{WIDTH}" height="{HEIGHT}" fill="#dbe7ef"/>',
        '<g class="chart-countries" fill="#f3f0e8" stroke="#9a9384" stroke-width="0.6"'
        ' stroke-linejoin="round">',
    ]


def _scale_words(view: _View) -> str:
    """Describe the scale in words: a responsive chart has no fixed "1 cm = N km"."""
    width_km = int(round(WIDTH * view.km_per_px, -1))
    return f"la carte couvre environ {number_fr(width_km)} km d’ouest en est"


def _labels_group(items: Sequence[str]) -> list[str]:
    if not items:
        return []
    return [
        '<g class="chart-labels" font-family="sans-serif" fill="#222" stroke="#fff"'
        ' stroke-width="2.5" stroke-linejoin="round" paint-order="stroke">',
        *items,
        "</g>",
    ]


def place_map_svg(
    place: MapPlace,
    neighbours: Sequence[MapPlace],
    *,
    title: str,
    id_prefix: str | None = None,
    basemap: BaseMap | None = None,
) -> str:
    """Draw a place among its neighbours; neighbours off the map are silently left out.

    Raises ChartError when the place itself lies outside the region of the extract
    (check with ``is_mappable`` first) or when a link is unsafe.
    """
    basemap = basemap or load_basemap()
    if not is_mappable(place, basemap):
        raise ChartError(
            f"place {place.slug!r} ({place.lat}, {place.lon}) is outside the map extent"
        )
    seen = {place.slug}
    shown: list[MapPlace] = []
    for other in sorted(neighbours, key=lambda p: (-p.count, p.name, p.slug)):
        if other.slug in seen or not is_mappable(other, basemap):
            continue
        seen.add(other.slug)
        shown.append(other)
    box = _union((p.lon, p.lat, p.lon, p.lat) for p in [place, *shown])
    view = _fit(box, basemap, pad_x=70, pad_y=40, min_span_lat=MIN_SPAN_LAT)

    layout = _Layout()
    furniture = _frame_furniture(view, basemap, layout)
    main_xy = view.project(place.lon, place.lat)
    points = [view.project(p.lon, p.lat) for p in shown]
    layout.take(_dot_box(main_xy, MAIN_RADIUS + 3))
    for point in points:
        layout.take(_dot_box(point, NEIGHBOUR_RADIUS))

    labels: list[str] = []
    main_label = _place_label(
        layout,
        place.name,
        main_xy,
        MAIN_RADIUS + 3,
        font=MAIN_FONT,
        css="chart-label chart-label--main",
    )
    if main_label is not None:
        labels.append(main_label)
    for other, point in zip(shown, points, strict=True):
        label = _place_label(
            layout, other.name, point, NEIGHBOUR_RADIUS, font=PLACE_FONT, css="chart-label"
        )
        if label is not None:
            labels.append(_link(other.href, label))
    paths, country_names = _country_layer(view, basemap, layout)

    dots: list[str] = []
    for other, point in zip(shown, points, strict=True):
        tip = other.name if other.count <= 0 else f"{other.name} — {depeches(other.count)}"
        circle = (
            f'<circle class="chart-dot" cx="{num(point[0])}" cy="{num(point[1])}"'
            f' r="{num(NEIGHBOUR_RADIUS)}"><title>{text(tip)}</title></circle>'
        )
        dots.append(_link(other.href, circle))
    dots.append(
        f'<circle class="chart-dot-halo" cx="{num(main_xy[0])}" cy="{num(main_xy[1])}"'
        f' r="{num(MAIN_RADIUS + 3)}" fill="none" stroke="#b3261e" stroke-width="1.5"/>'
    )
    dots.append(
        f'<circle class="chart-dot chart-dot--main" cx="{num(main_xy[0])}"'
        f' cy="{num(main_xy[1])}" r="{num(MAIN_RADIUS)}" fill="#b3261e">'
        f"<title>{text(place.name)}</title></circle>"
    )

    # No country named in words: Natural Earth draws de facto lines (the Golan falls in
    # Israel's polygon), and the archive must not state a sovereignty by accident.
    desc = (
        f"Carte de situation : {place.name}, "
        f"{_coordinate_fr(place.lat, 'N', 'S')}, {_coordinate_fr(place.lon, 'E', 'O')}."
    )
    if shown:
        desc += " Lieux proches cités : " + ", ".join(p.name for p in shown) + "."
    desc += f" Échelle : {_scale_words(view)}. {basemap.attribution}."

    prefix = id_prefix or f"carte-{id_token(place.slug)}"
    out = svg_open(
        width=WIDTH,
        height=HEIGHT,
        css_class="chart chart-map",
        id_prefix=prefix,
        title=title,
        desc=desc,
    )
    out += _svg_open_group()
    out += paths
    out.append("</g>")
    out += _labels_group_countries(country_names)
    out += furniture
    out.append('<g class="chart-dots" fill="#444" stroke="#fff" stroke-width="0.8">')
    out += dots
    out.append("</g>")
    out += _labels_group(labels)
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _labels_group_countries(items: Sequence[str]) -> list[str]:
    if not items:
        return []
    return [
        '<g class="chart-country-labels" font-family="sans-serif"'
        f' font-size="{num(COUNTRY_FONT)}" fill="#8a8373">',
        *items,
        "</g>",
    ]


def dot_radius(count: int, max_count: int) -> float:
    """Radius for a count: area proportional to the count, bounded below for visibility."""
    if max_count <= 0 or count <= 0:
        return OVERVIEW_MIN_RADIUS
    return max(OVERVIEW_MIN_RADIUS, OVERVIEW_MAX_RADIUS * math.sqrt(count / max_count))


def _legend(max_count: int, layout: _Layout) -> list[str]:
    """Two reference circles (the largest count, a round smaller one) in a free corner."""
    if max_count <= 0:
        return []
    values = [max_count]
    smaller = _nice_length(max_count / 4) if max_count >= 4 else 0
    if smaller >= 1 and dot_radius(int(smaller), max_count) > OVERVIEW_MIN_RADIUS:
        values.append(int(smaller))
    font = PLACE_FONT * 0.9
    height = OVERVIEW_MAX_RADIUS * 2
    # Lay the items out from (0, 0), then move the whole legend to a corner.
    items: list[tuple[float, float, float, float, str]] = []  # cx, cy, r, label x, label
    x = 0.0
    for value in values:
        r = dot_radius(value, max_count)
        label = depeches(value)
        items.append((x + r, height - r, r, x + 2 * r + 3, label))
        x += 2 * r + 3 + _text_width(label, font) + 16
    width = x - 16
    corners = [
        (8.0, 8.0),
        (WIDTH - 8.0 - width, 8.0),
        (WIDTH - 8.0 - width, HEIGHT - 20.0 - height),
        (8.0, HEIGHT - 44.0 - height),
    ]

    def crowding(corner: tuple[float, float]) -> int:
        box = (corner[0] - 2, corner[1] - 2, corner[0] + width + 2, corner[1] + height + 2)
        return sum(boxes_intersect(box, other) for other in layout.taken)

    # First free corner; when none is, the least crowded one (min keeps the first on ties).
    ox, oy = min(corners, key=crowding)
    out = ['<g class="chart-legend">']
    for cx, cy, r, lx, label in items:
        out.append(
            f'<circle class="chart-legend-dot" cx="{num(ox + cx)}" cy="{num(oy + cy)}"'
            f' r="{num(r, 2)}" fill="none" stroke="#555"/>'
        )
        out.append(
            f'<text class="chart-legend-label" x="{num(ox + lx)}" y="{num(oy + height - 1)}"'
            f' font-size="{num(font)}" fill="#555">{text(label)}</text>'
        )
    out.append("</g>")
    layout.take((ox - 2, oy - 2, ox + width + 2, oy + height + 2))
    return out


def overview_map_svg(
    places: Sequence[MapPlace],
    *,
    title: str,
    id_prefix: str = "carte-lieux",
    basemap: BaseMap | None = None,
) -> OverviewMap:
    """Draw every place of the region on one map, dots sized by their count.

    The view fits Syria and every place inside the extract; places outside it (Paris,
    New York…) are returned in ``omitted``, in the given order, for the caller to list.
    """
    basemap = basemap or load_basemap()
    drawn: list[MapPlace] = []
    omitted: list[MapPlace] = []
    for place in places:
        (drawn if is_mappable(place, basemap) else omitted).append(place)
    boxes = [(p.lon, p.lat, p.lon, p.lat) for p in drawn]
    focus = basemap.country(FOCUS_COUNTRY)
    if focus is not None:
        boxes.append(focus.box)
    if not boxes:
        raise ChartError("nothing to draw: no place in the extent and no focus country")
    view = _fit(_union(boxes), basemap, pad_x=24, pad_y=36, min_span_lat=MIN_SPAN_LAT)

    # Big dots first so that small ones stay on top and clickable; ties in a fixed order.
    ordered = sorted(drawn, key=lambda p: (-p.count, p.name, p.slug))
    max_count = max((p.count for p in ordered), default=0)
    layout = _Layout()
    furniture = _frame_furniture(view, basemap, layout)
    placed = [(p, view.project(p.lon, p.lat), dot_radius(p.count, max_count)) for p in ordered]
    for _, point, radius in placed:
        layout.take(_dot_box(point, radius))
    legend = _legend(max_count, layout)
    labels: list[str] = []
    for place, point, radius in placed:
        label = _place_label(layout, place.name, point, radius, font=PLACE_FONT, css="chart-label")
        if label is not None:
            labels.append(_link(place.href, label))
    paths, country_names = _country_layer(view, basemap, layout)

    dots: list[str] = []
    for place, point, radius in placed:
        circle = (
            f'<circle class="chart-dot chart-dot--sized" cx="{num(point[0])}"'
            f' cy="{num(point[1])}" r="{num(radius, 2)}">'
            f"<title>{text(place.name)} — {text(depeches(place.count))}</title></circle>"
        )
        dots.append(_link(place.href, circle))

    desc = f"Carte des lieux cités : {len(drawn)} lieu{'x' if len(drawn) > 1 else ''}"
    desc += " en Syrie et dans les pays voisins."
    if ordered:
        top = ordered[0]
        desc += f" Le plus cité : {top.name} ({depeches(top.count)})."
    desc += " L’aire de chaque cercle est proportionnelle au nombre de dépêches."
    if omitted:
        desc += f" {len(omitted)} lieu{'x' if len(omitted) > 1 else ''} hors de la région."
    desc += f" {basemap.attribution}."

    out = svg_open(
        width=WIDTH,
        height=HEIGHT,
        css_class="chart chart-map chart-map--overview",
        id_prefix=id_prefix,
        title=title,
        desc=desc,
    )
    out += _svg_open_group()
    out += paths
    out.append("</g>")
    out += _labels_group_countries(country_names)
    out += furniture
    out += legend
    out.append(
        '<g class="chart-dots" fill="#b3261e" fill-opacity="0.75" stroke="#fff" stroke-width="0.8">'
    )
    out += dots
    out.append("</g>")
    out += _labels_group(labels)
    out.append("</svg>")
    svg = "\n".join(out) + "\n"
    logger.debug("overview map: %s places drawn, %s omitted", len(drawn), len(omitted))
    return OverviewMap(svg=svg, drawn=tuple(drawn), omitted=tuple(omitted))
