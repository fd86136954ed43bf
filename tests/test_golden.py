"""Golden file of the seed: exact cleaned text, removals and entities (`invoke update-golden`)."""

from __future__ import annotations

import json

import pytest
from conftest import ROOT, SEED

from dispatch_archive.inspect import inspect_lines

GOLDEN = ROOT / "tests" / "golden" / "seed.json"


@pytest.mark.slow
def test_seed_matches_its_golden_file() -> None:
    (line,) = list(inspect_lines(SEED, ROOT / "pelicanconf.py"))
    actual = json.loads(line)
    actual["source"] = SEED.name
    expected = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert actual == expected, "run `invoke update-golden` and review the diff if the change is intended"


def test_golden_seed_keeps_all_eleven_body_paragraphs_and_three_removals() -> None:
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert len(golden["paragraphs"]) == 11
    assert [r["rule"] for r in golden["removed"]] == ["accroche-creditee", "accroche-creditee", "rubrique"]
    raw_blocks = [b for b in SEED.read_text(encoding="utf-8").split("\n\n")[1:] if b.strip()]
    body = [b.strip() for b in raw_blocks if "Sputnik" not in b and b.strip() != "Dernières nouvelles"]
    assert golden["paragraphs"] == body  # in the scraped order, nothing rewritten
