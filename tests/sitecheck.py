"""Helpers for tests that look at a built site: build it, list its links."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urlsplit

from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parent.parent
ASSET_SUFFIXES = (".css", ".js", ".xml", ".json", ".svg", ".png", ".jpg", ".ico", ".txt", ".csv", ".jsonl", ".bib")


def build_site(out: Path, cache: Path, **overrides: object) -> Path:
    """Build the sample archive with Pelican's API into out; return out."""
    import locale

    from pelican import Pelican
    from pelican.settings import read_settings

    override = {"OUTPUT_PATH": str(out), "DISPATCH_CACHE_PATH": str(cache), **overrides}
    settings = read_settings(str(ROOT / "pelicanconf.py"), override=override)
    saved = locale.setlocale(locale.LC_ALL)
    try:
        Pelican(settings).run()
    finally:  # Pelican sets LOCALE ("C"): later subprocesses would decode as ASCII
        locale.setlocale(locale.LC_ALL, saved)
    return out


# A tiny archive whose one big entity has every kind of period page (periods.py), with
# DISPATCH_PER_PAGE = 2: Idleb's 2018 holds 9 dispatches (more than 4 × 2: one page per month,
# March and June paginated), 2019 three (one page), 2020 four (two pages), one is undated.
# Alep is named twice: its page lists both, and it has no folder.
TINY_PER_PAGE = 2
TINY_IDLEB = (
    ["2018-01-01"]
    + [f"2018-03-{day:02d}" for day in range(1, 5)]
    + [f"2018-06-{day:02d}" for day in range(1, 5)]
    + [f"2019-02-{day:02d}" for day in range(1, 4)]
    + [f"2020-04-{day:02d}" for day in range(1, 5)]
    + [None]
)
TINY_ALEP = ["2018-03-10", "2021-05-01"]


def write_tiny_dispatch(folder: Path, n: int, date: str | None, place: str = "Idleb") -> Path:
    """One short dispatch naming place, with this date (or none)."""
    head = f"Date: {date}\n\n" if date else ""
    path = folder / f"{n:03d}.txt"
    path.write_text(
        f"{head}{place} : des frappes aériennes dans la nuit ({n:03d})\n\n"
        f"Des frappes aériennes ont visé {place} dans la nuit de mardi à mercredi, "
        "faisant plusieurs blessés parmi les civils, selon des secouristes sur place.\n",
        encoding="utf-8",
    )
    return path


def write_tiny_archive(content: Path) -> Path:
    """The tiny archive's content folder (the sample's gazetteer and pages); return its
    dispatch folder."""
    shutil.copytree(ROOT / "content" / "gazetteer", content / "gazetteer")
    shutil.copytree(ROOT / "content" / "pages", content / "pages")
    dispatches = content / "dispatches"
    dispatches.mkdir()
    for n, date in enumerate(TINY_IDLEB):
        write_tiny_dispatch(dispatches, n, date)
    for n, date in enumerate(TINY_ALEP, start=100):
        write_tiny_dispatch(dispatches, n, date, "Alep")
    return dispatches


def build_tiny_site(out: Path, content: Path, cache: Path) -> Path:
    """Build the tiny archive (gazetteer entities only: no model to load) into out."""
    return build_site(
        out, cache, PATH=str(content), DISPATCH_PER_PAGE=TINY_PER_PAGE, ENTITY_DISCOVERY=False
    )


def links(html_file: Path) -> Iterator[tuple[str, str]]:
    """(attribute, value) of every href and src in a page."""
    soup = BeautifulSoup(html_file.read_text(encoding="utf-8"), "html5lib")
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
