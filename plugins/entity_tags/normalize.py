"""Fold text for matching: case, accents, hyphens and apostrophes, with offsets kept."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Characters that separate words the same way a space does when matching names.
_SPACE_LIKE = set("-‐‑‒–—_/\u00a0\u202f\u2009")
_APOSTROPHES = set("’‘`´ʼ")


@lru_cache(maxsize=4096)
def fold_char(char: str) -> str:
    """Fold one character: lowercase, no accent, hyphens as spaces, one apostrophe."""
    if char in _SPACE_LIKE or char.isspace():
        return " "
    if char in _APOSTROPHES:
        return "'"
    decomposed = unicodedata.normalize("NFKD", char.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)) or char


class _FoldTable(dict[int, str]):
    """fold_char of every code point, as str.translate reads it: filled on first use."""

    def __missing__(self, code: int) -> str:
        folded = self[code] = fold_char(chr(code))
        return folded


_TABLE = _FoldTable()


def fold_with_offsets(text: str) -> tuple[str, list[int] | None]:
    """Return the folded text and, if lengths differ, the source index of each folded char."""
    folded = text.translate(_TABLE)  # "".join(fold_char(c) for c in text), in C
    if len(folded) == len(text):
        return folded, None  # one folded char per source char: offsets are identical
    index: list[int] = []
    for i, c in enumerate(text):
        index.extend([i] * len(fold_char(c)))
    return folded, index


_WS = re.compile(r"\s+")


@lru_cache(maxsize=1 << 16)
def fold(text: str) -> str:
    """Fold a name for comparison: folded characters, runs of spaces collapsed, trimmed
    (memoised: tagging one dispatch folds some 200 names and words, most of them seen
    before; 16% of resolve()'s time went to folding)."""
    return _WS.sub(" ", text.translate(_TABLE)).strip()


_NOT_SLUG = re.compile(r"[^a-z0-9]+")


@lru_cache(maxsize=1 << 16)
def slugify(text: str, max_length: int = 80) -> str:
    """Lowercase ASCII slug with hyphens; empty input gives an empty slug (memoised: a
    resident rebuild slugs every title again)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = _NOT_SLUG.sub("-", ascii_text.lower()).strip("-")
    if len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0] or slug[:max_length]
    return slug
