"""Export the document store as a client index of classic-script shards.

Every file is ``rechercheShard("<key>", <JSON>);`` where key is the file name
without ``.js``, or ``rechercheShard("<key>", "<base64>", 1);`` when the JSON,
compressed with deflate and written in base64, is at least 3 % smaller (engine.js
inflates it with the browser's DecompressionStream): loaded with a <script> element
it works from file://, with no fetch(), module, worker or WebAssembly. The format is
described in docs/search.md; engine.js reads it.

Dispatches are numbered in date order (undated first), so a year is a range of
numbers, a date filter is a range too, and a new dispatch, being the newest,
leaves the numbers of all the others, and so most shards, unchanged.

Cost: an export whose inputs (store generation, settings, format) are those of
the previous export, whose files are all still there (in out_dir, or in the
previous build's output, from which they are hard-linked), writes nothing.
Otherwise every file is computed again from the stored analysis (postings.py)
but only files whose name is new are written: names are content hashes, so an
existing name is an existing, identical file (a new file is written to a
temporary name and renamed, so a name never holds part of a file).
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
import logging
import os
import re
import shutil
import zlib
from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from . import entries as E
from . import postings as P
from .settings import SearchSettings
from .store import StoreError, connect, generation, read_vocabulary

logger = logging.getLogger(__name__)

FORMAT_VERSION = 7
MANIFEST = "manifest"
REGISTER = "rechercheShard"
STATE_FILE = "export.json"
# Names this module writes; anything else in out_dir is left alone.
OWN_FILE_RE = re.compile(r"^(manifest|[a-z]+-[0-9a-f]{12}|c\d+-[0-9a-f]{6})\.js$")
EPOCH = date(1970, 1, 1)
CARD_HASH = 6  # hex digits of a card group's hash in the manifest


class ExportError(RuntimeError):
    """The index cannot be exported (missing, or built by another version)."""


def js_order(key: str) -> bytes:
    """Sort key matching JavaScript's string order (UTF-16 code units)."""
    return key.encode("utf-16-be")


