"""Postings of the client index, computed with numpy from the stored analysis.

Python touches each posting once in the old export (≈ 1 µs a posting, and a
Python int and list slot each: 45 s and 930 MB at 10,000 dispatches). Here the
term ids of the whole archive are one int32 array; postings are made a slice of
the key space at a time (a partition: a range of first terms in client key
order, so the shards still come out in order and memory stays bounded) by
sorting integer codes, and records are encoded for a whole partition at once.

The record format is docs/search.md's; `encode_record` is its plain-Python
definition, which the tests compare `encode_batch` with.
"""

from __future__ import annotations

import base64
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

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
# Tokens (or word pairs) sorted at once: about 40 bytes each while a partition is made.
PARTITION_TOKENS = 400_000

Ints = npt.NDArray[np.int64]


@dataclass
class Corpus:
    """The analysis of every dispatch, in client order (see store.py for the layout)."""

    tok: npt.NDArray[np.int32]  # key ranks (client order of terms), -1 after each sequence
    start: Ints  # where each dispatch starts in tok; n + 1 entries
    lengths: Ints  # (3, n): title, body and aliases lengths, in terms
    title_at: Ints  # where the title starts in each dispatch (after the entity forms)
    terms: list[str]  # by rank

    @property
    def n(self) -> int:
        return len(self.start) - 1


def key_ranks(keys: Sequence[Any]) -> tuple[list[int], npt.NDArray[np.int32]]:
    """Sort keys: return their indices in ascending key order, and each index's rank (its
    place in that order) with one entry more, -1, so that the separator -1 of a token array
    ranked through the table stays -1."""
    order = sorted(range(len(keys)), key=keys.__getitem__)
    rank = np.empty(len(keys) + 1, dtype=np.int32)
    rank[np.asarray(order, dtype=np.int64)] = np.arange(len(keys), dtype=np.int32)
    rank[-1] = -1
    return order, rank


@dataclass
class Batch:
    """Records of consecutive keys: key k has the postings kofs[k]:kofs[k + 1]."""

    keys: Ints  # term ranks, or pair codes first * V + second
    kofs: Ints
    docs: Ints
    levels: npt.NDArray[np.uint8] | None
    counts: Ints | None = None  # word pairs: positions per posting
    deltas: Ints | None = None  # word pairs: position deltas, posting after posting
    phrases: Batch | None = None  # word pairs: the common runs of 3+ words they start
    words: Ints | None = None  # common runs: their term ranks, a row each (-1 after the end)
    inline: npt.NDArray[np.bool_] | None = None  # word pairs: keys whose record holds positions


def stable_average(total: int, n: int) -> float:
    """Return the average field length, rounded to a 64th of an octave (about 1 %).

    Whoosh uses the exact average; rounding it changes a score by far less than an
    impact level, and keeps a new dispatch from moving every impact that sits on
    a level boundary, which would rename most shards of the index for one dispatch.
    """
    average = max(total / max(n, 1), 1.0)
    return float(2.0 ** (round(math.log2(average) * 64) / 64))


def norms(corpus: Corpus, boosts: Sequence[float]) -> npt.NDArray[np.float64]:
    """Return BM25's length normalisation per field and dispatch (Whoosh's formula)."""
    out = np.empty(corpus.lengths.shape, dtype=np.float64)
    for field in range(3):
        length = corpus.lengths[field]
        average = stable_average(int(length.sum()), corpus.n)
        out[field] = K1 * ((1 - B) + B * length / average)
    return out


def levels(
    tf: Ints, docs: Ints, norm: npt.NDArray[np.float64], boosts: Sequence[float]
) -> npt.NDArray[np.uint8]:
    """Quantise BM25F term-frequency scores (rows: title, body, aliases counts) to 1..15.

    The operations are those of the former per-posting Python loop, in the same
    order, so the levels are the same to the last bit.
    """
    score = np.zeros(len(docs), dtype=np.float64)
    for field in range(3):
        weighted = tf[:, field] * boosts[field]
        score = score + weighted * (K1 + 1) / (weighted + norm[field][docs])
    return np.clip(np.ceil(score / IMPACT_STEP), 1, IMPACT_MAX).astype(np.uint8)


