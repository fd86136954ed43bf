"""Tag cleaned dispatches: gazetteer matches first, model discovery for the rest."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from .gazetteer import Gazetteer
from .matcher import Matcher, Mention

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Discovered:
    """An entity found by the model that the gazetteer does not know."""

    slug: str
    name: str
    kind: str
    group: str  # "acteur" or "lieu"


@dataclass(frozen=True)
class TagResult:
    """Mentions of one dispatch, and the unverified entities they refer to."""

    mentions: tuple[Mention, ...]
    discovered: tuple[Discovered, ...] = field(default_factory=tuple)


class Tagger:
    """Gazetteer tagging; subclasses add discovery."""

    version = "gazetteer-1"

    def __init__(self, gazetteer: Gazetteer) -> None:
        self.gazetteer = gazetteer
        self.matcher = Matcher(gazetteer)

    @property
    def key(self) -> str:
        """What the tags depend on besides the text: for the per-dispatch cache."""
        return f"{self.version}:{self.gazetteer.version}"

    def tag(self, title: str, paragraphs: Sequence[str]) -> TagResult:
        """Tag one dispatch; block 0 is the title."""
        return TagResult(tuple(self.matcher.find_all([title, *paragraphs])))

    def tag_many(self, docs: Sequence[tuple[str, Sequence[str]]]) -> list[TagResult]:
        """Tag many dispatches (title, paragraphs) in order."""
        return [self.tag(title, paragraphs) for title, paragraphs in docs]

    def use_store(self, store: SpanStore | None) -> None:
        """Where to keep what is costly to find again and depends on the text alone (a
        tagger with a model keeps the model's findings); None: nowhere. Gazetteer tagging
        keeps nothing."""

    @property
    def model_reads(self) -> tuple[int, int]:
        """Sentences whose model findings the store gave back, and sentences the model read, since
        the store was set (none without a model)."""
        return 0, 0


class SpanStore(Protocol):
    """A key-value store (the build's per-dispatch cache): values in, values out, in order."""

    def get_many(self, keys: Sequence[str]) -> list[Any]: ...

    def put_many(self, items: Iterable[tuple[str, Any]]) -> None: ...
