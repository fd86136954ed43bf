"""build_site's slugs: stable, unique, the oldest of a title keeping the bare slug."""

from __future__ import annotations

import hashlib
import random
from collections import defaultdict

from dispatch_archive.site import Dispatch, _assign_slugs, build_site
from entity_tags.gazetteer import Gazetteer
from entity_tags.normalize import slugify


def _reference(dispatches: list[Dispatch]) -> list[str]:
    """The rule in two passes, as first written: proposals by title group, then unique."""
    groups: dict[str, list[Dispatch]] = defaultdict(list)
    for d in dispatches:
        groups[slugify(d.record["title"]) or "depeche"].append(d)
    proposed: dict[int, str] = {}
    for base, members in groups.items():
        for rank, d in enumerate(members):
            suffix = hashlib.sha256(d.record["path"].encode()).hexdigest()[:6]
            proposed[id(d)] = base if rank == 0 else f"{base}-{suffix}"
    taken: set[str] = set()
    out = []
    for d in dispatches:
        slug, n = proposed[id(d)], 2
        while slug in taken:
            slug, n = f"{proposed[id(d)]}-{n}", n + 1
        taken.add(slug)
        out.append(slug)
    return out


def _record(path: str, title: str, date: str | None) -> dict:
    return {"path": path, "title": title, "date": date, "mentions": [], "removed": []}


def test_a_suffixed_slug_that_meets_a_title_gets_a_number() -> None:
    suffix = hashlib.sha256(b"b.txt").hexdigest()[:6]
    records = [
        _record("a.txt", "Alep : reprise des combats", "2019-01-01"),
        _record("b.txt", "Alep : reprise des combats", "2019-01-02"),
        _record("c.txt", f"Alep : reprise des combats {suffix}", "2019-01-03"),
        _record("d.txt", "", "2019-01-04"),
    ]
    site = build_site(records, [], Gazetteer({}, frozenset(), "test"))
    assert [d.slug for d in site.dispatches] == [
        "alep-reprise-des-combats",
        f"alep-reprise-des-combats-{suffix}",
        f"alep-reprise-des-combats-{suffix}-2",
        "depeche",
    ]


def test_slugs_match_the_two_pass_rule_on_many_clashing_titles() -> None:
    rng = random.Random(7)
    titles = ["Idleb : frappes", "Idleb : frappes !", "Idleb — frappes", "Raqqa", "",
              "Deir ez-Zor"]
    for _ in range(20):
        records = [_record(f"{i:03d}.txt", rng.choice(titles), rng.choice([None, "2015-05-05"]))
                   for i in range(60)]
        dispatches = [Dispatch(r) for r in records]
        expected = _reference(dispatches)
        _assign_slugs(dispatches)
        assert [d.slug for d in dispatches] == expected
        assert len({d.slug for d in dispatches}) == len(dispatches)
