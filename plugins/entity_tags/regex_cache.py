"""Compiled regular expressions kept on disk between runs, for loading spaCy's tokenizer.

Loading fr_core_news_md with its ner alone costs about 5 s of CPU, and most of it (about
4 s, measured with cProfile) is Python's re compiler working through the tokenizer's
prefix, suffix, infix and URL patterns: huge character classes that it optimises one range
at a time. What the compiler hands to the regular expression engine (`_sre.compile`) is a
list of integers; within `compiled_patterns(path)` each pattern's program is looked up in
the file at path and given to `_sre.compile` directly, and the programs of patterns seen
for the first time are added to the file when the block ends.

The file is keyed by the interpreter's build and the engine's MAGIC number: another Python
ignores it and compiles as usual. A pattern is the key of its own program, so a changed
model or spaCy simply adds entries. Nothing is cached when re's internals are not the ones
this module knows (the block then changes nothing).
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from . import keyed_pickle

try:  # CPython's re internals (3.11 and later name the modules so)
    import _sre
    from re import _compiler, _parser  # type: ignore[attr-defined]

    KEY = f"{sys.version}|{_sre.MAGIC}|{_sre.CODESIZE}"
except ImportError:  # pragma: no cover - another implementation: compile as usual
    _compiler = None
    KEY = ""


def _read(path: Path) -> dict[tuple[Any, int], tuple[Any, ...]]:
    patterns = keyed_pickle.load(path, KEY, "regex cache")
    return patterns if isinstance(patterns, dict) else {}


def _write(path: Path, patterns: dict[tuple[Any, int], tuple[Any, ...]]) -> None:
    keyed_pickle.save(path, KEY, patterns, "regex cache")


@contextlib.contextmanager
def compiled_patterns(path: Path | None) -> Iterator[None]:
    """Within the block, re.compile takes known patterns' programs from the file at path."""
    if path is None or _compiler is None or not hasattr(_compiler, "_code"):
        yield
        return
    known = _read(path)
    added: dict[tuple[Any, int], tuple[Any, ...]] = {}
    original = _compiler.compile

    def compile_(p: Any, flags: int = 0) -> Any:
        if not isinstance(p, (str, bytes)) or flags & _compiler.SRE_FLAG_DEBUG:
            return original(p, flags)
        key = (p, int(flags))
        program = known.get(key)
        if program is not None:
            try:
                return _sre.compile(p, *program)
            except Exception:  # noqa: BLE001 - a program this engine refuses: compile it
                known.pop(key, None)
        parsed = _parser.parse(p, flags)
        code = [int(c) for c in _compiler._code(parsed, flags)]  # opcodes are int subclasses
        groupindex = dict(parsed.state.groupdict)
        indexgroup: list[str | None] = [None] * parsed.state.groups
        for name, index in groupindex.items():
            indexgroup[index] = name
        program = (flags | parsed.state.flags, code, parsed.state.groups - 1, groupindex,
                   tuple(indexgroup))
        added[key] = program
        return _sre.compile(p, *program)

    _compiler.compile = compile_
    try:
        yield
    finally:
        _compiler.compile = original
        if added:
            _write(path, {**known, **added})
