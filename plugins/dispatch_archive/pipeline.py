"""Read, clean and tag every raw dispatch of a folder, with a per-dispatch cache."""

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
import threading
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from dispatch_cleaning.cleaner import clean
from dispatch_cleaning.errors import DispatchError
from dispatch_cleaning.reader import SUFFIXES, read_dispatch
from dispatch_cleaning.rules import RULES_VERSION
from entity_tags.tagger import Tagger, TagResult

logger = logging.getLogger(__name__)

Record = dict[str, Any]  # JSON-able: what the site is built from, one per dispatch


class RecordMention(NamedTuple):
    """A mention as a record holds it: read like the dict it is cached as (m["slug"]), kept
    as a tuple with its repeated strings shared. A 100,000-dispatch archive holds about
    2.6 million of them, in every process that renders it: as dicts of fresh strings they
    took about 450 bytes each, as tuples of shared strings about 110."""

    slug: str
    block: int
    start: int
    end: int
    text: str
    via: str

    def __getitem__(self, key: Any) -> Any:  # type: ignore[override]
        if isinstance(key, str):
            try:
                return getattr(self, key)
            except AttributeError:
                raise KeyError(key) from None
        return tuple.__getitem__(self, key)

    def get(self, key: str, default: Any = None) -> Any:
        """Like dict.get."""
        return getattr(self, key, default)


def record_mentions(rows: Iterable[Mapping[str, Any]]) -> list[RecordMention]:
    """Cached mention dicts as RecordMentions, their strings interned."""
    intern = sys.intern
    return [
        RecordMention(intern(m["slug"]), m["block"], m["start"], m["end"], intern(m["text"]), intern(m["via"]))
        for m in rows
    ]


@dataclass
class Failure:
    """A raw file that was not built, and why."""

    path: str
    reason: str


@dataclass
class Outcome:
    """Everything the reading stage produced."""

    records: list[Record] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    cache_hits: int = 0
    tagged: int = 0
    model_reused: int = 0  # sentences whose model findings the cache gave back (a new gazetteer)
    model_read: int = 0  # sentences the model read
    timings: dict[str, float] = field(default_factory=dict)
    # stage -> (start, end) on time.perf_counter(), the system's monotonic clock on Linux:
    # `invoke bench` matches them with the memory it samples from outside
    spans: dict[str, tuple[float, float]] = field(default_factory=dict)
    # record path -> its cache keys (the file's, then its tags'): what the record holds is a
    # function of them, so a page built from a record alone can be known unchanged by them
    keys: dict[str, str] = field(default_factory=dict)


def discover(folder: Path) -> list[Path]:
    """Raw dispatch files below folder, sorted by path; sidecars and READMEs are not dispatches."""
    if not folder.is_dir():
        return []
    found = [p for p in folder.rglob("*") if p.is_file() and is_dispatch(p.name)]
    return sorted(found, key=lambda p: p.relative_to(folder).as_posix())


def is_dispatch(name: str) -> bool:
    """True for a raw dispatch's file name (by its suffix), false for sidecars and READMEs."""
    return os.path.splitext(name)[1].lower() in SUFFIXES


