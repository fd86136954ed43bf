"""A large archive is built with fewer processes at once (dispatch_archive/memory.py), and the
plan never changes a byte of the output."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from sitecheck import build_site

from dispatch_archive import memory
from dispatch_archive.settings import DispatchSettings, SettingsError


def test_a_small_archive_uses_every_core_and_forks_its_search_process() -> None:
    plan = memory.plan(10_000, cores=2, budget_mb=4000)
    assert (plan.render, plan.spawn_search) == (2, False)
    assert plan.estimate_mb <= 4000


def test_a_large_archive_renders_in_one_process_beside_a_spawned_search() -> None:
    plan = memory.plan(100_000, cores=2, budget_mb=4000)
    assert (plan.render, plan.spawn_search) == (1, True)
    assert plan.estimate_mb <= 4000
    # the estimate of the plan it gave up is over the limit
    assert memory.estimate_mb(100_000, 2, False) > 4000


def test_spawning_the_search_process_comes_before_dropping_a_render_process() -> None:
    budget = memory.estimate_mb(60_000, 2, True)
    assert memory.estimate_mb(60_000, 2, False) > budget
    plan = memory.plan(60_000, cores=2, budget_mb=budget)
    assert (plan.render, plan.spawn_search) == (2, True)


def test_no_limit_and_an_impossible_limit() -> None:
    unlimited = memory.plan(10**7, cores=4, budget_mb=0)
    assert unlimited == memory.Plan(4, False, memory.estimate_mb(10**7, 4, False))
    leanest = memory.plan(10**7, cores=4, budget_mb=300)
    assert (leanest.render, leanest.spawn_search) == (1, True)
    assert "1 render process" in leanest.describe(10**7, 300)


@pytest.mark.parametrize("value", [1, 255, -5])
def test_a_memory_limit_too_small_to_build_stops_with_a_hint(value: int) -> None:
    with pytest.raises(SettingsError, match="DISPATCH_MEMORY_MB must be 0"):
        DispatchSettings.from_settings({"DISPATCH_MEMORY_MB": value})


def _files(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.slow
def test_the_leanest_plan_builds_the_same_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sample archive with its search stages forked, then in a fresh (spawned) process
    reading its documents back from a file, which is deleted afterwards."""
    forked = build_site(tmp_path / "forked", tmp_path / "cache-forked")
    monkeypatch.setattr(memory, "plan", lambda n, cores, budget: memory.Plan(1, True, 0))
    stale = tmp_path / "cache-spawned" / "search" / "docs-1.pickle"  # a killed build's spool
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"\x80")
    spawned = build_site(tmp_path / "spawned", tmp_path / "cache-spawned")
    a, b = _files(forked), _files(spawned)
    assert len(a) > 100 and a == b
    assert (tmp_path / "cache-spawned" / "search" / "whoosh").is_dir()
    assert not list((tmp_path / "cache-spawned" / "search").glob("docs-*.pickle"))
