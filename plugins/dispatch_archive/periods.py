"""Period pages of an entity's listing: which periods exist, what each lists, where it lives.

An entity's main page (`acteurs/<slug>.html`) shows its newest `per_page` dispatches. When it
is named in more, its whole listing is also laid out by period in a folder named after the
slug, which no other slug's files can reach (`acteurs/<slug>/`):

* `<YYYY>.html` per year;
* for a year holding more than `SPLIT_FACTOR × per_page` of its dispatches, `<YYYY>-<MM>.html`
  per month instead, and `<YYYY>.html` lists those months;
* `non-datees.html` for its undated dispatches;
* a period of more cards than a page holds is paginated within itself, numbered from its
  oldest (`<period>-p1.html` …, see `pages.chunks_oldest_first`).

A period page's data is the entity's identity, the cards of its own dispatches and the links
to the periods beside it. A dispatch added in the past therefore changes the main page and the
pages of its own period; the neighbouring periods change only when a period appears or
disappears (their links move), which `shape` tells apart.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from .site import GROUP_DIRS, EntityPage, Site, month_label

# A year of the entity's listing holding more than this many pages' worth of dispatches gets
# one page per month: the AFP, named in almost every dispatch of the synthetic 10,000-dispatch
# archive, has ~700 a year, which would be 14 pages paginated from the year's oldest; a month
# (~60) fits in one or two. Four pages is what a reader pages through before wanting months.
SPLIT_FACTOR = 4
UNDATED_KEY = "non-datees"
UNDATED_LABEL = "non datées"


@dataclass(frozen=True)
class Period:
    """One listing page of an entity's period (with its own pagination, if long)."""

    key: str  # "2019", "2019-03" or "non-datees": the file's name in the entity's folder
    label: str  # "2019", "mars 2019", "non datées"
    items: tuple[int, ...]  # indices into Site.dispatches, oldest first


@dataclass(frozen=True)
class Year:
    """A year of an entity's listing: one period, or an index of its month periods."""

    key: str  # "2019"
    items: tuple[int, ...]  # oldest first
    months: tuple[Period, ...]  # oldest first; empty when the year is one period

    @property
    def label(self) -> str:
        """How the year is named in links: the year itself."""
        return self.key


@dataclass(frozen=True)
class Periods:
    """The period pages of one entity."""

    folder: str  # "acteurs/afp", from the output root
    years: tuple[Year, ...]  # oldest first
    undated: Period | None

    def path(self, key: str) -> str:
        """Output path of a period's (or a year index's) first page."""
        return f"{self.folder}/{key}.html"

    @property
    def leaves(self) -> tuple[Period, ...]:
        """The periods that list dispatches, oldest first; undated ones sort before any date,
        as in Site.dispatches, so they close a newest-first walk through the periods."""
        out: list[Period] = [self.undated] if self.undated else []
        for year in self.years:
            out += year.months or [Period(year.key, year.key, year.items)]
        return tuple(out)

    def shape(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """What the neighbour links of every period page depend on: the years and the periods.
        Two layouts of one entity with the same shape differ only inside periods."""
        return tuple(y.key for y in self.years), tuple(p.key for p in self.leaves)


def entity_periods(site: Site, page: EntityPage, per_page: int) -> Periods | None:
    """The period pages of an entity, or None when its main page lists all its dispatches
    (computed once per site model: Site.periods)."""
    key = (page.entity.slug, per_page)
    if key not in site.periods:
        site.periods[key] = _entity_periods(site, page, per_page)
    periods: Periods | None = site.periods[key]
    return periods


def _entity_periods(site: Site, page: EntityPage, per_page: int) -> Periods | None:
    if len(page.dispatches) <= per_page:
        return None
    by_year: dict[str, list[int]] = defaultdict(list)
    undated: list[int] = []
    for i in page.dispatches:
        date = site.dispatches[i].date
        if date:
            by_year[date[:4]].append(i)
        else:
            undated.append(i)
    years: list[Year] = []
    for key, items in sorted(by_year.items()):
        months: tuple[Period, ...] = ()
        if len(items) > SPLIT_FACTOR * per_page:
            by_month: dict[str, list[int]] = defaultdict(list)
            for i in items:
                by_month[str(site.dispatches[i].date)[:7]].append(i)
            months = tuple(Period(m, month_label(m), tuple(v)) for m, v in sorted(by_month.items()))
        years.append(Year(key, tuple(items), months))
    e = page.entity
    return Periods(
        f"{GROUP_DIRS[e.group]}/{e.slug}",
        tuple(years),
        Period(UNDATED_KEY, UNDATED_LABEL, tuple(undated)) if undated else None,
    )


def period_prefixes(date: str | None) -> tuple[str, ...]:
    """Beginnings of the file names, in an entity's folder, of every page that can list a
    dispatch of this date: its year page and the year's pagination, its month's pages."""
    if not date:
        return (UNDATED_KEY + ".", UNDATED_KEY + "-p")
    year, month = date[:4], date[:7]
    return (f"{year}.", f"{year}-p", f"{month}.", f"{month}-p")


def shape(site: Site, slug: str, per_page: int) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """The shape of an entity's period pages (None: the entity has none)."""
    page = site.entities.get(slug)
    periods = entity_periods(site, page, per_page) if page is not None else None
    return periods.shape() if periods is not None else None