class Cache:
    """Per-dispatch results in SQLite, keyed by what they depend on."""

    def __init__(self, path: Path | None) -> None:
        self._db: sqlite3.Connection | None = None
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            try:
                self._db = sqlite3.connect(path)
                self._db.execute("CREATE TABLE IF NOT EXISTS entry (key TEXT PRIMARY KEY, value TEXT)")
            except sqlite3.DatabaseError as exc:  # a damaged cache is rebuilt, never trusted
                logger.warning("Cache %s unusable (%s): starting a new one", path, exc)
                path.unlink(missing_ok=True)
                self._db = sqlite3.connect(path)
                self._db.execute("CREATE TABLE IF NOT EXISTS entry (key TEXT PRIMARY KEY, value TEXT)")

    def get(self, key: str) -> Any:
        """Return the stored value or None."""
        return self.get_many([key])[0]

    def get_many(self, keys: Sequence[str]) -> list[Any]:
        """Return the stored value of each key, or None, in order: a query per 500 keys.

        Values are marshal bytes; a cache written before (JSON text) is still read. A no-op
        rebuild of 10,000 dispatches reads 20,000 values: one query and one json.loads
        each took 2 s of it."""
        if self._db is None:
            return [None] * len(keys)
        found: dict[str, Any] = {}
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            marks = ",".join("?" * len(chunk))
            found.update(self._db.execute(
                f"SELECT key, value FROM entry WHERE key IN ({marks})", chunk))  # noqa: S608
        values: list[Any] = []
        for key in keys:
            raw = found.get(key)
            if raw is None:
                values.append(None)
            elif isinstance(raw, bytes):
                values.append(marshal.loads(raw))
            else:
                values.append(json.loads(raw))
        return values

    def put_many(self, items: Iterable[tuple[str, Any]]) -> None:
        """Store values, replacing older ones."""
        if self._db is None:
            return
        with self._db:
            self._db.executemany(
                "INSERT OR REPLACE INTO entry (key, value) VALUES (?, ?)",
                ((k, marshal.dumps(v)) for k, v in items),
            )

    def close(self) -> None:
        """Close the database."""
        if self._db is not None:
            self._db.close()
            self._db = None


def _file_key(path: Path) -> str:
    digest = hashlib.sha256(RULES_VERSION.encode())
    digest.update(path.read_bytes())
    sidecar = path.with_suffix(".json")
    if sidecar.is_file():
        digest.update(b"\0sidecar\0" + sidecar.read_bytes())
    return "clean:" + digest.hexdigest()


def read_and_clean(path: Path, root: Path) -> Record:
    """Read and clean one file into a record without tags; raise DispatchError."""
    raw = read_dispatch(path, root=root)
    cleaned = clean(raw)
    return {
        "path": raw.path,
        "sha256": raw.sha256,
        "encoding": raw.encoding,
        "format": raw.fmt,
        "warnings": list(raw.warnings),
        "title": cleaned.title,
        "date": raw.meta.date,
        "source": raw.meta.source,
        "url": raw.meta.url,
        "lang": raw.meta.lang,
        "paragraphs": list(cleaned.paragraphs),
        "removed": [{"rule": r.rule, "text": r.text} for r in cleaned.removed],
    }


def _tag_key(record: Record, tagger: Tagger) -> str:
    digest = hashlib.sha256(tagger.key.encode())
    for text in (record["title"], *record["paragraphs"]):
        digest.update(b"\0" + text.encode("utf-8"))
    return "tags:" + digest.hexdigest()


def _read_one(item: tuple[Path, Path]) -> tuple[str, Any]:
    """Read and clean one file; ("ok", record) or ("fail", reason). Runs in a worker."""
    path, root = item
    try:
        return "ok", read_and_clean(path, root)
    except DispatchError as exc:
        return "fail", exc.reason
    except Exception as exc:  # noqa: BLE001 - one bad file never stops the build
        logger.exception("Unexpected error reading %s", path)
        return "error", f"erreur inattendue : {exc!r}"


PARALLEL_READ_THRESHOLD = 400  # fewer files are read faster than a pool starts


