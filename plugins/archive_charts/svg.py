"""Small helpers to write SVG by hand: escaping, safe links, fixed-precision numbers.

Charts are written as text rather than through an XML library so that the output is
byte-for-byte stable and attribute order is under our control.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

SVG_NS = "http://www.w3.org/2000/svg"

# Relative links and plain web links only: a javascript: or data: URL in a gazetteer entry
# or a setting must never become a live link in every page that shows the chart.
_ALLOWED_SCHEMES = frozenset({"", "http", "https"})
_CONTROL = re.compile(r"[\x00-\x20\x7f]")
_ID_UNSAFE = re.compile(r"[^a-z0-9_-]+")


class ChartError(ValueError):
    """A chart cannot be drawn from these inputs (bad key, unsafe link, place off the map)."""


def num(value: float, digits: int = 1) -> str:
    """Format a number with fixed precision, without trailing zeros or a negative zero."""
    text = f"{value:.{digits}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def text(value: str) -> str:
    """Escape text content, double quotes included: a figure's markup then holds « " » only
    around attribute values (dispatch_archive.markup relies on it)."""
    return escape(value, _QUOTE)


def attr(value: str) -> str:
    """Escape and quote an attribute value (quotes included), always between double quotes."""
    return f'"{escape(value, _QUOTE)}"'


_QUOTE = {'"': "&quot;"}


def safe_href(href: str) -> str:
    """Return ``href`` if it is a relative or http(s) URL; raise ChartError otherwise."""
    if not href or _CONTROL.search(href.strip()) or href != href.strip():
        raise ChartError(f"unsafe link in a chart: {href!r}")
    scheme = urlsplit(href).scheme.lower()
    if scheme not in _ALLOWED_SCHEMES:
        raise ChartError(f"unsafe link scheme {scheme!r} in a chart: {href!r}")
    return href


def id_token(value: str) -> str:
    """Turn a slug into a fragment usable in an element id."""
    token = _ID_UNSAFE.sub("-", value.lower()).strip("-")
    return token or "x"


def svg_open(
    *,
    width: int,
    height: int,
    css_class: str,
    id_prefix: str,
    title: str,
    desc: str,
) -> list[str]:
    """Open an accessible SVG: role="img", labelled by its <title>, described by its <desc>.

    The width and height attributes are the size without CSS; charts.css makes the chart
    responsive (width 100 %, height from the viewBox).
    """
    title_id = f"{id_prefix}-titre"
    desc_id = f"{id_prefix}-desc"
    return [
        f'<svg xmlns="{SVG_NS}" class={attr(css_class)} viewBox="0 0 {width} {height}"'
        f' width="{width}" height="{height}" role="img"'
        f' aria-labelledby="{title_id}" aria-describedby="{desc_id}">',
        f'<title id="{title_id}">{text(title)}</title>',
        f'<desc id="{desc_id}">{text(desc)}</desc>',
    ]
