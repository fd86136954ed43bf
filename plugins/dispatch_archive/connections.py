"""Co-mentioned actors and places, ranked by normalised PMI rather than by raw counts.

Ranked by joint count, every page would open on Syrie, Russie and Bachar al-Assad: they are
in a third of the archive. archive_charts.ranking scores how much more often two entities
meet than chance predicts, which discounts such ubiquitous entities.
"""

from __future__ import annotations

from dataclasses import dataclass

from archive_charts.ranking import pmi_ranking

from .site import Site


@dataclass(frozen=True)
class Connection:
    """An entity co-mentioned with another, the score that ranks it and what they share."""

    slug: str
    score: float  # normalised PMI, in ]0, 1]
    shared: tuple[int, ...]  # dispatch indices, oldest first


def connections(
    site: Site, slug: str, *, min_shared: int, limit: int
) -> dict[str, list[Connection]]:
    """Best co-mentioned entities of each group ("acteur", "lieu"), best first.

    A pair needs min_shared dispatches in common, or all of the entity's own when it has
    fewer: an entity cited once still shows what its one dispatch is about. Made once per
    site model (Site.connections).
    """
    memo = site.connections.get((slug, min_shared, limit))
    if memo is not None:
        return memo
    page = site.entities[slug]
    joint = site.co_mentions(slug)
    counts = {other: (len(site.entities[other].dispatches), n) for other, n in joint.items()}
    own = len(page.dispatches)
    ranked = pmi_ranking(len(site.dispatches), own, counts, min_joint=min(min_shared, own))
    out: dict[str, list[Connection]] = {"acteur": [], "lieu": []}
    for item in ranked:
        group = out[site.entities[item.name].entity.group]
        if len(group) < limit:
            group.append(Connection(item.name, item.score, tuple(site.shared(slug, item.name))))
    site.connections[slug, min_shared, limit] = out
    return out
