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

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
# The most URLs a sitemap may list (sitemaps.org): past it, sitemap.xml indexes parts.
SITEMAP_MAX_URLS = 50_000


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


def sitemap(site: Site, siteurl: str, per_page: int) -> list[tuple[str, bytes]]:
    """sitemap.xml, and the parts it indexes when the archive has more pages than a sitemap
    may list: each file's path and bytes, sitemap.xml first (the export job's path).

    Addresses are absolute when SITEURL is set, else paths from the site root: the sitemap
    protocol wants absolute addresses, but a site without SITEURL is not public, and its
    sitemap is a plain list of pages.

    The protocol caps a sitemap at 50,000 URLs and 50 MB uncompressed: at 100,000
    dispatches the archive has some 130,000 pages, which made one sitemap.xml of 13 MB that
    search engines may refuse whole. Past SITEMAP_MAX_URLS pages, sitemap.xml is a sitemap
    index of parts sitemap-1.xml.gz, sitemap-2.xml.gz, … of at most SITEMAP_MAX_URLS pages
    each, in the order of page_paths. The protocol allows gzip parts, some 5 MB of text each
    and a sixth of that compressed; compressed with no time or file name in the header
    (exports.compressed), the same pages give the same bytes, which the build then keeps.
    Up to SITEMAP_MAX_URLS pages, sitemap.xml is the one plain list it always was.
    """
    locs = [permalink(siteurl, path) for path in page_paths(site, per_page)]
    limit = SITEMAP_MAX_URLS
    if len(locs) <= limit:
        return [("sitemap.xml", _sitemap_xml("urlset", "url", locs))]
    from .exports import compressed  # here, not above: exports.py imports this module

    parts = [
        (f"sitemap-{number}.xml.gz", locs[start : start + limit])
        for number, start in enumerate(range(0, len(locs), limit), 1)
    ]
    index = _sitemap_xml("sitemapindex", "sitemap", [permalink(siteurl, p) for p, _ in parts])
    return [("sitemap.xml", index)] + [
        (path, compressed(_sitemap_xml("urlset", "url", chunk), True)) for path, chunk in parts
    ]


def _sitemap_xml(root: str, entry: str, locs: list[str]) -> bytes:
    """A urlset (entry "url") or a sitemap index (entry "sitemap"): one <loc> a line."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', f'<{root} xmlns="{SITEMAP_NS}">']
    lines += [f"<{entry}><loc>{escape(loc)}</loc></{entry}>" for loc in locs]
    lines.append(f"</{root}>")
    return ("\n".join(lines) + "\n").encode("utf-8")
