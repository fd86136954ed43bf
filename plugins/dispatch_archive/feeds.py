"""Atom feeds: the whole archive, and one per entity."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from feedgenerator import Atom1Feed

from .site import Site, lead_of

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)


def _when(iso: str | None) -> dt.datetime:
    if not iso:
        return EPOCH  # undated dispatches sort last; a date is never invented for display
    return dt.datetime.fromisoformat(iso[:10]).replace(tzinfo=dt.timezone.utc)


def atom_feed(
    site: Site, title: str, feed_path: str, page_url: str, items: Sequence[int], site_url: str, limit: int
) -> bytes:
    """An Atom feed of the newest dated dispatches in items (indices, oldest first)."""
    # Without SITEURL, links are relative to the feed's own folder, like every internal link.
    base = site_url.rstrip("/") + "/" if site_url else "../" * feed_path.count("/")
    newest = [i for i in reversed(items) if site.dispatches[i].date][:limit]
    feed = Atom1Feed(
        title=title,
        link=base + page_url,
        description=title,
        language="fr",
        feed_url=base + feed_path,
        feed_guid=f"tag:archive-depeches,2011:{feed_path}",
    )
    for i in newest:
        d = site.dispatches[i]
        feed.add_item(
            title=d.record["title"],
            link=base + d.url,
            description=lead_of(d.record["paragraphs"], 600),
            unique_id=f"tag:archive-depeches,2011:{d.record['sha256'][:16]}",
            pubdate=_when(d.date),
            updateddate=_when(d.date),
            categories=[site.entities[s].entity.name for s in d.entities],
        )
    if not newest:
        feed.latest_post_date = lambda: EPOCH  # type: ignore[method-assign]
    return feed.writeString("utf-8").encode("utf-8")
