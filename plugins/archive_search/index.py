"""The index of the cleaned dispatches: the document store, and the Whoosh index built from it.

build_index() only updates the document store (store.py): the client export
reads it, and the site build never waits for Whoosh. The Whoosh index, which
`invoke search` needs (BM25F ranking, snippets), follows the store when a
search first opens it (ensure_whoosh), by id and content hash like the store.
"""

from __future__ import annotations

import json
import logging
import shutil
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from whoosh import fields, formats, index

from .analysis import analyze, french_analyzer
from .settings import SearchSettings
from .store import (
    IndexError_,
    check_doc,
    connect,
    doc_hash,
    documents,
    entity_aliases,
    entity_forms,
    hashes,
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
    follows on the next search (ensure_whoosh).
    """
    return update_store(docs, Path(index_dir))


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
            sources = documents(con)
        else:
            ix = index.open_dir(str(folder))
            sources = documents(con, sorted(changed))
        assert previous is not None
        procs = settings.writer_procs if full else 1
        writer = ix.writer(limitmb=settings.writer_limitmb, procs=procs, multisegment=procs > 1)
        try:
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