def process(
    paths: Sequence[Path], root: Path, tagger: Tagger, cache: Cache | None = None, workers: int = 1
) -> Outcome:
    """Read, clean and tag the files; failures are collected, never raised."""
    cache = cache or Cache(None)
    outcome = Outcome()
    started = time.perf_counter()
    slots: list[Record | Failure | None] = []
    misses: list[tuple[int, str, Path]] = []
    keyed: list[tuple[int, str, Path, str]] = []
    for path in paths:
        shown = path.relative_to(root).as_posix()
        if path.name.startswith("."):  # editors' and systems' hidden files: said, never built
            slots.append(Failure(shown, "fichier caché (nom commençant par un point) : renommez-le pour le publier"))
            continue
        try:
            key = _file_key(path)
        except OSError as exc:
            slots.append(Failure(shown, f"illisible ({exc})"))
            continue
        keyed.append((len(slots), shown, path, key))
        slots.append(None)
    cached = cache.get_many([key for _, _, _, key in keyed])
    for (slot, shown, path, key), record in zip(keyed, cached, strict=True):
        if record is None:
            misses.append((slot, key, path))
            continue
        outcome.cache_hits += 1
        if "failure" in record:
            slots[slot] = Failure(shown, record["failure"])
        else:
            record["path"] = shown
            outcome.keys[shown] = key
            slots[slot] = record
    items = [(path, root) for _, _, path in misses]
    if workers > 1 and len(items) >= PARALLEL_READ_THRESHOLD:
        gc.freeze()  # the workers' collector never walks (copies) this heap's pages
        try:
            pool = multiprocessing.get_context("fork").Pool(workers)
        finally:
            gc.unfreeze()
        with pool:
            # started after the fork, so that no thread runs while a worker is forked
            loading = _preload(tagger) if cache.get(TAGGER_KEY) != tagger.key else None
            results = pool.map(_read_one, items, chunksize=64)
        if loading is not None:
            loading.join()
    else:
        results = [_read_one(item) for item in items]
    fresh: list[tuple[str, Any]] = []
    for (slot, key, path), (status, value) in zip(misses, results, strict=True):
        if status == "ok":
            slots[slot] = value
            outcome.keys[path.relative_to(root).as_posix()] = key
            fresh.append((key, value))
        else:
            slots[slot] = Failure(path.relative_to(root).as_posix(), value)
            if status == "fail":  # unexpected errors are not cached: they may be ours to fix
                fresh.append((key, {"failure": value}))
    cache.put_many(fresh)
    for item in slots:
        if isinstance(item, Failure):
            outcome.failures.append(item)
        elif item is not None:
            outcome.records.append(item)
    now = time.perf_counter()
    outcome.timings["read_clean"] = now - started
    outcome.spans["read_clean"] = (started, now)
    started = now
    _tag(outcome, tagger, cache)
    now = time.perf_counter()
    outcome.timings["tag"] = now - started
    outcome.spans["tag"] = (started, now)
    return outcome


def _preload(tagger: Tagger) -> threading.Thread | None:
    """Load the tagger's model in a thread while many dispatches are read by worker
    processes, when this archive has never been tagged by this tagger (a cold build, a new
    gazetteer or model): it will be needed, and its load (7–8 s on a machine that has not
    loaded it before: the tokenizer's patterns compiled, the word tables read; 2.5 s after)
    otherwise ran alone on one core after the reading. None for a tagger without a model."""
    preload = getattr(tagger, "preload", None)
    if preload is None:
        return None
    thread = threading.Thread(target=preload, name="model-preload", daemon=True)
    thread.start()
    return thread


# Dispatches tagged at once: the model's output for a batch (every mention as an object, then
# as the dict it is cached as) is held until the batch is stored. At 100,000 dispatches one
# batch of everything took the build process past 5 GB; batches of this size keep it to what
# the records need, and a cold build that dies keeps the batches it finished.
TAG_BATCH = 4000


TAGGER_KEY = "meta:tagger-key"  # the key of the tagger that tagged the last build
# Tagging anew this share of the dispatches read, and at least RETAG_MIN of them, after the
# tagger's key changed, is said in the log with the reason; fewer is the ordinary work of new
# and changed dispatches (a resident rebuild reads the changed files only).
RETAG_NOTICE = 0.5
RETAG_MIN = 20


