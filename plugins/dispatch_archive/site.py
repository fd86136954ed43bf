"""Turn cleaned, tagged records into the archive's model: slugs, entities, listings, dates."""

from __future__ import annotations

import functools
import hashlib
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import chain
from typing import Any

import numpy as np

from archive_charts.labels import MONTHS_FR
from entity_tags.gazetteer import ACTOR_KINDS, PLACE_KINDS, Entity, Gazetteer
from entity_tags.normalize import fold, slugify

from .pipeline import Failure, Record

MONTHS = MONTHS_FR  # one list of French month names for pages and charts
GROUP_DIRS = {"acteur": "acteurs", "lieu": "lieux"}
LEAD_CHARS = 150  # cards, meta descriptions and search cards show the same lead (the length
# a search engine shows of a description; at 100,000 dispatches a card is made a million times)


@functools.lru_cache(maxsize=1 << 16)
def french_date(iso: str | None) -> str:
    """'2018-09-09' -> '9 septembre 2018'; None -> 'non datée' (memoised: an archive has a
    few thousand days, written some 100,000 times in a build of 10,000 dispatches)."""
    if not iso:
        return "non datée"
    year, month, day = iso[:10].split("-")
    first = "1er" if day == "01" else str(int(day))
    return f"{first} {MONTHS[int(month) - 1]} {year}"


def month_label(key: str) -> str:
    """'2018-09' -> 'septembre 2018'."""
    year, month = key.split("-")
    return f"{MONTHS[int(month) - 1]} {year}"


def lead_of(paragraphs: Sequence[str], limit: int = LEAD_CHARS) -> str:
    """The first words of the body, cut on a word boundary."""
    text = " ".join(paragraphs)
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + " …"


@dataclass
class Dispatch:
    """One dispatch as the site shows it."""

    record: Record
    slug: str = ""
    entities: list[str] = field(default_factory=list)  # slugs, in order of first mention
    counts: Counter[str] = field(default_factory=Counter)
    # ISO date or None, read once from the record: listings and periods ask for it often
    date: str | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        self.date = self.record["date"]

    @property
    def url(self) -> str:
        """Path from the site root."""
        return f"depeches/{self.slug}.html"


@dataclass
class EntityPage:
    """An entity with the dispatches that mention it."""

    entity: Entity
    dispatches: list[int] = field(default_factory=list)  # indices into Site.dispatches, oldest first
    mentions: int = 0

    @property
    def url(self) -> str:
        """Path from the site root."""
        return f"{GROUP_DIRS[self.entity.group]}/{self.entity.slug}.html"

    @property
    def data_path(self) -> str:
        """Path of the entity's JSON record (donnees/), from the site root."""
        return f"donnees/{GROUP_DIRS[self.entity.group]}/{self.entity.slug}.json"


