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


@dataclass
class Batch:
    """Records of consecutive keys: key k has the postings kofs[k]:kofs[k + 1]."""

    keys: Ints  # term ranks, or pair codes first * V + second
    kofs: Ints
    docs: Ints
    levels: npt.NDArray[np.uint8] | None
    counts: Ints | None = None  # word pairs: positions per posting
    deltas: Ints | None = None  # word pairs: position deltas, posting after posting


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


def _doc_and_field(corpus: Corpus, at: Ints) -> tuple[Ints, Ints, Ints]:
    """Return the dispatch, the position in it and the field (0 title, 1 body, 2 aliases)."""
    doc = np.searchsorted(corpus.start, at, side="right") - 1
    pos = at - corpus.start[doc]
    title = corpus.title_at[doc]
    # forms [0, title) → 2, title [title, title + length) → 0, then the body → 1
    field = np.where(pos < title, 2, (pos > title + corpus.lengths[0][doc]).astype(np.int64))
    return doc, pos, field


def _starts(change: npt.NDArray[np.bool_]) -> Ints:
    """Return the indices where runs begin, given `change` between neighbours."""
    return np.concatenate(([0], np.flatnonzero(change) + 1)).astype(np.int64)


def _offsets(starts: Ints, total: int) -> Ints:
    return np.concatenate((starts, [total])).astype(np.int64)


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
    keys, docs = key_doc // n + lo, key_doc % n
    first = _starts(keys[1:] != keys[:-1])
    return Batch(keys[first], _offsets(first, len(keys)), docs, levels(tf, docs, norm, boosts))


def pair_batch(
    corpus: Corpus, lo: int, hi: int, norm: npt.NDArray[np.float64], boosts: Sequence[float],
    second: tuple[int, int] = (0, 1 << 31),
) -> Batch:
    """Return the postings, with start positions, of the word pairs whose first term is lo..hi-1
    (and whose second term is in `second`)."""
    tok = corpus.tok
    size = len(corpus.terms)
    at = _select(tok, lo, hi, pairs=True, second=second)
    if not len(at):
        return empty_batch(pairs=True)
    code = (tok[at].astype(np.int64) - lo) * size + tok[at + 1]
    # Stable: within a pair, occurrences stay in (dispatch, position) order.
    order = np.argsort(code, kind="stable")
    at, code = at[order], code[order]
    del order
    doc, pos, field = _doc_and_field(corpus, at)
    del at
    new_group = np.ones(len(code), dtype=bool)
    new_group[1:] = (code[1:] != code[:-1]) | (doc[1:] != doc[:-1])
    groups = np.flatnonzero(new_group)
    group_of = np.cumsum(new_group) - 1
    tf = np.bincount(group_of * 3 + field, minlength=3 * len(groups)).reshape(-1, 3)
    previous = np.empty_like(pos)
    previous[1:] = pos[:-1]
    previous[new_group] = 0
    deltas = pos - previous
    counts = np.diff(_offsets(groups, len(code)))
    code, docs = code[groups], doc[groups]
    first = _starts(code[1:] != code[:-1])
    keys = code[first] + lo * size
    return Batch(keys, _offsets(first, len(code)), docs, levels(tf, docs, norm, boosts),
                 counts, deltas)


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
    if batch.counts is not None:
        assert batch.deltas is not None
        flags |= POSITIONS
        pofs = _offsets(np.cumsum(batch.counts) - batch.counts, len(batch.deltas))
        pos_len = varint_len(batch.deltas)
        per_posting = varint_len(batch.counts) + _segment_sum(pos_len, pofs)
        size = size + _segment_sum(per_posting, kofs)
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
    if batch.counts is not None:
        assert batch.deltas is not None
        posting_at = (base[owner] + doc_size[owner] + imp_size[owner]
                      + _within(per_posting, kofs, owner))
        count_len = varint_len(batch.counts)
        _put(buf, posting_at, batch.counts, count_len)
        of_posting = np.repeat(np.arange(len(batch.counts)), batch.counts)
        at = (posting_at + count_len)[of_posting] + _within(pos_len, pofs, of_posting)
        _put(buf, at, batch.deltas, pos_len)
    return base64.b64encode(buf.tobytes()).decode("ascii"), out // 3 * 4


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
        for starts in positions:
            varint(len(starts), out)
            previous = 0
            for start in starts:
                varint(start - previous, out)
                previous = start
    return bytes(out)


def bm25_level(tf: float, length: int, average: float) -> int:
    """Return the impact level of one field's term frequency (for tests and readers)."""
    score = tf * (K1 + 1) / (tf + K1 * ((1 - B) + B * length / average))
    return max(1, min(IMPACT_MAX, math.ceil(score / IMPACT_STEP)))
