"""Pelican wiring of the dispatch archive: settings checked at start, one generator for all pages.

Dispatches are not Pelican articles: our generator reads, cleans and tags them (with a
per-dispatch cache), lays out plain-data page jobs and renders them with the theme's
templates, writing only files whose bytes changed. Pelican still drives the build: settings,
theme, Markdown pages, static files and plugins.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

from blinker import signal
from pelican import signals

from .build import ArchiveBuild, prepare

logger = logging.getLogger(__name__)

# Sent with the ArchiveBuild once the archive is read and modelled, before its pages are
# written, then once they are; archive_search listens to both.
archive_ready = signal("dispatch_archive_ready")
archive_built = signal("dispatch_archive_built")


def check_settings(pelican: Any) -> None:
    """Validate DISPATCH_* / ENTITY_* settings and the gazetteer before any content is read."""
    pelican.settings["_DISPATCH_PREPARED"] = prepare(pelican.settings)


class DispatchGenerator:
    """Pelican generator for dispatch, entity, archive, rules and report pages, and feeds."""

    def __init__(
        self,
        context: dict[str, Any],
        settings: dict[str, Any],
        path: str,
        theme: str,
        output_path: str,
        *args: Any,
        **kwargs: Any,
    ) -> None:
        self.context = context
        self.settings = settings
        self.output_path = Path(output_path)
        self.theme = Path(theme)
        prepared = settings.get("_DISPATCH_PREPARED") or prepare(settings)
        self.build = ArchiveBuild(prepared, Path(path), self.theme, self.output_path)

    def generate_context(self) -> None:
        """Read, clean and tag every dispatch; failures are logged and reported."""
        start = time.perf_counter()
        self.build.read()
        self.context["dispatch_archive"] = self.build
        outcome = self.build.outcome
        logger.info(
            "Dispatches: %d read (%d from cache), %d failed, %d tagged (the model read %d "
            "sentences, %d more from cache), in %.2f s",
            len(outcome.records),
            outcome.cache_hits,
            len(outcome.failures),
            outcome.tagged,
            outcome.model_read,
            outcome.model_reused,
            time.perf_counter() - start,
        )

    def generate_output(self, writer: Any) -> None:
        """Render and write every page, feed and the build report."""
        start = time.perf_counter()
        archive_ready.send(self.build)  # the search plugin starts its stages beside ours
        written = self.build.write()
        archive_built.send(self.build)
        logger.info(
            "Archive pages: %d files, %d rewritten, in %.2f s",
            self.build.stats["files"],
            written,
            time.perf_counter() - start,
        )


def get_generators(pelican: Any) -> type[DispatchGenerator]:
    """Add our generator to Pelican's."""
    return DispatchGenerator


def register() -> None:
    """Connect the plugin to Pelican's signals."""
    signals.initialized.connect(check_settings)
    signals.get_generators.connect(get_generators)
