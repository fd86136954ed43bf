"""Timelines of mentions: an SVG bar chart of dispatches per month, and the rows of its table.

Months are keyed ``"YYYY-MM"``. The span runs from the first to the last month present,
and months in between with no dispatch count 0, so that a gap in the war's coverage shows
as a gap, not as two neighbouring bars.

Bars that link to a month archive are pointer shortcuts (``tabindex="-1"``): the chart is a
``role="img"``, so keyboard and screen-reader users get the table rendered beside it.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from .labels import MONTHS_FR_SHORT, depeches, month_label, number_fr
from .svg import ChartError, attr, num, safe_href, svg_open, text

logger = logging.getLogger(__name__)

WIDTH = 640
HEIGHT = 180
LEFT = 36.0
RIGHT = 10.0
TOP = 14.0
BOTTOM = 32.0
TICK_FONT = 10.0
CHAR_EM = 0.6
# Years are labelled every 1, 2, 5 or 10 years, the first step that leaves this many pixels
# between labels.
YEAR_LABEL_ROOM = 34.0
YEAR_STEPS = (1, 2, 5, 10, 20)
# Short spans get a label under each month once a slot is this wide, and bars no wider
# than MAX_BAR: three fat bars across the page read as a bug.
MONTH_LABEL_SLOT = 26.0
MAX_BAR = 32.0

_MONTH_KEY = re.compile(r"(\d{4})-(0[1-9]|1[0-2])")


@dataclass(frozen=True, order=True)
class Month:
    """A calendar month."""

    year: int
    month: int

    @property
    def key(self) -> str:
        """Return "2016-03"."""
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def label(self) -> str:
        """Return "mars 2016"."""
        return month_label(self.year, self.month)

    def next(self) -> Month:
        """Return the following month."""
        if self.month == 12:
            return Month(self.year + 1, 1)
        return Month(self.year, self.month + 1)


def parse_month(key: str) -> Month:
    """Parse "YYYY-MM"; raise ChartError for anything else."""
    match = _MONTH_KEY.fullmatch(key)
    if match is None:
        raise ChartError(f"month keys must look like 2016-03, got {key!r}")
    return Month(int(match.group(1)), int(match.group(2)))


def filled_months(counts: Mapping[str, int]) -> list[tuple[Month, int]]:
    """Return every month from the first to the last key, with 0 for months not given."""
    parsed: dict[Month, int] = {}
    for key, count in counts.items():
        if count < 0:
            raise ChartError(f"negative count for {key!r}: {count}")
        parsed[parse_month(key)] = int(count)
    if not parsed:
        return []
    month, last = min(parsed), max(parsed)
    out: list[tuple[Month, int]] = []
    while month <= last:
        out.append((month, parsed.get(month, 0)))
        month = month.next()
    return out


def timeline_table_rows(
    counts: Mapping[str, int], *, include_empty: bool = True
) -> list[tuple[str, str, int]]:
    """Return (key, French label, count) for each month of the span, oldest first.

    With ``include_empty`` (the default) the rows match the bars of ``timeline_svg``
    one for one, empty months included.
    """
    return [
        (month.key, month.label, count)
        for month, count in filled_months(counts)
        if include_empty or count > 0
    ]


def _month_labels(months: list[tuple[Month, int]], slot: float, baseline: float) -> list[str]:
    """Label each month under its bar ("janv.", "févr."…), for short spans."""
    return [
        f'<text class="chart-tick-label" x="{num(LEFT + (index + 0.5) * slot)}"'
        f' y="{num(baseline + 4 + TICK_FONT)}" text-anchor="middle">'
        f"{text(MONTHS_FR_SHORT[month.month - 1])}</text>"
        for index, (month, _) in enumerate(months)
    ]


def _year_labels(
    months: list[tuple[Month, int]], slot: float, baseline: float, row: float
) -> tuple[list[str], list[str]]:
    """Return tick paths at each January and the year labels that fit, on baseline + row."""
    per_year = slot * 12
    step = next((s for s in YEAR_STEPS if s * per_year >= YEAR_LABEL_ROOM), YEAR_STEPS[-1])
    ticks: list[str] = []
    labels: list[str] = []
    spans: dict[int, list[int]] = {}
    for index, (month, _) in enumerate(months):
        spans.setdefault(month.year, []).append(index)
        if month.month == 1 and index > 0:
            x = LEFT + index * slot
            ticks.append(f"M{num(x)} {num(baseline)}v5")
    last_right = -1e9
    for year, indexes in spans.items():
        if year % step:
            continue
        x_start = LEFT + indexes[0] * slot
        x_end = LEFT + (indexes[-1] + 1) * slot
        width = len(str(year)) * TICK_FONT * CHAR_EM
        # Centre the label on the year when the year is wide enough, else on its January.
        if x_end - x_start >= width + 4:
            x = (x_start + x_end) / 2
        elif months[indexes[0]][0].month == 1:
            x = x_start
        else:
            continue  # a partial first year too narrow for its label
        left = max(x - width / 2, LEFT - 2)
        right = left + width
        if left < last_right + 6 or right > WIDTH - 2:
            continue
        last_right = right
        labels.append(
            f'<text class="chart-tick-label" x="{num(left + width / 2)}"'
            f' y="{num(baseline + row)}" text-anchor="middle">{year}</text>'
        )
    return ticks, labels


def timeline_svg(
    counts: Mapping[str, int],
    *,
    title: str,
    href_for_month: Callable[[str], str | None] | None = None,
    id_prefix: str = "frise",
) -> str:
    """Draw dispatches per month as bars, one slot per month of the whole span.

    Each month with dispatches gets a <title> tooltip ("mars 2016 : 4 dépêches") and, when
    ``href_for_month(key)`` returns a URL, a link to that month's archive. Empty months
    are empty slots. Raises ChartError for an empty mapping, a bad key or a negative count.
    """
    months = filled_months(counts)
    if not months:
        raise ChartError("no month to draw")
    n = len(months)
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM
    baseline = TOP + plot_h
    slot = plot_w / n
    # Narrow slots get no gap: a sub-pixel gap only blurs the bars.
    gap = slot * 0.2 if slot >= 4 else 0.0
    bar_width = min(slot - gap, MAX_BAR)
    month_row = slot >= MONTH_LABEL_SLOT
    peak_month, peak = max(months, key=lambda item: (item[1], -item[0].year, -item[0].month))
    total = sum(count for _, count in months)

    bars: list[str] = []
    for index, (month, count) in enumerate(months):
        if count <= 0:
            continue
        x = LEFT + index * slot
        height = max(count / peak * plot_h, 1.0)  # a single dispatch stays visible
        tip = f"{month.label} : {depeches(count)}"
        # A month is a <g> (or a link) of .chart-bars holding its tooltip, the slot-wide
        # rectangle that catches the pointer, then the bar: the stylesheet finds them by
        # that order (charts.css), so they carry no class (an entity's page draws up to 168
        # months, and there are thousands of entity pages).
        body = (
            f"<title>{text(tip)}</title>"
            f'<rect x="{num(x)}" y="{num(TOP)}" width="{num(slot)}"'
            f' height="{num(plot_h)}" fill="transparent"/>'
            f'<rect x="{num(x + (slot - bar_width) / 2)}"'
            f' y="{num(baseline - height)}" width="{num(bar_width)}" height="{num(height)}"/>'
        )
        href = href_for_month(month.key) if href_for_month is not None else None
        if href is not None:
            bars.append(f'<a href={attr(safe_href(href))} tabindex="-1">{body}</a>')
        else:
            bars.append(f"<g>{body}</g>")

    year_row = 2 * TICK_FONT + 7 if month_row else TICK_FONT + 6
    ticks, year_labels = _year_labels(months, slot, baseline, year_row)
    if month_row:
        year_labels = _month_labels(months, slot, baseline) + year_labels
    first, last = months[0][0], months[-1][0]
    desc = (
        f"Nombre de dépêches par mois, de {first.label} à {last.label} ({n} mois) : "
        f"{depeches(total)} au total ; maximum {number_fr(peak)} en {peak_month.label}."
    )
    out = svg_open(
        width=WIDTH,
        height=HEIGHT,
        css_class="chart chart-timeline",
        id_prefix=id_prefix,
        title=title,
        desc=desc,
    )
    out.append(
        f'<path class="chart-grid" d="M{num(LEFT)} {num(TOP)}H{num(WIDTH - RIGHT)}"'
        ' stroke="#ccc" stroke-dasharray="3 3"/>'
    )
    out.append(
        f'<g class="chart-tick-labels" font-family="sans-serif" font-size="{num(TICK_FONT)}"'
        ' fill="#666">'
    )
    out.append(
        f'<text class="chart-tick-label" x="{num(LEFT - 5)}" y="{num(TOP + 3.5)}"'
        f' text-anchor="end">{text(number_fr(peak))}</text>'
    )
    out.append(
        f'<text class="chart-tick-label" x="{num(LEFT - 5)}" y="{num(baseline + 3.5)}"'
        ' text-anchor="end">0</text>'
    )
    out += year_labels
    out.append("</g>")
    out.append('<g class="chart-bars" fill="#7a5c2e">')
    out += bars
    out.append("</g>")
    out.append(
        f'<path class="chart-axis" d="M{num(LEFT)} {num(baseline)}H{num(WIDTH - RIGHT)}'
        + "".join(ticks)
        + '" stroke="#333" fill="none"/>'
    )
    out.append("</svg>")
    logger.debug("timeline: %s months, peak %s", n, peak)
    return "\n".join(out) + "\n"
