"""What sharing needs: schema.org data for dispatch pages and the sitemap.

Pages carry OpenGraph tags and, when SITEURL is set, a canonical link: base.html writes
them from each page's ``meta`` (see pages.py). The JSON-LD object is plain data here;
dispatch.html adds the page's absolute address when SITEURL is set and serialises it with
Jinja's ``tojson``, which writes ``<``, ``>``, ``&`` and ``'`` as ``\\u003c``… so that no
title can close the script element.
"""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape

from .citations import permalink
from .periods import entity_periods
from .site import GROUP_DIRS, Site

# schema.org types for our kinds of entity.
SCHEMA_TYPES = {
    "personne": "Person",
    "organisation": "Organization",
    "etat": "GovernmentOrganization",
    "groupe-arme": "Organization",
    "media": "NewsMediaOrganization",
    "pays": "Country",
    "province": "AdministrativeArea",
    "ville": "City",
    "localite": "Place",
    "site": "Place",
}


def news_article(site: Site, index: int) -> dict[str, Any]:
    """schema.org NewsArticle for a dispatch, without its address (the template adds it)."""
    d = site.dispatches[index]
    r = d.record
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": r["title"],
        # No description: the page's meta description holds the same lead.
        "inLanguage": "fr",
        "isAccessibleForFree": True,
        "identifier": {"@type": "PropertyValue", "propertyID": "SHA-256", "value": r["sha256"]},
    }
    if d.date:
        data["datePublished"] = d.date
    if r.get("source"):
        data["sourceOrganization"] = {"@type": "Organization", "name": r["source"]}
    if r.get("url"):
        data["isBasedOn"] = r["url"]
    mentions: list[dict[str, Any]] = []
    places: list[dict[str, Any]] = []
    for slug in d.entities:
        e = site.entities[slug].entity
        # Names and kinds only: a place's coordinates are on its own page and in its JSON
        # (donnees/lieux/); repeated on every dispatch page they were 50 MB at 100,000.
        thing: dict[str, Any] = {"@type": SCHEMA_TYPES.get(e.kind, "Thing"), "name": e.name}
        if e.group == "lieu":
            places.append(thing)
        else:
            mentions.append(thing)
    if mentions:
        data["mentions"] = mentions
    if places:
        data["contentLocation"] = places
    return data


def page_paths(site: Site, per_page: int) -> list[str]:
    """The archive's canonical pages (first page of each listing), from the site root."""
    paths = ["index.html", "recherche.html", "regles.html", "donnees.html", "archives/index.html"]
    paths += [f"{GROUP_DIRS[g]}/index.html" for g in ("acteur", "lieu")]
    months = sorted({d.date[:7] for d in site.dispatches if d.date})
    for year in sorted({m[:4] for m in months}):
        paths.append(f"archives/{year}.html")
    paths += [f"archives/{m[:4]}/{m[5:]}.html" for m in months]
    if any(not d.date for d in site.dispatches):
        paths.append("archives/non-datees.html")
    paths += [d.url for d in site.dispatches]
    pages = [page for _, page in sorted(site.entities.items())]
    paths += [page.url for page in pages]
    for page in pages:  # the periods of each long listing (periods.py), by name
        periods = entity_periods(site, page, per_page)
        if periods is not None:
            keys = sorted({y.key for y in periods.years} | {p.key for p in periods.leaves})
            paths += [periods.path(key) for key in keys]
    return paths


def sitemap(site: Site, siteurl: str, per_page: int) -> bytes:
    """sitemap.xml: absolute addresses when SITEURL is set, else paths from the site root.

    The sitemap protocol wants absolute addresses: a site without SITEURL is not public,
    and its sitemap is a plain list of pages.
    """
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ]
    lines += [
        f"<url><loc>{escape(permalink(siteurl, path))}</loc></url>"
        for path in page_paths(site, per_page)
    ]
    lines.append("</urlset>")
    return ("\n".join(lines) + "\n").encode("utf-8")
