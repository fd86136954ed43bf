"""Offline search for the dispatch archive: Whoosh index, static client index, browser client.

Pelican wiring only: settings are checked when Pelican starts. Once dispatch_archive has read
the archive, a process of its own (forked, or spawned for a large archive: the build's memory
plan, dispatch_archive/memory.py) brings the document store (in the cache folder) up to date,
exports the client index into output/ as classic-script shards (unchanged files hard-linked
from the previous output) and the Whoosh index of `invoke search` (SEARCH_WHOOSH, True by
default), while dispatch_archive renders its pages; it is joined once they are written. The
logic lives in the sibling modules.
"""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path
from typing import Any

from blinker import signal
from pelican import signals

from .settings import SearchSettings

logger = logging.getLogger(__name__)

# The search process of each build under way, by id(build) (start_search, index_archive).
_RUNNING: dict[int, Any] = {}

# Set by `invoke build` (dispatch_archive.swap) to the output being replaced: the build
# writes into a fresh folder, and unchanged client-index files are hard-linked from there.
PREVIOUS_OUTPUT_ENV = "DISPATCH_PREVIOUS_OUTPUT"


def check_settings(pelican: Any) -> None:
    """Fail at start on an unknown or mistyped SEARCH_* setting."""
    SearchSettings.from_settings(pelican.settings)


def _where(build: Any) -> tuple[SearchSettings, Path, Path, Path | None]:
    settings = SearchSettings.from_settings(build.prepared.raw)
    # The index lives in the build's cache folder unless SEARCH_INDEX_DIR says otherwise, so
    # two archives (or two test builds) never share one index.
    explicit = build.prepared.raw.get("SEARCH_INDEX_DIR")
    index_dir = Path(explicit) if explicit else build.cache_dir / "search" / "whoosh"
    previous = os.environ.get(PREVIOUS_OUTPUT_ENV)
    return (settings, index_dir, build.output_path / settings.output_dir,
            Path(previous) / settings.output_dir if previous else None)


def start_search(build: Any) -> None:
    """Once the archive is read: start the search stages in a process of their own, beside
    the rendering of the pages (joined in index_archive)."""
    from .pipeline import SearchChild, can_fork

    if not can_fork():
        return
    settings, index_dir, out_dir, previous_dir = _where(build)
    plan = getattr(build, "plan", None)
    # A large archive's search process is a fresh interpreter reading the documents back
    # from a file (dispatch_archive/memory.py says when): a forked one copies the pages of
    # this process's heap it allocates into.
    spool = (build.cache_dir / "search" / f"docs-{os.getpid()}.pickle"
             if plan is not None and plan.spawn_search else None)
    _RUNNING[id(build)] = SearchChild(build.search_docs, index_dir, out_dir, settings,
                                      previous_dir=previous_dir, spool=spool)


def index_archive(build: Any) -> None:
    """Once the pages are written: the document store, the client export and the Whoosh index
    of `invoke search` are up to date (SEARCH_WHOOSH; beside the export), from the process
    start_search began, or here when it could not."""
    from .pipeline import build_search

    started = time.perf_counter()
    child = _RUNNING.pop(id(build), None)
    if child is not None:
        done = child.join()
        build.timings["search_wait"] = time.perf_counter() - started
    else:
        settings, index_dir, out_dir, previous_dir = _where(build)
        done = build_search(build.search_docs(), index_dir, out_dir, settings,
                            previous_dir=previous_dir)
    build.timings.update(done.timings)
    if hasattr(build, "spans"):
        build.spans.update(done.spans)
    build.written_paths += [p.relative_to(build.output_path).as_posix() for p in done.files]
    logger.info("Search: index %s, %d client files", done.counts, len(done.files))


def register() -> None:
    """Connect to Pelican's start and to dispatch_archive's end of writing."""
    signals.initialized.connect(check_settings)
    signal("dispatch_archive_ready").connect(start_search)
    signal("dispatch_archive_built").connect(index_archive)
