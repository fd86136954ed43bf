"""The index of the cleaned dispatches: the document store, and the Whoosh index built from it.

build_index() updates the document store (store.py), which the client export
reads. ensure_whoosh() brings the Whoosh index of `invoke search` (BM25F ranking,
snippets) up to date with the store, by id and content hash like the store; the
site build calls it after the export (SEARCH_WHOOSH), and search() calls it too,
so a search right after a build finds nothing to do. A full Whoosh build is
written from the store's analysis (_write_from_store), not through add_document.
"""

from __future__ import annotations

import json
import logging
import shutil
import time
from array import array
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import numpy as np
from whoosh import fields, formats, index
from whoosh.codec.whoosh3 import W3Codec
from whoosh.util.numeric import byte_to_length, length_to_byte

from .analysis import analyze, french_analyzer
from .settings import SearchSettings
from .store import (
    IndexError_,
    check_doc,
    connect,
    deserialise,
    doc_hash,
    documents,
    entity_aliases,
    entity_forms,
    hashes,
    read_vocabulary,
    update_store,
)

logger = logging.getLogger(__name__)

# Bump when the schema or the analysis changes: the next search rebuilds the Whoosh index.
SCHEMA_VERSION = 3
WHOOSH_DIR = "whoosh"  # inside the index folder, beside the store
STATE_FILE = "archive_search.json"
TEXT_FIELDS = ("title", "body", "aliases")
__all__ = ["IndexError_", "build_index", "check_doc", "doc_hash", "ensure_whoosh",
           "entity_aliases", "whoosh_dir"]


class FastFrequency(formats.Frequency):  # type: ignore[misc]
    """Whoosh's Frequency format fed by analysis.analyze directly.

    Whoosh's generic path builds a Token object per word through a chain of
    generators; one call to the analysis per field gives the same terms several
    times faster. Positions are not stored: phrases are checked on the stored
    text (query.py), which is what the browser's word-pair index does too, and
    it keeps the build about a fifth faster.
    """

    def word_values(
        self, value: str | list[str], analyzer: object, **kwargs: object
    ) -> Iterator[tuple[str, int, float, bytes]]:
        counts: Counter[str] = Counter()
        for part in [value] if isinstance(value, str) else value:
            counts.update(analyze(part))
        boost = self.field_boost
        for term, freq in counts.items():
            yield (term, freq, freq * boost, b"")


class FrenchText(fields.TEXT):  # type: ignore[misc]
    """A scorable text field analysed by the French analysis."""

    def __init__(self, stored: bool = False, field_boost: float = 1.0) -> None:
        super().__init__(
            analyzer=french_analyzer(), phrase=False, stored=stored, field_boost=field_boost
        )
        self.format = FastFrequency(field_boost=field_boost)


def make_schema(settings: SearchSettings) -> fields.Schema:
    """Return the index schema."""
    return fields.Schema(
        id=fields.ID(stored=True, unique=True),
        title=FrenchText(stored=True, field_boost=settings.title_boost),
        body=FrenchText(stored=True),
        aliases=FrenchText(field_boost=settings.alias_boost),
        actor=fields.KEYWORD(),
        place=fields.KEYWORD(),
        date=fields.ID(stored=True),
        year=fields.ID(),
        # Everything else the CLI and the export need, as one JSON string.
        meta=fields.STORED(),
    )


def index_fields(doc: Mapping[str, Any], digest: str) -> dict[str, Any]:
    """Return the Whoosh fields of a document."""
    meta = {
        "hash": digest,
        "url": doc["url"],
        "source": doc.get("source"),
        "lead": doc.get("lead") or "",
        "actors": [_entity(e) for e in doc.get("actors") or []],
        "locations": [_entity(e) for e in doc.get("locations") or []],
    }
    out: dict[str, Any] = {
        "id": doc["id"],
        "title": doc["title"],
        "body": doc["body"],
        "meta": json.dumps(meta, ensure_ascii=False, separators=(",", ":")),
    }
    aliases = entity_aliases(doc)
    if aliases:
        out["aliases"] = aliases
    actors = " ".join(e["slug"] for e in doc.get("actors") or [])
    places = " ".join(e["slug"] for e in doc.get("locations") or [])
    if actors:
        out["actor"] = actors
    if places:
        out["place"] = places
    if doc.get("date"):
        out["date"] = doc["date"]
        out["year"] = doc["date"][:4]
    return out


