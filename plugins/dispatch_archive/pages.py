"""Lay the archive out as page jobs: an output path, a template and plain data for it."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from dispatch_cleaning.rules import ALL_RULES
from entity_tags.gazetteer import ACTOR_KINDS, PLACE_KINDS
from entity_tags.normalize import fold

from .settings import DispatchSettings, EntitySettings
from .site import GROUP_DIRS, Site, card, chip, french_date, kind_label, month_label

GROUP_TITLES = {"acteur": "Acteurs", "lieu": "Lieux"}


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


def build_jobs(site: Site, ds: DispatchSettings, es: EntitySettings) -> list[PageJob]:
    """Every page of the archive, in a fixed order."""
    jobs: list[PageJob] = []
    jobs.append(_home(site, ds, es))
    jobs.extend(_dispatch_pages(site))
    for group in ("acteur", "lieu"):
        jobs.append(_entity_index(site, group))
        jobs.extend(_entity_pages(site, group, ds))
    jobs.extend(_archives(site, ds))
    jobs.append(PageJob("recherche.html", "recherche.html", {"page_title": "Recherche"}))
    jobs.append(_rules_page(site))
    return jobs


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
        },
    )


def _segments(text: str, mentions: list[dict[str, Any]], site: Site) -> list[dict[str, Any]]:
    """Split a block into plain runs and linked mentions, for highlighting."""
    out: list[dict[str, Any]] = []
    at = 0
    for m in sorted(mentions, key=lambda m: m["start"]):
        page = site.entities.get(m["slug"])
        if page is None or m["start"] < at:
            continue
        if m["start"] > at:
            out.append({"text": text[at : m["start"]]})
        out.append(
            {
                "text": text[m["start"] : m["end"]],
                "url": page.url,
                "group": page.entity.group,
                "name": page.entity.name,
                "via": m["via"],
            }
        )
        at = m["end"]
    if at < len(text):
        out.append({"text": text[at:]})
    return out


def _dispatch_pages(site: Site) -> Iterator[PageJob]:
    for index, d in enumerate(site.dispatches):
        r = d.record
        by_block: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for m in r.get("mentions", []):
            by_block[m["block"]].append(m)
        paragraphs = [
            _segments(text, by_block.get(n, []), site) for n, text in enumerate(r["paragraphs"], start=1)
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
                "title_segments": _segments(r["title"], by_block.get(0, []), site),
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
            },
        )


def _entity_index(site: Site, group: str) -> PageJob:
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
    return PageJob(
        f"{GROUP_DIRS[group]}/index.html",
        "entities.html",
        {
            "page_title": GROUP_TITLES[group],
            "group": group,
            "sections": sections,
            "letters": [{"letter": k, "entities": v} for k, v in sorted(letters.items())],
            "total": len(pages),
        },
    )


def _entity_pages(site: Site, group: str, ds: DispatchSettings) -> Iterator[PageJob]:
    for page in site.by_group(group):
        e = page.entity
        co = site.co_mentions(e.slug)
        ranked = sorted(co.items(), key=lambda kv: (-kv[1], fold(site.entities[kv[0]].entity.name)))
        co_actors = [chip(site.entities[s], n) for s, n in ranked if site.entities[s].entity.group == "acteur"]
        co_places = [chip(site.entities[s], n) for s, n in ranked if site.entities[s].entity.group == "lieu"]
        dates = sorted(site.dispatches[i].date for i in page.dispatches if site.dispatches[i].date)
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
                    children.append(chip(site.entities[child.slug]))
        months: Counter[str] = Counter(site.dispatches[i].date[:7] for i in page.dispatches if site.dispatches[i].date)  # type: ignore[index]
        base = f"{GROUP_DIRS[group]}/{e.slug}"
        common = {
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
            "co_actors": co_actors[:15],
            "co_places": co_places[:15],
            "parent": parent,
            "children": children,
            "months": [{"key": k, "label": month_label(k), "count": n} for k, n in sorted(months.items())],
            "feed": f"feeds/{GROUP_DIRS[group]}/{e.slug}.atom.xml",
        }
        for path, cards, pager in paged_listing(site, base, page.dispatches, ds.per_page):
            yield PageJob(path, "entity.html", dict(common, dispatches=cards, pager=pager))


def _archives(site: Site, ds: DispatchSettings) -> Iterator[PageJob]:
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
    yield PageJob(
        "archives/index.html",
        "archives.html",
        {"page_title": "Archives par date", "years": summary, "undated": len(undated)},
    )
    for y, months in sorted(years.items()):
        entry = next(s for s in summary if s["year"] == y)
        yield PageJob(
            f"archives/{y}.html",
            "archive_year.html",
            {"page_title": f"Dépêches de {y}", "year": entry},
        )
        for m, items in sorted(months.items()):
            key = f"{y}-{m}"
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
    for d in site.dispatches:
        for removal in d.record["removed"]:
            counts[removal["rule"]] += 1
            sources[removal["rule"]][d.record.get("source") or "source inconnue"] += 1
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
