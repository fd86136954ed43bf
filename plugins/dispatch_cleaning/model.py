"""Plain records passed between the reading, cleaning and tagging stages."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Metadata:
    """What the file says about itself; never guessed."""

    date: str | None = None  # ISO 8601 date or datetime, as validated by the reader
    source: str | None = None
    url: str | None = None
    lang: str | None = None


@dataclass(frozen=True)
class RawDispatch:
    """A raw file decoded and split into its title and blocks, nothing removed yet."""

    path: str  # as given to the reader, POSIX separators
    title: str
    blocks: tuple[str, ...]  # blank-line separated blocks after the title; lines kept with "\n"
    meta: Metadata
    sha256: str  # of the raw bytes
    encoding: str
    fmt: str  # "txt" or "html"
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Removal:
    """One piece of text taken out by a cleaning rule."""

    rule: str
    text: str


@dataclass(frozen=True)
class CleanedDispatch:
    """The body as readers see it, and what was removed to get there."""

    title: str
    paragraphs: tuple[str, ...]
    removed: tuple[Removal, ...] = field(default_factory=tuple)