def partitions(corpus: Corpus, budget: int | None = None) -> list[tuple[int, int]]:
    """Cut the key ranks into ranges of about `budget` tokens (a lone rank may hold more)."""
    budget = budget or PARTITION_TOKENS
    size = len(corpus.terms)
    counts = np.zeros(size + 1, dtype=np.int64)
    step = 1 << 22
    for i in range(0, len(corpus.tok), step):
        counts += np.bincount(corpus.tok[i : i + step] + 1, minlength=size + 1)
    cum = np.cumsum(counts[1:])
    out = []
    lo, before = 0, 0
    while lo < size:
        hi = int(np.searchsorted(cum, before + budget, side="right"))
        hi = max(hi, lo + 1)
        out.append((lo, hi))
        before = int(cum[hi - 1])
        lo = hi
    return out


def _select(tok: npt.NDArray[np.int32], lo: int, hi: int, pairs: bool,
            second: tuple[int, int] = (0, 1 << 31)) -> Ints:
    """Return where tok holds a rank in lo..hi-1 (followed by a term in `second`, for pairs).

    A slice at a time: three full-length boolean masks would cost 3 bytes a token.
    """
    step = 1 << 22
    found = []
    end = len(tok) - 1 if pairs else len(tok)
    for first in range(0, end, step):
        last = min(first + step, end)
        part = tok[first:last]
        keep = (part >= lo) & (part < hi)
        if pairs:
            following = tok[first + 1 : last + 1]
            keep &= (following >= max(second[0], 0)) & (following < second[1])
        found.append(np.flatnonzero(keep) + first)
    return np.concatenate(found) if found else np.zeros(0, dtype=np.int64)


def pair_partitions(corpus: Corpus, budget: int | None = None) -> list[tuple[int, int, int, int]]:
    """Cut the pair keys into ranges (first lo, hi, second lo, hi) of about `budget` pairs.

    A first term more frequent than the budget (« de ») is cut again by second term,
    which keeps the keys in order and the largest partition, and so the peak, small.
    """
    budget = budget or PARTITION_TOKENS
    out = []
    size = len(corpus.terms)
    for lo, hi in partitions(corpus, budget):
        if hi - lo > 1:
            out.append((lo, hi, 0, size))
            continue
        at = _select(corpus.tok, lo, hi, pairs=True)
        if len(at) <= budget:
            out.append((lo, hi, 0, size))
            continue
        cum = np.cumsum(np.bincount(corpus.tok[at + 1], minlength=size))
        start, before = 0, 0
        while start < size:
            end = max(int(np.searchsorted(cum, before + budget, side="right")), start + 1)
            out.append((lo, hi, start, end))
            before = int(cum[end - 1])
            start = end
    return out


def docs_of(start: Ints, at: Ints) -> Ints:
    """Return the dispatch of each token position in `at`, given in ascending order
    (dispatch k holds the positions start[k] .. start[k + 1] - 1): what
    np.searchsorted(start, at, side="right") - 1 returns.

    Each dispatch's count of positions comes from one binary search per dispatch (of those
    `at` spans) into `at`, rather than one per position into `start`: at 100,000
    dispatches a range of terms holds millions of positions (5 times faster)."""
    if not len(at):
        return np.zeros(0, dtype=np.int64)
    first = int(np.searchsorted(start, at[0], side="right")) - 1
    last = int(np.searchsorted(start, at[-1], side="right")) - 1
    cuts = np.searchsorted(at, start[first + 1 : last + 1], side="left")
    counts = np.diff(np.concatenate(([0], cuts, [len(at)])))
    return np.repeat(np.arange(first, last + 1, dtype=np.int64), counts)


