"""Timelines of mentions per month: gaps, French labels, escaping, links, accessibility."""

from __future__ import annotations

import itertools
import re
import xml.etree.ElementTree as ET

import pytest

from archive_charts.svg import ChartError
from archive_charts.timeline import Month, parse_month, timeline_svg, timeline_table_rows

NS = {"svg": "http://www.w3.org/2000/svg"}
SVG = "{http://www.w3.org/2000/svg}"


def _titles(svg: str) -> list[str]:
    root = ET.fromstring(svg)
    return [t.text or "" for t in root.iter(f"{SVG}title")][1:]  # skip the chart's own title


def _texts(svg: str) -> list[str]:
    return ["".join(t.itertext()) for t in ET.fromstring(svg).iter(f"{SVG}text")]


def test_table_rows_fill_the_gaps_across_a_year() -> None:
    rows = timeline_table_rows({"2015-11": 2, "2016-02": 5})
    assert rows == [
        ("2015-11", "novembre 2015", 2),
        ("2015-12", "décembre 2015", 0),
        ("2016-01", "janvier 2016", 0),
        ("2016-02", "février 2016", 5),
    ]


def test_table_rows_can_skip_empty_months() -> None:
    rows = timeline_table_rows({"2016-02": 5, "2015-11": 2}, include_empty=False)
    assert [key for key, _, _ in rows] == ["2015-11", "2016-02"]


def test_table_rows_of_nothing() -> None:
    assert timeline_table_rows({}) == []


@pytest.mark.parametrize(
    ("key", "label"),
    [
        ("2016-01", "janvier 2016"),
        ("2016-02", "février 2016"),
        ("2016-03", "mars 2016"),
        ("2013-08", "août 2013"),
        ("2011-12", "décembre 2011"),
    ],
)
def test_french_month_labels(key: str, label: str) -> None:
    assert parse_month(key).label == label
    assert timeline_table_rows({key: 1}) == [(key, label, 1)]


@pytest.mark.parametrize(
    "key", ["2016-13", "2016-00", "2016-3", "16-03", "2016/03", "2016-03-01", "", "mars 2016"]
)
def test_bad_month_keys_are_refused(key: str) -> None:
    with pytest.raises(ChartError):
        timeline_svg({key: 1}, title="t")


def test_negative_counts_and_empty_mappings_are_refused() -> None:
    with pytest.raises(ChartError):
        timeline_svg({"2016-03": -1}, title="t")
    with pytest.raises(ChartError):
        timeline_svg({}, title="t")


@pytest.mark.parametrize(
    ("month", "following"), [(Month(2015, 12), Month(2016, 1)), (Month(2016, 1), Month(2016, 2))]
)
def test_next_month(month: Month, following: Month) -> None:
    assert month.next() == following


def _bars(svg: str) -> list[ET.Element]:
    """The bars: the last rectangle of each month of .chart-bars (charts.css styles them so)."""
    bars = ET.fromstring(svg).find("svg:g[@class='chart-bars']", NS)
    assert bars is not None
    return [month.findall("svg:rect", NS)[-1] for month in bars]


def test_bars_have_french_tooltips_and_gaps_stay_empty() -> None:
    svg = timeline_svg({"2016-03": 4, "2016-06": 1}, title="Mentions")
    assert _titles(svg) == ["mars 2016 : 4 dépêches", "juin 2016 : 1 dépêche"]
    assert len(_bars(svg)) == 2  # April and May are empty slots


def test_timeline_is_accessible_and_well_formed() -> None:
    svg = timeline_svg({"2016-03": 4, "2017-01": 12}, title="Alep, mois par mois")
    root = ET.fromstring(svg)
    assert root.attrib["role"] == "img"
    title, desc = root.find("svg:title", NS), root.find("svg:desc", NS)
    assert title is not None and title.text == "Alep, mois par mois"
    assert desc is not None and desc.text is not None
    assert root.attrib["aria-labelledby"] == title.attrib["id"]
    assert root.attrib["aria-describedby"] == desc.attrib["id"]
    assert "de mars 2016 à janvier 2017 (11 mois)" in desc.text
    assert "maximum 12 en janvier 2017" in desc.text
    assert "16 dépêches au total" in desc.text


def test_y_max_and_years_are_labelled() -> None:
    counts = {
        f"{year}-{month:02d}": (month + year) % 7
        for year in range(2011, 2020)
        for month in range(1, 13)
    }
    counts["2016-12"] = 64
    texts = _texts(timeline_svg(counts, title="t"))
    assert "64" in texts and "0" in texts
    years = [t for t in texts if re.fullmatch(r"\d{4}", t)]
    assert years == sorted(years) and {"2012", "2016", "2019"} <= set(years)


def test_long_spans_label_fewer_years_without_overlap() -> None:
    counts = {"1990-01": 1, "2024-12": 1}
    texts = [t for t in _texts(timeline_svg(counts, title="t")) if re.fullmatch(r"\d{4}", t)]
    assert 3 <= len(texts) <= 18
    root = ET.fromstring(timeline_svg(counts, title="t"))
    xs = [
        float(t.attrib["x"])
        for t in root.iter(f"{SVG}text")
        if re.fullmatch(r"\d{4}", "".join(t.itertext()))
    ]
    assert all(b - a >= 30 for a, b in itertools.pairwise(xs))


def test_short_spans_label_each_month() -> None:
    texts = _texts(timeline_svg({"2016-11": 2, "2017-01": 5}, title="t"))
    assert ["nov.", "déc.", "janv."] == [t for t in texts if t.endswith(".")]
    assert {"2016", "2017"} <= set(texts)


def test_bars_link_to_month_archives_when_asked() -> None:
    svg = timeline_svg(
        {"2016-03": 4, "2016-04": 0, "2016-05": 2},
        title="t",
        href_for_month=lambda key: None if key == "2016-05" else f"/archives/{key}/?x=1&y=2",
    )
    assert '<a href="/archives/2016-03/?x=1&amp;y=2" tabindex="-1">' in svg
    assert "/archives/2016-04/" not in svg  # empty month: nothing to link
    assert "/archives/2016-05/" not in svg
    ET.fromstring(svg)


def test_unsafe_month_links_are_refused() -> None:
    with pytest.raises(ChartError):
        timeline_svg({"2016-03": 4}, title="t", href_for_month=lambda key: "javascript:alert(1)")


@pytest.mark.parametrize("hostile", ["<script>alert(1)</script>", "Alep & Idleb", '"><g onload="x'])
def test_title_is_escaped(hostile: str) -> None:
    svg = timeline_svg({"2016-03": 4}, title=hostile)
    assert "<script" not in svg
    root = ET.fromstring(svg)
    title = root.find("svg:title", NS)
    assert title is not None and title.text == hostile


def test_timeline_is_deterministic_and_order_free() -> None:
    counts = {"2016-03": 4, "2015-01": 2, "2016-12": 9}
    reordered = dict(reversed(list(counts.items())))
    assert timeline_svg(counts, title="t") == timeline_svg(reordered, title="t")


def test_timeline_uses_no_inline_style() -> None:
    svg = timeline_svg({"2016-03": 4, "2017-03": 1}, title="t", href_for_month=lambda k: "/a/")
    assert "style=" not in svg and "<style" not in svg


def test_a_single_dispatch_among_many_stays_visible() -> None:
    svg = timeline_svg({"2016-03": 1000, "2016-04": 1}, title="t")
    heights = [float(bar.attrib["height"]) for bar in _bars(svg)]
    assert min(heights) >= 1.0