def _tag(outcome: Outcome, tagger: Tagger, cache: Cache) -> None:
    pending: list[tuple[str, Record]] = []
    keys = [_tag_key(record, tagger) for record in outcome.records]
    for record, key, tags in zip(outcome.records, keys, cache.get_many(keys), strict=True):
        outcome.keys[record["path"]] = f"{outcome.keys.get(record['path'], '')}|{key}"
        if tags is None:
            pending.append((key, record))
        else:
            record["mentions"] = record_mentions(tags["mentions"])
            record["discovered"] = tags["discovered"]
    previous = cache.get(TAGGER_KEY) if pending else None
    tagger.use_store(cache)  # the model's findings are kept by text: a new gazetteer reuses them
    try:
        for start in range(0, len(pending), TAG_BATCH):
            _tag_batch(pending[start : start + TAG_BATCH], tagger, cache)
        outcome.model_reused, outcome.model_read = tagger.model_reads
    finally:
        tagger.use_store(None)
    outcome.tagged = len(pending)
    if previous is not None and previous != tagger.key and \
            len(pending) >= max(RETAG_MIN, RETAG_NOTICE * len(outcome.records)):
        logger.warning(retag_message(previous, tagger.key, outcome))
    if pending and previous != tagger.key:
        cache.put_many([(TAGGER_KEY, tagger.key)])


def retag_message(previous: str, current: str, outcome: Outcome) -> str:
    """Why most dispatches were tagged again, and what it cost the model."""
    old, new = previous.split(":"), current.split(":")
    if old[1:2] != new[1:2]:
        what = f"the gazetteer changed (version {old[1] if len(old) > 1 else '?'} → {new[1]})"
    elif old[:1] != new[:1]:
        what = f"the tagger changed ({old[0]} → {new[0]})"
    else:
        what = f"spaCy or its model changed ({':'.join(old[2:])} → {':'.join(new[2:])})"
    return (
        f"Tagging: {what} since the last build, so {outcome.tagged} of "
        f"{len(outcome.records)} dispatches were tagged again; the model's findings were "
        f"taken back from the cache for {outcome.model_reused} sentences, and the model "
        f"read {outcome.model_read}"
    )


def _tag_batch(pending: Sequence[tuple[str, Record]], tagger: Tagger, cache: Cache) -> None:
    try:
        results = tagger.tag_many([(r["title"], r["paragraphs"]) for _, r in pending])
    except Exception:  # noqa: BLE001 - one dispatch the tagger chokes on never stops the build
        logger.exception("Tagging a batch failed: tagging its dispatches one by one")
        results = []
        for _, r in pending:
            try:
                results.append(tagger.tag(r["title"], r["paragraphs"]))
            except Exception as exc:  # noqa: BLE001
                logger.warning("Dispatch %s left untagged: %r", r["path"], exc)
                r.setdefault("warnings", []).append(f"entités non repérées : {exc!r}")
                results.append(TagResult(()))
    fresh = []
    for (key, record), result in zip(pending, results, strict=True):
        tags = {
            # vars(), not asdict(): the fields are plain values, and asdict's deep copy took
            # 5.6 s of a cold build of 10,000 dispatches, in the build process alone
            "mentions": [dict(vars(m)) for m in result.mentions],
            "discovered": [dict(vars(d)) for d in result.discovered],
        }
        record["mentions"] = record_mentions(tags["mentions"])
        record["discovered"] = tags["discovered"]
        fresh.append((key, tags))
    cache.put_many(fresh)


def iter_records(folder: Path, tagger: Tagger) -> Iterator[Record | Failure]:
    """Records and failures of a folder or a single file, in path order (for `inspect`)."""
    if folder.is_file():
        paths, root = [folder], folder.parent
    else:
        paths, root = discover(folder), folder
    outcome = process(paths, root, tagger)
    by_path: dict[str, Record | Failure] = {r["path"]: r for r in outcome.records}
    by_path.update({f.path: f for f in outcome.failures})
    for path in sorted(by_path):
        yield by_path[path]
