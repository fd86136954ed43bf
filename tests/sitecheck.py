"""Helpers for tests that look at a built site: build it, list its links."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urlsplit

from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parent.parent
ASSET_SUFFIXES = (".css", ".js", ".xml", ".json", ".svg", ".png", ".jpg", ".ico", ".txt", ".csv", ".jsonl", ".bib")


def build_site(out: Path, cache: Path, **overrides: object) -> Path:
    """Build the sample archive with Pelican's API into out; return out."""
    from pelican import Pelican
    from pelican.settings import read_settings

    import locale

    override = {"OUTPUT_PATH": str(out), "DISPATCH_CACHE_PATH": str(cache), **overrides}
    settings = read_settings(str(ROOT / "pelicanconf.py"), override=override)
    saved = locale.setlocale(locale.LC_ALL)
    try:
        Pelican(settings).run()
    finally:  # Pelican sets LOCALE ("C"): later subprocesses would decode as ASCII
        locale.setlocale(locale.LC_ALL, saved)
    return out


def links(html_file: Path) -> Iterator[tuple[str, str]]:
    """(attribute, value) of every href and src in a page."""
    soup = BeautifulSoup(html_file.read_text(encoding="utf-8"), "html.parser")
    for tag in soup.find_all(True):
        for attr in ("href", "src"):
            value = tag.get(attr)
            if isinstance(value, str):
                yield attr, value


def is_external(url: str) -> bool:
    """True for any URL that leaves the site (scheme or protocol-relative)."""
    parts = urlsplit(url)
    return bool(parts.scheme) or url.startswith("//")


def resolve(page: Path, url: str) -> Path | None:
    """The file an internal link points to (fragment and query dropped)."""
    path = unquote(urlsplit(url).path)
    if not path:
        return None
    return (page.parent / path).resolve()
