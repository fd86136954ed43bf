"""Shard entries assembled as bytes with numpy, a batch of keys at a time.

At 100,000 dispatches there are some six million word pairs: three Python
string operations a pair cost more than the whole numpy part of the export.
An entry is ``"<key>",[<df>,"<record>"],``, or ``"<key>",[<df>,[<parts>]],`` for
a record kept in part files; each piece is a slice of a source buffer (the
terms, the records' base64, the df digits, constants), copied for all entries
at once.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

Ints = npt.NDArray[np.int64]
Bytes = npt.NDArray[np.uint8]
CHUNK = 1 << 20  # output bytes copied per step: index arrays stay a few MB

# A piece of every entry: the source buffer, where each entry's slice starts, its length.
Piece = tuple[Bytes, Ints | int, Ints | int]


def as_bytes(data: bytes | str) -> Bytes:
    """Return text or bytes as a uint8 array."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return np.frombuffer(raw, dtype=np.uint8)


def strings(items: Sequence[str]) -> tuple[Bytes, Ints]:
    """Return strings as one UTF-8 buffer and their byte offsets."""
    encoded = [item.encode("utf-8") for item in items]
    offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
    np.cumsum([len(e) for e in encoded], out=offsets[1:])
    return np.frombuffer(b"".join(encoded), dtype=np.uint8), offsets


def digits(values: Ints) -> Piece:
    """Return the decimal text of non-negative integers as a piece."""
    width = 20
    count = np.ones(len(values), dtype=np.int64)
    for power in range(1, width):
        count += values >= 10**power
    table = np.zeros((len(values), width), dtype=np.uint8)
    rest = values.copy()
    for column in range(width - 1, -1, -1):
        table[:, column] = 48 + rest % 10
        rest //= 10
    starts = np.arange(len(values), dtype=np.int64) * width + width - count
    return table.ravel(), starts, count


def constant(text: str, present: npt.NDArray[np.bool_] | None = None) -> Piece:
    """Return a constant piece, present in every entry or where present is true."""
    data = as_bytes(text)
    if present is None:
        return data, 0, len(data)
    return data, 0, np.where(present, len(data), 0).astype(np.int64)


def assemble(count: int, pieces: list[Piece]) -> tuple[Bytes, Ints]:
    """Concatenate the pieces of each entry; return the bytes and the entries' offsets."""
    lengths = [np.broadcast_to(np.asarray(p[2], dtype=np.int64), (count,)) for p in pieces]
    offsets = np.zeros(count + 1, dtype=np.int64)
    np.cumsum(sum(lengths, np.zeros(count, dtype=np.int64)), out=offsets[1:])
    out = np.empty(int(offsets[-1]), dtype=np.uint8)
    at = offsets[:-1].copy()
    for (source, start, _), length in zip(pieces, lengths, strict=True):
        if not len(source):
            continue
        starts = np.broadcast_to(np.asarray(start, dtype=np.int64), (count,))
        if len(source) == 1 and np.isscalar(start) and bool((length == 1).all()):
            out[at] = source[0]
        else:
            _copy(out, at, source, starts, length)
        at += length
    return out, offsets


def _copy(out: Bytes, at: Ints, source: Bytes, starts: Ints, lengths: Ints) -> None:
    """Copy source[starts[i]:starts[i] + lengths[i]] to out[at[i]:] for every i."""
    ends = np.cumsum(lengths)
    first = 0
    while first < len(lengths):
        last = int(np.searchsorted(ends, (ends[first - 1] if first else 0) + CHUNK, "right"))
        last = max(last, first + 1)
        size = lengths[first:last]
        total = int(size.sum())
        if total:
            step = np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(size) - size, size)
            out[np.repeat(at[first:last], size) + step] = source[
                np.repeat(starts[first:last], size) + step]
        first = last