def _json(data: Any) -> str:
    """Serialise deterministically and compactly."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


# A payload is written compressed when that makes it at least this much smaller.
PACK_RATIO = 0.97
PACK_LEVEL = 6  # zlib's default: level 9 saves 0.1 % more on the bench's index


def _script(key: str, payload: str | bytes, pack: bool = False) -> bytes:
    """Wrap a payload as a classic script that registers it.

    pack: write it as base64 of its deflate (zlib) stream, with a third argument 1, when
    that is at least 3 % smaller. Records are base64 already and positions nearly random,
    so their files gain about 5 %; cards, terms and common runs take a half or more off.
    The file's name still hashes the JSON, whatever the compression.
    """
    if isinstance(payload, str):
        payload = payload.encode("utf-8")
    if pack and len(payload) > 64:
        packed = base64.b64encode(zlib.compress(payload, PACK_LEVEL))
        if len(packed) + 4 <= len(payload) * PACK_RATIO:
            return b"".join((f'{REGISTER}("{key}","'.encode(), packed, b'",1);\n'))
    return b"".join((f'{REGISTER}("{key}",'.encode(), payload, b");\n"))


def read_script(content: bytes) -> Any:
    """The JSON that a file of the client index registers (inflated when packed)."""
    text = content.decode("utf-8")
    body = text[text.index(",") + 1 : text.rindex(")")]
    if body.endswith('",1'):
        return json.loads(zlib.decompress(base64.b64decode(body[1:-3])))
    return json.loads(body)


class Writer:
    """Write the files of the client index: only new names, linked from the previous output
    when it has them; remove this module's files that are no longer referenced.

    Files are written in place, not through a temporary name: creating a file costs
    about 0.2 ms on the build machines and a rename as much again, for 25,000+
    files. An existing file is trusted without reading it only when the last
    finished export (whose manifest, written last, is in its folder) listed it; a
    file that a killed export left half-written is never listed, so it is compared.
    """

    def __init__(self, out_dir: Path, previous_dir: Path | None = None,
                 state: dict[str, Any] | None = None) -> None:
        self.out_dir = out_dir
        out_dir.mkdir(parents=True, exist_ok=True)
        self.existing = _names(out_dir)
        self.trusted = _trusted(out_dir, state or {})
        self.previous_dir = None
        self.previous: set[str] = set()
        self.previous_trusted: set[str] = set()
        if previous_dir is not None and previous_dir.is_dir():
            if not os.path.samefile(previous_dir, out_dir):
                self.previous_dir, self.previous = previous_dir, _names(previous_dir)
                self.previous_trusted = _trusted(previous_dir, state or {})
        self.names: set[str] = set()
        self.written = self.linked = 0

    def add(self, prefix: str, payload: str) -> str:
        """Add a content-hashed file; return its key."""
        return self.add_bytes(prefix, payload.encode("utf-8"))

    def add_bytes(self, prefix: str, payload: bytes) -> str:
        """Add a content-hashed file of UTF-8 JSON; return its key."""
        key = f"{prefix}-{hashlib.sha1(payload).hexdigest()[:12]}"
        self.put(key, payload)
        return key

    def put(self, key: str, payload: str | bytes, hashed: bool = True) -> None:
        """Add a file; hashed: its name says its content (an existing, trusted name is kept)."""
        name = f"{key}.js"
        if name in self.names:
            return
        self.names.add(name)
        if hashed and name in self.trusted:
            return
        path = self.out_dir / name
        if (hashed and name in self.previous_trusted and name in self.previous
                and name not in self.existing):
            # The previous export's file of this name has these bytes: link it without
            # making them (packing is most of a file's cost; a rebuild after one new
            # dispatch keeps nearly every file).
            assert self.previous_dir is not None
            self.link(self.previous_dir / name, path)
            return
        content = _script(key, payload, pack=hashed)
        if name in self.existing:
            if path.read_bytes() == content:
                return
            tmp = path.with_name(f".{name}.tmp")
            tmp.write_bytes(content)
            os.replace(tmp, path)
            self.written += 1
            return
        if name in self.previous:
            assert self.previous_dir is not None
            old = self.previous_dir / name
            if old.read_bytes() == content:
                self.link(old, path)
                return
        _write_new(str(path), content)
        self.written += 1

    def link(self, old: Path, new: Path) -> None:
        """Hard-link an unchanged file of the previous output (it keeps its mtime)."""
        try:
            os.link(old, new)
        except FileExistsError:
            new.unlink()
            os.link(old, new)
        except OSError:  # another file system: a copy with the old times
            shutil.copy2(old, new)
        self.linked += 1

    def keep(self, names: Iterable[str], source: Path) -> None:
        """Take whole files of the previous export (by name) from source."""
        for name in names:
            self.names.add(name)
            if name not in self.existing:
                self.link(source / name, self.out_dir / name)

    def finish(self) -> list[Path]:
        """Remove stale files; return every file of the index."""
        removed = 0
        for name in self.existing - self.names:
            (self.out_dir / name).unlink(missing_ok=True)
            removed += 1
        logger.info("search export: %s files, %s written, %s linked, %s stale removed in %s",
                    len(self.names), self.written, self.linked, removed, self.out_dir)
        return [self.out_dir / name for name in sorted(self.names)]


def _write_new(path: str, content: bytes) -> None:
    """Write a file with plain os calls: pathlib's write_bytes cost a fifth of writing the
    33,000 files of the index at 100,000 dispatches."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        view = memoryview(content)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)


def _names(folder: Path) -> set[str]:
    """Return the names of this module's files in a folder."""
    try:
        return {e.name for e in os.scandir(folder) if OWN_FILE_RE.match(e.name)}
    except FileNotFoundError:
        return set()


