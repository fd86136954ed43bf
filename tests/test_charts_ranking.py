"""Co-mentions ranked by (normalised) pointwise mutual information."""

from __future__ import annotations

import math

import pytest

from archive_charts.ranking import pmi_ranking
from archive_charts.svg import ChartError

# 1 000 dispatches; the page's entity (say Saraqeb) is in 50 of them.
N, OWN = 1000, 50


def test_rare_co_mention_ranks_above_a_ubiquitous_one() -> None:
    ranked = pmi_ranking(N, OWN, {"Syrie": (900, 48), "Maarat al-Nouman": (12, 8)})
    assert [c.name for c in ranked] == ["Maarat al-Nouman", "Syrie"]
    # By raw joint counts the order would be the reverse.
    assert ranked[1].joint > ranked[0].joint


def test_scores_match_the_definition() -> None:
    (only,) = pmi_ranking(N, OWN, {"Idleb": (100, 20)})
    pmi = math.log(20 * N / (OWN * 100))
    assert only.pmi == pytest.approx(pmi)
    assert only.npmi == pytest.approx(pmi / -math.log(20 / N))
    assert only.score == only.npmi
    assert -1 <= only.npmi <= 1


@pytest.mark.parametrize(
    ("co", "kept"),
    [
        ({"Damas": (500, 5)}, False),  # less often together than chance: negative PMI
        ({"Damas": (500, 25)}, False),  # exactly chance: PMI 0 is not positive
        ({"Alep": (20, 1)}, False),  # one shared dispatch proves little (min_joint=2)
        ({"Alep": (20, 2)}, True),
        ({"Alep": (20, 0)}, False),
    ],
)
def test_only_positive_pmi_with_enough_joint_dispatches_is_kept(
    co: dict[str, tuple[int, int]], kept: bool
) -> None:
    assert bool(pmi_ranking(N, OWN, co)) is kept


def test_ties_break_by_joint_count_then_name() -> None:
    # Same PMI (joint/total ratio equal): the pair seen more often comes first.
    ranked = pmi_ranking(N, OWN, {"B": (20, 2), "A": (40, 4)}, normalised=False)
    assert [c.name for c in ranked] == ["A", "B"]
    ranked = pmi_ranking(N, OWN, {"Zabadani": (40, 4), "Alep": (40, 4), "Madaya": (40, 4)})
    assert [c.name for c in ranked] == ["Alep", "Madaya", "Zabadani"]


def test_limit_and_min_joint() -> None:
    co = {"A": (10, 5), "B": (10, 1), "C": (30, 6)}
    assert [c.name for c in pmi_ranking(N, OWN, co, min_joint=1)] == ["A", "C", "B"]
    assert [c.name for c in pmi_ranking(N, OWN, co, limit=1)] == ["A"]


def test_everything_everywhere_says_nothing() -> None:
    assert pmi_ranking(10, 10, {"Syrie": (10, 10)}) == []


@pytest.mark.parametrize(
    ("n", "own", "co"),
    [
        (0, 1, {}),
        (10, 0, {}),
        (10, 11, {}),
        (N, OWN, {"X": (10, 11)}),  # joint above the entity's total
        (N, OWN, {"X": (100, 60)}),  # joint above own count
        (N, OWN, {"X": (2000, 5)}),  # total above the number of dispatches
    ],
)
def test_inconsistent_counts_are_refused(n: int, own: int, co: dict[str, tuple[int, int]]) -> None:
    with pytest.raises(ChartError):
        pmi_ranking(n, own, co)
