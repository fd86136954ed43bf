"""The document store: every indexed dispatch, its content hash and its analysis, in SQLite.

build_index() brings the store up to date by id and content hash, analysing only
new and changed dispatches. The client export reads the analysis back from it
(term ids, never text), and the Whoosh index for `invoke search` is built from
it (index.ensure_whoosh: the stored documents for the stored fields, the term ids
for the postings).

A dispatch's analysis is one int32 array of term ids: each written form of each
of its entities followed by -1, then the title, -1, the body, -1. The index of a
term in that array is the position the browser's word pairs carry, and no pair
spans a -1. The forms come first because they are the most repeated pairs
(« bachar al », « al assad » in every dispatch about him): their positions stay
under 128, one byte each in the records.
"""

from __future__ import annotations

import gc
import hashlib
import json
import logging
import marshal
import multiprocessing
import os
import sqlite3
import sys
from array import array
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from .analysis import raw_tokens, term_of

logger = logging.getLogger(__name__)

STORE_FILE = "store.sqlite"
# Bump when the layout, the analysis or what a row holds changes: the store starts afresh.
STORE_VERSION = 5
STORE_KEY = f"{STORE_VERSION}/{sys.version_info[0]}.{sys.version_info[1]}"
SEP = -1
_SEP_BYTES = array("i", [SEP]).tobytes()
REQUIRED_KEYS = ("id", "url", "title", "body")
BATCH = 500  # rows per INSERT: few round trips, little memory
# The analysis moves to worker processes once this many documents need it (a full build),
# CHUNK documents a task, at most AHEAD tasks in flight (bounded memory).
PARALLEL_AT = 2_000
CHUNK = 250
AHEAD = 8

SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE vocab (id INTEGER PRIMARY KEY, term TEXT NOT NULL);
CREATE TABLE docs (
  id TEXT PRIMARY KEY NOT NULL,
  hash TEXT NOT NULL,
  sort TEXT NOT NULL,        -- the date, '' when undated: client order is (sort, id)
  card TEXT NOT NULL,        -- [id, url, title, date, places, actors, lead] as JSON
  actors TEXT NOT NULL,      -- [[slug, name], ...] as JSON
  places TEXT NOT NULL,
  toks BLOB NOT NULL,        -- int32 term ids, native byte order (see the module doc)
  title_len INTEGER NOT NULL,
  body_len INTEGER NOT NULL,
  alias_len INTEGER NOT NULL
);
CREATE INDEX docs_order ON docs (sort, id);
-- Apart: the export reads every row of docs, and SQLite would step over this long column.
-- The dispatch as serialise() wrote it, for Whoosh.
CREATE TABLE sources (id TEXT PRIMARY KEY NOT NULL, doc BLOB NOT NULL);
"""


class IndexError_(ValueError):
    """A document cannot be indexed (kept apart from the builtin IndexError)."""


class StoreError(RuntimeError):
    """There is no store to read (build_index has not run)."""


PAGE_SIZE = 32768  # bytes, for a new store


def store_path(index_dir: Path) -> Path:
    """Return the path of the store of an index folder."""
    return Path(index_dir) / STORE_FILE


def connect(index_dir: Path, create: bool) -> sqlite3.Connection:
    """Open the store; with create, make a fresh one when it is missing, old or unreadable."""
    path = store_path(index_dir)
    if path.exists():
        try:
            con = sqlite3.connect(path)
            row = con.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()
            if row and row[0] == STORE_KEY:
                return _tune(con)
            con.close()
        except sqlite3.DatabaseError:
            logger.warning("search store: %s is unreadable, rebuilding it", path)
        if not create:
            raise StoreError(f"search store {path} is from another version: build it again")
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    elif not create:
        raise StoreError(f"no search index in {index_dir}: build it first")
    path.parent.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(path)
    # Rows hold a few KB of token ids and source: with the default 4 KB pages most of them
    # spill into overflow pages. 32 KB pages: half the insert time of a first build, and
    # a third less file (measured on 100,000 rows of the bench's sizes, docs/search.md).
    con.execute(f"PRAGMA page_size = {PAGE_SIZE}")
    con = _tune(con)
    con.executescript(SCHEMA)
    con.executemany("INSERT INTO meta VALUES (?, ?)",
                    [("version", STORE_KEY), ("generation", "")])
    con.commit()
    return con


def _tune(con: sqlite3.Connection) -> sqlite3.Connection:
    """A rollback journal (the pages a bulk load adds are written once, where WAL writes
    them twice), and a crash still leaves the last committed state."""
    con.execute("PRAGMA journal_mode = TRUNCATE")
    con.execute("PRAGMA synchronous = NORMAL")
    return con


def generation(con: sqlite3.Connection) -> str:
    """Return the hash of the set of (id, content hash) the store holds."""
    row = con.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()
    return str(row[0]) if row else ""


def read_vocabulary(con: sqlite3.Connection) -> list[str]:
    """Return the terms, by id."""
    return [term for (term,) in con.execute("SELECT term FROM vocab ORDER BY id")]


class Vocabulary(dict[str, int]):
    """Raw token → term id; a new term gets the next id (ids never change in a store)."""

    def __init__(self, terms: list[str]) -> None:
        super().__init__()
        self.terms = terms
        self.ids = {term: i for i, term in enumerate(terms)}
        self.saved = len(terms)
        self.chunks: dict[str, bytes] = {}  # chunk → its term ids, int32 bytes

    def __missing__(self, raw: str) -> int:
        number = self[raw] = self.number(term_of(raw))
        return number

    def number(self, term: str) -> int:
        """The id of a term, the next free one when it is new."""
        number = self.ids.get(term)
        if number is None:
            number = len(self.terms)
            self.terms.append(term)
            self.ids[term] = number
        return number

    def bytes_of(self, text: str) -> bytes:
        """Return the term ids of a text as int32 bytes, native order.

        Folding works character by character and never turns a character into a
        letter across whitespace, so the tokens of a text are those of its
        whitespace-separated chunks; a chunk ("bombardements,") is analysed once, and
        kept as the bytes of its int32 ids: a text's ids are its chunks' bytes joined,
        with no Python-level loop over ids (a third of the store's analysis time).
        """
        chunks = self.chunks
        parts = text.split()
        found = list(map(chunks.get, parts))
        if None in found:
            at = found.index(None)
            while True:
                chunk = parts[at]
                packed = chunks.get(chunk)
                if packed is None:
                    packed = chunks[chunk] = array(
                        "i", map(self.__getitem__, raw_tokens(chunk))).tobytes()
                found[at] = packed
                try:
                    at = found.index(None, at + 1)
                except ValueError:
                    break
        return b"".join(found)  # type: ignore[arg-type]

    def save(self, con: sqlite3.Connection) -> None:
        """Insert the terms added since loading."""
        con.executemany("INSERT INTO vocab VALUES (?, ?)",
                        enumerate(self.terms[self.saved :], self.saved))
        self.saved = len(self.terms)


def canonical(doc: Mapping[str, Any]) -> str:
    """Return the document as canonical JSON (what its hash is computed on)."""
    return json.dumps(doc, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def serialise(doc: Mapping[str, Any]) -> bytes:
    """Return the bytes a document is hashed and stored as (marshal, version 0).

    marshal is several times faster than canonical JSON, and an unchanged build
    hashes every dispatch. Version 0 writes no object references and no interning
    flags, so the bytes depend on the content and the key order only (the site's
    generator keeps the order; a reordered dict costs its analysis again). The
    interpreter version is in STORE_KEY, since marshal's format may change with it.
    A value marshal does not know (not in the pipeline's contract) falls back to
    canonical JSON, marked by a leading NUL byte.
    """
    try:
        return marshal.dumps(doc if isinstance(doc, dict) else dict(doc), 0)
    except ValueError:
        return b"\0" + canonical(doc).encode("utf-8")


def deserialise(data: bytes) -> dict[str, Any]:
    """Return a document stored by serialise."""
    if data[:1] == b"\0":
        return dict(json.loads(data[1:].decode("utf-8")))
    return dict(marshal.loads(data))


def doc_hash(doc: Mapping[str, Any]) -> str:
    """Return a hash of everything in a document that the index depends on."""
    return hashlib.sha1(serialise(doc)).hexdigest()


def check_doc(doc: Mapping[str, Any]) -> None:
    """Raise IndexError_ when a document breaks the pipeline contract."""
    for key in REQUIRED_KEYS:
        if not isinstance(doc.get(key), str):
            raise IndexError_(f"dispatch {doc.get('id')!r}: {key!r} must be a string")
    date = doc.get("date")
    if date is not None and (not isinstance(date, str) or len(date) != 10):
        raise IndexError_(f"dispatch {doc['id']!r}: date must be YYYY-MM-DD or None")


def entity_forms(entity: Mapping[str, Any]) -> list[str]:
    """Return every written form of an entity, its name first when the aliases lack it."""
    forms = list(entity.get("aliases") or [])
    name = entity.get("name")
    if name and name not in forms:
        forms.insert(0, name)
    return forms


def entity_aliases(doc: Mapping[str, Any]) -> list[str]:
    """Return every written form of every entity a document carries (document expansion)."""
    out: list[str] = []
    for key in ("actors", "locations"):
        for entity in doc.get(key) or []:
            out.extend(entity_forms(entity))
    return out


def _json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


class _Analyser:
    """Turn a dispatch into a store row; written forms of entities are analysed once."""

    def __init__(self, vocab: Vocabulary) -> None:
        self.vocab = vocab
        self.forms: dict[str, bytes] = {}

    def form(self, text: str) -> bytes:
        """The ids of an entity's written form and the separator, as int32 bytes."""
        ids = self.forms.get(text)
        if ids is None:
            ids = self.forms[text] = self.vocab.bytes_of(text) + _SEP_BYTES
        return ids

    def row(self, doc: Mapping[str, Any], digest: str) -> tuple[Any, ...]:
        vocab = self.vocab
        forms = [self.form(text) for text in entity_aliases(doc)]
        alias_len = sum(len(f) for f in forms) // 4 - len(forms)
        title_ids = vocab.bytes_of(doc["title"])
        body_ids = vocab.bytes_of(doc["body"])
        title, body = len(title_ids) // 4, len(body_ids) // 4
        toks = b"".join((*forms, title_ids, _SEP_BYTES, body_ids, _SEP_BYTES))
        actors = doc.get("actors") or []
        places = doc.get("locations") or []
        card = [doc["id"], doc["url"], doc["title"], doc.get("date") or "",
                [e["name"] for e in places], [e["name"] for e in actors], doc.get("lead") or ""]
        return (
            doc["id"], digest, doc.get("date") or "", _json(card),
            _json([[e["slug"], e["name"]] for e in actors]),
            _json([[e["slug"], e["name"]] for e in places]),
            toks, title, body, alias_len,
        )


def update_store(docs: Iterable[Mapping[str, Any]], index_dir: Path,
                 workers: int = 1) -> dict[str, int]:
    """Bring the store up to date: analyse new and changed documents, drop vanished ones.

    A bad document is logged and skipped, the rest is stored. Return counts of
    added (new or changed), deleted (vanished or replaced), kept and total documents.
    With workers > 1 and at least PARALLEL_AT documents to analyse, the analysis runs in
    that many forked processes (_Workers); the store is the same byte for byte.
    """
    con = connect(index_dir, create=True)
    try:
        old = dict(con.execute("SELECT id, hash FROM docs"))
        analyser = _Analyser(Vocabulary(read_vocabulary(con)))
        seen: dict[str, str] = {}
        rows: list[tuple[Any, ...]] = []
        sources: list[tuple[str, bytes]] = []
        pending: list[tuple[Mapping[str, Any], str]] = []
        pool: _Workers | None = None
        added = replaced = 0
        for doc in docs:
            try:
                check_doc(doc)
            except IndexError_ as error:
                logger.warning("search index: skipped a dispatch: %s", error)
                continue
            key = doc["id"]
            if key in seen:
                logger.warning("search index: duplicate dispatch id %s, keeping the first", key)
                continue
            payload = serialise(doc)
            digest = hashlib.sha1(payload).hexdigest()
            seen[key] = digest
            if old.get(key) == digest:
                continue
            replaced += key in old
            added += 1
            sources.append((key, payload))
            if workers <= 1:
                rows.append(analyser.row(doc, digest))
            else:
                pending.append((doc, digest))
                if pool is None and len(pending) >= PARALLEL_AT:
                    pool = _Workers(analyser, workers)
                if pool is not None and len(pending) >= CHUNK:
                    for done in pool.submit(pending):
                        rows.extend(done)
                    pending = []
            if len(rows) >= BATCH:
                _insert(con, rows, sources)
        if pool is not None:
            for done in pool.finish(pending):
                rows.extend(done)
        else:
            rows.extend(analyser.row(doc, digest) for doc, digest in pending)
        _insert(con, rows, sources)
        gone = [key for key in old if key not in seen]
        con.executemany("DELETE FROM docs WHERE id = ?", ((key,) for key in gone))
        con.executemany("DELETE FROM sources WHERE id = ?", ((key,) for key in gone))
        if added or gone or generation(con) == "":
            analyser.vocab.save(con)
            state = hashlib.sha1()
            for key in sorted(seen):
                state.update(f"{key}\0{seen[key]}\n".encode())
            con.execute("UPDATE meta SET value = ? WHERE key = 'generation'",
                        (state.hexdigest(),))
        con.commit()
    finally:
        if pool is not None:
            pool.stop()
        con.close()
    counts = {"added": added, "deleted": len(gone) + replaced,
              "kept": len(seen) - added, "total": len(seen)}
    logger.info("search store: %s", counts)
    return counts


_FORKED: _Analyser | None = None  # the analyser a worker inherits from the fork


def _analyse(batch: list[tuple[Mapping[str, Any], str]]) -> tuple[int, list[str], list[Any]]:
    """In a worker: the rows of a batch, in the worker's own term ids, and the terms the
    worker met for the first time in it (their ids follow its earlier ones)."""
    analyser = _FORKED
    assert analyser is not None
    before = len(analyser.vocab.terms)
    rows = [analyser.row(doc, digest) for doc, digest in batch]
    return os.getpid(), analyser.vocab.terms[before:], rows


class _Workers:
    """Analysis in forked processes, merged into the parent's vocabulary in document order.

    Each worker starts from the vocabulary of the fork and numbers the terms it meets
    after its own; the parent takes the batches in order and gives a worker's new term the
    parent's id of that term, or the next free id, in order of first occurrence in the
    batch: the order a single process would have met them in, so the term ids, and the
    store, do not depend on the number of workers.
    """

    def __init__(self, analyser: _Analyser, workers: int) -> None:
        global _FORKED
        self.vocab = analyser.vocab
        self.base = len(self.vocab.terms)
        self.names: dict[int, list[str]] = {}
        # a worker's local term number - base -> the parent's id (-1: not yet given)
        self.ids: dict[int, Any] = {}
        _FORKED = analyser
        gc.freeze()  # the workers' collector never walks (copies) this heap's pages
        try:
            self.pool = multiprocessing.get_context("fork").Pool(workers)
        finally:
            gc.unfreeze()
            _FORKED = None
        self.flight: deque[Any] = deque()

    def submit(self, batch: list[tuple[Mapping[str, Any], str]], ahead: int = AHEAD
               ) -> Iterator[list[Any]]:
        """Queue a batch; yield the rows of the batches that must be taken to keep at most
        `ahead` in flight."""
        if batch:
            self.flight.append(self.pool.apply_async(_analyse, (batch,)))
        while len(self.flight) > ahead:
            yield self._merge(*self.flight.popleft().get())

    def finish(self, batch: list[tuple[Mapping[str, Any], str]]) -> Iterator[list[Any]]:
        """Queue the last batch, yield every remaining batch's rows, stop the workers."""
        try:
            yield from self.submit(batch, ahead=0)
        finally:
            self.stop()

    def stop(self) -> None:
        """Stop the workers (also when the update fails half-way)."""
        self.pool.terminate()
        self.pool.join()

    def _merge(self, pid: int, terms: list[str], rows: list[Any]) -> list[Any]:
        names = self.names.setdefault(pid, [])
        names.extend(terms)
        if not names:
            return rows
        # The table is kept as an array: rebuilt from a list on every batch, it took 2 s of
        # the parent's time at 100,000 dispatches.
        table = self.ids.get(pid, np.zeros(0, np.int64))
        if terms:
            table = np.concatenate([table, np.full(len(terms), -1, np.int64)])
        self.ids[pid] = table
        arrays = [np.frombuffer(row[6], dtype=np.int32) for row in rows]
        toks = np.concatenate(arrays) if arrays else np.zeros(0, np.int32)
        local = toks >= self.base
        at = toks[local] - self.base
        fresh = table[at] < 0
        if fresh.any():
            new, first = np.unique(at[fresh], return_index=True)
            number = self.vocab.number
            for k in new[np.argsort(first, kind="stable")].tolist():
                table[k] = number(names[k])
        toks = toks.copy()
        toks[local] = table[at]
        out, start = [], 0
        for row, part in zip(rows, arrays, strict=True):
            end = start + len(part)
            out.append((*row[:6], toks[start:end].tobytes(), *row[7:]))
            start = end
        return out


def _insert(con: sqlite3.Connection, rows: list[tuple[Any, ...]],
            sources: list[tuple[str, bytes]]) -> None:
    con.executemany("INSERT OR REPLACE INTO docs VALUES (?,?,?,?,?,?,?,?,?,?)", rows)
    con.executemany("INSERT OR REPLACE INTO sources VALUES (?,?)", sources)
    rows.clear()
    sources.clear()


def hashes(con: sqlite3.Connection) -> dict[str, str]:
    """Return id → content hash of every stored document."""
    return dict(con.execute("SELECT id, hash FROM docs"))


def documents(
    con: sqlite3.Connection, ids: Iterable[str] | None = None
) -> Iterator[dict[str, Any]]:
    """Yield the stored documents of some ids, or all in client order (for the Whoosh index)."""
    if ids is None:
        for (blob,) in con.execute("SELECT s.doc FROM docs AS d JOIN sources AS s "
                                   "USING (id) ORDER BY d.sort, d.id"):
            yield deserialise(blob)
        return
    cursor = con.cursor()
    for key in ids:
        row = cursor.execute("SELECT doc FROM sources WHERE id = ?", (key,)).fetchone()
        if row is not None:
            yield deserialise(row[0])
