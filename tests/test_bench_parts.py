"""`python -m dispatch_archive.bench`: every file of an output counted once, in its part;
the whole bench on a tiny corpus."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from dispatch_archive.bench import ROOT, output_parts


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


@pytest.mark.slow
def test_the_bench_reports_each_stage_with_the_memory_of_the_whole_process_tree(
    tmp_path: Path,
) -> None:
    """`invoke bench` end to end on a tiny corpus (gazetteer tagging, no Pelican builds): four
    builds, each stage with its seconds and the process tree's peak while it ran, and a last
    line of JSON with the figures the issue names."""
    proc = subprocess.run(
        [sys.executable, "-m", "dispatch_archive.bench", "run", "--dispatches", "40",
         "--workdir", str(tmp_path), "--no-discovery", "--no-pelican"],
        capture_output=True, text=True, encoding="utf-8", check=True, timeout=600,
        env={**os.environ, "PYTHONPATH": str(ROOT / "plugins")}, cwd=ROOT,
    )
    lines = proc.stdout.strip().splitlines()
    figures = json.loads(lines[-1])
    assert figures["n"] == 40 and figures["ours_s"] > 0 and figures["output_bytes"] > 0
    # PSS splits shared pages between processes, so one RSS may exceed the tree's PSS
    assert figures["peak_rss_mb"] > 0 and 0 < figures["peak_tree_mb"] < 4000
    cold = next(line for line in lines if line.startswith("stages (cold): "))
    for stage in ("read_clean", "tag", "model", "render_write", "search_index", "search_export"):
        assert re.search(rf"{stage} \d+\.\d\d s \d+ MB", cold), (stage, cold)
    assert any(line.startswith("  processes at the tree's peak (cold)") for line in lines)


@pytest.mark.slow
def test_the_regenerate_bench_times_five_changes(tmp_path: Path) -> None:
    """`invoke bench-regenerate` on a tiny corpus: each change seen, rendered and timed."""
    proc = subprocess.run(
        [sys.executable, "-m", "dispatch_archive.bench", "regenerate", "--dispatches", "30",
         "--workdir", str(tmp_path), "--no-discovery"],
        capture_output=True, text=True, encoding="utf-8", check=True, timeout=600,
        env={**os.environ, "PYTHONPATH": str(ROOT / "plugins")}, cwd=ROOT,
    )
    figures = json.loads(proc.stdout.strip().splitlines()[-1])
    steps = ("edit", "add", "edit_added", "revert", "remove")
    assert all(figures[s]["wall_s"] > 0 and figures[s]["rendered"] > 0 for s in steps)
    assert figures["remove"]["removed"] > 0  # the deleted dispatch's page is gone
    assert figures["max_change_s"] == max(figures[s]["wall_s"] for s in steps)
    added = tmp_path / "regenerate-30" / "content" / "dispatches" / "ajout-regenerate.txt"
    assert not added.exists()
