"""Rank co-mentioned entities by pointwise mutual information, not by raw joint counts.

Sorting "entities often mentioned with Alep" by joint count puts Syria, Russia and Bachar
al-Assad first on every page: they are in a third of the archive. PMI asks instead how
much more often two entities meet than chance predicts::

    pmi(a, b)  = log( p(a, b) / (p(a) p(b)) ) = log( joint · N / (count_a · count_b) )
    npmi(a, b) = pmi(a, b) / −log p(a, b)          in [−1, 1]; 1 = always together

Normalised PMI (the default) tames PMI's bias towards very rare pairs, which a minimum
joint count (``min_joint``) tames further: one shared dispatch proves little.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from .svg import ChartError


@dataclass(frozen=True)
class CoMention:
    """A co-mentioned entity and why it ranks where it does."""

    name: str
    score: float  # the ranking measure: npmi, or pmi when normalised=False
    pmi: float
    npmi: float
    joint: int  # dispatches mentioning both
    total: int  # dispatches mentioning the co-mentioned entity


def pmi_ranking(
    n_docs: int,
    own_count: int,
    co_mentions: Mapping[str, tuple[int, int]],
    *,
    normalised: bool = True,
    min_joint: int = 2,
    limit: int | None = None,
) -> list[CoMention]:
    """Rank co-mentioned entities by positive (normalised) PMI, best first.

    ``n_docs`` is the number of dispatches in the archive, ``own_count`` the number that
    mention the entity whose page this is, and ``co_mentions`` maps each co-mentioned
    entity's name to ``(total, joint)``: the dispatches that mention it, and those that
    mention both. Pairs with fewer than ``min_joint`` shared dispatches or a score ≤ 0
    are dropped. Ties are broken by joint count (higher first), then by name.
    Raises ChartError when the counts are inconsistent (joint above a total, a total
    above ``n_docs``).
    """
    if n_docs <= 0 or not 0 < own_count <= n_docs:
        raise ChartError(f"need 0 < own_count ({own_count}) <= n_docs ({n_docs})")
    ranked: list[CoMention] = []
    for name, (total, joint) in co_mentions.items():
        if not 0 <= joint <= min(total, own_count) or total > n_docs:
            raise ChartError(
                f"inconsistent counts for {name!r}: joint {joint}, total {total}, "
                f"own {own_count}, dispatches {n_docs}"
            )
        if joint < max(min_joint, 1):
            continue
        pmi = math.log(joint * n_docs / (own_count * total))
        p_joint = joint / n_docs
        # Both in every dispatch: −log p(a, b) is 0 and so is pmi; such a pair says nothing.
        npmi = 0.0 if p_joint >= 1.0 else pmi / -math.log(p_joint)
        score = npmi if normalised else pmi
        if score <= 0:
            continue
        ranked.append(CoMention(name, score, pmi, npmi, joint, total))
    # Rounded so that equal scores reached by different float paths tie as they should.
    ranked.sort(key=lambda c: (-round(c.score, 12), -c.joint, c.name))
    return ranked if limit is None else ranked[:limit]