@dataclass
class Site:
    """The whole archive, ready for rendering."""

    dispatches: list[Dispatch]  # oldest first, undated first
    entities: dict[str, EntityPage]
    failures: list[Failure]
    gazetteer: Gazetteer
    cards: dict[int, dict[str, Any]] = field(default_factory=dict)  # card() memo
    # periods.entity_periods memo, by (slug, per_page): the pages, the sitemap and
    # `invoke regenerate` all ask for an entity's periods
    periods: dict[tuple[str, int], Any] = field(default_factory=dict)
    # Where card() may find a card made for an earlier site model (`invoke regenerate`):
    # given an index, the card if it still holds, or None
    card_source: Callable[[int], dict[str, Any] | None] | None = None
    # Passages removed by (rule, source) over the whole archive: removal_counts() memo, which
    # a resident process carries from one site model to the next (`invoke regenerate`)
    removals: Counter[tuple[str, str]] | None = None
    # Each entity's dispatch indices as an array, for shared(): made when first asked
    indices: dict[str, Any] = field(default_factory=dict)
    # connections.connections memo, by (slug, min_shared, limit): an entity's page and its
    # JSON export both rank its co-mentions (the render workers give both to one process)
    connections: dict[tuple[str, int, int], Any] = field(default_factory=dict)

    def by_group(self, group: str) -> list[EntityPage]:
        """Entity pages of one group, by folded name."""
        pages = [p for p in self.entities.values() if p.entity.group == group]
        return sorted(pages, key=lambda p: (fold(p.entity.name), p.entity.slug))

    def top(self, group: str, n: int) -> list[EntityPage]:
        """Most-mentioned entities of a group (by dispatches, then name)."""
        pages = [p for p in self.entities.values() if p.entity.group == group]
        pages.sort(key=lambda p: (-len(p.dispatches), fold(p.entity.name)))
        return pages[:n]

    def newest_first(self) -> list[int]:
        """Indices of dated dispatches, newest first, then undated ones."""
        dated = [i for i, d in enumerate(self.dispatches) if d.date]
        undated = [i for i, d in enumerate(self.dispatches) if not d.date]
        return dated[::-1] + undated

    def co_mentions(self, slug: str) -> Counter[str]:
        """How many dispatches each other entity shares with slug."""
        dispatches = self.dispatches
        # One count in C over every entity of its dispatches, then slug itself taken out:
        # the same counts, in the same order of first appearance, as one update per dispatch.
        counter: Counter[str] = Counter(
            chain.from_iterable(dispatches[i].entities for i in self.entities[slug].dispatches))
        counter.pop(slug, None)
        return counter

    def shared(self, slug: str, other: str) -> list[int]:
        """Indices of the dispatches that mention both entities, oldest first."""
        # Both lists are sorted: each index of the shorter one is looked for in the longer
        # one by bisection (a set of the longer one, made at each call, cost a third of an
        # entity page's co-mention ranking when the other entity is cited everywhere).
        a, b = self._indices(slug), self._indices(other)
        if len(a) > len(b):
            a, b = b, a
        if not len(a):
            return []
        at = np.searchsorted(b, a)
        found = at < len(b)
        found[found] = b[at[found]] == a[found]
        return a[found].tolist()

    def _indices(self, slug: str) -> Any:
        array = self.indices.get(slug)
        if array is None:
            array = self.indices[slug] = np.array(self.entities[slug].dispatches, dtype=np.int64)
        return array

    def months(self, indices: Sequence[int]) -> Counter[str]:
        """Dated dispatches among indices, counted by month ("2018-09")."""
        return Counter(d.date[:7] for d in (self.dispatches[i] for i in indices) if d.date)


UNKNOWN_SOURCE = "source inconnue"


def removal_pairs(record: Record) -> Iterator[tuple[str, str]]:
    """(rule, source) of each passage the cleaning removed from a record."""
    source = record.get("source") or UNKNOWN_SOURCE
    return ((removal["rule"], source) for removal in record["removed"])


def removal_counts(site: Site) -> Counter[tuple[str, str]]:
    """Passages removed, by (rule, source), over the whole archive (the rules page)."""
    if site.removals is None:
        pairs = chain.from_iterable(removal_pairs(d.record) for d in site.dispatches)
        site.removals = Counter(pairs)
    return site.removals


def record_order(record: Record) -> tuple[str, str, str]:
    """Where a record's dispatch stands in the archive: oldest first, undated before every
    date, then by title and path."""
    return (record["date"] or "", _folded(record["title"]), record["path"])


@functools.lru_cache(maxsize=1 << 18)
def _folded(title: str) -> str:
    """fold(title), remembered: a resident process sorts the same titles at every change."""
    return fold(title)


# What build_site learned from one record's mentions: (record, entities, counts, unknown slugs).
Tally = tuple[Record, list[str], Counter[str], frozenset[str]]


