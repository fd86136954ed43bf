"""`python -m dispatch_archive.bench sizes`: every file of an output counted once, in its part."""

from __future__ import annotations

from pathlib import Path

from dispatch_archive.bench import output_parts


def test_every_file_is_counted_once_in_its_part(tmp_path: Path) -> None:
    files = {
        "index.html": 10,
        "rapport.json": 5,
        "rapport.html": 7,
        "depeches/a.html": 100,
        "depeches/b.html": 50,
        "acteurs/osdh.html": 30,
        "acteurs/osdh/2018.html": 20,
        "lieux/idleb/2018-03-p1.html": 4,
        "feeds/all.atom.xml": 3,
        "feeds/lieux/idleb.atom.xml": 2,
        "donnees/citations/a.bib": 1,
        "donnees/acteurs/osdh.json": 6,
        "donnees/depeches.jsonl.gz": 9,
        "recherche/idx/manifest.js": 8,
        "archives/2018/03.html": 11,
    }
    for rel, size in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes(b"x" * size)
    parts = output_parts(tmp_path)
    assert parts["dispatch pages"] == (150, 2)
    assert parts["entity main pages"] == (30, 1)
    assert parts["entity period pages"] == (24, 2)
    assert parts["build report"] == (12, 2)
    assert parts["feeds, entities"] == (2, 1) and parts["feed, whole archive"] == (3, 1)
    assert parts["per-dispatch citations"] == (1, 1) and parts["entity JSON"] == (6, 1)
    assert parts["whole-archive exports"] == (9, 1) and parts["search bundle"] == (8, 1)
    assert parts["date archives"] == (11, 1) and parts["other pages"] == (10, 1)
    assert sum(size for size, _ in parts.values()) == sum(files.values())
    assert sum(count for _, count in parts.values()) == len(files)
