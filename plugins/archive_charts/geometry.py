"""Plane geometry shared by the map extract and the map renderer: simplify, clip, measure rings.

Everything works on plain ``(x, y)`` float tuples, in whatever plane the caller chose
(degrees for the extract, SVG pixels for the renderer).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

Point = tuple[float, float]
Ring = list[Point]
Box = tuple[float, float, float, float]  # (min_x, min_y, max_x, max_y)


def _segment_distance(p: Point, a: Point, b: Point) -> float:
    """Return the distance from ``p`` to the segment ``a``–``b``."""
    ax, ay = a
    bx, by = b
    px, py = p
    dx, dy = bx - ax, by - ay
    length2 = dx * dx + dy * dy
    if length2 == 0.0:
        return math.hypot(px - ax, py - ay)
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / length2))
    return math.hypot(px - (ax + t * dx), py - (ay + t * dy))


def douglas_peucker(points: Sequence[Point], tolerance: float) -> Ring:
    """Simplify a polyline, keeping both ends and every point farther than ``tolerance``."""
    if len(points) < 3 or tolerance <= 0:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    # Iterative, not recursive: a 10m coastline has arcs of thousands of points.
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        worst, worst_index = -1.0, -1
        for i in range(first + 1, last):
            d = _segment_distance(points[i], points[first], points[last])
            if d > worst:
                worst, worst_index = d, i
        if worst > tolerance:
            keep[worst_index] = True
            stack.append((first, worst_index))
            stack.append((worst_index, last))
    return [p for p, kept in zip(points, keep, strict=True) if kept]


def ring_area(ring: Sequence[Point]) -> float:
    """Return the signed area of a ring (shoelace; positive when counter-clockwise, y up)."""
    total = 0.0
    n = len(ring)
    for i in range(n):
        x1, y1 = ring[i]
        x2, y2 = ring[(i + 1) % n]
        total += x1 * y2 - x2 * y1
    return total / 2.0


def ring_box(ring: Sequence[Point]) -> Box:
    """Return the bounding box of a non-empty ring."""
    xs = [p[0] for p in ring]
    ys = [p[1] for p in ring]
    return (min(xs), min(ys), max(xs), max(ys))


def boxes_intersect(a: Box, b: Box) -> bool:
    """Tell whether two boxes overlap (touching counts)."""
    return a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]


def clip_ring(ring: Sequence[Point], box: Box) -> Ring:
    """Clip a closed ring to a box (Sutherland–Hodgman); return [] when nothing is left.

    The ring may or may not repeat its first point at the end; the result does not.
    Parts outside the box collapse onto its edges, which is harmless as long as the box
    is at least as large as what is shown.
    """
    points = list(ring)
    if len(points) > 1 and points[0] == points[-1]:
        points.pop()
    min_x, min_y, max_x, max_y = box

    def clip(
        pts: Ring,
        inside: Callable[[Point], bool],
        cross: Callable[[Point, Point], Point],
    ) -> Ring:
        out: Ring = []
        if not pts:
            return out
        prev = pts[-1]
        prev_in = inside(prev)
        for cur in pts:
            cur_in = inside(cur)
            if cur_in:
                if not prev_in:
                    out.append(cross(prev, cur))
                out.append(cur)
            elif prev_in:
                out.append(cross(prev, cur))
            prev, prev_in = cur, cur_in
        return out

    def at_x(x: float) -> Callable[[Point, Point], Point]:
        def cross(a: Point, b: Point) -> Point:
            t = (x - a[0]) / (b[0] - a[0])
            return (x, a[1] + t * (b[1] - a[1]))

        return cross

    def at_y(y: float) -> Callable[[Point, Point], Point]:
        def cross(a: Point, b: Point) -> Point:
            t = (y - a[1]) / (b[1] - a[1])
            return (a[0] + t * (b[0] - a[0]), y)

        return cross

    points = clip(points, lambda p: p[0] >= min_x, at_x(min_x))
    points = clip(points, lambda p: p[0] <= max_x, at_x(max_x))
    points = clip(points, lambda p: p[1] >= min_y, at_y(min_y))
    points = clip(points, lambda p: p[1] <= max_y, at_y(max_y))
    if len(points) < 3 or ring_area(points) == 0.0:
        return []
    return points


def point_in_ring(point: Point, ring: Sequence[Point]) -> bool:
    """Tell whether a point lies inside a ring (even–odd rule)."""
    x, y = point
    inside = False
    n = len(ring)
    j = n - 1
    for i in range(n):
        xi, yi = ring[i]
        xj, yj = ring[j]
        if (yi > y) != (yj > y) and x < (xj - xi) * (y - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


def distance_to_ring(point: Point, ring: Sequence[Point]) -> float:
    """Return the distance from a point to the nearest edge of a ring."""
    n = len(ring)
    return min(_segment_distance(point, ring[i], ring[(i + 1) % n]) for i in range(n))


def label_point(ring: Sequence[Point], steps: int = 12) -> tuple[Point, float] | None:
    """Find a point well inside a ring and its distance to the edge (coarse grid search).

    A poor man's pole of inaccessibility: good enough to put a country's name where it
    does not straddle a border, and cheap on the few hundred points of a clipped ring.
    """
    if len(ring) < 3:
        return None
    min_x, min_y, max_x, max_y = ring_box(ring)
    best: tuple[Point, float] | None = None
    for i in range(steps):
        for j in range(steps):
            p = (
                min_x + (max_x - min_x) * (i + 0.5) / steps,
                min_y + (max_y - min_y) * (j + 0.5) / steps,
            )
            if not point_in_ring(p, ring):
                continue
            d = distance_to_ring(p, ring)
            if best is None or d > best[1]:
                best = (p, d)
    return best