def build_site(
    records: Sequence[Record],
    failures: Sequence[Failure],
    gazetteer: Gazetteer,
    tallies: dict[int, Tally] | None = None,
) -> Site:
    """Assign stable slugs, gather entities and order dispatches.

    tallies, kept by a resident process between calls, remembers by record identity which
    entities each record names, so that an unchanged record is not counted again.
    """
    records = sorted(records, key=record_order)
    known: dict[str, Entity] = dict(gazetteer.entities)
    for r in records:
        for item in r.get("discovered", ()):
            if item["slug"] not in known:
                known[item["slug"]] = Entity(
                    slug=item["slug"],
                    name=item["name"],
                    kind=item["kind"],
                    group=item["group"],
                    aliases=(item["name"],),
                    verified=False,
                )
    dispatches: list[Dispatch] = []
    entities: dict[str, EntityPage] = {}
    for index, r in enumerate(records):
        tally = tallies.get(id(r)) if tallies is not None else None
        if tally is not None and tally[0] is r and not (tally[3] & known.keys()):
            d = Dispatch(r, "", tally[1], tally[2])
        else:
            d = Dispatch(r)
            unknown: set[str] = set()
            for mention in r.get("mentions", ()):
                slug = mention["slug"]
                if slug not in known:
                    unknown.add(slug)
                    continue
                if slug not in d.counts:
                    d.entities.append(slug)
                d.counts[slug] += 1
            if tallies is not None:
                tallies[id(r)] = (r, d.entities, d.counts, frozenset(unknown))
        dispatches.append(d)
        for slug in d.entities:
            page = entities.get(slug)
            if page is None:  # not setdefault: that would make a page per mention
                page = entities[slug] = EntityPage(known[slug])
            page.dispatches.append(index)
            page.mentions += d.counts[slug]
    _assign_slugs(dispatches)
    return Site(dispatches, entities, list(failures), gazetteer)


def _assign_slugs(dispatches: Sequence[Dispatch]) -> None:
    """Slug from the title; on a clash, all but the oldest get a suffix from their path.

    The suffix depends only on the file's path, so a URL does not change when other
    dispatches are added, unless a newcomer is older than it and has the same title.
    """
    bases: set[str] = set()
    taken: set[str] = set()
    for d in dispatches:  # in sort order: the oldest of a title first
        base = slugify(d.record["title"]) or "depeche"
        if base in bases:
            proposed = f"{base}-{hashlib.sha256(d.record['path'].encode()).hexdigest()[:6]}"
        else:
            bases.add(base)
            proposed = base
        slug, n = proposed, 2
        while slug in taken:  # a suffixed slug may in turn meet a title's slug: make it unique
            slug, n = f"{proposed}-{n}", n + 1
        d.slug = slug
        taken.add(slug)


def kind_label(entity: Entity) -> str:
    """French label of an entity's kind, singular-ish for chips."""
    labels = ACTOR_KINDS if entity.group == "acteur" else PLACE_KINDS
    return labels.get(entity.kind, entity.kind)


def card(site: Site, index: int) -> dict[str, Any]:
    """What a listing shows of a dispatch (made once per dispatch: listings repeat it)."""
    cached = site.cards.get(index)
    if cached is None:
        if site.card_source is not None:
            cached = site.card_source(index)
        if cached is None:
            cached = _card(site, index)
        site.cards[index] = cached
    return cached


CARD_CHIPS = 2  # places, and actors, a card names (the first mentioned); "+N" for the rest


def _card(site: Site, index: int) -> dict[str, Any]:
    # A card is repeated on every listing of its dispatch (its entities' pages, the date
    # archives): at 10,000 dispatches, cards of 4 + 4 chips made 72 of the 177 MB of entity
    # pages. The dispatch page lists them all.
    d = site.dispatches[index]
    places = [s for s in d.entities if site.entities[s].entity.group == "lieu"]
    actors = [s for s in d.entities if site.entities[s].entity.group == "acteur"]
    places, actors = places[:CARD_CHIPS], actors[:CARD_CHIPS]
    return {
        "more": len(d.entities) - len(places) - len(actors),
        "title": d.record["title"],
        "url": d.url,
        "date": d.date,
        "date_label": french_date(d.date),
        "source": d.record.get("source"),
        "lead": lead_of(d.record["paragraphs"]),
        "places": [link_chip(site.entities[s]) for s in places],
        "actors": [link_chip(site.entities[s]) for s in actors],
    }


def link_chip(page: EntityPage) -> dict[str, Any]:
    """A link to an entity that shows no count (cards, neighbours, children). Without the
    archive-wide count in its data, a page of cards does not change, and is not rendered
    again, when another dispatch names one of its entities."""
    return {
        "name": page.entity.name,
        "url": page.url,
        "kind": page.entity.kind,
        "group": page.entity.group,
        "verified": page.entity.verified,
    }


def chip(page: EntityPage, count: int | None = None) -> dict[str, Any]:
    """What a link to an entity shows, with its count (of dispatches, unless given)."""
    return dict(link_chip(page), count=len(page.dispatches) if count is None else count)