def _entity(entity: Mapping[str, Any]) -> dict[str, Any]:
    """Keep what search() needs of an entity: its forms are those of the aliases field."""
    return {"slug": entity["slug"], "name": entity["name"], "aliases": entity_forms(entity)}


def whoosh_dir(index_dir: Path) -> Path:
    """Return the folder of the Whoosh index of an index folder."""
    return Path(index_dir) / WHOOSH_DIR


def _read_state(folder: Path, settings: SearchSettings) -> dict[str, str] | None:
    """Return id → hash of the indexed documents, or None when a full build is needed."""
    path = folder / STATE_FILE
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(state, dict) or state.get("schema") != _schema_key(settings):
        return None
    try:
        if not index.exists_in(str(folder)):
            return None
    except Exception:  # noqa: BLE001 - any unreadable index is rebuilt, whatever broke it
        logger.warning("search index: %s is unreadable, rebuilding it", folder)
        return None
    hashes_ = state.get("hashes")
    return dict(hashes_) if isinstance(hashes_, dict) else None


def _schema_key(settings: SearchSettings) -> list[Any]:
    """What the Whoosh index depends on besides the documents (the boosts are in the schema)."""
    return [SCHEMA_VERSION, settings.title_boost, settings.alias_boost]


def build_index(
    docs: Iterable[Mapping[str, Any]],
    index_dir: Path,
    settings: SearchSettings | None = None,
) -> dict[str, int]:
    """Bring the index of index_dir up to date; return counts of added, deleted, kept documents.

    Documents are keyed by id and a hash of their content: an unchanged
    document is left alone, a changed one is replaced, a vanished one deleted.
    A bad document is logged and skipped, the rest is indexed. The Whoosh index
    follows in ensure_whoosh (the site build calls it after the export).
    """
    settings = settings or SearchSettings()
    return update_store(docs, Path(index_dir), workers=settings.store_workers)


