"""The Whoosh index of the cleaned dispatches: schema and (incremental) build."""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from whoosh import fields, formats, index

from .analysis import analyze, french_analyzer
from .settings import SearchSettings

logger = logging.getLogger(__name__)

# Bump when the schema or the analysis changes: the next build starts afresh.
SCHEMA_VERSION = 2
STATE_FILE = "archive_search.json"
TEXT_FIELDS = ("title", "body", "aliases")
REQUIRED_KEYS = ("id", "url", "title", "body")


class IndexError_(ValueError):
    """A document cannot be indexed (kept apart from the builtin IndexError)."""


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


def doc_hash(doc: Mapping[str, Any]) -> str:
    """Return a hash of everything in a document that the index depends on."""
    payload = json.dumps(doc, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha1(payload.encode("utf-8")).hexdigest()


def entity_aliases(doc: Mapping[str, Any]) -> list[str]:
    """Return every written form of every entity a document carries (document expansion)."""
    out: list[str] = []
    for key in ("actors", "locations"):
        for entity in doc.get(key) or []:
            forms = list(entity.get("aliases") or [])
            name = entity.get("name")
            if name and name not in forms:
                forms.insert(0, name)
            out.extend(forms)
    return out


def check_doc(doc: Mapping[str, Any]) -> None:
    """Raise IndexError_ when a document breaks the pipeline contract."""
    for key in REQUIRED_KEYS:
        if not isinstance(doc.get(key), str):
            raise IndexError_(f"dispatch {doc.get('id')!r}: {key!r} must be a string")
    date = doc.get("date")
    if date is not None and (not isinstance(date, str) or len(date) != 10):
        raise IndexError_(f"dispatch {doc['id']!r}: date must be YYYY-MM-DD or None")


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
    """Keep what the client needs of an entity."""
    return {
        "slug": entity["slug"],
        "name": entity["name"],
        "aliases": list(entity.get("aliases") or [entity["name"]]),
    }


def _read_state(index_dir: Path) -> dict[str, str] | None:
    """Return id → hash of the indexed documents, or None when a full build is needed."""
    path = index_dir / STATE_FILE
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(state, dict) or state.get("schema") != SCHEMA_VERSION:
        return None
    try:
        if not index.exists_in(str(index_dir)):
            return None
    except Exception:  # noqa: BLE001 - any unreadable index is rebuilt, whatever broke it
        logger.warning("search index: %s is unreadable, rebuilding it", index_dir)
        return None
    hashes = state.get("hashes")
    return dict(hashes) if isinstance(hashes, dict) else None


def build_index(
    docs: Iterable[Mapping[str, Any]],
    index_dir: Path,
    settings: SearchSettings | None = None,
) -> dict[str, int]:
    """(Re)build the Whoosh index in index_dir; return counts of added, deleted, kept documents.

    Documents are keyed by id and a hash of their content: an unchanged
    document is left alone, a changed one is replaced, a vanished one deleted.
    A bad document is logged and skipped, the rest is indexed.
    """
    settings = settings or SearchSettings()
    index_dir = Path(index_dir)
    wanted: dict[str, tuple[str, Mapping[str, Any]]] = {}
    for doc in docs:
        try:
            check_doc(doc)
        except IndexError_ as error:
            logger.warning("search index: skipped a dispatch: %s", error)
            continue
        if doc["id"] in wanted:
            logger.warning("search index: duplicate dispatch id %s, keeping the first", doc["id"])
            continue
        wanted[doc["id"]] = (doc_hash(doc), doc)

    previous = _read_state(index_dir)
    changed = len(wanted) if previous is None else sum(
        1 for key, (digest, _) in wanted.items() if previous.get(key) != digest
    )
    removed = 0 if previous is None else sum(1 for key in previous if key not in wanted)
    # Rewriting a third of the index costs about as much as building it anew.
    full = previous is None or (changed + removed) * 3 > max(len(wanted), 1)
    if full:
        if index_dir.exists():
            shutil.rmtree(index_dir)
        index_dir.mkdir(parents=True)
        ix = index.create_in(str(index_dir), make_schema(settings))
        previous = {}
    else:
        ix = index.open_dir(str(index_dir))
    assert previous is not None

    procs = settings.writer_procs if full else 1
    writer = ix.writer(limitmb=settings.writer_limitmb, procs=procs, multisegment=procs > 1)
    added = deleted = 0
    try:
        for key in previous:
            if key not in wanted or previous[key] != wanted[key][0]:
                writer.delete_by_term("id", key)
                deleted += 1
        for key, (digest, doc) in wanted.items():
            if previous.get(key) == digest:
                continue
            writer.add_document(**index_fields(doc, digest))
            added += 1
    except BaseException:
        writer.cancel()
        raise
    if full:
        writer.commit()
    else:
        writer.commit(optimize=False)
    state = {"schema": SCHEMA_VERSION, "hashes": {k: v[0] for k, v in sorted(wanted.items())}}
    (index_dir / STATE_FILE).write_text(
        json.dumps(state, separators=(",", ":")), encoding="utf-8"
    )
    kept = len(wanted) - added
    logger.info(
        "search index: %s written, %s deleted or replaced, %s kept in %s",
        added, deleted, kept, index_dir,
    )
    return {"added": added, "deleted": deleted, "kept": kept, "total": len(wanted)}
