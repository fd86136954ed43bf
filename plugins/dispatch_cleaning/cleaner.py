"""Remove scraped boilerplate from a RawDispatch, recording each removal with its rule."""

from __future__ import annotations

from collections.abc import Sequence

from .errors import DispatchError
from .model import CleanedDispatch, RawDispatch, Removal
from .rules import DUPLICATE_RULE, RULES, TITLE_REPEAT_RULE, CompiledRule, compile_rules

_DEFAULT: tuple[CompiledRule, ...] = compile_rules(RULES)


def fold(text: str) -> str:
    """Collapse every run of whitespace (spaces, NBSP, newlines) to one space."""
    return " ".join(text.split())


def match_line(
    line: str,
    rules: Sequence[CompiledRule] = _DEFAULT,
    *,
    title: bool = False,
    block: bool | None = None,
) -> str | None:
    """Return the name of the first rule that removes this line, or None if it is text.

    block=False uses only line rules, block=True only whole-block rules, None both.
    """
    folded = fold(line)
    if not folded:
        return None
    words = folded.count(" ") + 1
    for compiled in rules:
        if title and not compiled.rule.title_too:
            continue
        if block is not None and compiled.rule.whole_block != block:
            continue
        if words > compiled.rule.max_words:
            continue
        needs = compiled.needs
        if needs is not None and needs.search(folded) is None:
            continue  # the rule's expression cannot match a line without these
        if compiled.regex.fullmatch(folded):
            return compiled.rule.name
    return None


def clean(raw: RawDispatch, rules: Sequence[CompiledRule] = _DEFAULT) -> CleanedDispatch:
    """Clean the blocks of a dispatch; the title is never removed.

    A scrape that opens on debris (a heading, a credit) has its first real line as title; a
    file made only of debris is refused.
    """
    title, blocks = raw.title, list(raw.blocks)
    lead: list[Removal] = []
    while (rule := match_line(title, rules, title=True)) is not None:
        lead.append(Removal(rule, fold(title)))
        if not blocks:
            raise DispatchError(raw.path, "ne contient que du texte parasite (aucun corps)")
        first, *rest = blocks.pop(0).split("\n")
        title = first
        if rest:
            blocks.insert(0, "\n".join(rest))
    cleaned = clean_blocks(title, blocks, rules)
    if lead:
        cleaned = CleanedDispatch(cleaned.title, cleaned.paragraphs, (*lead, *cleaned.removed))
    return cleaned


def clean_blocks(
    title: str, blocks: Sequence[str], rules: Sequence[CompiledRule] = _DEFAULT
) -> CleanedDispatch:
    """Apply line rules, then drop repeated blocks; keep body order as scraped."""
    removed: list[Removal] = []
    paragraphs: list[str] = []
    seen: set[str] = set()
    title_key = fold(title).casefold()
    for block in blocks:
        kept_lines: list[str] = []
        for line in block.split("\n"):
            if not line.strip():
                continue
            rule = match_line(line, rules, block=False)
            if rule is None:
                kept_lines.append(fold(line))
            else:
                removed.append(Removal(rule, fold(line)))
        if not kept_lines:
            continue
        paragraph = " ".join(kept_lines)
        key = paragraph.casefold()
        if key == title_key and not paragraphs:
            removed.append(Removal(TITLE_REPEAT_RULE.name, paragraph))
            continue
        if key in seen:
            removed.append(Removal(DUPLICATE_RULE.name, paragraph))
            continue
        seen.add(key)
        rule = match_line(paragraph, rules, block=True)
        if rule is not None:
            removed.append(Removal(rule, paragraph))
            continue
        paragraphs.append(paragraph)
    return CleanedDispatch(title=fold(title), paragraphs=tuple(paragraphs), removed=tuple(removed))
