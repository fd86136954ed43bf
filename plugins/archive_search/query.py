"""Query language and search over the Whoosh index (`invoke search`).

The grammar, shared with theme/static/js/search/engine.js:

* words separated by spaces, all of which must match (title, body or an alias
  of an entity the dispatch carries);
* "quoted phrases" (« » and “ ” too): the words must follow one another in the
  title, the body or one alias; a word that analyses into several terms
  (« cessez-le-feu », « États-Unis ») is a phrase as well;
* ``prés*``: the index terms that start with the folded prefix, plus the stem of
  the prefix itself, at most SEARCH_PREFIX_MAX_TERMS of them, most frequent
  first; no prefix matching otherwise.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh import query as Q
from whoosh.searching import Searcher

from .analysis import analyze, analyze_spans, analyze_unstemmed, stem
from .index import TEXT_FIELDS, ensure_whoosh
from .settings import SearchSettings

logger = logging.getLogger(__name__)

# Typographic quotes a French reader types around a phrase.
QUOTES = str.maketrans({"«": '"', "»": '"', "“": '"', "”": '"', "„": '"'})
CHUNK_RE = re.compile(r'"([^"]*)"?|(\S+)')
MIN_PREFIX = 2
SNIPPET_CHARS = 180


class QueryError(ValueError):
    """A filter value is malformed (a date that is not YYYY-MM-DD)."""


@dataclasses.dataclass(frozen=True)
class Clause:
    """One required part of a query: a term, a phrase (2+ terms) or a prefix."""

    kind: str  # "term", "phrase" or "prefix"
    terms: tuple[str, ...]


def parse(text: str) -> list[Clause]:
    """Parse a query string into required clauses (engine.js `parse` is the same)."""
    clauses: list[Clause] = []
    for match in CHUNK_RE.finditer(text.translate(QUOTES)):
        quoted, word = match.group(1), match.group(2)
        if quoted is not None:
            _add_terms(clauses, analyze(quoted))
            continue
        if word.endswith("*"):
            words = analyze_unstemmed(word.rstrip("*"))
            if words and len(words[-1]) >= MIN_PREFIX:
                for head in words[:-1]:
                    _add_terms(clauses, [stem(head)])
                clauses.append(Clause("prefix", (words[-1],)))
                continue
        _add_terms(clauses, analyze(word))
    return clauses


def _add_terms(clauses: list[Clause], terms: list[str]) -> None:
    """Append a term clause (one term) or a phrase clause (several)."""
    if len(terms) == 1:
        clauses.append(Clause("term", (terms[0],)))
    elif len(terms) > 1:
        clauses.append(Clause("phrase", tuple(terms)))


@dataclasses.dataclass(frozen=True)
class Hit:
    """One matching dispatch."""

    id: str
    title: str
    url: str
    date: str | None
    score: float
    snippet: str


@dataclasses.dataclass(frozen=True)
class SearchResult:
    """The total count and the hits of one page."""

    total: int
    hits: list[Hit]
    ids: list[str]  # every matching id, ranked (the hits are the first of them)


def expand_prefix(searcher: Searcher, prefix: str, limit: int) -> list[str]:
    """Return the terms a prefix stands for: most frequent first, then alphabetical."""
    reader = searcher.reader()
    own = stem(prefix)
    candidates: set[str] = set()
    for field in TEXT_FIELDS:
        if field not in reader.schema:
            continue
        candidates.update(
            t.decode("utf-8") if isinstance(t, bytes) else str(t)
            for t in reader.expand_prefix(field, prefix)
        )
        if (field, own) in reader:
            candidates.add(own)
    freq = {}
    for term in candidates:
        docs: set[int] = set()
        for field in TEXT_FIELDS:
            if (field, term) in reader:
                docs.update(reader.postings(field, term).all_ids())
        freq[term] = len(docs)
    return sorted(candidates, key=lambda t: (-freq[t], t))[:limit]


def _any_field(term: str) -> Q.Query:
    """Match a term in any text field."""
    return Q.Or([Q.Term(field, term) for field in TEXT_FIELDS])


def _check_date(value: str | None, name: str) -> None:
    """Refuse a date filter that is not YYYY-MM-DD."""
    if value is not None and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise QueryError(f"--{name} takes a date as YYYY-MM-DD, not {value!r}")


def _contains(sequences: Iterable[list[str]], phrase: tuple[str, ...]) -> bool:
    """Tell whether the phrase stands, word after word, in one of the sequences."""
    size = len(phrase)
    for seq in sequences:
        for i in range(len(seq) - size + 1):
            if seq[i] == phrase[0] and tuple(seq[i : i + size]) == phrase:
                return True
    return False


def _doc_sequences(stored: dict[str, Any]) -> list[list[str]]:
    """Return the term sequences in which a phrase may stand: title, body, each alias."""
    meta = json.loads(stored["meta"])
    seqs = [analyze(stored.get("title", "")), analyze(stored.get("body", ""))]
    for key in ("actors", "locations"):
        for entity in meta[key]:
            seqs.extend(analyze(alias) for alias in entity["aliases"])
    return seqs


def search(
    index_dir: Path,
    query: str,
    acteur: str | None = None,
    lieu: str | None = None,
    de: str | None = None,
    a: str | None = None,
    limit: int | None = None,
    annee: str | None = None,
    settings: SearchSettings | None = None,
) -> SearchResult:
    """Search the index: every clause must match; filters narrow; ranked by BM25F."""
    settings = settings or SearchSettings()
    _check_date(de, "de")
    _check_date(a, "a")
    clauses = parse(query)
    filters: list[Q.Query] = []
    if acteur:
        filters.append(Q.Term("actor", acteur))
    if lieu:
        filters.append(Q.Term("place", lieu))
    if annee:
        filters.append(Q.Term("year", annee))
    if de or a:
        filters.append(Q.TermRange("date", de, a, startexcl=False, endexcl=False))
    if not clauses and not filters:
        return SearchResult(0, [], [])

    ix = whoosh_index.open_dir(str(ensure_whoosh(Path(index_dir), settings)))
    with ix.searcher() as searcher:
        parts: list[Q.Query] = []
        highlight: set[str] = set()
        phrases: list[tuple[str, ...]] = []
        for clause in clauses:
            if clause.kind == "prefix":
                expanded = expand_prefix(searcher, clause.terms[0], settings.prefix_max_terms)
                if not expanded:
                    return SearchResult(0, [], [])
                parts.append(Q.Or([_any_field(t) for t in expanded]))
                highlight.update(expanded)
            else:
                parts.extend(_any_field(t) for t in dict.fromkeys(clause.terms))
                highlight.update(clause.terms)
                if clause.kind == "phrase":
                    phrases.append(clause.terms)
        text_query: Q.Query = Q.And(parts) if parts else Q.Every()
        filter_query = Q.And(filters) if filters else None
        results = searcher.search(text_query, filter=filter_query, limit=None)
        ranked: list[tuple[float, int]] = [(hit.score or 0.0, hit.docnum) for hit in results]
        if phrases:
            kept = []
            for score, docnum in ranked:
                sequences = _doc_sequences(searcher.stored_fields(docnum))
                if all(_contains(sequences, phrase) for phrase in phrases):
                    kept.append((score, docnum))
            ranked = kept
        stored = {docnum: searcher.stored_fields(docnum) for _, docnum in ranked}
        if not parts:
            # Browsing by facet: newest first, like the browser.
            ranked.sort(key=lambda sd: (stored[sd[1]].get("date") or "", stored[sd[1]]["id"]),
                        reverse=True)
        ids = [stored[docnum]["id"] for _, docnum in ranked]
        hits = []
        for score, docnum in ranked[: limit if limit is not None else len(ranked)]:
            fields = stored[docnum]
            meta = json.loads(fields["meta"])
            hits.append(
                Hit(
                    id=fields["id"],
                    title=fields.get("title", ""),
                    url=meta["url"],
                    date=fields.get("date"),
                    score=round(score, 4),
                    snippet=snippet(fields.get("body", ""), highlight),
                )
            )
        return SearchResult(len(ranked), hits, ids)


def mark(text: str, terms: set[str], before: str = "[", after: str = "]") -> str:
    """Wrap the words of text whose term is in terms."""
    out = []
    last = 0
    for span in analyze_spans(text):
        if span.term in terms:
            out.append(text[last : span.start])
            out.append(before + text[span.start : span.end] + after)
            last = span.end
    out.append(text[last:])
    return "".join(out)


def snippet(
    body: str, terms: set[str], size: int = SNIPPET_CHARS, before: str = "[", after: str = "]"
) -> str:
    """Return the window of the body with the most distinct query terms, marked."""
    spans = [s for s in analyze_spans(body) if s.term in terms]
    if not spans:
        cut = body[:size]
        return cut + ("…" if len(body) > size else "")
    best_start, best_score = spans[0].start, -1
    for i, first in enumerate(spans):
        seen = {s.term for s in spans[i:] if s.end - first.start <= size}
        if len(seen) > best_score:
            best_start, best_score = first.start, len(seen)
    start = max(0, body.rfind(" ", 0, max(0, best_start - 30)) + 1)
    end = min(len(body), start + size)
    if end < len(body):
        space = body.rfind(" ", start, end)
        end = space if space > best_start else end
    window = body[start:end].replace("\n", " ")
    text = mark(window, terms, before, after)
    return ("…" if start > 0 else "") + text + ("…" if end < len(body) else "")
