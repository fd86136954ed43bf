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
import functools
import gzip
import hashlib
import io
import json
import logging
import marshal
import os
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
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

logger = logging.getLogger(__name__)


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
    return "".join([table.row(CSV_COLUMNS), *map(table.record, records)]).encode("utf-8")


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
                gzip_from: int = 0, memo: MemberMemo | None = None) -> Iterator[FileJob]:
    """donnees/depeches.jsonl, donnees/depeches.csv (see bulk_names), donnees/entites.json,
    one JSON per entity."""
    names = bulk_names(len(site.dispatches), gzip_from)

    def table() -> list[tuple[str, bytes]]:
        csv_rows = _CsvRows()

        def texts(start: int, end: int) -> tuple[str, str]:
            lines, rows = [], [csv_rows.row(CSV_COLUMNS)] if start == 0 else []
            for i in range(start, end):
                record = dispatch_record(site, i, siteurl, sitename)
                lines.append(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n")
                rows.append(csv_rows.record(record))
            return "".join(lines), "".join(rows)

        files = (names["depeches.jsonl"], names["depeches.csv"])
        return list(zip(files, _by_members(site, files, texts, memo), strict=True))

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
    for _slug, page in sorted(site.entities.items()):
        yield entity(entity_data_file(site, page, gzip_from), page)
    yield "donnees/entites.json", summary


def citation_jobs(site: Site, sitename: str, siteurl: str, gzip_from: int = 0,
                  memo: MemberMemo | None = None) -> Iterator[FileJob]:
    """The whole archive in BibTeX and CSL-JSON (see bulk_names). A dispatch's own entry is
    made in the browser from its page (theme/js/cite.js), not written as a file of its own:
    that was two files a dispatch, 200,000 at 100,000 dispatches."""
    names = bulk_names(len(site.dispatches), gzip_from)

    def whole() -> list[tuple[str, bytes]]:
        # Written as json_lines and "\n".join would write them, one dispatch at a time.
        def texts(start: int, end: int) -> tuple[str, str]:
            bib, csl = [], []
            for number in range(start, end):
                d = site.dispatches[number]
                link = permalink(siteurl, d.url)
                bib.append(("\n" if number else "") + bibtex(d, sitename, link))
                item = json.dumps(csl_item(d, sitename, link), ensure_ascii=False, sort_keys=True)
                csl.append(("[\n" if number == 0 else ",\n") + item)
            if end == len(site.dispatches):
                csl.append("\n]\n" if site.dispatches else "[]\n")
            return "".join(bib), "".join(csl)

        files = (names["depeches.bib"], names["depeches.csl.json"])
        return list(zip(files, _by_members(site, files, texts, memo), strict=True))

    yield names["depeches.bib"], whole


# A whole-archive export written gzip-compressed is a series of gzip members (RFC 1952
# allows several; gzip, zcat, Python's gzip and zlib's gzread read them as one stream), cut
# after each dispatch whose raw path's CRC-32 is a multiple of MEMBER_MARK, or after
# MEMBER_MAX dispatches. Cut by content, a member holds the same dispatches whatever was
# added or removed elsewhere, so a rebuild compresses again only the members whose
# dispatches changed (MemberMemo) instead of the whole archive: at 10,000 dispatches the
# four files took 1.9 s of a render worker's CPU in every rebuild, a no-op one included.
# A member starts with an empty window: on the bench's 10,000 dispatches, members of about
# 64 dispatches made depeches.jsonl.gz 5.5 % larger than one stream and depeches.bib.gz
# (short entries) 13 %; about 256, 1.5 % and 4.0 % (40 members; a rebuild after one new
# dispatch makes one or two of them again).
MEMBER_MARK = 256
MEMBER_MAX = 4096


def member_ranges(site: Site) -> list[tuple[int, int]]:
    """The (start, end) dispatch numbers of each member of a whole-archive export."""
    ranges: list[tuple[int, int]] = []
    start = 0
    for i, d in enumerate(site.dispatches):
        if (zlib.crc32(d.record["path"].encode("utf-8")) % MEMBER_MARK == 0
                or i + 1 - start >= MEMBER_MAX):
            ranges.append((start, i + 1))
            start = i + 1
    if start < len(site.dispatches) or not ranges:
        ranges.append((start, len(site.dispatches)))
    return ranges


@functools.cache
def _code_digest() -> str:
    """This module's code, hashed: a change to how an export is written is a new memo."""
    return hashlib.blake2b(Path(__file__).read_bytes(), digest_size=16).hexdigest()


class MemberMemo:
    """The gzip members of the previous build's whole-archive exports, by the key of what
    each was made from, kept in a file of the cache per export job (outside output/).

    A member's key hashes the file's name, its place (first, last), and the key of each of
    its dispatches: dispatch_key(number), a hash of everything the dispatch's page and
    export lines are made from (build.DispatchPrekeys: its record's cache keys, address,
    date, neighbours and the entities it names, the templates, settings and page code),
    or None, and then the member is made again. A job saves the members it used, and only
    them, once its files are made.
    """

    def __init__(self, folder: Path, dispatch_key: Callable[[int], str | None],
                 salt: str) -> None:
        self.folder = folder
        self.dispatch_key = dispatch_key
        self.salt = f"{salt}\0{_code_digest()}"

    def keys(self, names: Sequence[str], start: int, end: int,
             last: bool) -> list[str] | None:
        """The key of each file's member of dispatches start to end (their keys hashed
        once), or None when a dispatch of them has none."""
        digest = hashlib.blake2b(f"{self.salt}\0{start == 0}\0{last}".encode(),
                                 digest_size=16)
        for number in range(start, end):
            key = self.dispatch_key(number)
            if key is None:
                return None
            digest.update(key.encode() + b"\0")
        dispatches = digest.hexdigest()
        return [hashlib.blake2b(f"{name}\0{dispatches}".encode(), digest_size=16).hexdigest()
                for name in names]

    def _path(self, job: str) -> Path:
        return self.folder / f"{job}.marshal"

    def load(self, job: str) -> dict[str, bytes]:
        """The members a job saved last time (none if the file is missing or damaged)."""
        path = self._path(job)
        try:
            data = marshal.loads(path.read_bytes())
        except (OSError, EOFError, ValueError, TypeError):
            return {}
        if not isinstance(data, dict):
            return {}
        return {k: v for k, v in data.items() if isinstance(k, str) and isinstance(v, bytes)}

    def save(self, job: str, members: dict[str, bytes]) -> None:
        """Keep these members for the next build (a failure to write is only logged)."""
        path = self._path(job)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_bytes(marshal.dumps(members))
            os.replace(tmp, path)
        except OSError as error:
            logger.warning("Export members not kept in %s: %s", path, error)
            tmp.unlink(missing_ok=True)


def _by_members(site: Site, names: tuple[str, str],
                texts: Callable[[int, int], tuple[str, str]],
                memo: MemberMemo | None) -> tuple[bytes, bytes]:
    """Two whole-archive exports made a member at a time (member_ranges): texts(start, end)
    writes both files' text for those dispatches, so that a worker never holds more than a
    member's text (at 100,000 dispatches, the records of a whole file took several GB).
    Written gzip-compressed when the names end in .gz: then a member pair whose keys the
    memo holds is taken from it, with no text made. Plain, the members' texts simply follow
    one another."""
    gz = names[0].endswith(".gz")
    memo = memo if gz else None
    job = names[0].rsplit("/", 1)[-1]
    old = memo.load(job) if memo is not None else {}
    kept: dict[str, bytes] = {}
    parts: tuple[list[bytes], list[bytes]] = ([], [])
    for start, end in member_ranges(site):
        last = end == len(site.dispatches)
        keys = memo.keys(names, start, end, last) if memo is not None else None
        found: list[bytes | None] = (
            [old.get(key) for key in keys] if keys is not None else [None, None])
        if None in found:
            found = [gzip.compress(text.encode("utf-8"), 6, mtime=0) if gz
                     else text.encode("utf-8") for text in texts(start, end)]
        for n, data in enumerate(found):
            assert data is not None
            parts[n].append(data)
            if keys is not None:
                kept[keys[n]] = data
    if memo is not None:
        memo.save(job, kept)
    return b"".join(parts[0]), b"".join(parts[1])


def extra_jobs(site: Site, prepared: Any, memo: MemberMemo | None = None) -> Iterator[FileJob]:
    """Every file of the build that is not rendered from a template, except feeds, as jobs
    that the render workers share out by path (an entity's JSON by its page's path).

    ``prepared`` is build.Prepared (settings and the globals the templates see). memo: the
    previous build's gzip members of the whole-archive exports (MemberMemo); the bytes are
    the same without it.
    """
    siteurl = str(prepared.site.get("SITEURL") or "")
    sitename = str(prepared.site.get("SITENAME") or "")
    gzip_from = prepared.dispatch.gzip_exports_from
    yield from export_jobs(site, siteurl, sitename, prepared.entity, gzip_from, memo)
    yield from citation_jobs(site, sitename, siteurl, gzip_from, memo)
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