def _doc_and_field(corpus: Corpus, at: Ints) -> tuple[Ints, Ints, Ints]:
    """Return the dispatch, the position in it and the field (0 title, 1 body, 2 aliases)
    of token positions `at`, given in ascending order (as _select returns them)."""
    doc = docs_of(corpus.start, at)
    pos = at - corpus.start[doc]
    title = corpus.title_at[doc]
    # forms [0, title) → 2, title [title, title + length) → 0, then the body → 1
    field = np.where(pos < title, 2, (pos > title + corpus.lengths[0][doc]).astype(np.int64))
    return doc, pos, field


def stable_order(code: Ints) -> Ints:
    """np.argsort(code, kind="stable"), by sorting code * n + index when that fits in 64
    bits: numpy sorts plain integers with SIMD, several times faster than its stable sort
    of 64-bit keys (timsort); the keys being distinct, the order is the same."""
    n = len(code)
    if not n or int(code.min()) < 0 or int(code.max()) >= (2**63 - 1) // n - 1:
        return np.argsort(code, kind="stable")
    key = code * n
    key += np.arange(n, dtype=np.int64)
    key.sort()
    key %= n
    return key


def _starts(change: npt.NDArray[np.bool_]) -> Ints:
    """Return the indices where runs begin, given `change` between neighbours."""
    return np.concatenate(([0], np.flatnonzero(change) + 1)).astype(np.int64)


def _offsets(starts: Ints, total: int) -> Ints:
    return np.concatenate((starts, [total])).astype(np.int64)


def _tally(code: Ints, n: int) -> tuple[Ints, Ints, Ints]:
    """From codes ((key * n + doc) * 3 + field), one per occurrence: the postings sorted by
    (key, doc), as keys, docs and term frequencies per field (an array of 3 columns)."""
    code.sort()
    runs = _starts(code[1:] != code[:-1])
    count = np.diff(_offsets(runs, len(code)))
    code = code[runs]
    field, key_doc = code % 3, code // 3
    groups = _starts(key_doc[1:] != key_doc[:-1])
    group_of = np.repeat(np.arange(len(groups)), np.diff(_offsets(groups, len(key_doc))))
    tf = np.zeros((len(groups), 3), dtype=np.int64)
    tf[group_of, field] = count
    key_doc = key_doc[groups]
    return key_doc // n, key_doc % n, tf


def term_batch(
    corpus: Corpus, lo: int, hi: int, norm: npt.NDArray[np.float64], boosts: Sequence[float]
) -> Batch:
    """Return the postings of the terms ranked lo..hi-1."""
    tok = corpus.tok
    at = _select(tok, lo, hi, pairs=False)
    if not len(at):
        return empty_batch(pairs=False)
    doc, _, field = _doc_and_field(corpus, at)
    n = max(corpus.n, 1)
    code = ((tok[at].astype(np.int64) - lo) * n + doc) * 3 + field
    del at, doc, field
    keys, docs, tf = _tally(code, n)
    keys += lo
    first = _starts(keys[1:] != keys[:-1])
    return Batch(keys[first], _offsets(first, len(keys)), docs, levels(tf, docs, norm, boosts))


