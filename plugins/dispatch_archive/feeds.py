"""Atom feeds: the whole archive, and one per entity, written directly as XML text."""

from __future__ import annotations

from collections.abc import Sequence
from xml.sax.saxutils import escape, quoteattr

from .site import Site, lead_of

EPOCH = "1970-01-01T00:00:00Z"
SUMMARY_CHARS = 320  # an entry's summary: the lead of the text (the whole text is one link away)


def _when(iso: str | None) -> str:
    return f"{iso[:10]}T00:00:00Z" if iso else EPOCH


def atom_feed(
    site: Site, title: str, feed_path: str, page_url: str, items: Sequence[int], site_url: str, limit: int
) -> bytes:
    """An Atom 1.0 feed of the newest dated dispatches in items (indices, oldest first).

    Undated dispatches are left out: a feed entry needs a date and one is never invented.
    Without SITEURL, links are relative to the feed's own folder, like every internal link.
    """
    base = site_url.rstrip("/") + "/" if site_url else "../" * feed_path.count("/")
    newest = [i for i in reversed(items) if site.dispatches[i].date][:limit]
    updated = _when(site.dispatches[newest[0]].date) if newest else EPOCH
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>\n',
        '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="fr">',
        f"<title>{escape(title)}</title>",
        f"<link href={quoteattr(base + page_url)} rel=\"alternate\"/>",
        f"<link href={quoteattr(base + feed_path)} rel=\"self\"/>",
        f"<id>tag:archive-depeches,2011:{escape(feed_path)}</id>",
        f"<updated>{updated}</updated>",
        f"<author><name>{escape(title.split(' — ')[0])}</name></author>",
    ]
    for i in newest:
        d = site.dispatches[i]
        when = _when(d.date)
        parts.append(
            "<entry>"
            f"<title>{escape(d.record['title'])}</title>"
            f"<link href={quoteattr(base + d.url)} rel=\"alternate\"/>"
            f"<id>tag:archive-depeches,2011:{d.record['sha256'][:16]}</id>"
            f"<published>{when}</published><updated>{when}</updated>"
            f"<summary>{escape(lead_of(d.record['paragraphs'], SUMMARY_CHARS))}</summary>"
            + "".join(f"<category term={quoteattr(site.entities[s].entity.name)}/>" for s in d.entities)
            + "</entry>"
        )
    parts.append("</feed>\n")
    return "".join(parts).encode("utf-8")
