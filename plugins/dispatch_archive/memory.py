"""How many processes a build runs at once, so that its process tree fits DISPATCH_MEMORY_MB.

After reading, a build holds the archive in one process and renders its pages there and in
forked workers, while the search stages run in a process of their own. Each forked process
copies the pages of the parent's heap it writes to, so every process costs memory in
proportion to the archive. The estimates below are per dispatch, measured on the bench's
corpus (`invoke bench`, about 400 words and 9 entities a dispatch; docs/benchmarks.md):

* the build process, once it has rendered its share of the pages: about 23 KB a dispatch
  (2.3 GB at 100,000, 0.35 GB at 10,000);
* each forked render worker, of its own: about 17 KB a dispatch (1.7 GB at 100,000);
* the search process, forked: about 17 KB a dispatch of its own; spawned (a fresh
  interpreter reading the documents back from a file): about 6 KB a dispatch.

The plan keeps every core busy while it can: first the search process is spawned instead
of forked, then render workers are dropped, down to the build process alone (with the
search process beside it, the two cores still work). The output does not depend on the
plan: pages are split between the render processes by a hash of their path.
"""

from __future__ import annotations

from dataclasses import dataclass

BASE_MB = 150  # the interpreter, Pelican, the theme, the gazetteer
BUILD_KB = 23  # the build process, per dispatch
FORKED_KB = 17  # a forked render worker or search process, of its own, per dispatch
SPAWNED_SEARCH_MB = 100
SPAWNED_SEARCH_KB = 6


@dataclass(frozen=True)
class Plan:
    """Render processes (the build process counts as one) and how the search process starts."""

    render: int
    spawn_search: bool
    estimate_mb: int

    def describe(self, dispatches: int, budget_mb: int) -> str:
        """One line for the build log."""
        search = "a fresh process" if self.spawn_search else "a forked process"
        limit = f"{budget_mb} MB" if budget_mb else "no limit"
        return (f"Memory plan for {dispatches} dispatches ({limit}): {self.render} render "
                f"process(es), search in {search}, about {self.estimate_mb} MB in all")


def estimate_mb(dispatches: int, render: int, spawn_search: bool) -> int:
    """The process tree's estimated peak for a plan, in MB."""
    build = BASE_MB + BUILD_KB * dispatches / 1024
    workers = (render - 1) * FORKED_KB * dispatches / 1024
    if spawn_search:
        search = SPAWNED_SEARCH_MB + SPAWNED_SEARCH_KB * dispatches / 1024
    else:
        search = FORKED_KB * dispatches / 1024
    return round(build + workers + search)


def plan(dispatches: int, cores: int, budget_mb: int) -> Plan:
    """The plan with the most render processes (at most cores) that fits budget_mb (0: no
    limit), forking the search process when that fits too. When nothing fits, the leanest
    plan: one render process and a spawned search process."""
    cores = max(1, cores)
    if budget_mb <= 0:
        return Plan(cores, False, estimate_mb(dispatches, cores, False))
    for render in range(cores, 0, -1):
        for spawn in (False, True):
            estimate = estimate_mb(dispatches, render, spawn)
            if estimate <= budget_mb:
                return Plan(render, spawn, estimate)
    return Plan(1, True, estimate_mb(dispatches, 1, True))
