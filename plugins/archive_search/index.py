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
import pickle
import re
import shutil
import time
import zlib
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import numpy as np
from whoosh import fields, formats, index
from whoosh.analysis import IDTokenizer, RegexTokenizer
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3Codec
from whoosh.system import pack_uint
from whoosh.util.numeric import byte_to_length, length_to_byte

from .analysis import analyze, french_analyzer
from .postings import Corpus, docs_of, key_ranks
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


def _write_from_store(writer: Any, con: Any, wanted: Mapping[str, str],
                      corpus: Corpus | None = None) -> None:
    """Write every stored document into a fresh Whoosh segment, fast.

    What Writer.add_document does, without its per-posting Python: the stored
    fields and lengths go through the per-document writer, as add_document would
    write them; the postings of the text fields are not analysed again but counted
    with numpy from the store's term ids (the same analysis), and written a block of
    postings at a time (_write_blocks: a full build at 10,000 dispatches spent half its
    time in the pool and in per-posting length look-ups). The postings of id, actor,
    place, date and year are those of Whoosh's field.index() (small_indexer).
    Documents are numbered in client order, as documents(con) yields them.

    corpus: export.load_corpus(con), when the caller has read it (the site build reads
    it once for the export and for this, in a process forked after reading it: its
    token array is then shared, not copied); read from the store here otherwise.
    """
    schema = writer.schema
    perdoc = writer.perdocwriter
    # Stored fields uncompressed (zlib level 0 still writes a zlib stream, which the reader
    # decompresses as it does any other): level 3 took 6 s of a build at 100,000.
    perdoc._colwriters["_stored"]._child._level = 0  # noqa: SLF001
    indexers = {name: small_indexer(schema[name]) for name in schema.names()}
    small: dict[str, _Postings] = {}
    # The postings of a date or a year, by (field, value): a few thousand values repeat
    # across the dispatches (actor and place lists repeat too little to be worth keeping).
    analysed: dict[tuple[str, str], list[tuple[bytes, int, float, bytes]]] = {}
    n, total = con.execute("SELECT count(*), coalesce(sum(length(toks)), 0) FROM docs"
                           ).fetchone()
    length = np.zeros((n, 3), dtype=np.int64)  # title, body, aliases
    if corpus is None:
        tok = np.empty(total // 4, dtype=np.int32)
        raw = tok.view(np.uint8)
        starts = np.zeros(n + 1, dtype=np.int64)
        rows = con.execute("SELECT d.toks, d.title_len, d.body_len, d.alias_len, s.doc "
                           "FROM docs AS d JOIN sources AS s USING (id) ORDER BY d.sort, d.id")
    else:
        rows = ((None, *row) for row in con.execute(
            "SELECT d.title_len, d.body_len, d.alias_len, s.doc "
            "FROM docs AS d JOIN sources AS s USING (id) ORDER BY d.sort, d.id"))
    for toks, title_len, body_len, alias_len, blob in rows:
        doc = deserialise(blob)
        fields_ = index_fields(doc, wanted[doc["id"]])
        docnum = writer.docnum
        perdoc.start_doc(docnum)
        for name in sorted(fields_):
            value = fields_[name]
            field = schema[name]
            size = 0
            if name == "title":
                size = title_len
            elif name == "body":
                size = body_len
            elif name == "aliases":
                size = alias_len
            elif field.indexed:
                bucket = small.get(name) or small.setdefault(name, _Postings())
                if name in ("date", "year"):
                    postings = analysed.get((name, value))
                    if postings is None:
                        postings = analysed[name, value] = list(field.index(value))
                else:
                    postings = indexers[name](value)
                for tbytes, freq, weight, vbytes in postings:
                    bucket.add(tbytes, docnum, weight, vbytes)
                    if field.scorable:
                        size += freq
            perdoc.add_field(name, field, value if field.stored else None, size)
            column = field.column_type
            if column and value is not None:
                perdoc.add_column_value(name, column, field.to_column_value(value))
        perdoc.finish_doc()
        writer.docnum += 1
        length[docnum] = title_len, body_len, alias_len
        if toks is not None:
            at = int(starts[docnum])
            raw[4 * at : 4 * at + len(toks)] = np.frombuffer(toks, dtype=np.uint8)
            starts[docnum + 1] = at + len(toks) // 4
    writer._added = writer.docnum > 0  # noqa: SLF001 - what add_document sets
    fw = writer.fieldwriter
    # The small fields first, so that their postings are freed before the text fields'
    # are counted (a field's terms must be written in order; fields in any order).
    for name in sorted(small):
        fw.start_field(name, schema[name])
        small.pop(name).write(fw)
        fw.finish_field()
    if corpus is None:
        del raw
        terms = [t.encode("utf-8") for t in read_vocabulary(con)]
        order, rank = key_ranks(terms)
        title_at = np.diff(starts) - length[:, 0] - length[:, 1] - 2
        text = _TextPostings(tok, starts, title_at, length, [terms[i] for i in order], rank)
    else:
        terms = [t.encode("utf-8") for t in corpus.terms]
        if _ASTRAL.search("".join(corpus.terms)) is None:
            # No character outside the BMP: JavaScript's order of the terms (the export's
            # ranks) is their UTF-8 byte order, so the shared ranks are Whoosh's.
            text = _TextPostings(corpus.tok, corpus.start, corpus.title_at, length, terms)
        else:
            order, rank = key_ranks(terms)
            text = _TextPostings(corpus.tok.copy(), corpus.start, corpus.title_at, length,
                                 [terms[i] for i in order], rank)
    for name in TEXT_FIELDS:
        if not text.has(TEXT_FIELDS.index(name)):
            continue
        fw.start_field(name, schema[name])
        for part in text.parts(TEXT_FIELDS.index(name)):
            _write_text_field(fw, schema[name], *part)
        fw.finish_field()


_ASTRAL = re.compile("[\U00010000-\U0010FFFF]")
_SPACE_SEPARATED = r"[^ \t\r\n]+"  # whoosh.analysis.SpaceSeparatedTokenizer's tokens


def small_indexer(field: Any) -> Callable[[str], list[tuple[bytes, int, float, bytes]]]:
    """Return a function giving list(field.index(value)) for one string, in some order.

    For an ID field (one token, Existence) and a KEYWORD field (tokens split on spaces,
    Frequency), the postings are made directly (Whoosh's per-token objects took 3 s of a
    build at 100,000); any other field goes through field.index().
    """
    analyzer, fmt = field.analyzer, field.format
    boost = fmt.field_boost if fmt is not None else 1.0
    if type(analyzer) is IDTokenizer and type(fmt) is formats.Existence:
        return lambda value: [(value.encode("utf-8"), 1, boost, b"")]
    if (type(analyzer) is RegexTokenizer and not analyzer.gaps
            and analyzer.expression.pattern == _SPACE_SEPARATED
            and type(fmt) is formats.Frequency):
        split = analyzer.expression.findall

        def keywords(value: str) -> list[tuple[bytes, int, float, bytes]]:
            return [(word.encode("utf-8"), freq, freq * 1.0 * boost, pack_uint(freq))
                    for word, freq in Counter(split(value)).items()]

        return keywords
    return lambda value: list(field.index(value))


CODES_AT_ONCE = 1 << 19  # postings counted at once (int64 codes and their sort: ~12 MB)
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
        if not self.term:
            return
        words = list(self.words)
        _, rank = key_ranks(words)
        term = np.frombuffer(self.term, dtype=np.int32)
        doc = np.frombuffer(self.doc, dtype=np.int32)
        order = np.lexsort((doc, rank[term]))
        term, ids = term[order], doc[order].astype(np.uint32)
        # As add_posting's array('f') holds them (whole numbers here: exact either way).
        weights = np.frombuffer(self.weight, dtype=np.float64)[order].astype(np.float32)
        value_ids = np.frombuffer(self.value, dtype=np.int32)[order]
        values = list(self.values)
        deltas = np.diff(ids.astype(np.int64), prepend=0)
        heads = np.flatnonzero(np.concatenate(([True], term[1:] != term[:-1])))
        bounds = [*heads.tolist(), len(term)]
        for k, t in enumerate(term[heads].tolist()):
            fw.start_term(words[t])
            a, b = bounds[k], bounds[k + 1]
            _write_blocks(fw._postwriter, ids, deltas, weights, None, a, b,  # noqa: SLF001
                          (values, value_ids))
            fw.finish_term()


class _TextPostings:
    """The postings of the text fields, counted from the stored term ids a range of terms
    at a time. Memory: 5 bytes a token (its term's rank, in place of its id; its field),
    plus one range's codes and 1 M tokens' temporaries; a token's document is found from
    the documents' starts only for the tokens of the range being written."""

    def __init__(self, tok: np.ndarray, start: np.ndarray, title_at: np.ndarray,
                 length: np.ndarray, terms: list[bytes], rank: np.ndarray | None = None
                 ) -> None:
        """tok: every token's term rank (terms: the UTF-8 terms by rank, ascending), or its
        term id when rank (id → rank, the separator -1 → -1) is given, replaced in place;
        length: (n, 3) title, body and aliases lengths."""
        self.n = len(start) - 1
        self.length = length
        self.terms = terms
        self.start = start
        # Fields in title, body, aliases order (TEXT_FIELDS): a dispatch is its forms
        # [0, title) (aliases), then its title, then its body, each ending with -1.
        self.field = np.empty(len(tok), dtype=np.int8)
        self.ranked = tok
        for a in range(0, len(tok), TOKENS_AT_ONCE):
            b = min(a + TOKENS_AT_ONCE, len(tok))
            at = np.arange(a, b, dtype=np.int64)
            d = docs_of(start, at)
            pos = at - start[d]
            title = title_at[d]
            self.field[a:b] = np.where(pos < title, 2, pos > title + length[d, 0])
            if rank is not None:
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
            yield ranked[sel], docs_of(self.start, at)

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
            words = [self.terms[t] for t in term[heads].tolist()]
            yield words, offsets, docs, freq, table[doc_len[docs]]


def _write_text_field(fw: Any, field: Any, words: list[bytes], offsets: np.ndarray,
                      docs: np.ndarray, freq: np.ndarray, doc_len: np.ndarray) -> None:
    """Write a text field's postings a block at a time, with the bytes
    W3PostingsWriter._write_block would write (its per-posting delta encoding and weight
    scans done with numpy: they took a fifth of a full build at 100,000 dispatches). The
    full build's codec inlines no term (W3Codec's inline limit, 1), so every term has
    blocks."""
    boost = float(field.format.field_boost)
    weights = (freq * boost).astype(np.float32)
    ids = docs.astype(np.uint32)
    # Each posting's id minus the previous one's (a block's first keeps its id: see
    # _write_blocks).
    deltas = np.diff(ids.astype(np.int64), prepend=0)
    bounds = offsets.tolist()
    for i, word in enumerate(words):
        fw.start_term(word)
        _write_blocks(fw._postwriter, ids, deltas, weights, doc_len,  # noqa: SLF001
                      bounds[i], bounds[i + 1])
        fw.finish_term()


def _write_blocks(pw: Any, ids: np.ndarray, deltas: np.ndarray, weights: np.ndarray,
                  doc_len: np.ndarray | None, a: int, b: int,
                  values: tuple[list[bytes], np.ndarray] | None = None) -> None:
    """Write postings a..b-1 of a term as W3PostingsWriter._write_block writes the blocks
    that add_posting fills (the last one with a negative length), leaving the writer with
    nothing buffered. doc_len: the postings' field lengths (None: no length, as for a
    field that is not scorable); values: the distinct values and each posting's (None:
    no value buffered, as _write_text_field adds none)."""
    limit = pw._blocklimit  # noqa: SLF001
    postfile = pw._postfile  # noqa: SLF001
    terminfo = pw._terminfo  # noqa: SLF001
    comp = pw._compression  # noqa: SLF001
    fixed = pw._format.fixed_value_size()  # noqa: SLF001
    mini_values = pw._mini_values()  # noqa: SLF001 - nothing buffered: the empty value
    postfile.write(WHOOSH3_HEADER_MAGIC)
    for lo in range(a, b, limit):
        hi = min(lo + limit, b)
        id_list = ids[lo:hi].tolist()
        w_list = weights[lo:hi].tolist()
        if doc_len is None:
            minlength, maxlength = None, 0
        else:
            lens = doc_len[lo:hi]
            minlength, maxlength = int(lens.min()), int(lens.max())
        if values is not None and fixed != 0:  # W3PostingsWriter._mini_values
            listed = [values[0][v] for v in values[1][lo:hi].tolist()]
            mini_values = tuple(listed) if fixed is None or fixed < 0 else b"".join(listed)
        maxweight = max(w_list)
        # W3TermInfo.add_block
        terminfo._weight += sum(w_list)  # noqa: SLF001
        terminfo._df += hi - lo  # noqa: SLF001
        if terminfo._minlength is None:  # noqa: SLF001
            terminfo._minlength = minlength  # noqa: SLF001
        else:
            terminfo._minlength = min(terminfo._minlength, minlength)  # noqa: SLF001
        terminfo._maxlength = max(terminfo._maxlength, maxlength)  # noqa: SLF001
        terminfo._maxweight = max(terminfo._maxweight, maxweight)  # noqa: SLF001
        if terminfo._minid is None:  # noqa: SLF001
            terminfo._minid = id_list[0]  # noqa: SLF001
        terminfo._maxid = id_list[-1]  # noqa: SLF001
        # W3PostingsWriter._mini_ids, _mini_weights, _mini_values
        block_deltas = deltas[lo:hi].tolist()
        block_deltas[0] = id_list[0]
        first = w_list[0]
        if first == 1.0 and w_list.count(1.0) == len(w_list):
            mini_weights: Any = None
        elif w_list.count(first) == len(w_list):
            mini_weights = first
        else:
            mini_weights = tuple(w_list)
        databytes = pickle.dumps((tuple(block_deltas), mini_weights, mini_values), 2)
        if comp:
            databytes = zlib.compress(databytes, comp)
        infobytes = pickle.dumps((hi - lo, id_list[-1], maxweight, comp,
                                  length_to_byte(minlength), length_to_byte(maxlength)), 2)
        length = len(infobytes) + len(databytes)
        postfile.write_int(-length if hi == b else length)
        postfile.write(infobytes)
        postfile.write(databytes)
        pw._blockcount += 1  # noqa: SLF001


def _plan(con: Any, folder: Path, settings: SearchSettings) -> tuple[
        dict[str, str], dict[str, str] | None, list[str], list[str], bool]:
    """Return what ensure_whoosh has to do: the stored (id, hash) pairs, those indexed (None:
    no usable index), the ids changed and gone, and whether to build the index anew."""
    wanted = hashes(con)
    previous = _read_state(folder, settings)
    changed = [key for key, digest in wanted.items()
               if previous is None or previous.get(key) != digest]
    gone = [] if previous is None else [key for key in previous if key not in wanted]
    # Rewriting a third of the index costs about as much as building it anew.
    full = previous is None or (len(changed) + len(gone)) * 3 > max(len(wanted), 1)
    return wanted, previous, changed, gone, full


def whoosh_rebuilds(index_dir: Path, settings: SearchSettings | None = None) -> bool:
    """Tell whether ensure_whoosh would build the Whoosh index anew (and so read every
    token of the store)."""
    settings = settings or SearchSettings()
    con = connect(Path(index_dir), create=False)
    try:
        return _plan(con, whoosh_dir(index_dir), settings)[4]
    finally:
        con.close()


def ensure_whoosh(index_dir: Path, settings: SearchSettings | None = None,
                  corpus: Corpus | None = None) -> Path:
    """Bring the Whoosh index up to date with the store; return its folder.

    corpus: export.load_corpus() of the store as it is, when the caller has it (a full
    build then reads no token from the store). Raise store.StoreError when build_index
    has never run there.
    """
    settings = settings or SearchSettings()
    folder = whoosh_dir(index_dir)
    con = connect(Path(index_dir), create=False)
    try:
        wanted, previous, changed, gone, full = _plan(con, folder, settings)
        if previous is not None and not changed and not gone:
            return folder
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
                _write_from_store(writer, con, wanted, corpus)
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
