"""Shared helpers of the charts: numbers, links, ids, geometry."""

from __future__ import annotations

import pytest

from archive_charts.geometry import clip_ring, douglas_peucker, point_in_ring, ring_area
from archive_charts.labels import depeches, number_fr
from archive_charts.svg import ChartError, id_token, num, safe_href


@pytest.mark.parametrize(
    ("value", "digits", "expected"),
    [
        (1.0, 1, "1"),
        (-0.01, 1, "0"),
        (-0.0, 1, "0"),
        (12.345, 2, "12.35"),
        (12.3, 1, "12.3"),
        (480, 1, "480"),
        (0.05, 2, "0.05"),
    ],
)
def test_num(value: float, digits: int, expected: str) -> None:
    assert num(value, digits) == expected


@pytest.mark.parametrize(
    "href",
    ["/lieux/alep/", "../alep.html", "alep.html#carte", "https://example.org/a?b=1&c=2", "?page=2"],
)
def test_safe_links_pass(href: str) -> None:
    assert safe_href(href) == href


@pytest.mark.parametrize(
    "href",
    [
        "javascript:alert(1)",
        "JAVASCRIPT:alert(1)",
        " javascript:alert(1)",
        "java\tscript:alert(1)",
        "java\nscript:x",
        "data:text/html,<b>",
        "vbscript:x",
        "",
        "/a b",
    ],
)
def test_unsafe_links_fail(href: str) -> None:
    with pytest.raises(ChartError):
        safe_href(href)


@pytest.mark.parametrize(
    ("slug", "token"),
    [("alep", "alep"), ("Deir ez-Zor", "deir-ez-zor"), ("é", "x"), ("a/b", "a-b")],
)
def test_id_token(slug: str, token: str) -> None:
    assert id_token(slug) == token


@pytest.mark.parametrize(
    ("count", "words"),
    [(0, "0 dépêche"), (1, "1 dépêche"), (2, "2 dépêches"), (12345, "12\u202f345 dépêches")],
)
def test_depeches(count: int, words: str) -> None:
    assert depeches(count) == words
    assert number_fr(count) in words


@pytest.mark.parametrize(
    ("points", "tolerance", "expected"),
    [
        ([(0, 0), (1, 0.01), (2, 0)], 0.1, [(0, 0), (2, 0)]),  # near-straight: middle dropped
        ([(0, 0), (1, 1), (2, 0)], 0.1, [(0, 0), (1, 1), (2, 0)]),  # a real corner survives
        ([(0, 0), (1, 0)], 1.0, [(0, 0), (1, 0)]),
        (
            [(0, 0), (1, 0.5), (2, 0), (3, 0.5), (4, 0)],
            0.0,
            [(0, 0), (1, 0.5), (2, 0), (3, 0.5), (4, 0)],
        ),
    ],
)
def test_douglas_peucker(
    points: list[tuple[float, float]], tolerance: float, expected: list[tuple[float, float]]
) -> None:
    assert douglas_peucker(points, tolerance) == expected


def test_clip_ring_cuts_a_square_in_half() -> None:
    square = [(0.0, 0.0), (2.0, 0.0), (2.0, 2.0), (0.0, 2.0), (0.0, 0.0)]
    clipped = clip_ring(square, (1.0, -1.0, 3.0, 3.0))
    assert abs(ring_area(clipped)) == pytest.approx(2.0)
    assert clip_ring(square, (5.0, 5.0, 6.0, 6.0)) == []


@pytest.mark.parametrize(
    ("point", "inside"), [((1.0, 1.0), True), ((3.0, 1.0), False), ((-0.1, 1.0), False)]
)
def test_point_in_ring(point: tuple[float, float], inside: bool) -> None:
    assert point_in_ring(point, [(0.0, 0.0), (2.0, 0.0), (2.0, 2.0), (0.0, 2.0)]) is inside
