"""DISPATCH_* and ENTITY_* settings, read once into frozen dataclasses and checked at start."""

from __future__ import annotations

import dataclasses
import difflib
import os
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, TypeVar


class SettingsError(Exception):
    """A setting is unknown or has the wrong type; the message names the fix."""


T = TypeVar("T")

# What an address written without quotes in a page's attributes may not hold.
_NOT_IN_BARE_ATTRIBUTE = frozenset(" \t\n\r\f\"'=<>`")


def check_siteurl(value: Any) -> str:
    """SITEURL as the pages write it: empty, or an address with no space, quote, « = », « < »,
    « > » or backtick. Pages write it, as a link's start, without quotes (render.py), and no
    valid address needs those characters written as they are (percent-encode them)."""
    if not isinstance(value, str):
        raise SettingsError(f"Setting SITEURL must be a string, not {type(value).__name__}.")
    bad = sorted(set(value) & _NOT_IN_BARE_ATTRIBUTE)
    if bad:
        raise SettingsError(
            f"Setting SITEURL {value!r} holds {' '.join(repr(c) for c in bad)}: write the address "
            "with those characters percent-encoded (a space is %20), e.g. "
            "'https://example.org/mon%20archive'.")
    return value


def _from_settings(cls: type[T], prefix: str, settings: Mapping[str, Any]) -> T:
    names = {f.name.upper(): f for f in fields(cls)}  # type: ignore[arg-type]
    values: dict[str, Any] = {}
    for key, value in settings.items():
        if not key.startswith(prefix):
            continue
        field_name = key[len(prefix) :]
        spec = names.get(field_name)
        if spec is None:
            close = difflib.get_close_matches(field_name, list(names), n=1)
            hint = f" Hint: did you mean {prefix}{close[0]}?" if close else ""
            known = ", ".join(prefix + n for n in sorted(names))
            raise SettingsError(f"Unknown setting {key!r}.{hint} Known settings: {known}.")
        default = spec.default
        if default is not dataclasses.MISSING and value is not None:
            expected = type(default)
            ok = isinstance(value, expected) and not (expected is int and isinstance(value, bool))
            if expected is float and isinstance(value, int) and not isinstance(value, bool):
                ok, value = True, float(value)
            if not ok:
                raise SettingsError(
                    f"Setting {key!r} has incorrect type: {type(value).__name__}, expected "
                    f"{expected.__name__}. Hint: {key} = {default!r} is the default."
                )
        values[spec.name] = value
    instance = cls(**values)
    check = getattr(instance, "check", None)
    if check is not None:
        check()
    return instance


@dataclass(frozen=True)
class DispatchSettings:
    """How raw dispatches are found, cached and laid out in pages."""

    path: str = "dispatches"  # folder of raw dispatches, relative to Pelican's PATH
    cache_path: str = ".cache"  # outside output/: per-dispatch cache, search index
    per_page: int = 50  # dispatch cards per listing page
    index_latest: int = 20  # dispatches on the home page
    feed_items: int = 50  # entries of the whole archive's Atom feed
    entity_feed_items: int = 20  # entries of an actor's or a place's Atom feed
    # Dispatches an entity's main page shows when its listing has period pages (more than
    # per_page dispatches): the rest is one click away, on the period pages.
    entity_latest: int = 10
    workers: int = 0  # processes for tagging and rendering; 0 means one per core
    site_description: str = ""  # shown on the home page and in feeds
    # From this many dispatches, the whole-archive exports (depeches.jsonl, .csv, .bib,
    # .csl.json) are written gzip-compressed (name + ".gz"); 0: never compressed.
    gzip_exports_from: int = 2000
    # The most memory the build's processes may hold at once, in MB (0: no limit): a large
    # archive is built with fewer processes at once (dispatch_archive/memory.py).
    memory_mb: int = 4000

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> DispatchSettings:
        """Read DISPATCH_* keys; raise SettingsError on an unknown key or a wrong type."""
        return _from_settings(cls, "DISPATCH_", settings)

    def check(self) -> None:
        """Refuse values that cannot work."""
        for name in ("per_page", "index_latest", "feed_items", "entity_feed_items",
                     "entity_latest"):
            if getattr(self, name) < 1:
                raise SettingsError(f"Setting DISPATCH_{name.upper()} must be at least 1.")
        if self.workers < 0:
            raise SettingsError("Setting DISPATCH_WORKERS must be 0 (one per core) or more.")
        if self.memory_mb != 0 and self.memory_mb < 256:
            raise SettingsError("Setting DISPATCH_MEMORY_MB must be 0 (no limit) or at least 256 "
                                "(megabytes the build's processes may hold at once).")
        if self.gzip_exports_from < 0:
            raise SettingsError("Setting DISPATCH_GZIP_EXPORTS_FROM must be 0 (never compress "
                                "the whole-archive exports) or a number of dispatches.")

    def worker_count(self) -> int:
        """Processes to use: the setting, or the machine's cores."""
        return self.workers or max(1, os.cpu_count() or 1)

    def dispatch_dir(self, content_path: str) -> Path:
        """Absolute folder of raw dispatches."""
        return Path(content_path) / self.path


@dataclass(frozen=True)
class EntitySettings:
    """Where the gazetteer is and how entities are found and shown."""

    gazetteer_path: str = "gazetteer"  # relative to Pelican's PATH
    discovery: bool = True  # spaCy NER finds entities the gazetteer does not know
    model: str = "fr_core_news_md"
    min_unverified: int = 1  # mentions needed before an unverified entity gets a page
    top: int = 12  # most-mentioned actors and places on the home page
    co_mentions: int = 10  # co-mentioned actors, and places, listed on an entity page
    co_min_shared: int = 2  # dispatches a co-mentioned entity must share to be listed

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> EntitySettings:
        """Read ENTITY_* keys; raise SettingsError on an unknown key or a wrong type."""
        return _from_settings(cls, "ENTITY_", settings)

    def check(self) -> None:
        """Refuse values that cannot work."""
        if self.top < 1:
            raise SettingsError("Setting ENTITY_TOP must be at least 1.")
        if self.min_unverified < 1:
            raise SettingsError("Setting ENTITY_MIN_UNVERIFIED must be at least 1.")
        for name in ("co_mentions", "co_min_shared"):
            if getattr(self, name) < 1:
                raise SettingsError(f"Setting ENTITY_{name.upper()} must be at least 1.")
