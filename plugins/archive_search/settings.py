"""SEARCH_* settings, read once into a frozen dataclass."""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Mapping
from typing import Any

PREFIX = "SEARCH_"


class SearchSettingsError(ValueError):
    """A SEARCH_* setting is unknown or has the wrong type."""


@dataclasses.dataclass(frozen=True)
class SearchSettings:
    """Every knob of the search engine; each field is the setting SEARCH_<FIELD NAME>."""

    # Where the Whoosh index is cached, relative to the project (outside output/).
    index_dir: str = ".cache/search/whoosh"
    # Where the client index goes, relative to the output folder; recherche.html expects it.
    output_dir: str = "recherche/idx"
    # Bring the Whoosh index of `invoke search` up to date in the site build (by id and
    # content hash, from the document store); False leaves it to the first search.
    whoosh: bool = True
    # Whoosh writer: memory per pool before it spills to disk, and worker processes, for an
    # incremental update (a full build writes from the store, in one process).
    writer_limitmb: int = 256
    writer_procs: int = 1
    # Processes that analyse the dispatches for the document store when a build has
    # thousands to analyse (a first build); 1 analyses them in the build's process.
    store_workers: int = 2
    # Field weights in the score (title words count more than body words).
    title_boost: float = 2.0
    alias_boost: float = 1.0
    # Bytes of base64 postings a term shard holds before a new shard starts.
    shard_bytes: int = 8_000
    # The same for word-pair shards: there are ten times more pairs than terms, and each
    # file costs the build a file creation; a phrase query loads one shard per pair.
    pair_shard_bytes: int = 24_000
    # A word pair's start positions are cut, at dispatch boundaries, into parts of about
    # this many bytes (before base64): a phrase of 3+ words loads only the parts that hold
    # the dispatches it still has to check.
    position_part_bytes: int = 3_000
    # Runs of 3 to SEARCH_PHRASE_MAX_WORDS words found in at least this many dispatches get
    # a record of their own (dispatches and impacts, no positions): a phrase that common
    # (« Bachar al-Assad », an entity's long name) loads one record, no positions.
    phrase_min_docs: int = 32
    phrase_max_words: int = 8
    # A term's postings larger than this are cut into parts of this size.
    part_bytes: int = 48_000
    # Entries of a directory (shard list) before it is itself split into directory shards.
    directory_entries: int = 96
    # Result cards per block file (fewer: less to load per page, but more files to write:
    # at 100,000 dispatches, 4 a file made 25,000 files, 8 make 12,500).
    cards_per_block: int = 8
    # Card blocks whose file names share one hash, listed in the manifest.
    card_group_blocks: int = 128
    # Facet values whose counts the results page shows (per facet).
    facet_top: int = 8
    # A prefix (prés*) expands to at most this many terms, the most frequent first.
    prefix_max_terms: int = 64
    # Results per page, in the browser and for `invoke search`.
    page_size: int = 10

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> SearchSettings:
        """Build from Pelican-style settings; fail on an unknown or mistyped SEARCH_* key."""
        fields = {f.name: f for f in dataclasses.fields(cls)}
        known = {PREFIX + name.upper(): name for name in fields}
        values: dict[str, Any] = {}
        for key, value in settings.items():
            if not key.startswith(PREFIX):
                continue
            if key not in known:
                close = difflib.get_close_matches(key, list(known), n=1)
                hint = f" Hint: did you mean {close[0]}?" if close else ""
                raise SearchSettingsError(f"Unknown setting {key!r}.{hint}")
            name = known[key]
            default = getattr(cls, name)
            expected = type(default)
            if expected is float and isinstance(value, int) and not isinstance(value, bool):
                value = float(value)
            wrong_bool = isinstance(value, bool) and expected is not bool
            if not isinstance(value, expected) or wrong_bool:
                raise SearchSettingsError(
                    f"Setting {key!r} has incorrect type {type(value).__name__}."
                    f" Hint: it takes a {expected.__name__}, like {default!r}."
                )
            values[name] = value
        instance = cls(**values)
        instance.validate()
        return instance

    def validate(self) -> None:
        """Refuse values the engine cannot work with."""
        for name in ("shard_bytes", "pair_shard_bytes", "part_bytes", "directory_entries",
                     "cards_per_block", "position_part_bytes", "phrase_min_docs",
                     "phrase_max_words",
                     "card_group_blocks", "facet_top", "prefix_max_terms", "page_size",
                     "writer_limitmb", "writer_procs", "store_workers"):
            if getattr(self, name) < 1:
                raise SearchSettingsError(
                    f"Setting {PREFIX + name.upper()!r} must be at least 1."
                )

    @staticmethod
    def setting_names() -> list[str]:
        """Return every setting name, for the documentation test."""
        return [PREFIX + f.name.upper() for f in dataclasses.fields(SearchSettings)]
