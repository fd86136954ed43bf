"""Files that are not pages: data exports under donnees/, citations, sitemap.xml.

Exports: every dispatch as JSON Lines and CSV, one JSON per entity, and the whole archive's
citations in BibTeX and CSL-JSON (a dispatch's own entry is made in the browser from its page:
theme/static/js/cite.js).

What a reader downloads is what the pages show: cleaned text, metadata, what cleaning
removed and the entities found. Keys are sorted and rows follow the site's order (oldest
first, undated first), so two builds of the same archive give the same bytes.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from .citations import bibtex, csl_item, permalink, plain_text
from .connections import connections
from .seo import sitemap
from .settings import EntitySettings
from .site import EntityPage, Site

CSV_COLUMNS = (
    "slug",
    "url",
    "titre",
    "date",
    "source",
    "url_source",
    "fichier_brut",
    "sha256",
    "acteurs",
    "lieux",
    "passages_retires",
    "texte",
)
LIST_SEP = " | "  # between names in a CSV cell: names hold commas and semicolons


def dispatch_record(site: Site, index: int, siteurl: str, sitename: str) -> dict[str, Any]:
    """One dispatch as exported: metadata, cleaned paragraphs, removals, entities, citation."""
    d = site.dispatches[index]
    r = d.record
    entities = [site.entities[s] for s in d.entities]
    link = permalink(siteurl, d.url)
    return {
        "slug": d.slug,
        "url": link,
        "citation": plain_text(d, sitename, link),
        "title": r["title"],
        "date": d.date,
        "source": r.get("source"),
        "source_url": r.get("url"),
        "raw_path": r["path"],
        "sha256": r["sha256"],
        "format": r["format"],
        "encoding": r["encoding"],
        "paragraphs": list(r["paragraphs"]),
        "removed": [{"rule": x["rule"], "text": x["text"]} for x in r["removed"]],
        "actors": [
            _entity_ref(p, d.counts[p.entity.slug]) for p in entities if p.entity.group == "acteur"
        ],
        "places": [
            _entity_ref(p, d.counts[p.entity.slug]) for p in entities if p.entity.group == "lieu"
        ],
    }


def _entity_ref(page: EntityPage, mentions: int) -> dict[str, Any]:
    e = page.entity
    return {
        "slug": e.slug,
        "name": e.name,
        "kind": e.kind,
        "verified": e.verified,
        "mentions": mentions,
    }


def csv_table(records: Iterable[dict[str, Any]]) -> bytes:
    """RFC 4180 CSV in UTF-8, one row per dispatch; paragraphs joined by blank lines."""
    table = _CsvRows()
    sink = _Sink(False)
    sink.write(table.row(CSV_COLUMNS))
    for r in records:
        sink.write(table.record(r))
    return sink.close()


class _CsvRows:
    """CSV rows as text, one at a time."""

    def __init__(self) -> None:
        self.buffer = io.StringIO()
        self.writer = csv.writer(self.buffer, lineterminator="\r\n")

    def row(self, cells: Sequence[Any]) -> str:
        self.buffer.seek(0)
        self.buffer.truncate()
        self.writer.writerow(cells)
        return self.buffer.getvalue()

    def record(self, r: dict[str, Any]) -> str:
        return self.row(
            [
                r["slug"],
                r["url"],
                r["title"],
                r["date"] or "",
                r["source"] or "",
                r["source_url"] or "",
                r["raw_path"],
                r["sha256"],
                LIST_SEP.join(a["name"] for a in r["actors"]),
                LIST_SEP.join(p["name"] for p in r["places"]),
                len(r["removed"]),
                "\n\n".join(r["paragraphs"]),
            ]
        )


class _Sink:
    """Text written piece by piece into UTF-8 bytes, gzip-compressed as it comes when gz.

    A whole-archive export is made one dispatch at a time into this: at 100,000 dispatches,
    building its records and text first held several GB in the render worker that made it.
    The gzip stream is what gzip.compress(data, 6, mtime=0) gives for the whole text: no time
    and no file name in the header, so the same data gives the same bytes.
    """

    def __init__(self, gz: bool) -> None:
        self.parts: list[bytes] = []
        # wbits 31: a gzip header and trailer, as gzip.compress(mtime=0) makes them
        self.deflate = zlib.compressobj(6, zlib.DEFLATED, 31) if gz else None

    def write(self, text: str) -> None:
        data = text.encode("utf-8")
        if self.deflate is None:
            self.parts.append(data)
            return
        chunk = self.deflate.compress(data)
        if chunk:
            self.parts.append(chunk)

    def close(self) -> bytes:
        if self.deflate is not None:
            self.parts.append(self.deflate.flush())
        return b"".join(self.parts)


def entity_record(site: Site, slug: str, siteurl: str, es: EntitySettings) -> dict[str, Any]:
    """One entity as exported: identity, dispatches, months and ranked co-mentions."""
    page = site.entities[slug]
    e = page.entity
    dated = sorted(
        site.dispatches[i].date or "" for i in page.dispatches if site.dispatches[i].date
    )
    ranked = connections(site, slug, min_shared=es.co_min_shared, limit=es.co_mentions)
    return {
        "slug": e.slug,
        "name": e.name,
        "group": e.group,
        "kind": e.kind,
        "aliases": list(e.aliases),
        "verified": e.verified,
        "parent": e.parent,
        "lat": e.lat,
        "lon": e.lon,
        "note": e.note,
        "url": permalink(siteurl, page.url),
        "dispatch_count": len(page.dispatches),
        "mentions": page.mentions,
        "first_date": dated[0] if dated else None,
        "last_date": dated[-1] if dated else None,
        "months": dict(sorted(site.months(page.dispatches).items())),
        # Slugs and dates: titles and texts are in depeches.jsonl, by slug. A co-mention's
        # shared dispatches are those both entities list (their count is given): the lists
        # themselves made most of these files, 23 of the 45 MB of donnees/ at 10,000.
        "dispatches": [
            {"slug": site.dispatches[i].slug, "date": site.dispatches[i].date}
            for i in page.dispatches
        ],
        "co_mentions": [
            {
                "slug": c.slug,
                "name": site.entities[c.slug].entity.name,
                "group": group,
                "npmi": round(c.score, 4),
                "shared": len(c.shared),
            }
            for group in ("acteur", "lieu")
            for c in ranked[group]
        ],
    }


# A file job: the path it is known by (which decides the worker that makes it) and a maker
# that returns the files it writes, that path first.
FileJob = tuple[str, Callable[[], list[tuple[str, bytes]]]]


BULK = ("depeches.jsonl", "depeches.csv", "depeches.bib", "depeches.csl.json")


def gzipped(count: int, gzip_from: int) -> bool:
    """True when the data files (whole-archive exports, entity records, the build report's
    JSON) are written gzip-compressed: the archive has gzip_from dispatches or more (0: never).
    Their size grows with the archive (an entity's record lists its dispatches): at 100,000
    dispatches the entity records were 91 MB and rapport.json about 50 MB, a fifth as much
    compressed."""
    return bool(gzip_from) and count >= gzip_from


def data_file(path: str, count: int, gzip_from: int) -> str:
    """The name a data file is written under: path, or path + ".gz" (see gzipped)."""
    return path + ".gz" if gzipped(count, gzip_from) else path


def entity_data_file(site: Site, page: EntityPage, gzip_from: int) -> str:
    """The name an entity's JSON record is written under (see data_file): the entity's job,
    donnees/entites.json and the entity's page all name it."""
    return data_file(page.data_path, len(site.dispatches), gzip_from)


def report_data_file(site: Site, gzip_from: int) -> str:
    """The name the build report's data is written under (see data_file): rapport.json, or
    rapport.json.gz in a large archive."""
    return data_file("rapport.json", len(site.dispatches), gzip_from)


def compressed(data: bytes, gz: bool) -> bytes:
    """data, or data gzip-compressed with no time or file name in the header (same bytes for
    the same data)."""
    return gzip.compress(data, 6, mtime=0) if gz else data


def bulk_names(count: int, gzip_from: int) -> dict[str, str]:
    """Return the path under donnees/ of each whole-archive export (BULK): gzip-compressed
    (name + ".gz") when the archive has gzip_from dispatches or more (0: never)."""
    return {name: data_file(f"donnees/{name}", count, gzip_from) for name in BULK}


def export_jobs(site: Site, siteurl: str, sitename: str, es: EntitySettings,
                gzip_from: int = 0) -> Iterator[FileJob]:
    """donnees/depeches.jsonl, donnees/depeches.csv (see bulk_names), donnees/entites.json,
    one JSON per entity."""
    names = bulk_names(len(site.dispatches), gzip_from)

    def table() -> list[tuple[str, bytes]]:
        lines = _Sink(names["depeches.jsonl"].endswith(".gz"))
        rows = _Sink(names["depeches.csv"].endswith(".gz"))
        table = _CsvRows()
        rows.write(table.row(CSV_COLUMNS))
        for i in range(len(site.dispatches)):
            record = dispatch_record(site, i, siteurl, sitename)
            lines.write(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n")  # JSON Lines
            rows.write(table.record(record))
        return [(names["depeches.jsonl"], lines.close()), (names["depeches.csv"], rows.close())]

    gz = gzipped(len(site.dispatches), gzip_from)

    def entity(path: str, page: EntityPage) -> FileJob:
        def files() -> list[tuple[str, bytes]]:
            record = entity_record(site, page.entity.slug, siteurl, es)
            return [(path, compressed(_json(record), gz))]

        # Shared out by the entity page's path: the worker that ranks the entity's
        # co-mentions for its page finds them made (Site.connections).
        return page.url, files

    def summary() -> list[tuple[str, bytes]]:
        rows = [
            {
                "slug": slug,
                "name": page.entity.name,
                "group": page.entity.group,
                "kind": page.entity.kind,
                "dispatch_count": len(page.dispatches),
                "json": entity_data_file(site, page, gzip_from),
            }
            for slug, page in sorted(site.entities.items())
        ]
        return [("donnees/entites.json", _json(rows))]

    yield names["depeches.jsonl"], table
    for slug, page in sorted(site.entities.items()):
        yield entity(entity_data_file(site, page, gzip_from), page)
    yield "donnees/entites.json", summary


def citation_jobs(site: Site, sitename: str, siteurl: str, gzip_from: int = 0) -> Iterator[FileJob]:
    """The whole archive in BibTeX and CSL-JSON (see bulk_names). A dispatch's own entry is
    made in the browser from its page (theme/js/cite.js), not written as a file of its own:
    that was two files a dispatch, 200,000 at 100,000 dispatches."""
    names = bulk_names(len(site.dispatches), gzip_from)

    def whole() -> list[tuple[str, bytes]]:
        # Written as json_lines and "\n".join would write them, one dispatch at a time.
        bib = _Sink(names["depeches.bib"].endswith(".gz"))
        csl = _Sink(names["depeches.csl.json"].endswith(".gz"))
        for number, d in enumerate(site.dispatches):
            link = permalink(siteurl, d.url)
            bib.write(("\n" if number else "") + bibtex(d, sitename, link))
            item = json.dumps(csl_item(d, sitename, link), ensure_ascii=False, sort_keys=True)
            csl.write(("[\n" if number == 0 else ",\n") + item)
        csl.write("\n]\n" if site.dispatches else "[]\n")
        return [(names["depeches.bib"], bib.close()), (names["depeches.csl.json"], csl.close())]

    yield names["depeches.bib"], whole


def extra_jobs(site: Site, prepared: Any) -> Iterator[FileJob]:
    """Every file of the build that is not rendered from a template, except feeds, as jobs
    that the render workers share out by path (an entity's JSON by its page's path).

    ``prepared`` is build.Prepared (settings and the globals the templates see).
    """
    siteurl = str(prepared.site.get("SITEURL") or "")
    sitename = str(prepared.site.get("SITENAME") or "")
    gzip_from = prepared.dispatch.gzip_exports_from
    yield from export_jobs(site, siteurl, sitename, prepared.entity, gzip_from)
    yield from citation_jobs(site, sitename, siteurl, gzip_from)
    per_page = prepared.dispatch.per_page
    # sitemap.xml with, past seo.SITEMAP_MAX_URLS pages, the parts it indexes
    yield "sitemap.xml", lambda: sitemap(site, siteurl, per_page)


def extra_files(site: Site, prepared: Any) -> Iterator[tuple[str, bytes]]:
    """Every extra file with its bytes, in one process."""
    for _path, make in extra_jobs(site, prepared):
        yield from make()


def _json(data: Any) -> bytes:
    return json_lines(data).encode("utf-8")


def json_lines(data: Any) -> str:
    """JSON with one line per top-level key or item, each line compact.

    Readable and diffable like an indented file, but written by json's C encoder: with
    ``indent`` it falls back to pure Python, five times slower on these exports.
    """

    def dump(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, sort_keys=True)

    if isinstance(data, dict) and data:
        lines = [f"{dump(str(k))}: {dump(data[k])}" for k in sorted(data)]
        return "{\n" + ",\n".join(lines) + "\n}\n"
    if isinstance(data, list) and data:
        return "[\n" + ",\n".join(dump(v) for v in data) + "\n]\n"
    return dump(data) + "\n"
