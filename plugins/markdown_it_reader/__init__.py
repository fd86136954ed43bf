"""Pelican wiring: render Markdown pages with markdown-it-py instead of Python-Markdown."""

from __future__ import annotations

from typing import Any

from pelican import signals
from pelican.readers import BaseReader

from .render import split_metadata, to_html


class MarkdownItReader(BaseReader):
    """Reads .md files: 'Key: value' header lines, a blank line, then CommonMark."""

    enabled = True
    file_extensions = ["md", "markdown"]

    def read(self, source_path: str) -> tuple[str, dict[str, Any]]:
        """Return the HTML and the processed metadata of a Markdown page."""
        with open(source_path, encoding="utf-8") as handle:
            meta, body = split_metadata(handle.read())
        metadata = {key: self.process_metadata(key, value) for key, value in meta.items()}
        return to_html(body), metadata


def add_reader(readers: Any) -> None:
    """Register our reader for .md and .markdown, replacing Pelican's own."""
    for ext in MarkdownItReader.file_extensions:
        readers.reader_classes[ext] = MarkdownItReader


def forget_disabled_markdown(generator: Any) -> None:
    """Pelican warns about its Python-Markdown reader being disabled even though ours reads .md."""
    for ext in MarkdownItReader.file_extensions:
        generator.readers.disabled_readers.pop(ext, None)


def register() -> None:
    """Connect to Pelican's readers_init and generator_init signals."""
    signals.readers_init.connect(add_reader)
    signals.page_generator_init.connect(forget_disabled_markdown)
    signals.article_generator_init.connect(forget_disabled_markdown)
