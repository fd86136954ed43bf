"""Evaluation: the scoring helpers, the pinned floors, and the floors themselves on the test half.

The floors in tests/eval_floors.json cannot be lowered silently: every floor must be at
least (and every ceiling at most) the value in the last entry of tests/eval_floors.lock.json,
and an entry of the lock that lowers a value must say why under "lowered". Lowering a floor
therefore takes two edits, one of them a written reason, both seen in review.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from entity_tags import evaluate as ev

ROOT = Path(__file__).resolve().parent.parent
FLOORS = ROOT / "tests" / "eval_floors.json"
LOCK = ROOT / "tests" / "eval_floors.lock.json"
GOLD = ROOT / "tests" / "gold"
HOW_TO_LOWER = (
    "Floors are pinned. To lower one, append an entry to tests/eval_floors.lock.json with the "
    'new values and, under "lowered", the metric and the reason; then edit tests/eval_floors.json.'
)


@pytest.mark.parametrize(
    ("tp", "fp", "fn", "p", "r"),
    [
        (8, 2, 0, 0.8, 1.0),
        (0, 0, 0, 1.0, 1.0),  # nothing to find and nothing found
        (0, 3, 0, 0.0, 1.0),
        (3, 0, 1, 1.0, 0.75),
    ],
)
def test_prf(tp: int, fp: int, fn: int, p: float, r: float) -> None:
    scores = ev.prf(tp, fp, fn)
    assert scores["precision"] == pytest.approx(p)
    assert scores["recall"] == pytest.approx(r)


def test_block_labels_multiset_matches_the_later_copy() -> None:
    blocks = ["Corps A.", "Dernières nouvelles", "Corps  A.", "Crédit X", "Crédit X"]
    labels = ev.block_labels(blocks, ["Corps A.", "Dernières nouvelles", "Crédit X", "Crédit X"])
    # the repeated body paragraph is listed once: its second copy is the debris
    assert labels == [False, True, True, True, True]


def test_kept_blocks_follow_the_cleaned_paragraphs() -> None:
    blocks = ["Un paragraphe.", "Partager sur Facebook", "Un  paragraphe.", "Un autre."]
    kept = ev.kept_blocks(blocks, ["Un paragraphe.", "Un autre."])
    assert kept == [True, False, False, True]


def test_a_hard_wrapped_paragraph_kept_by_the_cleaner_counts_as_kept() -> None:
    # (eighth session, first round) its first line alone has no final punctuation, which
    # only the whole-block rule « ligne-orpheline » judges, on the joined block, as
    # clean_blocks does: the first copy reached the paragraphs, its later copy is the debris
    from dispatch_cleaning.cleaner import clean_blocks

    wrapped = "Le comité sera présidé par un juriste, selon le texte\npublié mardi."
    blocks = [wrapped, "Le comité sera présidé par un juriste, selon le texte publié mardi."]
    cleaned = clean_blocks("Titre", blocks)
    assert ev.kept_blocks(blocks, cleaned.paragraphs) == [True, False]


def test_check_floors_and_ceilings() -> None:
    floors = {"floors": {"actors.f1": 0.9}, "ceilings": {"junk_pages": 0}}
    assert ev.check_floors({"actors.f1": 0.95, "junk_pages": 0}, floors) == []
    failures = ev.check_floors({"actors.f1": 0.85, "junk_pages": 2}, floors)
    assert (
        len(failures) == 2
        and "below its floor" in failures[0]
        and "above its ceiling" in failures[1]
    )
    assert ev.check_floors({}, floors)  # a missing score fails too


def test_lowered_detects_a_silent_change() -> None:
    lock = {"history": [{"floors": {"actors.f1": 0.9}, "ceilings": {"junk_pages": 0}}]}
    assert ev.lowered({"floors": {"actors.f1": 0.91}, "ceilings": {"junk_pages": 0}}, lock) == []
    assert ev.lowered({"floors": {"actors.f1": 0.89}, "ceilings": {"junk_pages": 0}}, lock)
    assert ev.lowered({"floors": {}, "ceilings": {"junk_pages": 0}}, lock)  # a dropped metric
    assert ev.lowered({"floors": {"actors.f1": 0.9}, "ceilings": {"junk_pages": 1}}, lock)


def test_history_needs_a_reason_to_lower() -> None:
    silent = {"history": [{"floors": {"a": 0.9}}, {"date": "d", "floors": {"a": 0.8}}]}
    assert ev.history_problems(silent)
    said = {
        "history": [
            {"floors": {"a": 0.9}},
            {"floors": {"a": 0.8}, "lowered": {"a": "new harder gold set"}},
        ]
    }
    assert ev.history_problems(said) == []


def _load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def test_floors_are_not_lower_than_the_lock() -> None:
    floors, lock = ev.read_floors(FLOORS), _load(LOCK)
    problems = ev.lowered(floors, lock)
    assert not problems, f"{problems}. {HOW_TO_LOWER}"


def test_lock_history_says_why_each_floor_was_lowered() -> None:
    problems = ev.history_problems(_load(LOCK))
    assert not problems, f"{problems}. {HOW_TO_LOWER}"


def test_floors_cover_every_gated_metric() -> None:
    floors = ev.read_floors(FLOORS)
    assert floors["half"] == "test"
    assert set(ev.FLOOR_METRICS) <= set(floors["floors"])
    assert set(ev.CEILING_METRICS) <= set(floors["ceilings"])


@pytest.fixture(scope="module")
def test_half_scores(gazetteer: Any) -> dict[str, Any]:
    from entity_tags.discovery import DiscoveryTagger

    gold = ev.load_half(GOLD / "test")
    if not gold:
        pytest.fail("tests/gold/test holds no gold dispatch")
    return ev.evaluate_half(gold, gazetteer, DiscoveryTagger(gazetteer, "fr_core_news_md", 1))


@pytest.mark.slow
def test_test_half_meets_its_floors(test_half_scores: dict[str, Any]) -> None:
    floors = ev.read_floors(FLOORS)
    failures = ev.check_floors(ev.flat(test_half_scores), floors)
    report = ev.format_report({"test": test_half_scores})
    assert not failures, "\n".join(failures) + "\n\n" + report