class Tree:
    """Pack (key, value) entries, given in key order, into range shards under a directory tree.

    A value is [df, record, ...]: a record too large for a shard goes to part
    files of at most SEARCH_PART_BYTES and the value holds their keys instead.
    Shards are written as they fill, so memory holds one batch of entries at most.
    """

    def __init__(self, writer: Writer, prefix: str, settings: SearchSettings,
                 shard_bytes: int | None = None, intern: bool = False) -> None:
        self.writer, self.prefix, self.settings = writer, prefix, settings
        self.intern = intern  # see _intern
        self.shard_bytes = shard_bytes or settings.shard_bytes
        self.external = max(self.shard_bytes // 4, 16)
        self.leaves: list[str] = []
        self.current: list[bytes] = []
        self.first = ""
        self.size = 0

    def add_batch(
        self, keys: list[str], dfs: list[int], text: str, cuts: Any,
        extras: list[str], quoted: list[str],
    ) -> None:
        """Add a few entries made in Python (facet values: JSON keys, a name after the record)."""
        bounds = cuts.tolist()
        entries = [f'{name},[{df},"{text[a:b]}"{tail}],' for name, df, a, b, tail
                   in zip(quoted, dfs, bounds, bounds[1:], extras, strict=False)]
        weights = np.array([len(k) + b - a + 14 for k, a, b in zip(keys, bounds, bounds[1:],
                                                                   strict=False)])
        buf, offsets = E.strings(entries)
        self.add_entries(buf, offsets, weights, keys.__getitem__)

    def add_records(self, key_pieces: list[E.Piece], key_lengths: Any, batch: P.Batch,
                    first_key: Callable[[int], str], extras: list[str] | None = None,
                    more: tuple[list[E.Piece], Any] | None = None) -> None:
        """Encode a batch and add its entries; key_pieces spell each key (unquoted);
        extras, text after the record (",[counts]"); more, pieces after the record and
        their lengths per entry (a pair's positions)."""
        text, cuts = P.encode_batch(batch)
        count = len(batch.keys)
        record_lengths = np.diff(cuts)
        external = record_lengths > self.external
        weights = key_lengths + record_lengths + 14
        alt: list[str] = []
        part = self.settings.part_bytes
        for i in np.flatnonzero(external).tolist():
            record = text[cuts[i] : cuts[i + 1]]
            keys = [self.writer.add("p", f'"{record[j : j + part]}"')
                    for j in range(0, len(record), part)]
            alt.append(_json(keys))
            weights[i] = key_lengths[i] + 16 * len(keys) + 12
        alt_buf, alt_offsets = E.strings(alt)
        alt_start = np.zeros(count, dtype=np.int64)
        alt_length = np.zeros(count, dtype=np.int64)
        alt_start[external] = alt_offsets[:-1]
        alt_length[external] = np.diff(alt_offsets)
        inline = ~external
        if extras:
            tail_buf, tail_offsets = E.strings(extras)
            weights += np.diff(tail_offsets)
            tail: list[E.Piece] = [(tail_buf, tail_offsets[:-1], np.diff(tail_offsets))]
        else:
            tail = []
        if more:
            tail += more[0]
            weights += more[1]
        pieces = [E.constant('"'), *key_pieces, E.constant('",['),
                  E.digits(np.diff(batch.kofs)), E.constant(","), E.constant('"', inline),
                  (E.as_bytes(text), cuts[:-1], np.where(inline, record_lengths, 0)),
                  (alt_buf, alt_start, alt_length), E.constant('"', inline),
                  *tail, E.constant("],")]
        buf, offsets = E.assemble(count, pieces)
        self.add_entries(buf, offsets, weights, first_key)

    def position_pieces(self, batch: P.Batch, piece_bytes: int) -> tuple[list[E.Piece], Any]:
        """Return the pieces that write, after their record, the positions of the pairs whose
        record does not hold them (batch.inline false), and their lengths:
        ,[first, "q-…", first, "q-…", …] naming part files cut at dispatch boundaries (first:
        the part's first posting)."""
        assert batch.inline is not None
        count = len(batch.keys)
        apart = ~batch.inline
        alt: list[str] = []
        if apart.any():
            positions = P.encode_positions(P.select_keys(batch, apart), piece_bytes)
            cuts, kpieces = positions.cuts.tolist(), positions.kpieces.tolist()
            text, first = positions.text, positions.first.tolist()
            for k in range(len(kpieces) - 1):
                listed: list[Any] = []
                for p in range(kpieces[k], kpieces[k + 1]):
                    listed += [first[p], self.writer.add("q", f'"{text[cuts[p] : cuts[p + 1]]}"')]
                alt.append("," + _json(listed))
        alt_buf, alt_offsets = E.strings(alt)
        alt_start = np.zeros(count, dtype=np.int64)
        alt_length = np.zeros(count, dtype=np.int64)
        alt_start[apart] = alt_offsets[:-1]
        alt_length[apart] = np.diff(alt_offsets)
        return [(alt_buf, alt_start, alt_length)], alt_length

    def add_entries(self, buf: Any, offsets: Any, weights: Any,
                    first_key: Callable[[int], str]) -> None:
        """Pack entries (each ending with a comma) into shards, greedily, in order."""
        cum = np.cumsum(weights)
        at, count = 0, len(offsets) - 1
        while at < count:
            before = int(cum[at - 1]) if at else 0
            end = int(np.searchsorted(cum, before + self.shard_bytes - self.size, side="right"))
            if end == at:
                if self.current:
                    self.flush()
                    continue
                end = at + 1  # an entry larger than a shard stands alone
            if not self.current:
                self.first = first_key(at)
            self.current.append(buf[offsets[at] : offsets[end]].tobytes())
            self.size += int(cum[end - 1]) - before
            at = end
            if at < count:
                self.flush()

    def flush(self) -> None:
        if self.current:
            payload = b"[" + b"".join(self.current)[:-1] + b"]"
            if self.intern:
                payload = _intern(payload)
            self.leaves += [self.first, self.writer.add_bytes(self.prefix, payload)]
            self.current, self.size = [], 0

    def finish(self) -> dict[str, Any]:
        """Write the last shard and the directory shards; return the root."""
        self.flush()
        level = self.leaves
        depth = 0
        step = 2 * self.settings.directory_entries
        while len(level) > step:
            nodes = [level[i : i + step] for i in range(0, len(level), step)]
            level = [x for node in nodes for x in (node[0], self.writer.add("d", _json(node)))]
            depth += 1
        return {"depth": depth, "dir": level}


def _intern(payload: bytes) -> bytes:
    """A shard's entries with each value that repeats an earlier one of the shard written as
    that entry's index (engine.js looks it up there). Common runs need it: the runs of one
    repeated sentence (« les écoles et les hôpitaux de la zone », its 3- to 8-word runs) are
    found in the same dispatches, so their records are the same, and a run's longer runs
    follow it in key order. On the bench's corpus a third of the run shards' bytes were such
    repeats (2.8 MB of 8.5 at 10,000 dispatches)."""
    data = json.loads(payload)
    first: dict[tuple[int, str], int] = {}
    repeated = False
    for i in range(1, len(data), 2):
        value = data[i]
        if not (isinstance(value, list) and len(value) == 2 and isinstance(value[1], str)):
            continue  # a record in part files: left as it is
        key = (value[0], value[1])
        if key in first:
            data[i] = first[key]
            repeated = True
        else:
            first[key] = i // 2
    if not repeated:
        return payload
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


@dataclasses.dataclass
class Docs:
    """What the export needs of the dispatches besides their terms, in client order."""

    dates: list[str]  # '' when undated
    actors: dict[str, list[int]]
    places: dict[str, list[int]]
    names: dict[str, dict[str, str]]  # kind → slug → name (the first dispatch's)


def load_corpus(con: Any) -> P.Corpus:
    """Read the stored analysis in client order; term ids become ranks in client key order
    (JavaScript's string order)."""
    n, total = con.execute("SELECT count(*), coalesce(sum(length(toks)), 0) FROM docs").fetchone()
    tok = np.empty(total // 4, dtype=np.int32)
    raw = tok.view(np.uint8)
    start = np.zeros(n + 1, dtype=np.int64)
    lengths = np.zeros((3, n), dtype=np.int64)
    at = 0
    rows = con.execute("SELECT toks, title_len, body_len, alias_len FROM docs ORDER BY sort, id")
    for number, (toks, title, body, aliases) in enumerate(rows):
        raw[at : at + len(toks)] = np.frombuffer(toks, dtype=np.uint8)
        at += len(toks)
        start[number + 1] = at // 4
        lengths[0, number], lengths[1, number], lengths[2, number] = title, body, aliases
    terms = read_vocabulary(con)
    order, rank = P.key_ranks([js_order(t) for t in terms])
    step = 1 << 22
    for i in range(0, len(tok), step):
        tok[i : i + step] = rank[tok[i : i + step]]
    # Forms come first: the title starts after them (the title and the body end with -1).
    title_at = np.diff(start) - lengths[0] - lengths[1] - 2
    return P.Corpus(tok, start, lengths, title_at, [terms[i] for i in order])


def load_docs(con: Any) -> Docs:
    """Read what the export needs of the dispatches besides their terms, in client order."""
    docs = Docs([], defaultdict(list), defaultdict(list), {"acteur": {}, "lieu": {}})
    rows = con.execute("SELECT sort, actors, places FROM docs ORDER BY sort, id")
    for number, (sort, actors, places) in enumerate(rows):
        docs.dates.append(sort)
        for kind, members, entities in (("acteur", docs.actors, actors),
                                        ("lieu", docs.places, places)):
            names = docs.names[kind]
            for slug, name in json.loads(entities):
                slot = members[slug]
                if not slot or slot[-1] != number:
                    slot.append(number)
                names.setdefault(slug, name)
    return docs


def _top(members: dict[str, list[int]], settings: SearchSettings) -> list[str]:
    """Return the facet values whose counts the results page shows, most frequent first."""
    return sorted(members, key=lambda s: (-len(members[s]), s))[: settings.facet_top]


def _top_masks(docs: Docs, n: int, settings: SearchSettings) -> Any:
    """Return, per dispatch, a bit for each top actor then each top place it carries."""
    mask = np.zeros(n, dtype=np.int64)
    bit = 0
    if 2 * settings.facet_top > 62:  # one int64 per dispatch: no counts in the terms
        return mask, 0
    for members in (docs.actors, docs.places):
        for slug in _top(members, settings):
            mask[np.asarray(members[slug], dtype=np.int64)] |= 1 << bit
            bit += 1
    return mask, bit


def _facet_counts(batch: P.Batch, mask: Any, bits: int) -> list[str]:
    """Return ",[counts]" per key: how many of its dispatches carry each top facet value.

    A one-word query then shows its facet counts without loading the facet records
    (at 100,000 dispatches, those of the 16 top values weigh ~190 KB).
    """
    if not len(batch.keys) or not bits:
        return []
    carried = mask[batch.docs]
    heads = batch.kofs[:-1]
    columns = [np.add.reduceat((carried >> b) & 1, heads) for b in range(bits)]
    rows = np.stack(columns, axis=1).tolist() if bits else [[] for _ in heads]
    return [",[" + ",".join(map(str, row)) + "]" for row in rows]


def _terms_tree(writer: Writer, corpus: P.Corpus, settings: SearchSettings,
                norm: Any, boosts: tuple[float, float, float], docs: Docs) -> dict[str, Any]:
    tree = Tree(writer, "t", settings)
    terms = corpus.terms
    vocab, offsets = E.strings(terms)
    lengths = np.diff(offsets)
    mask, bits = _top_masks(docs, corpus.n, settings)
    for lo, hi in P.partitions(corpus):
        batch = P.term_batch(corpus, lo, hi, norm, boosts)
        keys = batch.keys

        def first_key(i: int, keys: Any = keys) -> str:
            return terms[keys[i]]

        tree.add_records([(vocab, offsets[keys], lengths[keys])], lengths[keys], batch,
                         first_key, _facet_counts(batch, mask, bits))
    return tree.finish()


def _pairs_tree(writer: Writer, corpus: P.Corpus, settings: SearchSettings,
                norm: Any, boosts: tuple[float, float, float]) -> tuple[dict[str, Any],
                                                                        dict[str, Any]]:
    """Write the word pairs (records with or without positions, part files of positions)
    and the common runs of 3+ words; return the roots of both trees."""
    tree = Tree(writer, "w", settings, settings.pair_shard_bytes)
    phrases = Tree(writer, "g", settings, intern=True)
    terms = corpus.terms
    size = len(terms)
    vocab, offsets = E.strings(terms)
    lengths = np.diff(offsets)
    space = E.constant(" ")
    for lo, hi, second_lo, second_hi in P.pair_partitions(corpus):
        batch = P.pair_batch(corpus, lo, hi, norm, boosts, (second_lo, second_hi),
                             settings.phrase_min_docs, settings.phrase_max_words)
        if not len(batch.keys):
            continue
        first, second = np.divmod(batch.keys, size)
        pieces = [(vocab, offsets[first], lengths[first]), space,
                  (vocab, offsets[second], lengths[second])]

        def first_key(i: int, a: Any = first, b: Any = second) -> str:
            return f"{terms[a[i]]} {terms[b[i]]}"

        # Positions stay in the record unless they are larger than a part: those are cut
        # into part files, and a phrase loads only the parts it needs.
        batch.inline = P.position_bytes(batch) <= settings.position_part_bytes
        more = tree.position_pieces(batch, settings.position_part_bytes)
        tree.add_records(pieces, lengths[first] + lengths[second] + 1, batch, first_key,
                         more=more)
        runs = batch.phrases
        if runs is not None and runs.words is not None and len(runs.keys):
            words = runs.words
            present = words >= 0
            ranks = np.where(present, words, 0)
            pieces = []
            for j in range(words.shape[1]):
                if j:
                    pieces.append(E.constant(" ", present[:, j]))
                pieces.append((vocab, offsets[ranks[:, j]],
                               np.where(present[:, j], lengths[ranks[:, j]], 0)))
            key_lengths = (np.where(present, lengths[ranks], 0).sum(axis=1)
                           + present.sum(axis=1) - 1)

            def run_key(i: int, w: Any = words) -> str:
                return " ".join(terms[t] for t in w[i].tolist() if t >= 0)

            phrases.add_records(pieces, key_lengths, runs, run_key)
    return tree.finish(), phrases.finish()


def _facets(writer: Writer, docs: Docs, settings: SearchSettings) -> dict[str, Any]:
    """Return the facet part of the manifest, writing facet shards."""
    out: dict[str, Any] = {}
    for kind, members in (("acteur", docs.actors), ("lieu", docs.places)):
        names = docs.names[kind]
        slugs = sorted(members, key=js_order)
        batch = P.set_batch([members[slug] for slug in slugs])
        text, cuts = P.encode_batch(batch)
        dfs = np.diff(batch.kofs).tolist()
        bounds = cuts.tolist()
        encoded = {slug: (dfs[i], text[bounds[i] : bounds[i + 1]]) for i, slug in enumerate(slugs)}
        tree = Tree(writer, "f", settings)
        tree.add_batch(slugs, dfs, text, cuts, ["," + _json(names[s]) for s in slugs],
                       [_json(s) for s in slugs])
        top = _top(members, settings)
        top_values = [x for slug in top for x in (slug, [*encoded[slug], names[slug]])]
        out[kind] = {
            "top": [[slug, names[slug], len(members[slug])] for slug in top],
            "topFile": writer.add("f", _json(top_values)),
            "tree": tree.finish(),
        }
    return out


def _cards(writer: Writer, con: Any, settings: SearchSettings) -> dict[str, Any]:
    """Write the card files; return the manifest's card section.

    A card file is c<block>-<hash>: the hash is that of its group of
    SEARCH_CARD_GROUP_BLOCKS blocks, listed in the manifest, so the browser
    names any card without a table and a new dispatch renames one group at most.
    """
    per, group = settings.cards_per_block, settings.card_group_blocks
    hashes: list[str] = []
    blocks: list[str] = []
    cards: list[str] = []

    def close_group() -> None:
        digest = hashlib.sha1("\n".join(blocks).encode("utf-8")).hexdigest()[:CARD_HASH]
        first = len(hashes) * group
        for i, payload in enumerate(blocks):
            writer.put(f"c{first + i}-{digest}", payload)
        hashes.append(digest)
        blocks.clear()

    for (card,) in con.execute("SELECT card FROM docs ORDER BY sort, id"):
        cards.append(card)
        if len(cards) == per:
            blocks.append(f"[{','.join(cards)}]")
            cards.clear()
            if len(blocks) == group:
                close_group()
    if cards:
        blocks.append(f"[{','.join(cards)}]")
    if blocks:
        close_group()
    return {"per": per, "group": group, "hashes": "".join(hashes)}


def _calendar(dates: list[str]) -> tuple[int, list[list[int]], list[list[int]]]:
    """Return the undated count, [year, first, count] rows and [day, first] date rows."""
    undated = sum(1 for d in dates if not d)
    years: list[list[int]] = []
    days: list[list[int]] = []
    for number, day_text in enumerate(dates):
        if not day_text:
            continue
        year = int(day_text[:4])
        if years and years[-1][0] == year:
            years[-1][2] += 1
        else:
            years.append([year, number, 1])
        day = (date.fromisoformat(day_text) - EPOCH).days
        if not days or days[-1][0] != day:
            days.append([day, number])
    return undated, years, days


def _export_key(index_generation: str, settings: SearchSettings) -> str:
    """Return what an export depends on, hashed: the stored documents, settings, format."""
    data = {"format": FORMAT_VERSION, "generation": index_generation,
            "settings": dataclasses.asdict(settings)}
    return hashlib.sha1(_json(data).encode("utf-8")).hexdigest()


def _read_state(index_dir: Path) -> dict[str, Any]:
    try:
        state = json.loads((index_dir / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return state if isinstance(state, dict) else {}


def _trusted(folder: Path, state: dict[str, Any]) -> set[str]:
    """Return the files of the last finished export, if it was made in folder (or copied)."""
    try:
        digest = hashlib.sha1((folder / f"{MANIFEST}.js").read_bytes()).hexdigest()
    except OSError:
        return set()
    return set(state.get("files", [])) if digest == state.get("manifest") else set()


def _complete(folder: Path | None, state: dict[str, Any]) -> bool:
    """Tell whether folder holds every file of the export that state describes."""
    if folder is None:
        return False
    files = set(state.get("files", []))
    return bool(files) and _trusted(folder, state) == files and files <= _names(folder)


def export_client_index(
    index_dir: Path,
    out_dir: Path,
    settings: SearchSettings | None = None,
    previous_dir: Path | None = None,
    corpus: P.Corpus | None = None,
    keep_dir: Path | None = None,
) -> list[Path]:
    """Write the client index of index_dir into out_dir; return the paths of its files.

    previous_dir is the same folder in the previous build's output, when the build
    writes into a fresh folder: files found there are hard-linked, not written.
    corpus: load_corpus() of the store as it is now, when the caller has read it already
    (the site build shares it with the Whoosh process); read here when needed otherwise.
    keep_dir: a folder (beside the store, outside the output) that holds hard links to the
    last finished export's files, so that an output folder deleted since (`invoke
    rebuild`, a build into a fresh clone with the cache kept) gets them back by links
    instead of an export computed again from the store (keep_copy).
    """
    settings = settings or SearchSettings()
    index_dir, out_dir = Path(index_dir), Path(out_dir)
    try:
        con = connect(index_dir, create=False)
    except StoreError as error:
        raise ExportError(str(error)) from error
    try:
        key = _export_key(generation(con), settings)
        state = _read_state(index_dir)
        writer = Writer(out_dir, previous_dir, state)
        if state.get("key") == key:
            for folder in (out_dir, previous_dir, keep_dir):
                if _complete(folder, state):
                    assert folder is not None
                    writer.keep(state["files"], folder)
                    logger.info("search export: unchanged, %s files kept", len(state["files"]))
                    files = writer.finish()
                    if keep_dir is not None and folder != keep_dir:
                        keep_copy(out_dir, keep_dir, writer.names)
                    return files
        _build(writer, con, settings, corpus)
    finally:
        con.close()
    manifest_file = out_dir / f"{MANIFEST}.js"
    new_state = {"key": key, "files": sorted(writer.names),
                 "manifest": hashlib.sha1(manifest_file.read_bytes()).hexdigest()}
    tmp = index_dir / f".{STATE_FILE}.tmp"
    tmp.write_text(json.dumps(new_state, separators=(",", ":")), encoding="utf-8")
    os.replace(tmp, index_dir / STATE_FILE)
    files = writer.finish()
    if keep_dir is not None:
        keep_copy(out_dir, keep_dir, writer.names)
    return files


def keep_copy(out_dir: Path, keep_dir: Path, names: set[str]) -> None:
    """Make keep_dir hold hard links to the export's files in out_dir (names), and nothing
    else of this module's: only the files it lacks are linked, which after a rebuild that
    adds one dispatch are the few thousand renamed ones. Names are content hashes, except
    the manifest's, which is linked last: until then, the folder's manifest is not the
    state's, and the folder is not trusted (_complete). Where out_dir and keep_dir are on
    different file systems (no hard links), keep_dir is removed rather than copied into."""
    manifest = f"{MANIFEST}.js"
    keep_dir.mkdir(parents=True, exist_ok=True)
    present = _names(keep_dir)
    try:
        (keep_dir / manifest).unlink(missing_ok=True)
        for name in sorted(names - present - {manifest}):
            os.link(out_dir / name, keep_dir / name)
        for name in present - names - {manifest}:
            (keep_dir / name).unlink(missing_ok=True)
        if manifest in names:
            os.link(out_dir / manifest, keep_dir / manifest)
    except OSError as error:
        logger.info("search export: no kept copy in %s (%s)", keep_dir, error)
        shutil.rmtree(keep_dir, ignore_errors=True)


def _build(writer: Writer, con: Any, settings: SearchSettings,
           corpus: P.Corpus | None = None) -> None:
    """Compute and write every file, the manifest last (corpus: load_corpus(con), when the
    caller has it already)."""
    docs = load_docs(con)
    if corpus is None:
        corpus = load_corpus(con)
    boosts = (settings.title_boost, 1.0, settings.alias_boost)
    norm = P.norms(corpus, boosts)
    undated, years, days = _calendar(docs.dates)
    day_deltas = [[d - p for d, p in zip(col, [0, *col[:-1]], strict=False)]
                  for col in ([r[0] for r in days], [r[1] for r in days])]
    manifest = {
        "v": FORMAT_VERSION,
        "n": corpus.n,
        "undated": undated,
        "years": years,
        "dates": writer.add("dt", _json(day_deltas)),
        "step": P.IMPACT_STEP,
        "pageSize": settings.page_size,
        "prefixMax": settings.prefix_max_terms,
        "phraseMax": settings.phrase_max_words,
        "terms": _terms_tree(writer, corpus, settings, norm, boosts, docs),
    }
    manifest["pairs"], manifest["phrases"] = _pairs_tree(writer, corpus, settings, norm, boosts)
    del corpus
    manifest["facets"] = _facets(writer, docs, settings)
    manifest["cards"] = _cards(writer, con, settings)
    writer.put(MANIFEST, _json(manifest), hashed=False)
