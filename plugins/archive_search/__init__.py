"""Offline search for the dispatch archive: Whoosh index, static client index, browser client.

Pelican wiring only: settings are checked when Pelican starts, and once dispatch_archive has
written its pages, the document store (in the cache folder) is brought up to date and the
client index exported into output/ as classic-script shards (unchanged files hard-linked from
the previous output), and the Whoosh index of `invoke search` is brought up to date from the
store (SEARCH_WHOOSH, True by default). The logic lives in the sibling modules.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from blinker import signal
from pelican import signals

from .settings import SearchSettings

logger = logging.getLogger(__name__)

# Set by `invoke build` (dispatch_archive.swap) to the output being replaced: the build
# writes into a fresh folder, and unchanged client-index files are hard-linked from there.
PREVIOUS_OUTPUT_ENV = "DISPATCH_PREVIOUS_OUTPUT"


def check_settings(pelican: Any) -> None:
    """Fail at start on an unknown or mistyped SEARCH_* setting."""
    SearchSettings.from_settings(pelican.settings)


def index_archive(build: Any) -> None:
    """Update the document store from the built archive, export the client index and bring
    the Whoosh index of `invoke search` up to date (SEARCH_WHOOSH; beside the export)."""
    from .pipeline import build_search

    settings = SearchSettings.from_settings(build.prepared.raw)
    # The index lives in the build's cache folder unless SEARCH_INDEX_DIR says otherwise, so
    # two archives (or two test builds) never share one index.
    explicit = build.prepared.raw.get("SEARCH_INDEX_DIR")
    index_dir = Path(explicit) if explicit else build.cache_dir / "search" / "whoosh"
    previous = os.environ.get(PREVIOUS_OUTPUT_ENV)
    done = build_search(
        build.search_docs(), index_dir, build.output_path / settings.output_dir, settings,
        previous_dir=Path(previous) / settings.output_dir if previous else None,
    )
    build.timings.update(done.timings)
    build.written_paths += [p.relative_to(build.output_path).as_posix() for p in done.files]
    logger.info("Search: index %s, %d client files", done.counts, len(done.files))


def register() -> None:
    """Connect to Pelican's start and to dispatch_archive's end of writing."""
    signals.initialized.connect(check_settings)
    signal("dispatch_archive_built").connect(index_archive)
