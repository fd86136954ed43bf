"""Deterministic: two builds of the same input, with one worker or two, are byte-identical.

Both builds run the spaCy model on the hostile corpus (all but the 10 MB case) plus 400
ordinary dispatches, enough for reading (400 files) and rendering (300 dispatches) to run in
worker processes when DISPATCH_WORKERS=2. They use separate caches and output folders, so
no absolute path, build time or unordered iteration can hide.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest
from hostile.site import Built, build, model_site

pytestmark = pytest.mark.slow

TEXT_SUFFIXES = (".html", ".xml", ".json", ".jsonl", ".csv", ".js", ".css", ".txt", ".bib", ".svg")


def files(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def one(tmp_path_factory: pytest.TempPathFactory) -> Built:
    site = model_site(tmp_path_factory, workers=1)
    assert site.error is None, site.error
    return site


@pytest.fixture(scope="module")
def two(tmp_path_factory: pytest.TempPathFactory) -> Built:
    site = model_site(tmp_path_factory, workers=2)
    assert site.error is None, site.error
    return site


def test_one_or_two_workers_give_byte_identical_output(one: Built, two: Built) -> None:
    a, b = files(one.output), files(two.output)
    assert len(a) > 800
    assert sorted(a) == sorted(b), sorted(set(a) ^ set(b))[:20]
    differ = [path for path in a if a[path] != b[path]]
    assert not differ, differ[:20]


def test_no_build_time_or_build_path_leaks_into_the_output(one: Built) -> None:
    now = dt.datetime.now(dt.UTC)
    stamps = {
        d.isoformat()
        for d in (
            now.date(),
            (now - dt.timedelta(days=1)).date(),
            now.date() + dt.timedelta(days=1),
        )
    }
    paths = {str(one.output.parent), str(one.content), str(one.cache)}
    leaks = []
    for path in one.output.rglob("*"):
        if path.is_file() and path.suffix in TEXT_SUFFIXES:
            text = path.read_text(encoding="utf-8", errors="replace")
            leaks += [(path.name, s) for s in stamps | paths if s in text]
    assert not leaks, leaks[:10]


def test_a_rebuild_from_a_warm_cache_gives_the_same_bytes(one: Built, tmp_path: Path) -> None:
    """The per-dispatch cache and the render manifest must not change a single byte."""
    out = tmp_path / "output"
    build(out, one.cache, PATH=str(one.content), ENTITY_DISCOVERY=True, DISPATCH_WORKERS=1)
    assert files(out) == files(one.output)
