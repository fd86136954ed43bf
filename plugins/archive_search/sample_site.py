"""A minimal static site around the search page, for the browser tests and the benchmark.

It renders theme/templates/recherche.html with Jinja2 (the theme's base.html
when it exists, else a stand-in with the same blocks), copies the search
scripts and style, writes one plain page per dispatch and exports the client
index: everything the browser needs, without Pelican.
"""

from __future__ import annotations

import html
import shutil
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import jinja2

from .export import export_client_index
from .index import build_index
from .settings import SearchSettings

REPO = Path(__file__).resolve().parents[2]
THEME = REPO / "theme"

# Stand-in for the lead's base.html: the same blocks and variables, nothing else.
STUB_BASE = """<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'self'">
<title>{% block title %}{{ SITENAME }}{% endblock %}</title>{% block head %}{% endblock %}</head>
<body><header><form role="search" action="{{ ROOT }}recherche.html" method="get">
<label for="q-site">Rechercher</label> <input id="q-site" name="q" type="search"></form></header>
<main>{% block content %}{% endblock %}</main>{% block scripts %}{% endblock %}</body></html>
"""

DISPATCH_PAGE = """<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><title>{title}</title></head>
<body><main><article data-pagefind-body><h1>{title}</h1><p><time>{date}</time></p>
{paragraphs}</article></main></body></html>
"""


def render_search_page(site_dir: Path, sitename: str = "Archive des dépêches") -> Path:
    """Render recherche.html at the root of site_dir and copy the theme's search files."""
    loader_map: dict[str, str] = {}
    if not (THEME / "templates" / "base.html").exists():
        loader_map["base.html"] = STUB_BASE
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(
            [jinja2.FileSystemLoader(str(THEME / "templates")), jinja2.DictLoader(loader_map)]
        ),
        autoescape=True,
    )
    page = env.get_template("recherche.html").render(ROOT="", SITENAME=sitename)
    site_dir.mkdir(parents=True, exist_ok=True)
    out = site_dir / "recherche.html"
    out.write_text(page, encoding="utf-8")
    for sub in ("js/search", "css"):
        target = site_dir / "theme" / sub
        target.mkdir(parents=True, exist_ok=True)
        for path in (THEME / "static" / sub).glob("*"):
            if path.is_file():
                shutil.copy2(path, target / path.name)
    return out


def write_dispatch_pages(docs: Iterable[Mapping[str, Any]], site_dir: Path) -> int:
    """Write one plain HTML page per dispatch at its url; return how many."""
    count = 0
    for doc in docs:
        path = site_dir / doc["url"]
        path.parent.mkdir(parents=True, exist_ok=True)
        paragraphs = "\n".join(
            f"<p>{html.escape(p)}</p>" for p in doc["body"].split("\n\n") if p.strip()
        )
        path.write_text(
            DISPATCH_PAGE.format(
                title=html.escape(doc["title"]),
                date=html.escape(doc.get("date") or ""),
                paragraphs=paragraphs,
            ),
            encoding="utf-8",
        )
        count += 1
    return count


def build_sample_site(
    docs: list[Mapping[str, Any]],
    site_dir: Path,
    index_dir: Path,
    settings: SearchSettings | None = None,
    pages: bool = True,
) -> list[Path]:
    """Index docs, export the client index and render the search page; return the index files."""
    settings = settings or SearchSettings()
    build_index(docs, index_dir, settings)
    files = export_client_index(index_dir, site_dir / settings.output_dir, settings)
    render_search_page(site_dir)
    if pages:
        write_dispatch_pages(docs, site_dir)
    return files
