"""`invoke inspect`: one JSON object per dispatch with a stable set of keys."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import ROOT, SEED

KEYS = {"source", "title", "date", "paragraphs", "removed", "actors", "locations"}


@pytest.mark.slow
def test_inspect_the_seed_through_invoke() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "invoke", "inspect", str(SEED)],
        cwd=ROOT, capture_output=True, text=True, encoding="utf-8", check=True, timeout=300,
    ).stdout
    (line,) = out.strip().splitlines()
    item = json.loads(line)
    assert set(item) == KEYS
    assert item["source"].endswith("000_ed6308b521bfe103.txt")
    assert item["date"] is None
    assert item["title"].startswith("Deux enfants tués")
    assert {r["rule"] for r in item["removed"]} == {"accroche-creditee", "rubrique"}
    assert all(set(e) >= {"name", "slug", "kind"} for e in item["actors"] + item["locations"])
    assert "idleb" in {e["slug"] for e in item["locations"]}


@pytest.mark.slow
def test_inspect_a_folder_reports_bad_files_and_goes_on(tmp_path) -> None:
    (tmp_path / "a.txt").write_text("Titre\n\nLe régime syrien a bombardé Idlib.\n", encoding="utf-8")
    (tmp_path / "b.txt").write_bytes(b"%PDF-1.4 binary")
    out = subprocess.run(
        [sys.executable, "-m", "invoke", "inspect", str(tmp_path)],
        cwd=ROOT, capture_output=True, text=True, encoding="utf-8", check=True, timeout=300,
    ).stdout
    items = [json.loads(line) for line in out.strip().splitlines()]
    assert [i["source"].rsplit("/", 1)[-1] for i in items] == ["a.txt", "b.txt"]
    assert "PDF" in items[1]["error"]
    assert items[0]["locations"][0]["slug"] == "idleb"