def pair_batch(
    corpus: Corpus, lo: int, hi: int, norm: npt.NDArray[np.float64], boosts: Sequence[float],
    second: tuple[int, int] = (0, 1 << 31), phrase_docs: int = 0, phrase_words: int = 0,
) -> Batch:
    """Return the postings, with start positions, of the word pairs whose first term is lo..hi-1
    (and whose second term is in `second`).

    With phrase_docs, the batch's `phrases` holds the runs of 3 to phrase_words words
    (starting with one of these pairs) found in at least that many dispatches, without
    positions: a phrase that common is answered by its own record (docs/search.md).
    """
    tok = corpus.tok
    size = len(corpus.terms)
    at = _select(tok, lo, hi, pairs=True, second=second)
    if not len(at):
        return empty_batch(pairs=True)
    code = (tok[at].astype(np.int64) - lo) * size + tok[at + 1]
    doc, pos, field = _doc_and_field(corpus, at)  # while `at` is in ascending order
    # Stable: within a pair, occurrences stay in (dispatch, position) order.
    order = stable_order(code)
    at, code, doc, pos, field = at[order], code[order], doc[order], pos[order], field[order]
    del order
    new_group = np.ones(len(code), dtype=bool)
    new_group[1:] = (code[1:] != code[:-1]) | (doc[1:] != doc[:-1])
    groups = np.flatnonzero(new_group)
    group_of = np.cumsum(new_group) - 1
    tf = np.bincount(group_of * 3 + field, minlength=3 * len(groups)).reshape(-1, 3)
    previous = np.empty_like(pos)
    previous[1:] = pos[:-1]
    previous[new_group] = 0
    deltas = pos - previous
    del pos, previous
    counts = np.diff(_offsets(groups, len(code)))
    group_code, docs = code[groups], doc[groups]
    first = _starts(group_code[1:] != group_code[:-1])
    keys = group_code[first] + lo * size
    batch = Batch(keys, _offsets(first, len(group_code)), docs, levels(tf, docs, norm, boosts),
                  counts, deltas)
    if phrase_docs:
        key_of_group = np.repeat(np.arange(len(first)), np.diff(batch.kofs))
        batch.phrases = _common_phrases(corpus, at, key_of_group[group_of], doc, field,
                                        np.stack(np.divmod(batch.keys, size), axis=1),
                                        np.diff(batch.kofs), phrase_docs, phrase_words,
                                        norm, boosts)
    return batch


