"""The on-disk cache of compiled patterns used while spaCy's tokenizer loads."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from entity_tags import regex_cache
from entity_tags.regex_cache import compiled_patterns

PATTERNS = [
    r"^(?:[«\"'(\[]|l'|d'|qu')",
    r"(?P<mot>[A-ZÀ-Ý][a-zà-ÿ]+)-(?P<suite>\w+)$",
    r"[\u00C0-\u024F\u1E00-\u1EFFa-zA-Z]+(?:['’][a-z]+)?",
]
TEXTS = ["l'Idleb", "Al-Nosra", "Jisr al-Choughour", "« Damas", "Deir-Ezzor", "qu'il"]


def _results(compiled: list[re.Pattern[str]]) -> list[object]:
    out: list[object] = []
    for pattern in compiled:
        for text in TEXTS:
            m = pattern.search(text)
            out.append(m and (m.span(), m.groupdict()))
    return out


@pytest.mark.skipif(regex_cache._compiler is None, reason="CPython's re internals only")
def test_patterns_come_back_from_the_file_without_parsing(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "patterns.pickle"
    re.purge()
    with compiled_patterns(path):
        first = [re.compile(p) for p in PATTERNS]
    assert path.exists()
    re.purge()  # re's own in-process cache would hide the file's

    def no_parsing(*_: object, **__: object) -> None:
        raise AssertionError("parsed again")

    monkeypatch.setattr(regex_cache._parser, "parse", no_parsing)
    with compiled_patterns(path):
        second = [re.compile(p) for p in PATTERNS]
    assert _results(second) == _results(first)
    assert [p.groupindex for p in second] == [p.groupindex for p in first]
    assert regex_cache._compiler.compile is not None  # restored after the block
    re.purge()


def test_a_damaged_file_is_ignored_and_replaced(tmp_path: Path) -> None:
    path = tmp_path / "patterns.pickle"
    path.write_bytes(b"not a pickle")
    re.purge()
    with compiled_patterns(path):
        compiled = [re.compile(p) for p in PATTERNS]
    assert compiled[1].search("Al-Nosra") is not None
    if regex_cache._compiler is not None:
        assert len(regex_cache._read(path)) >= len(PATTERNS)  # replaced by a readable file
    with compiled_patterns(path):  # now readable
        assert re.compile(PATTERNS[1]).search("Deir-Ezzor") is not None
    re.purge()


def test_no_file_means_plain_compiling() -> None:
    with compiled_patterns(None):
        assert re.compile(PATTERNS[0]).match("l'Idleb")
