"""Find gazetteer entities in text with one Aho-Corasick pass, on word boundaries."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import ahocorasick

from .gazetteer import Gazetteer
from .normalize import fold, fold_with_offsets


@dataclass(frozen=True)
class Mention:
    """One occurrence of an entity: where it is, what was written, what found it."""

    slug: str
    block: int  # 0 is the title, 1.. the cleaned paragraphs
    start: int  # character offsets in that block's text
    end: int
    text: str
    via: str  # "gazetteer" or "modele"


def _is_acronym(alias: str) -> bool:
    letters = [c for c in alias if c.isalpha()]
    return 1 < len(letters) <= 5 and all(c.isupper() for c in letters)


class Matcher:
    """Leftmost-longest matching of every alias of every entity."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        self.gazetteer = gazetteer
        self._automaton = ahocorasick.Automaton()
        entries: dict[str, tuple[str, bool]] = {}
        for entity in gazetteer.entities.values():
            for alias in entity.aliases:
                key = fold(alias)
                # Short all-capital aliases (EI, AP, RT) are acronyms: only capitals match them,
                # so "ei" or "rt" inside ordinary text never does.
                acronym = _is_acronym(alias)
                previous = entries.get(key)
                entries[key] = (entity.slug, acronym and (previous is None or previous[1]))
        for key, (slug, acronym) in entries.items():
            self._automaton.add_word(key, (len(key), slug, acronym))
        if entries:
            self._automaton.make_automaton()
        self._empty = not entries

    def find(self, text: str, block: int = 0) -> list[Mention]:
        """Return non-overlapping mentions in text, leftmost-longest, on word boundaries."""
        if self._empty or not text:
            return []
        folded, index = fold_with_offsets(text)
        candidates: list[tuple[int, int, str]] = []
        for end_pos, (length, slug, acronym) in self._automaton.iter(folded):
            start = end_pos - length + 1
            end = end_pos + 1
            if start > 0 and folded[start - 1].isalnum():
                continue
            if end < len(folded) and folded[end].isalnum():
                continue
            src_start = index[start] if index else start
            src_end = (index[end - 1] + 1) if index else end
            if acronym and not _upper_letters(text[src_start:src_end]):
                continue
            candidates.append((src_start, src_end, slug))
        candidates.sort(key=lambda c: (c[0], -(c[1] - c[0])))
        mentions: list[Mention] = []
        last_end = -1
        for start, end, slug in candidates:
            if start >= last_end:
                mentions.append(Mention(slug, block, start, end, text[start:end], "gazetteer"))
                last_end = end
        return mentions

    def find_all(self, blocks: Sequence[str]) -> list[Mention]:
        """Find mentions in each block; blocks[0] is the title."""
        found: list[Mention] = []
        for number, text in enumerate(blocks):
            found.extend(self.find(text, number))
        return found


def _upper_letters(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)