def _common_phrases(corpus: Corpus, at: Ints, parent: Ints, doc: Ints, field: Ints,
                    words: Ints, df: Ints, min_docs: int, max_words: int,
                    norm: npt.NDArray[np.float64], boosts: Sequence[float]) -> Batch:
    """Return the postings (no positions) of the runs of 3 to max_words words found in at
    least min_docs dispatches, whose first pair is one of a pair batch's keys; `words`
    (a row of term ranks per key, -1 after a shorter key) spell them, in key order.

    A run of n words is in no more dispatches than its first n - 1, so each length only
    looks at the occurrences of the common runs one word shorter: `at` (where each
    occurrence of the pairs starts), `parent` (its pair's index in the batch).
    """
    tok, size = corpus.tok, len(corpus.terms)
    alive = df[parent] >= min_docs
    at, parent, doc, field = at[alive], parent[alive], doc[alive], field[alive]
    found: list[tuple[Batch, Ints]] = []
    for length in range(3, max_words + 1):
        following = tok[at + length - 1]
        ok = following >= 0
        at, parent, doc, field, following = (at[ok], parent[ok], doc[ok], field[ok],
                                              following[ok])
        if not len(at):
            break
        batch, parent = _common(corpus, parent * size + following, doc, field, min_docs,
                                norm, boosts)
        if not len(batch.keys):
            break
        words = np.concatenate((words[batch.keys // size], (batch.keys % size)[:, None]),
                               axis=1)
        found.append((batch, words))
        alive = parent >= 0
        at, parent, doc, field = at[alive], parent[alive], doc[alive], field[alive]
    if not found:
        return empty_batch(pairs=False)
    # One batch in key order: a row of term ranks, -1 after a shorter run, sorts as the
    # keys do (a space is below every character of a term).
    rows = np.full((sum(len(b.keys) for b, _ in found), max_words), -1, dtype=np.int64)
    at_row = 0
    for _, w in found:
        rows[at_row : at_row + len(w), : w.shape[1]] = w
        at_row += len(w)
    bases = np.cumsum([0, *(len(b.docs) for b, _ in found)])[:-1]
    heads = np.concatenate([b.kofs[:-1] + base for (b, _), base in zip(found, bases,
                                                                         strict=True)])
    dfs = np.concatenate([np.diff(b.kofs) for b, _ in found])
    docs = np.concatenate([b.docs for b, _ in found])
    levels_ = np.concatenate([b.levels for b, _ in found if b.levels is not None])
    order = np.lexsort(rows.T[::-1])
    dfs, heads, rows = dfs[order], heads[order], rows[order]
    offsets = np.concatenate(([0], np.cumsum(dfs))).astype(np.int64)
    postings = np.repeat(heads - offsets[:-1], dfs) + np.arange(int(offsets[-1]))
    out = Batch(np.arange(len(dfs), dtype=np.int64), offsets, docs[postings], levels_[postings])
    out.words = rows
    return out


def _common(corpus: Corpus, code: Ints, doc: Ints, field: Ints, min_docs: int,
            norm: npt.NDArray[np.float64], boosts: Sequence[float]) -> tuple[Batch, Ints]:
    """Return the postings of the codes found in at least min_docs dispatches (keys: the
    codes, ascending), and for each occurrence its key's index in them, or -1."""
    unique, key = np.unique(code, return_inverse=True)
    key = key.astype(np.int64).ravel()
    n = max(corpus.n, 1)
    keys, docs, tf = _tally((key * n + doc) * 3 + field, n)
    first = _starts(keys[1:] != keys[:-1])
    df = np.diff(_offsets(first, len(keys)))
    wanted = df >= min_docs
    index = np.full(len(unique), -1, dtype=np.int64)
    index[keys[first][wanted]] = np.arange(int(wanted.sum()))
    posting_kept = np.repeat(wanted, df)
    docs, tf = docs[posting_kept], tf[posting_kept]
    batch = Batch(unique[keys[first][wanted]],
                  np.concatenate(([0], np.cumsum(df[wanted]))).astype(np.int64),
                  docs, levels(tf, docs, norm, boosts))
    return batch, index[key]


def empty_batch(pairs: bool) -> Batch:
    """Return a batch with no key."""
    none = np.zeros(0, dtype=np.int64)
    return Batch(none, np.zeros(1, dtype=np.int64), none, np.zeros(0, dtype=np.uint8),
                 none if pairs else None, none if pairs else None)


def varint_len(values: Ints) -> Ints:
    """Return the LEB128 length of each value."""
    out = np.ones(len(values), dtype=np.int64)
    for shift in (7, 14, 21, 28, 35):
        out += values >= (1 << shift)
    return out


def _put(buf: npt.NDArray[np.uint8], at: Ints, values: Ints, lengths: Ints) -> None:
    """Write LEB128 values at byte offsets."""
    if not len(values):
        return
    for k in range(int(lengths.max())):
        if k:
            keep = lengths > k
            at, values, lengths = at[keep], values[keep], lengths[keep]
        byte = (values >> (7 * k)) & 0x7F
        byte |= (lengths > k + 1) * 0x80
        buf[at + k] = byte


def _within(sizes: Ints, offsets: Ints, owner: Ints) -> Ints:
    """Return each item's offset inside its segment, given item sizes and segment offsets."""
    before = np.cumsum(sizes) - sizes
    return before - before[offsets[:-1]][owner]


def _segment_sum(sizes: Ints, offsets: Ints) -> Ints:
    cum = np.concatenate(([0], np.cumsum(sizes)))
    return cum[offsets[1:]] - cum[offsets[:-1]]


def encode_batch(batch: Batch) -> tuple[str, Ints]:
    """Encode every record of a batch; return one base64 text and each record's slice of it.

    Each record is padded with zero bytes to a multiple of three, so that its base64
    is a slice of the batch's (the decoder reads by counts and ignores the padding,
    and base64 would have spent the same characters on '=').
    """
    kofs, docs = batch.kofs, batch.docs
    keys = len(kofs) - 1
    df = np.diff(kofs)
    owner = np.repeat(np.arange(keys), df)
    head = kofs[:-1]
    previous = np.empty_like(docs)
    if len(docs):
        previous[1:] = docs[:-1]
        previous[head] = 0
    delta = docs - previous
    delta_len = varint_len(delta)
    listed = 1 + _segment_sum(delta_len, kofs)
    first, last = docs[head], docs[kofs[1:] - 1]
    span = (last - first) // 8 + 1
    bitmap = (df > 8) & (span + 4 < listed)
    header = 1 + varint_len(first) + varint_len(span)
    doc_size = np.where(bitmap, header + span, listed)
    imp_size = (df + 1) // 2 if batch.levels is not None else np.zeros(keys, dtype=np.int64)
    flags = (0 if batch.levels is not None else NO_IMPACTS) | np.where(bitmap, BITMAP, 0)
    size = doc_size + imp_size
    with_positions = batch.counts is not None and (
        batch.inline is None or bool(batch.inline.any()))
    if with_positions:
        assert batch.counts is not None and batch.deltas is not None
        inline = batch.inline if batch.inline is not None else np.ones(keys, dtype=bool)
        flags |= np.where(inline, POSITIONS, 0)
        pofs = _offsets(np.cumsum(batch.counts) - batch.counts, len(batch.deltas))
        pos_len = varint_len(batch.deltas)
        per_posting = varint_len(batch.counts) + _segment_sum(pos_len, pofs)
        size = size + np.where(inline, _segment_sum(per_posting, kofs), 0)
    out = np.concatenate(([0], np.cumsum((size + 2) // 3 * 3))).astype(np.int64)
    base = out[:-1]
    buf = np.zeros(int(out[-1]), dtype=np.uint8)
    buf[base] = flags
    listed_posting = ~bitmap[owner]
    at = base[owner] + 1 + _within(delta_len, kofs, owner)
    _put(buf, at[listed_posting], delta[listed_posting], delta_len[listed_posting])
    if bitmap.any():
        marked = np.flatnonzero(bitmap)
        first_len = varint_len(first[marked])
        _put(buf, base[marked] + 1, first[marked], first_len)
        _put(buf, base[marked] + 1 + first_len, span[marked], varint_len(span[marked]))
        in_bitmap = ~listed_posting
        who = owner[in_bitmap]
        offset = docs[in_bitmap] - first[who]
        byte_at = base[who] + header[who] + (offset >> 3)
        bits = (1 << (offset & 7)).astype(np.uint8)
        runs = _starts(byte_at[1:] != byte_at[:-1])
        buf[byte_at[runs]] = np.add.reduceat(bits, runs) if len(bits) else bits
    if batch.levels is not None:
        index = np.arange(len(docs)) - head[owner]
        at = base[owner] + doc_size[owner] + (index >> 1)
        even = (index & 1) == 0
        buf[at[even]] = batch.levels[even]
        buf[at[~even]] |= batch.levels[~even] << 4
    if with_positions:
        assert batch.counts is not None and batch.deltas is not None
        posting_at = (base[owner] + doc_size[owner] + imp_size[owner]
                      + _within(per_posting, kofs, owner))
        count_len = varint_len(batch.counts)
        mine = inline[owner]
        _put(buf, posting_at[mine], batch.counts[mine], count_len[mine])
        of_posting = np.repeat(np.arange(len(batch.counts)), batch.counts)
        at = (posting_at + count_len)[of_posting] + _within(pos_len, pofs, of_posting)
        mine = mine[of_posting]
        _put(buf, at[mine], batch.deltas[mine], pos_len[mine])
    return base64.b64encode(buf.tobytes()).decode("ascii"), out // 3 * 4


@dataclass
class Positions:
    """The start positions of a batch of word pairs, apart from their records, in pieces.

    A key's positions are, posting after posting, the count then the delta-coded
    starts (varints); they are cut at posting boundaries into pieces of about
    `piece_bytes` bytes, each padded to a multiple of three bytes so that its
    base64 is a slice of `text`. Piece p is text[cuts[p]:cuts[p + 1]]; key k has
    pieces kpieces[k]:kpieces[k + 1], and a piece's first posting (in its key) is
    first[p]. The browser loads only the pieces that hold the dispatches a phrase
    still needs to check.
    """

    text: str
    cuts: Ints
    kpieces: Ints
    first: Ints


def encode_positions(batch: Batch, piece_bytes: int) -> Positions:
    """Encode the positions of every key of a word-pair batch (see Positions)."""
    assert batch.counts is not None and batch.deltas is not None
    kofs, counts, deltas = batch.kofs, batch.counts, batch.deltas
    keys = len(kofs) - 1
    owner = np.repeat(np.arange(keys), np.diff(kofs))
    pofs = _offsets(np.cumsum(counts) - counts, len(deltas))
    pos_len = varint_len(deltas)
    count_len = varint_len(counts)
    per_posting = count_len + _segment_sum(pos_len, pofs)
    within = _within(per_posting, kofs, owner)
    local = within // max(piece_bytes, 1)
    new = np.ones(len(counts), dtype=bool)
    new[1:] = (owner[1:] != owner[:-1]) | (local[1:] != local[:-1])
    starts = np.flatnonzero(new)
    piece_of = np.cumsum(new) - 1
    piece_size = _segment_sum(per_posting, _offsets(starts, len(counts)))
    out = np.concatenate(([0], np.cumsum((piece_size + 2) // 3 * 3))).astype(np.int64)
    buf = np.zeros(int(out[-1]), dtype=np.uint8)
    posting_at = out[piece_of] + within - within[starts][piece_of]
    _put(buf, posting_at, counts, count_len)
    of_posting = np.repeat(np.arange(len(counts)), counts)
    at = (posting_at + count_len)[of_posting] + _within(pos_len, pofs, of_posting)
    _put(buf, at, deltas, pos_len)
    kpieces = np.concatenate(([0], np.cumsum(np.bincount(owner[starts], minlength=keys))))
    return Positions(base64.b64encode(buf.tobytes()).decode("ascii"), out // 3 * 4,
                     kpieces.astype(np.int64), starts - kofs[:-1][owner[starts]])


def position_bytes(batch: Batch) -> Ints:
    """Return the bytes of each word pair's positions (counts and delta-coded starts)."""
    assert batch.counts is not None and batch.deltas is not None
    pofs = _offsets(np.cumsum(batch.counts) - batch.counts, len(batch.deltas))
    per_posting = varint_len(batch.counts) + _segment_sum(varint_len(batch.deltas), pofs)
    return _segment_sum(per_posting, batch.kofs)


def select_keys(batch: Batch, keep: npt.NDArray[np.bool_]) -> Batch:
    """Return the batch of some of a word-pair batch's keys (postings and positions)."""
    assert batch.counts is not None and batch.deltas is not None
    df = np.diff(batch.kofs)
    postings = np.repeat(keep, df)
    counts = batch.counts[postings]
    deltas = batch.deltas[np.repeat(postings, batch.counts)]
    levels_ = batch.levels[postings] if batch.levels is not None else None
    return Batch(batch.keys[keep], np.concatenate(([0], np.cumsum(df[keep]))).astype(np.int64),
                 batch.docs[postings], levels_, counts, deltas)


def encode_starts(positions: Sequence[Sequence[int]]) -> bytes:
    """Encode the start positions of one pair, dispatch after dispatch (Positions' definition)."""
    out = bytearray()
    for starts in positions:
        varint(len(starts), out)
        previous = 0
        for start in starts:
            varint(start - previous, out)
            previous = start
    return bytes(out)


def set_batch(members: Sequence[Sequence[int]]) -> Batch:
    """Return a batch of plain doc sets (facet values): no impacts, no positions."""
    sizes = [len(m) for m in members]
    docs = np.fromiter((d for m in members for d in m), dtype=np.int64, count=sum(sizes))
    kofs = np.concatenate(([0], np.cumsum(sizes))).astype(np.int64)
    return Batch(np.arange(len(members), dtype=np.int64), kofs, docs, None)


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
    """Encode one record (the format's definition; encode_batch must agree, padding aside).

    An ascending doc list as delta varints or as a bitmap from the first doc,
    whichever is smaller, then 4-bit impacts, then, for word pairs, the count and
    the delta-coded start positions in each dispatch.
    """
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
        out += encode_starts(positions)
    return bytes(out)


def bm25_level(tf: float, length: int, average: float) -> int:
    """Return the impact level of one field's term frequency (for tests and readers)."""
    score = tf * (K1 + 1) / (tf + K1 * ((1 - B) + B * length / average))
    return max(1, min(IMPACT_MAX, math.ceil(score / IMPACT_STEP)))