def _write_from_store(writer: Any, con: Any, wanted: Mapping[str, str]) -> None:
    """Write every stored document into a fresh Whoosh segment, fast.

    What Writer.add_document does, without its per-posting Python: the stored
    fields and lengths go through the per-document writer, as add_document would
    write them; the postings of the text fields are not analysed again but counted
    with numpy from the store's term ids (the same analysis), and written a block of
    postings at a time through the codec's postings writer (a full build at 10,000
    dispatches spent half its time in the pool and in per-posting length look-ups).
    The few postings of id, actor, place, date and year come from Whoosh's own
    field.index(). Documents are numbered in client order, as documents(con) yields them.
    """
    schema = writer.schema
    perdoc = writer.perdocwriter
    small: dict[str, _Postings] = {}
    # The postings of a date or a year, by (field, value): a few thousand values repeat
    # across the dispatches (actor and place lists repeat too little to be worth keeping).
    analysed: dict[tuple[str, str], list[tuple[bytes, int, float, bytes]]] = {}
    n, total = con.execute("SELECT count(*), coalesce(sum(length(toks)), 0) FROM docs"
                           ).fetchone()
    tok = np.empty(total // 4, dtype=np.int32)
    raw = tok.view(np.uint8)
    starts = np.zeros(n + 1, dtype=np.int64)
    title_at: list[int] = []
    lengths: list[tuple[int, int, int]] = []  # title, body, aliases
    rows = con.execute("SELECT d.toks, d.title_len, d.body_len, d.alias_len, s.doc "
                       "FROM docs AS d JOIN sources AS s USING (id) ORDER BY d.sort, d.id")
    for toks, title_len, body_len, alias_len, blob in rows:
        doc = deserialise(blob)
        fields_ = index_fields(doc, wanted[doc["id"]])
        docnum = writer.docnum
        perdoc.start_doc(docnum)
        for name in sorted(fields_):
            value = fields_[name]
            field = schema[name]
            length = 0
            if name == "title":
                length = title_len
            elif name == "body":
                length = body_len
            elif name == "aliases":
                length = alias_len
            elif field.indexed:
                bucket = small.get(name) or small.setdefault(name, _Postings())
                if name in ("date", "year"):
                    postings = analysed.get((name, value))
                    if postings is None:
                        postings = analysed[name, value] = list(field.index(value))
                else:
                    postings = list(field.index(value))
                for tbytes, freq, weight, vbytes in postings:
                    bucket.add(tbytes, docnum, weight, vbytes)
                    if field.scorable:
                        length += freq
            perdoc.add_field(name, field, value if field.stored else None, length)
            column = field.column_type
            if column and value is not None:
                perdoc.add_column_value(name, column, field.to_column_value(value))
        perdoc.finish_doc()
        writer.docnum += 1
        at = int(starts[docnum])
        raw[4 * at : 4 * at + len(toks)] = np.frombuffer(toks, dtype=np.uint8)
        starts[docnum + 1] = at + len(toks) // 4
        title_at.append(len(toks) // 4 - title_len - body_len - 2)
        lengths.append((title_len, body_len, alias_len))
    writer._added = writer.docnum > 0  # noqa: SLF001 - what add_document sets
    terms = read_vocabulary(con)
    fw = writer.fieldwriter
    del raw
    text = _TextPostings(tok, starts, title_at, lengths, terms)
    for name in sorted({*small, *TEXT_FIELDS}):
        field = schema[name]
        if name in TEXT_FIELDS and not text.has(TEXT_FIELDS.index(name)):
            continue
        fw.start_field(name, field)
        if name in TEXT_FIELDS:
            for part in text.parts(TEXT_FIELDS.index(name)):
                _write_text_field(fw, field, *part)
        else:
            small[name].write(fw)
        fw.finish_field()


CODES_AT_ONCE = 1 << 20  # postings counted at once (int64 codes and their sort: ~25 MB)
TOKENS_AT_ONCE = 1 << 20  # tokens placed in their field at once (int64 temporaries: 8 MB)


class _Postings:
    """The postings of a small field (id, actor, place, date, year) as compact arrays:
    term and value bytes interned, 20 bytes a posting rather than a tuple's 150."""

    def __init__(self) -> None:
        self.words: dict[bytes, int] = {}
        self.values: dict[bytes, int] = {}
        self.term = array("i")
        self.doc = array("i")
        self.weight = array("d")
        self.value = array("i")

    def add(self, word: bytes, doc: int, weight: float, value: bytes) -> None:
        self.term.append(self.words.setdefault(word, len(self.words)))
        self.doc.append(doc)
        self.weight.append(weight)
        self.value.append(self.values.setdefault(value, len(self.values)))

    def write(self, fw: Any) -> None:
        """Write them term after term (ascending bytes), document after document."""
        words = list(self.words)
        rank = np.empty(len(words), dtype=np.int64)
        rank[sorted(range(len(words)), key=words.__getitem__)] = np.arange(len(words))
        term = np.frombuffer(self.term, dtype=np.int32) if self.term else np.zeros(0, np.int32)
        doc = np.frombuffer(self.doc, dtype=np.int32) if self.doc else np.zeros(0, np.int32)
        order = np.lexsort((doc, rank[term])).tolist()
        values = list(self.values)
        last = -1
        for i in order:
            t = self.term[i]
            if t != last:
                if last >= 0:
                    fw.finish_term()
                fw.start_term(words[t])
                last = t
            fw.add(self.doc[i], self.weight[i], values[self.value[i]], 0)
        if last >= 0:
            fw.finish_term()


class _TextPostings:
    """The postings of the text fields, counted from the stored term ids a range of terms
    at a time. Memory: 5 bytes a token (its term's rank, in place of its id; its field),
    plus one range's codes and 1 M tokens' temporaries; a token's document is found from
    the documents' starts only for the tokens of the range being written."""

    def __init__(self, tok: np.ndarray, start: np.ndarray, title_at: list[int],
                 lengths: list[tuple[int, int, int]], terms: list[str]) -> None:
        self.n = len(start) - 1
        self.length = np.asarray(lengths, dtype=np.int64).reshape(-1, 3)
        self.encoded = [t.encode("utf-8") for t in terms]
        self.order = sorted(range(len(terms)), key=self.encoded.__getitem__)
        rank = np.empty(len(terms) + 1, dtype=np.int32)
        rank[np.asarray(self.order, dtype=np.int64)] = np.arange(len(terms), dtype=np.int32)
        rank[-1] = -1
        self.start = start
        first_at = np.asarray(title_at, dtype=np.int64)
        # Fields in title, body, aliases order (TEXT_FIELDS): a dispatch is its forms
        # [0, title) (aliases), then its title, then its body, each ending with -1.
        self.field = np.empty(len(tok), dtype=np.int8)
        self.ranked = tok  # ranks replace ids in place (the separator -1 stays -1)
        for a in range(0, len(tok), TOKENS_AT_ONCE):
            b = min(a + TOKENS_AT_ONCE, len(tok))
            at = np.arange(a, b, dtype=np.int64)
            d = np.searchsorted(start, at, side="right") - 1
            pos = at - start[d]
            title = first_at[d]
            self.field[a:b] = np.where(pos < title, 2, pos > title + self.length[d, 0])
            tok[a:b] = rank[tok[a:b]]
        self.size = len(terms)

    def _chunks(self, slot: int, lo: int, hi: int, docs: bool = True
                ) -> Iterator[tuple[np.ndarray, np.ndarray | None]]:
        """Yield the ranks (and the documents, when asked) of the field's tokens ranked
        lo..hi-1, by slices."""
        for a in range(0, len(self.ranked), TOKENS_AT_ONCE):
            b = min(a + TOKENS_AT_ONCE, len(self.ranked))
            ranked = self.ranked[a:b]
            sel = (self.field[a:b] == slot) & (ranked >= lo) & (ranked < hi)
            if not docs:
                yield ranked[sel], None
                continue
            at = np.flatnonzero(sel)
            at += a
            yield ranked[sel], (np.searchsorted(self.start, at, side="right") - 1).astype(np.int64)

    def has(self, slot: int) -> bool:
        """Tell whether the field has any posting."""
        return any(len(r) for r, _ in self._chunks(slot, 0, self.size, docs=False))

    def parts(self, slot: int) -> Iterator[tuple[list[bytes], np.ndarray, np.ndarray,
                                                 np.ndarray, np.ndarray]]:
        """Yield, a range of terms at a time, the field's terms (UTF-8, ascending), each
        term's slice of the postings (offsets), the postings' documents, frequencies and
        the quantised field length of their documents (what add_postings looks up)."""
        n = max(self.n, 1)
        counts = np.zeros(self.size, dtype=np.int64)
        for r, _ in self._chunks(slot, 0, self.size, docs=False):
            counts += np.bincount(r, minlength=self.size)
        cum = np.cumsum(counts)
        doc_len = self.length[:, slot]
        table = np.zeros(int(doc_len.max()) + 1 if self.n else 1, dtype=np.int64)
        for value in np.unique(doc_len).tolist():
            table[value] = byte_to_length(length_to_byte(value))
        lo = 0
        while lo < self.size:
            hi = max(int(np.searchsorted(cum, (cum[lo - 1] if lo else 0) + CODES_AT_ONCE,
                                         side="right")), lo + 1)
            codes = [r.astype(np.int64) * n + d for r, d in self._chunks(slot, lo, hi)
                     if d is not None]
            lo = hi
            code, freq = np.unique(np.concatenate(codes), return_counts=True)
            if not len(code):
                continue
            term, docs = np.divmod(code, n)
            heads = np.flatnonzero(np.concatenate(([True], term[1:] != term[:-1])))
            offsets = np.concatenate((heads, [len(term)])).astype(np.int64)
            words = [self.encoded[self.order[t]] for t in term[heads].tolist()]
            yield words, offsets, docs, freq, table[doc_len[docs]]


def _write_text_field(fw: Any, field: Any, words: list[bytes], offsets: np.ndarray,
                      docs: np.ndarray, freq: np.ndarray, doc_len: np.ndarray) -> None:
    """Write a text field's postings a block at a time (W3PostingsWriter's own buffers)."""
    boost = float(field.format.field_boost)
    weights = (freq * boost).astype(np.float32)
    ids = docs.astype(np.uint32)
    bounds = offsets.tolist()
    for i, word in enumerate(words):
        fw.start_term(word)
        pw = fw._postwriter  # noqa: SLF001
        limit = pw._blocklimit  # noqa: SLF001
        a, b = bounds[i], bounds[i + 1]
        for lo in range(a, b, limit):
            if lo > a:
                pw._write_block()  # noqa: SLF001
            hi = min(lo + limit, b)
            pw._ids = array("I", ids[lo:hi].tobytes())  # noqa: SLF001
            pw._weights = array("f", weights[lo:hi].tobytes())  # noqa: SLF001
            lens = doc_len[lo:hi]
            pw._minlength = int(lens.min())  # noqa: SLF001
            pw._maxlength = int(lens.max())  # noqa: SLF001
            pw._maxweight = float(weights[lo:hi].max())  # noqa: SLF001
        fw.finish_term()


def ensure_whoosh(index_dir: Path, settings: SearchSettings | None = None) -> Path:
    """Bring the Whoosh index up to date with the store; return its folder.

    Raise store.StoreError when build_index has never run there.
    """
    settings = settings or SearchSettings()
    folder = whoosh_dir(index_dir)
    con = connect(Path(index_dir), create=False)
    try:
        wanted = hashes(con)
        previous = _read_state(folder, settings)
        changed = [key for key, digest in wanted.items()
                   if previous is None or previous.get(key) != digest]
        gone = [] if previous is None else [key for key in previous if key not in wanted]
        if previous is not None and not changed and not gone:
            return folder
        # Rewriting a third of the index costs about as much as building it anew.
        full = previous is None or (len(changed) + len(gone)) * 3 > max(len(wanted), 1)
        started = time.perf_counter()
        if full:
            if folder.exists():
                shutil.rmtree(folder)
            folder.mkdir(parents=True)
            ix = index.create_in(str(folder), make_schema(settings))
            previous, changed, gone = {}, sorted(wanted), []
            sources: Iterator[dict[str, Any]] = iter(())
        else:
            ix = index.open_dir(str(folder))
            sources = documents(con, sorted(changed))
        assert previous is not None
        procs = 1 if full else settings.writer_procs
        # A full build leaves its postings blocks uncompressed: zlib took a fifth of it
        # (the index is a local cache; reading a block back is faster too). Blocks
        # record their compression, so later updates may use the default codec.
        codec = {"codec": W3Codec(compression=0)} if full else {}
        writer = ix.writer(limitmb=settings.writer_limitmb, procs=procs,
                           multisegment=procs > 1, **codec)
        try:
            if full:
                _write_from_store(writer, con, wanted)
            else:
                for key in [*gone, *(k for k in changed if k in previous)]:
                    writer.delete_by_term("id", key)
                for doc in sources:
                    writer.add_document(**index_fields(doc, wanted[doc["id"]]))
        except BaseException:
            writer.cancel()
            raise
        writer.commit(optimize=full)
    finally:
        con.close()
    state = {"schema": _schema_key(settings), "hashes": dict(sorted(wanted.items()))}
    (folder / STATE_FILE).write_text(json.dumps(state, separators=(",", ":")), encoding="utf-8")
    logger.info("search index: Whoosh %s, %s written, %s deleted in %.1f s",
                "rebuilt" if full else "updated", len(changed), len(gone),
                time.perf_counter() - started)
    return folder
