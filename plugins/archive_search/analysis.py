"""French analysis shared by the Whoosh index and the browser client.

The pipeline, in this order (theme/static/js/search/analysis.js is a line-by-line port):

1. fold each character on its own: typographic apostrophes become ``'``, NFKD,
   lowercase, combining marks dropped, ligatures spelled out (``œ`` → ``oe``);
2. cut tokens: runs of letters and digits, joined by inner apostrophes;
3. elision: a leading ``l'``, ``d'``, ``qu'``… is dropped, other apostrophes are
   removed (``aujourd'hui`` → ``aujourdhui``);
4. Snowball French stemming (Whoosh's port).

Folding comes before stemming on purpose: the stemmer then never sees an accent,
so « élection » and « election » give the same term by construction, whatever
the stemmer would have done with the accented suffix.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from typing import NamedTuple

from whoosh.analysis import Token, Tokenizer
from whoosh.lang.snowball.french import FrenchStemmer

# Written forms of the apostrophe found in scraped dispatches. Each maps to "'".
APOSTROPHES: dict[str, str] = {
    "\u2019": "'",  # ’ right single quotation mark: the usual French typographic apostrophe
    "\u2018": "'",  # ‘ left single quotation mark: word processors' "smart quote" mistakes
    "\u02bc": "'",  # ʼ modifier letter apostrophe: some CMSes; a letter, so it would glue words
    "\u00b4": "'",  # ´ acute accent typed for an apostrophe; NFKD would turn it into a mark
    "`": "'",  # grave accent typed for an apostrophe on some keyboards
}

# Letters that NFKD leaves whole but a reader types as two letters.
LIGATURES: dict[str, str] = {
    "œ": "oe",  # « cœur », « œuvre »: readers type "coeur"
    "æ": "ae",  # « curriculum vitæ »
    "ß": "ss",  # German names in dispatches (« Straße »)
    "ς": "σ",  # Greek final sigma: folded one character at a time, so never context-dependent
}

# Elided articles, pronouns and conjunctions (Lucene's French elision set).
ELISIONS: frozenset[str] = frozenset(
    {
        "l",  # l'armée, l'ONU
        "d",  # d'Idleb, d'explosifs
        "qu",  # qu'entraînerait
        "j",  # j'ai
        "n",  # n'a
        "s",  # s'est
        "c",  # c'est
        "m",  # m'a
        "t",  # t'a
        "jusqu",  # jusqu'à
        "lorsqu",  # lorsqu'il
        "puisqu",  # puisqu'elle
        "quoiqu",  # quoiqu'il
    }
)

# Runs of letters/digits, joined by inner apostrophes. [^\W_] is "alphanumeric";
# the JavaScript port uses [\p{L}\p{N}].
TOKEN_RE = re.compile(r"[^\W_]+(?:'[^\W_]+)*")

_STEMMER = FrenchStemmer()


def fold_char(char: str) -> str:
    """Fold one character: apostrophes, NFKD, lowercase, no combining marks, ligatures."""
    char = APOSTROPHES.get(char, char)
    decomposed = unicodedata.normalize("NFKD", char).lower()
    out = []
    for c in decomposed:
        if unicodedata.category(c) == "Mn":
            continue
        out.append(LIGATURES.get(c, c))
    return "".join(out)


class _FoldTable(dict[int, str]):
    """A str.translate table that folds each character the first time it is seen."""

    def __missing__(self, codepoint: int) -> str:
        folded = fold_char(chr(codepoint))
        self[codepoint] = folded
        return folded


_FOLD_TABLE = _FoldTable()


def fold(text: str) -> str:
    """Fold a whole text, one character at a time."""
    return text.translate(_FOLD_TABLE)


def unelide(token: str) -> str:
    """Drop a leading elision and the remaining apostrophes of a folded token."""
    if "'" not in token:
        return token
    head, _, rest = token.partition("'")
    if head in ELISIONS:
        token = rest
    return token.replace("'", "")


MAX_STEMMED = 100  # longer "words" (scraped junk) are kept whole, in both ports


def stem(word: str) -> str:
    """Stem a folded, unelided word with the Snowball French stemmer."""
    if len(word) > MAX_STEMMED or any(ord(char) > 0xFFFF for char in word):
        # JavaScript counts astral characters twice: the stemmer's regions would differ.
        # No French word is 100 letters long, and the stemmer is quadratic in word length.
        return word
    try:
        return str(_STEMMER.stem(word))
    except IndexError:
        # Whoosh's port indexes past the start of some short words; keep them whole
        # (the JavaScript port throws and keeps them whole too).
        return word


class _TermCache(dict[str, str]):
    """Raw token → term; dispatches repeat the same few thousand forms."""

    def __missing__(self, raw: str) -> str:
        term = stem(unelide(raw))
        self[raw] = term
        return term


_TERMS = _TermCache()


def analyze(text: str) -> list[str]:
    """Return the terms of a text, in order."""
    return list(map(_TERMS.__getitem__, TOKEN_RE.findall(fold(text))))


def raw_tokens(text: str) -> list[str]:
    """Return the folded tokens of a text, before elision and stemming (see term_of)."""
    return TOKEN_RE.findall(fold(text))


def term_of(raw: str) -> str:
    """Return the term of one raw token: analyze(text) == [term_of(t) for t in raw_tokens(text)]."""
    return _TERMS[raw]


def analyze_unstemmed(text: str) -> list[str]:
    """Return the folded, unelided words of a text (for prefix queries)."""
    return [unelide(raw) for raw in TOKEN_RE.findall(fold(text))]


class Span(NamedTuple):
    """A term and where its word stands in the original text."""

    term: str
    start: int
    end: int


def analyze_spans(text: str) -> list[Span]:
    """Return the terms of a text with the character range of each word in the original."""
    pieces: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        folded = _FOLD_TABLE[ord(char)]
        pieces.append(folded)
        origin.extend([index] * len(folded))
    origin.append(len(text))
    folded_text = "".join(pieces)
    spans = []
    for match in TOKEN_RE.finditer(folded_text):
        start = origin[match.start()]
        last = origin[match.end() - 1]
        spans.append(Span(_TERMS[match.group()], start, last + 1))
    return spans


def bigrams(terms: list[str]) -> list[str]:
    """Return the adjacent pairs of a term sequence, as "a b" strings."""
    return [f"{a} {b}" for a, b in zip(terms, terms[1:], strict=False)]


class FrenchTokenizer(Tokenizer):  # type: ignore[misc]
    """The whole analysis as a Whoosh tokenizer, for Whoosh's own tools (parsers, highlighter)."""

    def __call__(  # type: ignore[override]
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        mode: str = "",
        **kwargs: object,
    ) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for pos, span in enumerate(analyze_spans(value)):
            token.text = span.term
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = value[span.start : span.end]
            if positions:
                token.pos = start_pos + pos
            if chars:
                token.startchar = start_char + span.start
                token.endchar = start_char + span.end
            yield token


def french_analyzer() -> FrenchTokenizer:
    """Return the Whoosh analyzer for every text field of the index."""
    return FrenchTokenizer()
