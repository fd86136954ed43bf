"""Build-time figures of the site model, drawn by archive_charts: timelines and maps.

Every figure is a finished SVG string put into a page's plain data, so a page job stays
JSON-able. A figure is a ``role="img"`` picture with a title and a description, and holds no
link: axe-core counts a link inside an image as a nested interactive control (WCAG 4.1.2),
even out of the tab order. What a figure shows is also on its page as HTML with links: the
table of months under a timeline, the list of places beside a map, the index of places.

A place map takes tens of milliseconds to draw and page contexts are built in every render
worker, so figures are kept on disk under the cache folder, named by a hash of everything
that draws them (their inputs and the source of archive_charts): a rebuild draws only the
figures whose inputs changed.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from archive_charts.maps import MapPlace, is_mappable, overview_map_svg, place_map_svg
from archive_charts.timeline import timeline_svg

from .markup import unquote_attributes
from .site import EntityPage, Site

# Neighbours of a place on its map: the nearest places of these kinds within NEIGHBOUR_KM.
# Countries and provinces are drawn as a point at their centroid: as neighbours they would
# mislead, so a country or a province shows its own most-cited places instead.
NEIGHBOUR_KINDS = ("ville", "localite", "site")
AREA_KINDS = ("pays", "province")  # shown with their own places, not their neighbours
NEIGHBOUR_KM = 120.0
NEIGHBOURS = 6
EARTH_RADIUS_KM = 6371.0


# Part of every figure's key beside charts_version(): bump when what get() does to a drawn
# figure changes.
FIGURE_MARKUP = "bare-attributes-1"


@functools.cache
def charts_version() -> str:
    """Hash of archive_charts' code and map data: a new version draws every figure again."""
    digest = hashlib.blake2b(digest_size=16)
    package = resources.files("archive_charts")
    for name in sorted(p.name for p in package.iterdir() if p.name.endswith(".py")):
        digest.update(name.encode() + b"\0" + (package / name).read_bytes())
    for name in sorted(p.name for p in (package / "data").iterdir() if p.name.endswith(".json")):
        digest.update(name.encode() + b"\0" + (package / "data" / name).read_bytes())
    return digest.hexdigest()


class FigureCache:
    """SVG files under a folder, named by the hash of what draws them; None keeps nothing."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder

    def get(self, kind: str, inputs: Any, draw: Callable[[], str]) -> str:
        """The cached figure for these inputs, drawn and stored on a miss, its attribute values
        bare where HTML needs no quotes (markup.unquote_attributes: a timeline's 168 months
        are some 1,300 attributes)."""
        if self.folder is None:
            return unquote_attributes(draw())
        data = json.dumps([charts_version(), FIGURE_MARKUP, kind, inputs], ensure_ascii=False,
                          sort_keys=True)
        key = hashlib.blake2b(data.encode("utf-8"), digest_size=16).hexdigest()
        path = self.folder / f"{kind}-{key}.svg"
        try:
            return path.read_text(encoding="utf-8")
        except (FileNotFoundError, UnicodeDecodeError):
            pass
        svg = unquote_attributes(draw())
        self.folder.mkdir(parents=True, exist_ok=True)
        # Atomic: render workers may draw the same figure at the same time.
        fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".tmp-")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(svg)
            os.replace(tmp, path)
        except OSError:
            Path(tmp).unlink(missing_ok=True)
        return svg


@dataclass(frozen=True)
class Neighbour:
    """A place drawn around another, with its distance in kilometres."""

    page: EntityPage
    km: int


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance between two (lat, lon) points, in kilometres."""
    lat1, lon1, lat2, lon2 = (math.radians(v) for v in (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def _point(page: EntityPage) -> tuple[float, float] | None:
    e = page.entity
    return (e.lat, e.lon) if e.lat is not None and e.lon is not None else None


def _map_place(page: EntityPage, count: int = 0) -> MapPlace:
    point = _point(page)
    assert point is not None
    return MapPlace(page.entity.slug, page.entity.name, point[0], point[1], count=count)


class Figures:
    """The figures of one site, drawn on demand through a FigureCache."""

    def __init__(self, site: Site, cache: FigureCache) -> None:
        self.site = site
        self.cache = cache
        months = sorted(d.date[:7] for d in site.dispatches if d.date)
        self.span = (months[0], months[-1]) if months else None
        # Place pages with coordinates inside the map's region, by slug.
        self.located = [
            page
            for _, page in sorted(site.entities.items())
            if page.entity.group == "lieu"
            and _point(page) is not None
            and is_mappable(_map_place(page))
        ]
        self.located_slugs = {page.entity.slug for page in self.located}

    def timeline(self, counts: dict[str, int], *, title: str) -> str | None:
        """Dispatches per month over the archive's whole span.

        Every timeline spans the same months, so that two pages compare at a glance.
        """
        if self.span is None or not counts:
            return None
        padded = {self.span[0]: 0, self.span[1]: 0, **counts}
        return self.cache.get(
            "frise", [sorted(padded.items()), title], lambda: timeline_svg(padded, title=title)
        )

    def neighbours(self, page: EntityPage) -> list[Neighbour]:
        """Places drawn around a place: a country's or a province's own most-cited places,
        which outline it; for any other place the nearest ones within NEIGHBOUR_KM."""
        here = _point(page)
        if here is None:
            return []
        pool = [p for p in self.located if p.entity.kind in NEIGHBOUR_KINDS and p is not page]

        def near(p: EntityPage) -> Neighbour:
            there = _point(p)
            assert there is not None
            return Neighbour(p, round(distance_km(here, there)))

        if page.entity.kind in AREA_KINDS:
            inside = self._descendants(page.entity.slug)
            members = sorted(
                (p for p in pool if p.entity.slug in inside),
                key=lambda p: (-len(p.dispatches), p.entity.slug),
            )
            return [near(p) for p in members[:NEIGHBOURS]]
        close = sorted((near(p) for p in pool), key=lambda n: (n.km, n.page.entity.slug))
        return [n for n in close if n.km <= NEIGHBOUR_KM][:NEIGHBOURS]

    def _descendants(self, slug: str) -> set[str]:
        found: set[str] = set()
        todo = [slug]
        while todo:
            for child in self.site.gazetteer.children(todo.pop()):
                if child.slug not in found:
                    found.add(child.slug)
                    todo.append(child.slug)
        return found

    def place_map(self, page: EntityPage, neighbours: Sequence[Neighbour]) -> str | None:
        """The place among its neighbours, for lieux/SLUG.html; None off the map's region.

        Neighbours carry no count: a new dispatch about Alep need not redraw every map
        around it.
        """
        if page.entity.slug not in self.located_slugs:
            return None
        place = _map_place(page)
        others = [_map_place(n.page) for n in neighbours]
        title = f"{page.entity.name} sur la carte"
        return self.cache.get(
            "carte",
            [asdict(place), [asdict(o) for o in others], title],
            lambda: place_map_svg(place, others, title=title),
        )

    def overview(self) -> tuple[str, list[EntityPage]] | None:
        """Every place on one map, dots sized by dispatches, for lieux/index.html; and the
        places left off it (outside the map's region)."""
        pages = [p for p in self.site.by_group("lieu") if _point(p) is not None]
        if not pages:
            return None
        places = [_map_place(p, len(p.dispatches)) for p in pages]
        title = "Carte des lieux cités, par nombre de dépêches"
        svg = self.cache.get(
            "carte-lieux",
            [[asdict(p) for p in places], title],
            lambda: overview_map_svg(places, title=title).svg,
        )
        return svg, [p for p in pages if p.entity.slug not in self.located_slugs]
