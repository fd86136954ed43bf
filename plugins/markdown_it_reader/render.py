"""Split a Markdown page's metadata header from its body and render it with markdown-it-py."""

from __future__ import annotations

import re

from markdown_it import MarkdownIt

_HEADER = re.compile(r"^(?P<key>[A-Za-z][A-Za-z_-]*)\s*:\s*(?P<value>.*)$")
# Raw HTML is off: pages are text, and the site must pass a strict Content-Security-Policy.
_MD = MarkdownIt("commonmark", {"html": False, "typographer": False}).enable("table")


def split_metadata(text: str) -> tuple[dict[str, str], str]:
    """Read 'Key: value' lines up to the first blank line; the rest is the body."""
    meta: dict[str, str] = {}
    lines = text.lstrip("\ufeff").splitlines()
    for i, line in enumerate(lines):
        if not line.strip():
            return meta, "\n".join(lines[i + 1 :])
        m = _HEADER.match(line)
        if not m:
            return {}, text
        meta[m.group("key").lower()] = m.group("value").strip()
    return meta, ""


def to_html(body: str) -> str:
    """CommonMark (plus tables) to HTML, raw HTML escaped."""
    return _MD.render(body)
