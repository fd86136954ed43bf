"""Lay the archive out as page jobs: an output path, a template and plain data for it."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from operator import attrgetter
from pathlib import Path
from typing import Any

from dispatch_cleaning.rules import ALL_RULES
from entity_tags.gazetteer import ACTOR_KINDS, PLACE_KINDS
from entity_tags.normalize import fold

from .citations import citation_parts
from .connections import Connection, connections
from .exports import bulk_names, entity_data_file, gzipped, report_data_file
from .figures import FigureCache, Figures
from .periods import UNDATED_KEY, Period, Periods, Year, entity_periods
from .pipeline import RecordMention, record_mentions
from .seo import news_article
from .settings import DispatchSettings, EntitySettings
from .site import (
    GROUP_DIRS,
    EntityPage,
    Site,
    card,
    chip,
    french_date,
    kind_label,
    lead_of,
    link_chip,
    month_label,
    removal_counts,
)

GROUP_TITLES = {"acteur": "Acteurs", "lieu": "Lieux"}
SHARED_SHOWN = 3  # shared dispatches listed under each co-mentioned entity (the newest)


@dataclass(frozen=True)
class PageJob:
    """One file to render: where, with which template, from which data."""

    path: str  # from the output root, POSIX
    template: str
    context: dict[str, Any]


def root_of(path: str) -> str:
    """Relative prefix from a page to the site root: '' or '../' repeated."""
    return "../" * path.count("/")


def chunks_oldest_first(items: Sequence[int], size: int) -> tuple[list[int], list[list[int]]]:
    """Split items (oldest first) for stable pagination.

    Returns what the main page shows (the partial newest chunk and the newest full one) and
    the older full chunks, numbered from the oldest so they keep their content as items arrive.
    """
    full = len(items) // size
    if full <= 1:
        return list(items), []
    older = [list(items[i * size : (i + 1) * size]) for i in range(full - 1)]
    return list(items[(full - 1) * size :]), older


def paged_listing(
    site: Site, base: str, items: Sequence[int], size: int
) -> Iterator[tuple[str, list[dict[str, Any]], dict[str, Any]]]:
    """Yield (path, cards newest first, pager) for a listing at base.html and base-pN.html."""
    main, older = chunks_oldest_first(items, size)
    stem = base.rsplit("/", 1)[-1]
    pages = [f"{stem}-p{n}.html" for n in range(len(older), 0, -1)]
    links = [{"label": "Plus récentes", "href": f"{stem}.html"}] + [
        {"label": f"Page {n}", "href": f"{stem}-p{n}.html"} for n in range(len(older), 0, -1)
    ]

    def pager(current: str) -> dict[str, Any]:
        if not older:
            return {"links": []}
        order = [f"{stem}.html", *pages]
        at = order.index(current)
        return {
            "links": [dict(link, current=link["href"] == current) for link in links],
            "newer": order[at - 1] if at > 0 else None,
            "older": order[at + 1] if at + 1 < len(order) else None,
        }

    yield f"{base}.html", [card(site, i) for i in reversed(main)], pager(f"{stem}.html")
    for n, chunk in enumerate(older, start=1):
        yield f"{base}-p{n}.html", [card(site, i) for i in reversed(chunk)], pager(f"{stem}-p{n}.html")


Prune = Callable[[str], bool]


def _keep(prune: Prune | None, path: str) -> bool:
    return prune is None or prune(path)


def build_jobs(
    site: Site, ds: DispatchSettings, es: EntitySettings, prune: Prune | None = None
) -> Iterator[PageJob]:
    """Every page of the archive, in a fixed order, one at a time (contexts are built lazily).

    prune, when given, is asked about each page (about the first page of a paginated
    listing: of each month archive, of each period of an entity's listing) before its data
    is gathered: `invoke regenerate` uses it to lay out only the pages a change touches.
    """
    figures = Figures(site, FigureCache(Path(ds.cache_path) / "figures"))
    if _keep(prune, "index.html"):
        yield _home(site, ds, es)
    yield from _dispatch_pages(site, prune, bulk_names(len(site.dispatches), ds.gzip_exports_from))
    for group in ("acteur", "lieu"):
        if _keep(prune, f"{GROUP_DIRS[group]}/index.html"):
            yield _entity_index(site, group, figures)
        yield from _entity_pages(site, group, ds, es, figures, prune)
    yield from _archives(site, ds, figures, prune)
    if _keep(prune, "recherche.html"):
        yield PageJob("recherche.html", "recherche.html", {"page_title": "Recherche"})
    if _keep(prune, "regles.html"):
        yield _rules_page(site)
    if _keep(prune, "donnees.html"):
        yield _data_page(site, ds)


def _home(site: Site, ds: DispatchSettings, es: EntitySettings) -> PageJob:
    latest = site.newest_first()[: ds.index_latest]
    dated = [d.date for d in site.dispatches if d.date]
    return PageJob(
        "index.html",
        "index.html",
        {
            "page_title": "Accueil",
            "latest": [card(site, i) for i in latest],
            "top_actors": [chip(p) for p in site.top("acteur", es.top)],
            "top_places": [chip(p) for p in site.top("lieu", es.top)],
            "total": len(site.dispatches),
            "total_actors": sum(1 for p in site.entities.values() if p.entity.group == "acteur"),
            "total_places": sum(1 for p in site.entities.values() if p.entity.group == "lieu"),
            "first_date": french_date(min(dated)) if dated else None,
            "last_date": french_date(max(dated)) if dated else None,
            "description": ds.site_description,
            "meta": {"type": "website", "description": ds.site_description},
        },
    )


def _fields(m: Any) -> RecordMention:
    """A record's mention as a tuple: records hold RecordMentions; a dict (a record made by
    hand) is converted the way the pipeline converts cached ones."""
    return m if isinstance(m, RecordMention) else record_mentions([m])[0]


# A mention's start, read as the named field it is: m[2] goes through RecordMention's
# __getitem__, written in Python (half a million calls in a build of 10,000 dispatches).
_START = attrgetter("start")


def _segments(
    text: str, mentions: list[RecordMention], site: Site, linked: set[str]
) -> list[dict[str, Any]]:
    """Split a block into plain runs and mentions, for highlighting. The first mention of
    an entity on the page links to it (its slug joins `linked`); later ones are highlighted
    only, as in an encyclopaedia (half the links of a dispatch page, 0.7 KB of it, went)."""
    out: list[dict[str, Any]] = []
    at = 0
    for slug, _block, start, end, _text, via in sorted(mentions, key=_START):
        page = site.entities.get(slug)
        if page is None or start < at:
            continue
        if start > at:
            out.append({"text": text[at:start]})
        segment = {
            "text": text[start:end],
            "group": page.entity.group,
            "name": page.entity.name,
            "via": via,
        }
        if slug not in linked:
            linked.add(slug)
            segment["url"] = page.url
        out.append(segment)
        at = end
    if at < len(text):
        out.append({"text": text[at:]})
    return out


def _dispatch_pages(
    site: Site, prune: Prune | None = None, bulk: dict[str, str] | None = None
) -> Iterator[PageJob]:
    bulk = bulk or bulk_names(len(site.dispatches), 0)
    for index, d in enumerate(site.dispatches):
        if not _keep(prune, d.url):
            continue
        r = d.record
        by_block: dict[int, list[RecordMention]] = defaultdict(list)
        for m in r.get("mentions", []):
            fields = _fields(m)
            by_block[fields.block].append(fields)
        linked: set[str] = set()
        paragraphs = [
            _segments(text, by_block.get(n, []), site, linked)
            for n, text in enumerate(r["paragraphs"], start=1)
        ]
        chips = [chip(site.entities[s], d.counts[s]) for s in d.entities]
        rules = {rule.name: rule.label for rule in ALL_RULES}
        older = site.dispatches[index - 1] if index > 0 else None
        newer = site.dispatches[index + 1] if index + 1 < len(site.dispatches) else None
        yield PageJob(
            d.url,
            "dispatch.html",
            {
                "page_title": r["title"],
                "title": r["title"],
                "date": d.date,
                "date_label": french_date(d.date),
                "source": r.get("source"),
                "source_url": r.get("url"),
                "raw_path": r["path"],
                "sha256": r["sha256"],
                "encoding": r["encoding"],
                "format": r["format"],
                "warnings": r.get("warnings", []),
                "paragraphs": paragraphs,
                "actors": [c for c in chips if c["group"] == "acteur"],
                "places": [c for c in chips if c["group"] == "lieu"],
                "removed": [dict(x, label=rules.get(x["rule"], x["rule"])) for x in r["removed"]],
                "older": {"title": older.record["title"], "url": older.url} if older else None,
                "newer": {"title": newer.record["title"], "url": newer.url} if newer else None,
                "year_url": f"archives/{d.date[:4]}.html" if d.date else "archives/non-datees.html",
                "meta": {
                    "type": "article",
                    "description": lead_of(r["paragraphs"]),
                    "published": d.date,
                },
                "jsonld": news_article(site, index),
                # One dispatch's BibTeX and CSL-JSON are made in the browser (theme/js/
                # cite.js): the links give the whole archive's files without JavaScript.
                "citation": dict(
                    zip(("head", "tail"), citation_parts(d), strict=True),
                    bibtex=bulk["depeches.bib"],
                    csl=bulk["depeches.csl.json"],
                ),
            },
        )


def _entity_index(site: Site, group: str, figures: Figures) -> PageJob:
    kinds = ACTOR_KINDS if group == "acteur" else PLACE_KINDS
    pages = site.by_group(group)
    sections = []
    for kind, label in kinds.items():
        members = [chip(p) for p in pages if p.entity.kind == kind]
        if members:
            sections.append({"kind": kind, "label": label, "entities": members})
    letters: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for p in pages:
        initial = fold(p.entity.name)[:1].upper()
        letters[initial if initial.isalpha() else "#"].append(chip(p))
    overview = figures.overview() if group == "lieu" else None
    return PageJob(
        f"{GROUP_DIRS[group]}/index.html",
        "entities.html",
        {
            "page_title": GROUP_TITLES[group],
            "group": group,
            "sections": sections,
            "letters": [{"letter": k, "entities": v} for k, v in sorted(letters.items())],
            "total": len(pages),
            "map": overview[0] if overview else None,
            "off_map": [chip(p) for p in overview[1]] if overview else [],
            "meta": {
                "type": "website",
                "description": f"{len(pages)} {GROUP_TITLES[group].lower()} cités dans l'archive.",
            },
        },
    )


def _entity_pages(
    site: Site,
    group: str,
    ds: DispatchSettings,
    es: EntitySettings,
    figures: Figures,
    prune: Prune | None = None,
) -> Iterator[PageJob]:
    """Each entity's main page, then its period pages (periods.py), each asked of prune.

    prune keeps an entity's main page whenever it keeps one of its period pages (the main
    page indexes them), so an entity whose main page it drops is not laid out at all.
    """
    for page in site.by_group(group):
        if not _keep(prune, page.url):
            continue
        periods = entity_periods(site, page, ds.per_page)
        yield _entity_main(site, page, periods, ds, es, figures)
        if periods is not None:
            yield from _period_pages(site, page, periods, ds, prune)


def _entity_main(
    site: Site,
    page: EntityPage,
    periods: Periods | None,
    ds: DispatchSettings,
    es: EntitySettings,
    figures: Figures,
) -> PageJob:
    """acteurs/<slug>.html: the summary, figures and co-mentions, the newest dispatches and,
    for a long listing, the index of its period pages."""
    e = page.entity
    group = e.group
    ranked = connections(site, e.slug, min_shared=es.co_min_shared, limit=es.co_mentions)
    co_actors = [_connection(site, c) for c in ranked["acteur"]]
    co_places = [_connection(site, c) for c in ranked["lieu"]]
    dated = [i for i in page.dispatches if site.dispatches[i].date]
    dates = [site.dispatches[i].date for i in dated]
    parent = None
    children: list[dict[str, Any]] = []
    if group == "lieu":
        if e.parent and e.parent in site.gazetteer.entities:
            pe = site.gazetteer.entities[e.parent]
            parent = {
                "name": pe.name,
                "url": site.entities[pe.slug].url if pe.slug in site.entities else None,
            }
        for child in site.gazetteer.children(e.slug):
            if child.slug in site.entities:
                children.append(link_chip(site.entities[child.slug]))
    months = site.months(page.dispatches)
    near = figures.neighbours(page) if group == "lieu" else []
    place_map = figures.place_map(page, near) if group == "lieu" else None
    # Undated ones last, as in every listing. All of them up to per_page; beyond, the newest
    # few, the period pages holding every one (at 10,000 dispatches, 50 cards on the main
    # page of each long listing repeated 20 MB of its period pages).
    shown = min(ds.entity_latest, ds.per_page) if periods is not None else ds.per_page
    newest = page.dispatches[::-1][:shown]
    return PageJob(
        page.url,
        "entity.html",
        {
            "page_title": e.name,
            "entity": {
                "name": e.name,
                "slug": e.slug,
                "kind": e.kind,
                "kind_label": kind_label(e),
                "group": group,
                "aliases": [a for a in e.aliases if a != e.name],
                "verified": e.verified,
                "lat": e.lat,
                "lon": e.lon,
                "note": e.note,
            },
            "count": len(page.dispatches),
            "mentions": page.mentions,
            "first": french_date(dates[0]) if dates else None,
            "last": french_date(dates[-1]) if dates else None,
            "first_dispatch": _link(site, dated[0]) if dated else None,
            "last_dispatch": _link(site, dated[-1]) if dated else None,
            "undated": len(page.dispatches) - len(dated),
            "co_actors": co_actors,
            "co_places": co_places,
            "parent": parent,
            "children": children,
            "months": [
                {"key": k, "label": month_label(k), "count": n} for k, n in sorted(months.items())
            ],
            "timeline": figures.timeline(dict(months), title=f"Dépêches citant {e.name}"),
            "map": place_map,
            "neighbours": [dict(link_chip(n.page), km=n.km) for n in near] if place_map else [],
            "feed": f"feeds/{GROUP_DIRS[group]}/{e.slug}.atom.xml",
            "data": entity_data_file(site, page, ds.gzip_exports_from),
            "dispatches": [card(site, i) for i in newest],
            "periods": _period_index(periods) if periods is not None else [],
            "meta": {"type": "website", "description": _entity_description(page, dates)},
        },
    )


def _period_index(periods: Periods) -> list[dict[str, Any]]:
    """Every period page with its count, newest year first (months in calendar order, as in
    the date archives), undated last."""
    index: list[dict[str, Any]] = [
        {
            "label": y.key,
            "url": periods.path(y.key),
            "count": len(y.items),
            "months": _month_links(periods, y),
        }
        for y in reversed(periods.years)
    ]
    if periods.undated:
        u = periods.undated
        index.append(
            {"label": "Non datées", "url": periods.path(u.key), "count": len(u.items), "months": []}
        )
    return index


def _month_links(periods: Periods, year: Year) -> list[dict[str, Any]]:
    """The month pages of a split year, with their counts, in calendar order."""
    return [
        {"label": m.label, "url": periods.path(m.key), "count": len(m.items)} for m in year.months
    ]


def _period_pages(
    site: Site, page: EntityPage, periods: Periods, ds: DispatchSettings, prune: Prune | None
) -> Iterator[PageJob]:
    """acteurs/<slug>/<period>.html: the cards of one period, newest first, paginated within
    the period, with links to the periods beside it and back to the main page.

    Nothing archive-wide or entity-wide (counts, dates, rankings) goes into these pages'
    data, so that a change elsewhere in the entity's listing leaves them as they are.
    """
    e = page.entity
    identity = {
        "name": e.name,
        "slug": e.slug,
        "kind": e.kind,
        "group": e.group,
        "url": page.url,
        "feed": f"feeds/{GROUP_DIRS[e.group]}/{e.slug}.atom.xml",
    }

    def link(period: Period | Year) -> dict[str, str]:
        label = "dépêches non datées" if period.key == UNDATED_KEY else period.label
        return {"label": label, "url": periods.path(period.key)}

    years = periods.years
    for at, year in enumerate(years):
        if not year.months or not _keep(prune, periods.path(year.key)):
            continue
        yield PageJob(
            periods.path(year.key),
            "entity_period.html",
            {
                "page_title": f"Dépêches citant {e.name} — {year.key}",
                "entity": identity,
                "label": year.key,
                "count": len(year.items),
                "year": None,
                "months": _month_links(periods, year),
                "dispatches": [],
                "pager": {"links": []},
                "newer_period": link(years[at + 1]) if at + 1 < len(years) else None,
                "older_period": link(years[at - 1]) if at > 0 else None,
                "meta": {
                    "type": "website",
                    "description": f"Les dépêches de l'archive citant {e.name} en {year.key}, "
                    "mois par mois.",
                },
            },
        )
    leaves = periods.leaves
    for at, period in enumerate(leaves):
        if not _keep(prune, periods.path(period.key)):
            continue
        undated = period.key == UNDATED_KEY
        title = (
            f"Dépêches non datées citant {e.name}"
            if undated
            else f"Dépêches citant {e.name} — {period.label}"
        )
        in_year = period.key[:4] if len(period.key) == 7 else None  # a month: "2019-03"
        common = {
            "page_title": title,
            "entity": identity,
            "label": period.label,
            "count": len(period.items),
            "year": {"label": in_year, "url": periods.path(in_year)} if in_year else None,
            "months": [],
            "newer_period": link(leaves[at + 1]) if at + 1 < len(leaves) else None,
            "older_period": link(leaves[at - 1]) if at > 0 else None,
            "meta": {
                "type": "website",
                "description": (
                    f"Les dépêches non datées de l'archive citant {e.name}."
                    if undated
                    else f"Les dépêches de l'archive citant {e.name} en {period.label}."
                ),
            },
        }
        base = f"{periods.folder}/{period.key}"
        for path, cards, pager in paged_listing(site, base, period.items, ds.per_page):
            yield PageJob(path, "entity_period.html", dict(common, dispatches=cards, pager=pager))


def _link(site: Site, index: int) -> dict[str, Any]:
    d = site.dispatches[index]
    return {
        "title": d.record["title"],
        "url": d.url,
        "date": d.date,
        "date_label": french_date(d.date),
    }


def _connection(site: Site, c: Connection) -> dict[str, Any]:
    """A co-mentioned entity as a chip (its count: shared dispatches) with the dispatches both
    share. The score itself stays out: it moves with every new dispatch, and a page whose data
    did not change is not rendered again."""
    shared = [_link(site, i) for i in reversed(c.shared)]
    return dict(
        chip(site.entities[c.slug], len(c.shared)),
        shared=shared[:SHARED_SHOWN],
        shared_more=max(0, len(shared) - SHARED_SHOWN),
    )


def _entity_description(page: EntityPage, dates: list[str | None]) -> str:
    n = len(page.dispatches)
    kind = kind_label(page.entity).lower()
    text = f"{page.entity.name} ({kind}) : cité dans {n} dépêche{'s' if n != 1 else ''}"
    if dates:
        text += f", du {french_date(dates[0])} au {french_date(dates[-1])}"
    return text + "."


def _archives(
    site: Site, ds: DispatchSettings, figures: Figures, prune: Prune | None = None
) -> Iterator[PageJob]:
    years: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    undated: list[int] = []
    for i, d in enumerate(site.dispatches):
        if d.date:
            years[d.date[:4]][d.date[5:7]].append(i)
        else:
            undated.append(i)
    summary = [
        {
            "year": y,
            "url": f"archives/{y}.html",
            "count": sum(len(v) for v in months.values()),
            "months": [
                {"key": f"{y}-{m}", "label": month_label(f"{y}-{m}"), "count": len(v), "url": f"archives/{y}/{m}.html"}
                for m, v in sorted(months.items())
            ],
        }
        for y, months in sorted(years.items(), reverse=True)
    ]
    per_month = site.months(range(len(site.dispatches)))
    if _keep(prune, "archives/index.html"):
        yield PageJob(
            "archives/index.html",
            "archives.html",
            {
                "page_title": "Archives par date",
                "years": summary,
                "undated": len(undated),
                "timeline": figures.timeline(dict(per_month), title="Dépêches de l'archive, par mois"),
                "meta": {
                    "type": "website",
                    "description": "Les dépêches de l'archive par année et par mois.",
                },
            },
        )
    for y, months in sorted(years.items()):
        entry = next(s for s in summary if s["year"] == y)
        if _keep(prune, f"archives/{y}.html"):
            yield PageJob(
                f"archives/{y}.html",
                "archive_year.html",
                {"page_title": f"Dépêches de {y}", "year": entry},
            )
        for m, items in sorted(months.items()):
            key = f"{y}-{m}"
            if not _keep(prune, f"archives/{y}/{m}.html"):
                continue
            for path, cards, pager in paged_listing(site, f"archives/{y}/{m}", items, ds.per_page):
                yield PageJob(
                    path,
                    "archive_month.html",
                    {
                        "page_title": f"Dépêches de {month_label(key)}",
                        "label": month_label(key),
                        "year": y,
                        "count": len(items),
                        "dispatches": cards,
                        "pager": pager,
                    },
                )
    if not _keep(prune, "archives/non-datees.html"):
        return
    for path, cards, pager in paged_listing(site, "archives/non-datees", undated, ds.per_page):
        yield PageJob(
            path,
            "archive_month.html",
            {
                "page_title": "Dépêches non datées",
                "label": "non datées",
                "year": None,
                "count": len(undated),
                "dispatches": cards,
                "pager": pager,
            },
        )


def _rules_page(site: Site) -> PageJob:
    counts: Counter[str] = Counter()
    sources: dict[str, Counter[str]] = defaultdict(Counter)
    for (rule_name, source), n in removal_counts(site).items():
        counts[rule_name] += n
        sources[rule_name][source] += n
    rules = [
        {
            "name": rule.name,
            "label": rule.label,
            "reason": rule.reason,
            "forced_by": rule.forced_by,
            "patterns": list(rule.patterns),
            "count": counts[rule.name],
            "sources": sorted(sources[rule.name].items(), key=lambda kv: (-kv[1], kv[0])),
        }
        for rule in ALL_RULES
    ]
    return PageJob(
        "regles.html",
        "rules.html",
        {"page_title": "Règles de nettoyage", "rules": rules, "total": sum(counts.values())},
    )


def _data_page(site: Site, ds: DispatchSettings) -> PageJob:
    """donnees.html: what can be downloaded, in which format, with which fields."""
    groups = {g: sum(1 for p in site.entities.values() if p.entity.group == g) for g in GROUP_DIRS}
    return PageJob(
        "donnees.html",
        "data.html",
        {
            "page_title": "Données",
            "total": len(site.dispatches),
            "bulk": bulk_names(len(site.dispatches), ds.gzip_exports_from),
            "report_data": report_data_file(site, ds.gzip_exports_from),
            "gzipped": gzipped(len(site.dispatches), ds.gzip_exports_from),
            "actors": groups["acteur"],
            "places": groups["lieu"],
            "meta": {
                "type": "website",
                "description": "Les dépêches nettoyées et leurs entités en JSON Lines et CSV, "
                "une fiche JSON par entité, les citations en BibTeX et CSL-JSON.",
            },
        },
    )
