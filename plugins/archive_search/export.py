"""Export the Whoosh index as a client index of classic-script shards.

Every file is ``rechercheShard("<key>", <JSON>);`` where key is the file name
without ``.js``: loaded with a <script> element it works from file://, with no
fetch(), module, worker or WebAssembly. The format is described in
docs/search.md; engine.js reads it.

Dispatches are numbered in date order (undated first), so a year is a range of
numbers, a date filter is a range too, and a new dispatch, being the newest,
leaves the numbers of all the others, and so most shards, unchanged.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import math
import os
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index

from .analysis import analyze
from .settings import SearchSettings

logger = logging.getLogger(__name__)

FORMAT_VERSION = 1
MANIFEST = "manifest"
REGISTER = "rechercheShard"
# Names this module writes; anything else in out_dir is left alone.
OWN_FILE_RE = re.compile(r"^(manifest|[a-z]+-[0-9a-f]{12}|c\d+-[0-9a-f]{6})\.js$")
# BM25 parameters: Whoosh's BM25F defaults.
K1 = 1.2
B = 0.75
# One impact level is this much of the BM25 term-frequency part; 15 levels, 4 bits.
IMPACT_STEP = 0.4
IMPACT_MAX = 15
# Record flags (first byte).
BITMAP = 1
NO_IMPACTS = 2
POSITIONS = 4
EPOCH = date(1970, 1, 1)


class ExportError(RuntimeError):
    """The index cannot be exported (missing, or built by another schema)."""


@dataclass
class ClientDoc:
    """What the export needs of one dispatch."""

    id: str
    url: str
    title: str
    date: str | None
    lead: str
    actors: list[dict[str, Any]]
    locations: list[dict[str, Any]]
    sequences: list[list[str]] = field(default_factory=list)  # title, body, aliases...


def read_docs(index_dir: Path) -> list[ClientDoc]:
    """Read every dispatch stored in the Whoosh index, in client order (date, then id)."""
    if not whoosh_index.exists_in(str(index_dir)):
        raise ExportError(f"no search index in {index_dir}: build it first")
    ix = whoosh_index.open_dir(str(index_dir))
    docs = []
    with ix.reader() as reader:
        for _, stored in reader.iter_docs():
            meta = json.loads(stored["meta"])
            docs.append(
                ClientDoc(
                    id=stored["id"],
                    url=meta["url"],
                    title=stored.get("title", ""),
                    date=stored.get("date"),
                    lead=meta["lead"],
                    actors=meta["actors"],
                    locations=meta["locations"],
                )
            )
            doc = docs[-1]
            doc.sequences = [analyze(doc.title), analyze(stored.get("body", ""))]
            for entity in doc.actors + doc.locations:
                doc.sequences.extend(analyze(alias) for alias in entity["aliases"])
    docs.sort(key=lambda d: (d.date or "", d.id))
    return docs


def varint(value: int, out: bytearray) -> None:
    """Append an unsigned LEB128 integer."""
    while value >= 0x80:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)


def encode_record(
    docs: Sequence[int],
    impacts: Sequence[int] | None,
    positions: Sequence[Sequence[int]] | None = None,
) -> bytes:
    """Encode an ascending doc list as a list or a bitmap (the smaller), then 4-bit impacts,
    then, for word pairs, where each pair starts in each dispatch."""
    flags = (0 if impacts is not None else NO_IMPACTS) | (POSITIONS if positions else 0)
    listed = bytearray([flags])
    previous = 0
    for doc in docs:
        varint(doc - previous, listed)
        previous = doc
    out = listed
    if len(docs) > 8:
        first, last = docs[0], docs[-1]
        span = (last - first) // 8 + 1
        if span + 4 < len(listed):
            bitmap = bytearray([BITMAP | flags])
            varint(first, bitmap)
            varint(span, bitmap)
            bits = bytearray(span)
            for doc in docs:
                offset = doc - first
                bits[offset >> 3] |= 1 << (offset & 7)
            out = bitmap + bits
    if impacts is not None:
        packed = bytearray((len(impacts) + 1) // 2)
        for i, level in enumerate(impacts):
            packed[i >> 1] |= level << (4 * (i & 1))
        out += packed
    if positions:
        for starts in positions:
            varint(len(starts), out)
            previous = 0
            for start in starts:
                varint(start - previous, out)
                previous = start
    return bytes(out)


def bm25_tf(tf: float, length: int, average: float) -> float:
    """Return the term-frequency part of BM25 (Whoosh's formula without the idf)."""
    return tf * (K1 + 1) / (tf + K1 * ((1 - B) + B * length / average))


def level(score: float) -> int:
    """Quantise a term-frequency score to an impact level 1..15."""
    return max(1, min(IMPACT_MAX, math.ceil(score / IMPACT_STEP)))


# key → (doc numbers, impact levels, start positions per doc: word pairs only)
Postings = dict[str, tuple[list[int], list[int], list[list[int]]]]


def postings(docs: list[ClientDoc], settings: SearchSettings) -> tuple[Postings, Postings]:
    """Return term and word-pair postings: key → (doc numbers, impact levels)."""
    n = max(len(docs), 1)
    # Field lengths: title, body, and all aliases together (Whoosh's "aliases" field).
    lengths = [(len(d.sequences[0]), len(d.sequences[1]), sum(map(len, d.sequences[2:])))
               for d in docs]
    averages = [max(sum(row[i] for row in lengths) / n, 1.0) for i in range(3)]
    boosts = (settings.title_boost, 1.0, settings.alias_boost)
    terms: Postings = defaultdict(lambda: ([], [], []))
    pairs: Postings = defaultdict(lambda: ([], [], []))
    step = IMPACT_STEP
    for number, doc in enumerate(docs):
        length = lengths[number]
        for table, units in ((terms, _units), (pairs, _pair_units)):
            score: dict[str, float] = defaultdict(float)
            for slot, counts in enumerate(units(doc.sequences)):
                boost = boosts[slot]
                norm = K1 * ((1 - B) + B * length[slot] / averages[slot])
                for key, count in counts.items():
                    tf = count * boost
                    score[key] += tf * (K1 + 1) / (tf + norm)
            for key, value in score.items():
                entry = table[key]
                entry[0].append(number)
                # level(value), inlined: this loop runs once per posting.
                entry[1].append(min(IMPACT_MAX, max(1, math.ceil(value / step))))
        for key, starts in _pair_starts(doc.sequences).items():
            pairs[key][2].append(starts)
    return dict(terms), dict(pairs)


def _units(sequences: list[list[str]]) -> list[Counter[str]]:
    """Return term counts for the title, the body and the aliases."""
    aliases: Counter[str] = Counter()
    for seq in sequences[2:]:
        aliases.update(seq)
    return [Counter(sequences[0]), Counter(sequences[1]), aliases]


def _pair_units(sequences: list[list[str]]) -> list[Counter[str]]:
    """Return word-pair counts for the title, the body and the aliases (never across two)."""
    def pairs(seq: list[str]) -> Iterable[str]:
        return (f"{a} {b}" for a, b in zip(seq, seq[1:], strict=False))

    aliases: Counter[str] = Counter()
    for seq in sequences[2:]:
        aliases.update(pairs(seq))
    return [Counter(pairs(sequences[0])), Counter(pairs(sequences[1])), aliases]


def _pair_starts(sequences: list[list[str]]) -> dict[str, list[int]]:
    """Return where each word pair starts, counting title, body and aliases one after the
    other with a gap of one position, so consecutive pairs never span two of them."""
    starts: dict[str, list[int]] = defaultdict(list)
    offset = 0
    for seq in sequences:
        for i in range(len(seq) - 1):
            starts[f"{seq[i]} {seq[i + 1]}"].append(offset + i)
        offset += len(seq) + 1
    return starts


def js_order(key: str) -> bytes:
    """Sort key matching JavaScript's string order (UTF-16 code units)."""
    return key.encode("utf-16-be")


class Writer:
    """Collect the files of the client index; write only those that changed."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self.files: dict[str, bytes] = {}

    def add(self, prefix: str, data: Any) -> str:
        """Add a content-hashed file; return its key."""
        payload = _json(data)
        key = f"{prefix}-{hashlib.sha1(payload.encode('utf-8')).hexdigest()[:12]}"
        self.files[key] = _script(key, payload)
        return key

    def add_named(self, key: str, data: Any) -> None:
        """Add a file under a fixed key."""
        self.files[key] = _script(key, _json(data))

    def flush(self) -> list[Path]:
        """Write new and changed files, delete stale ones; return every file of the index."""
        self.out_dir.mkdir(parents=True, exist_ok=True)
        written = 0
        for key, content in self.files.items():
            path = self.out_dir / f"{key}.js"
            try:
                if path.stat().st_size == len(content) and path.read_bytes() == content:
                    continue
            except FileNotFoundError:
                pass
            tmp = path.with_suffix(".tmp")
            tmp.write_bytes(content)
            os.replace(tmp, path)
            written += 1
        removed = 0
        wanted = {f"{key}.js" for key in self.files}
        for entry in os.scandir(self.out_dir):
            if entry.is_file() and OWN_FILE_RE.match(entry.name) and entry.name not in wanted:
                os.unlink(entry.path)
                removed += 1
        logger.info("search export: %s files, %s written, %s stale removed in %s",
                    len(self.files), written, removed, self.out_dir)
        return sorted(self.out_dir / name for name in wanted)


def _json(data: Any) -> str:
    """Serialise deterministically and compactly."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def _script(key: str, payload: str) -> bytes:
    """Wrap a payload as a classic script that registers it."""
    return f'{REGISTER}("{key}",{payload});\n'.encode()


def _b64(data: bytes) -> str:
    """Return standard base64 text (atob reads it)."""
    return base64.b64encode(data).decode("ascii")


def build_tree(
    writer: Writer,
    entries: list[tuple[str, list[Any]]],
    prefix: str,
    settings: SearchSettings,
) -> dict[str, Any]:
    """Pack sorted (key, value) entries into range shards under a directory tree; return its root.

    A value is [df, record, ...]: a record too large for a shard goes to part
    files of at most SEARCH_PART_BYTES and the value holds their keys instead.
    """
    external = max(settings.shard_bytes // 4, 16)
    leaves: list[tuple[str, str]] = []
    current: list[Any] = []
    size = 0
    for key, value in entries:
        record = value[1]
        if len(record) > external:
            parts = [record[i : i + settings.part_bytes]
                     for i in range(0, len(record), settings.part_bytes)]
            value = [value[0], [writer.add("p", part) for part in parts], *value[2:]]
        record = value[1]
        weight = len(record) + 2 if isinstance(record, str) else 16 * len(record)
        entry_size = len(key) + weight + 12
        if current and size + entry_size > settings.shard_bytes:
            leaves.append((current[0], writer.add(prefix, current)))
            current, size = [], 0
        current.extend([key, value])
        size += entry_size
    if current:
        leaves.append((current[0], writer.add(prefix, current)))
    level: list[tuple[str, str]] = leaves
    depth = 0
    while len(level) > settings.directory_entries:
        step = settings.directory_entries
        level = [
            (group[0][0], writer.add("d", [x for pair in group for x in pair]))
            for group in (level[i : i + step] for i in range(0, len(level), step))
        ]
        depth += 1
    return {"depth": depth, "dir": [x for pair in level for x in pair]}


def _term_entries(table: Postings) -> list[tuple[str, list[Any]]]:
    """Return sorted (key, [df, base64 record]) entries of a postings table."""
    return [
        (key, [len(table[key][0]), _b64(encode_record(*table[key]))])
        for key in sorted(table, key=js_order)
    ]


def _facets(
    writer: Writer, docs: list[ClientDoc], settings: SearchSettings
) -> dict[str, Any]:
    """Return the facet part of the manifest, writing facet shards."""
    out: dict[str, Any] = {}
    for kind, attr in (("acteur", "actors"), ("lieu", "locations")):
        members: dict[str, list[int]] = defaultdict(list)
        names: dict[str, str] = {}
        for number, doc in enumerate(docs):
            for entity in getattr(doc, attr):
                slug = entity["slug"]
                if not members[slug] or members[slug][-1] != number:
                    members[slug].append(number)
                names.setdefault(slug, entity["name"])
        entries = [
            (slug, [len(members[slug]), _b64(encode_record(members[slug], None)), names[slug]])
            for slug in sorted(members, key=js_order)
        ]
        top = sorted(members, key=lambda s: (-len(members[s]), s))[: settings.facet_top]
        by_slug = dict(entries)
        top_values = [x for slug in top for x in (slug, by_slug[slug])]
        out[kind] = {
            "top": [[slug, names[slug], len(members[slug])] for slug in top],
            "topFile": writer.add("f", top_values),
            "tree": build_tree(writer, entries, "f", settings),
        }
    return out


def _cards(writer: Writer, docs: list[ClientDoc], settings: SearchSettings) -> dict[str, Any]:
    """Write card blocks and their hash tables; return the manifest's card section."""
    per = settings.cards_per_block
    hashes = []
    for block, start in enumerate(range(0, len(docs), per)):
        cards = [
            [d.id, d.url, d.title, d.date or "", [e["name"] for e in d.locations],
             [e["name"] for e in d.actors], d.lead]
            for d in docs[start : start + per]
        ]
        payload = _json(cards)
        digest = hashlib.sha1(payload.encode("utf-8")).hexdigest()[:6]
        key = f"c{block}-{digest}"
        writer.files[key] = _script(key, payload)
        hashes.append(digest)
    per_table = settings.card_table_blocks
    tables = [writer.add("ct", "".join(hashes[i : i + per_table]))
              for i in range(0, len(hashes), per_table)]
    return {"per": per, "tableBlocks": per_table, "tables": tables}


def _calendar(docs: list[ClientDoc]) -> tuple[int, list[list[int]], list[list[int]]]:
    """Return the undated count, [year, first, count] rows and [day, first] date rows."""
    undated = sum(1 for d in docs if not d.date)
    years: list[list[int]] = []
    days: list[list[int]] = []
    for number, doc in enumerate(docs):
        if not doc.date:
            continue
        year = int(doc.date[:4])
        if years and years[-1][0] == year:
            years[-1][2] += 1
        else:
            years.append([year, number, 1])
        day = (date.fromisoformat(doc.date) - EPOCH).days
        if not days or days[-1][0] != day:
            days.append([day, number])
    return undated, years, days


def export_client_index(
    index_dir: Path, out_dir: Path, settings: SearchSettings | None = None
) -> list[Path]:
    """Write the client index of index_dir into out_dir; return the paths of its files."""
    settings = settings or SearchSettings()
    docs = read_docs(Path(index_dir))
    writer = Writer(Path(out_dir))
    terms, pairs = postings(docs, settings)
    undated, years, days = _calendar(docs)
    day_deltas = [[d - p for d, p in zip(col, [0, *col[:-1]], strict=False)]
                  for col in ([r[0] for r in days], [r[1] for r in days])]
    manifest = {
        "v": FORMAT_VERSION,
        "n": len(docs),
        "undated": undated,
        "years": years,
        "dates": writer.add("dt", day_deltas),
        "step": IMPACT_STEP,
        "pageSize": settings.page_size,
        "prefixMax": settings.prefix_max_terms,
        "terms": build_tree(writer, _term_entries(terms), "t", settings),
        "pairs": build_tree(writer, _term_entries(pairs), "w", settings),
        "facets": _facets(writer, docs, settings),
        "cards": _cards(writer, docs, settings),
    }
    writer.add_named(MANIFEST, manifest)
    return writer.flush()

