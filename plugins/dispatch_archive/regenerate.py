"""`invoke regenerate`: a resident process that keeps the archive in memory and rebuilds on change.

After one full build into output/, it polls the dispatch folder. When files are added, changed
or removed, only those are read, cleaned and tagged (the per-dispatch cache answers for the
rest), the site model is rebuilt in memory, and only the pages the change touches are
rendered: the dispatch and its neighbours, the main pages and feeds of its entities (before
and after the change) with their period pages of its dates (all their period pages when a
period appears, disappears or splits into months), its date archives, the home page, the
indexes and the rules page. Pages whose data did not change keep their bytes and modification
time; pages the change emptied are deleted. Rankings that depend on the whole archive
(co-mention scores of entities the change does not name) are refreshed by the next full
`invoke build`.
"""

from __future__ import annotations

import functools
import gc
import logging
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import Any

from .build import (
    MANIFEST_NAME,
    ArchiveBuild,
    DispatchPrekeys,
    Prepared,
    job_key,
    make_tagger,
    save_manifest,
)
from .pages import build_jobs
from .periods import period_prefixes, shape
from .pipeline import Cache, Failure, Record, is_dispatch, process
from .render import make_environment, render_job, write_if_changed
from .site import GROUP_DIRS, Site, Tally, build_site, card, removal_counts, removal_pairs

logger = logging.getLogger(__name__)

ALWAYS = ("index.html", "acteurs/index.html", "lieux/index.html", "archives/index.html", "regles.html")


@dataclass
class Snapshot:
    """Size and modification time of each raw file (and sidecar) at the last look."""

    files: dict[str, tuple[int, int]]

    @classmethod
    def take(cls, folder: Path) -> Snapshot:
        files: dict[str, tuple[int, int]] = {}
        pending = [("", str(folder))]
        while pending:
            prefix, where = pending.pop()
            try:
                entries = list(os.scandir(where))
            except (FileNotFoundError, NotADirectoryError):
                continue
            for entry in entries:
                rel = prefix + entry.name
                try:
                    if entry.is_dir(follow_symlinks=False):
                        pending.append((rel + "/", entry.path))
                    elif entry.is_file():
                        stat = entry.stat()
                        files[rel] = (stat.st_size, stat.st_mtime_ns)
                except FileNotFoundError:
                    continue
        return cls(files)

    def changed(self, newer: Snapshot) -> set[str]:
        """Relative paths added, removed or modified (a sidecar counts for its dispatch)."""
        if self.files == newer.files:
            return set()
        return {_stem(p) for p, _ in self.files.items() ^ newer.files.items()}


@functools.lru_cache(maxsize=1 << 18)
def _stem(path: str) -> str:
    """A relative path without its suffix: a dispatch and its sidecar share it."""
    return os.path.splitext(path)[0]


def touched_paths(
    site: Site,
    slugs: Iterable[str],
    entities: Iterable[str],
    dates: Iterable[str | None],
    reshaped: Iterable[str] = (),
) -> Callable[[str], bool]:
    """A predicate on output paths: the pages a change to these dispatches can alter.

    slugs, entities and dates are those of the changed dispatches, before and after the
    change. An entity's main page lists its newest dispatches and indexes its periods: always
    touched. Of its period pages (periods.py), those of the changed dates are; all of them for
    the entities in reshaped, whose periods appeared, disappeared or were split, which moves
    the neighbour links of every period page.
    """
    exact: set[str] = set(ALWAYS)
    prefixes: list[str] = []
    index_of = {d.slug: i for i, d in enumerate(site.dispatches)}
    for slug in slugs:
        exact.add(f"depeches/{slug}.html")
        i = index_of.get(slug)
        if i is not None:
            for j in (i - 1, i + 1):
                if 0 <= j < len(site.dispatches):
                    exact.add(site.dispatches[j].url)
    dates = set(dates)
    in_period = [p for date in sorted(dates, key=lambda d: d or "") for p in period_prefixes(date)]
    reshaped = set(reshaped)
    for slug in entities:
        page = site.entities.get(slug)
        group = page.entity.group if page else None
        for folder in ([GROUP_DIRS[group]] if group else GROUP_DIRS.values()):
            exact.add(f"{folder}/{slug}.html")
            if slug in reshaped:
                prefixes.append(f"{folder}/{slug}/")
            else:
                prefixes += [f"{folder}/{slug}/{p}" for p in in_period]
    for date in dates:
        if date:
            exact.add(f"archives/{date[:4]}.html")
            prefixes.append(f"archives/{date[:4]}/{date[5:7]}")
        else:
            prefixes.append("archives/non-datees")
    starts = tuple(prefixes)
    return lambda path: path in exact or path.startswith(starts)


class Resident:
    """The archive kept in memory between rebuilds."""

    def __init__(self, prepared: Prepared, content: Path, theme: Path, output: Path) -> None:
        self.build = ArchiveBuild(prepared, content, theme, output)
        self.folder = prepared.dispatch.dispatch_dir(str(content))
        self.tagger = make_tagger(prepared)
        self.build.tagger = self.tagger  # one model in memory for the full build and the updates
        self.records: dict[str, Record] = {}
        self.failures: dict[str, Failure] = {}
        self.env = make_environment([theme / "templates"], prepared.site)
        self.snapshot = Snapshot({})
        self.tallies: dict[int, Tally] = {}  # build_site's per-record memo
        self.cards: dict[str, tuple[Record, str, tuple[Any, ...], dict[str, Any]]] = {}
        self.manifest_dirty = False
        self.gc_dirty = False  # an update ran since the collector last did (idle())

    def full(self) -> float:
        """Build everything once; return the seconds it took."""
        started = time.perf_counter()
        self.snapshot = Snapshot.take(self.folder)
        self.build.tallies = self.tallies  # the first change then counts only what changed
        self.build.read()
        for r in self.build.outcome.records:
            self.records[r["path"]] = r
        for f in self.build.outcome.failures:
            self.failures[f.path] = f
        self.build.write()
        # Load the model now (a full build answered from the cache never did), so the first
        # edit does not pay for it.
        self.tagger.tag_many([("Titre", ["Le texte."])])
        site = self.build.site
        assert site is not None
        for i in range(len(site.dispatches)):  # cards are made in the render workers: make them here
            card(site, i)
        self._keep_cards(site)
        removal_counts(site)  # the rules page's tally, then kept up to date by each change
        for name in self.env.list_templates():  # compile the templates now, not at the first edit
            if name.endswith((".html", ".xml")):
                self.env.get_template(name)
        self.gc_dirty = True
        self.idle()
        return time.perf_counter() - started

    def idle(self) -> None:
        """Work best done between changes: after an update, collect the garbage once, then
        freeze what is alive, so that the collector does not walk the whole archive (some
        200 ms at 10,000 dispatches) in the middle of the next update. Unfrozen first, so
        that nothing freed since stays frozen."""
        if self.gc_dirty:
            gc.unfreeze()
            gc.collect()
            gc.freeze()
            self.gc_dirty = False

    def flush(self) -> None:
        """Save the render manifest: the next full build starts from these keys. Pages
        rendered here are trusted; pages whose data moved without being rendered here
        (rankings of entities the change does not name, exports) differ and are redone."""
        if self.manifest_dirty:
            save_manifest(self.build.cache_dir / MANIFEST_NAME, self.build.manifest, self.build.output_path)
            self.manifest_dirty = False

    def _reuse_cards(self, site: Site) -> None:
        """Let the new site take, when a listing asks for it, the card of a dispatch whose
        record, slug and entities did not change (a card is what listings show; laying out a
        big entity's listing needs them). Checked on demand: an edit lays out a few hundred
        cards of a 10,000-dispatch archive, not all of them."""
        old_cards = self.cards

        def source(index: int) -> dict[str, Any] | None:
            d = site.dispatches[index]
            old = old_cards.get(d.record["path"])
            if old is not None and old[0] is d.record and old[1] == d.slug and old[2] == _card_entities(site, index):
                return old[3]
            return None

        site.card_source = source

    def _keep_cards(self, site: Site, gone: Iterable[str] = ()) -> None:
        """Remember the cards the new site holds, beside the still valid older ones; forget
        those of the paths in gone (dispatches no longer in the archive)."""
        for path in gone:
            self.cards.pop(path, None)
        for i, c in site.cards.items():
            d = site.dispatches[i]
            self.cards[d.record["path"]] = (d.record, d.slug, _card_entities(site, i), c)

    def poll(self) -> dict[str, Any] | None:
        """Rebuild what changed since the last look; None when nothing did."""
        newer = Snapshot.take(self.folder)
        stems = self.snapshot.changed(newer)
        self.snapshot = newer
        if not stems:
            return None
        return self.update(stems)

    def update(self, stems: set[str]) -> dict[str, Any]:
        """Re-read the dispatches whose path without suffix is in stems and render what they touch."""
        started = time.perf_counter()
        site = self.build.site
        assert site is not None
        old_paths = {p for p in chain(self.records, self.failures) if _stem(p) in stems}
        old = {d.record["path"]: d for d in site.dispatches if d.record["path"] in old_paths}
        before_entities = {s for d in old.values() for s in d.entities}
        before_dates = {d.date for d in old.values()}
        before_slugs = {d.slug for d in old.values()}
        for path in old_paths:
            self.records.pop(path, None)
            self.failures.pop(path, None)
        paths = sorted(
            (self.folder / p for p in self.snapshot.files if _stem(p) in stems and is_dispatch(p)),
            key=lambda p: p.relative_to(self.folder).as_posix(),
        )
        cache = Cache(self.build.cache_dir / "dispatches.sqlite")
        try:
            outcome = process(paths, self.folder, self.tagger, cache)
        finally:
            cache.close()
        for r in outcome.records:
            self.records[r["path"]] = r
        for f in outcome.failures:
            self.failures[f.path] = f
        read_s = time.perf_counter() - started
        records = [self.records[p] for p in sorted(self.records)]
        failures = [self.failures[p] for p in sorted(self.failures)]
        before = site
        site = build_site(records, failures, self.build.prepared.gazetteer, self.tallies)
        alive = {id(r) for r in records}
        self.tallies = {k: v for k, v in self.tallies.items() if k in alive}
        self.build.site = site
        record_keys = self.build.outcome.keys  # what dispatch pages' keys are made from
        for path in old_paths:
            record_keys.pop(path, None)
        record_keys.update(outcome.keys)
        self._reuse_cards(site)
        new_paths = {r["path"] for r in outcome.records}
        new = [d for d in site.dispatches if d.record["path"] in new_paths]
        # The rules page's tally: the old records' removals out, the new ones' in
        removals = removal_counts(before).copy()
        removals.subtract(pair for d in old.values() for pair in removal_pairs(d.record))
        removals.update(pair for d in new for pair in removal_pairs(d.record))
        site.removals = +removals  # without the pairs no dispatch has any more
        touched = before_entities | {s for d in new for s in d.entities}
        per_page = self.build.prepared.dispatch.per_page
        reshaped = {s for s in touched if shape(before, s, per_page) != shape(site, s, per_page)}
        wanted = touched_paths(
            site,
            before_slugs | {d.slug for d in new},
            touched,
            before_dates | {d.date for d in new},
            reshaped,
        )
        rendered_paths: list[str] = []
        rewritten_paths: list[str] = []
        laid_out: set[str] = set()
        keys = self.build.manifest
        # Files change from here on: the manifest on disk is trusted by no build until flush()
        # saves it again (when the process is idle, or at its end).
        if not self.manifest_dirty:
            (self.build.cache_dir / MANIFEST_NAME).unlink(missing_ok=True)
            self.manifest_dirty = True
        prekey = DispatchPrekeys(self.build, self.build.salt)
        for job in build_jobs(site, self.build.prepared.dispatch, self.build.prepared.entity, prune=wanted):
            if not wanted(job.path):
                continue
            laid_out.add(job.path)
            # A dispatch page's key is its prekey, as in a full build (build._render_part)
            key = prekey(job.path) or job_key(self.build.salt, job.template, job.context)
            if keys.get(job.path) == key:
                continue  # its data did not change: the page stays as it is
            rendered_paths.append(job.path)
            if write_if_changed(self.build.output_path, job.path, render_job(self.env, job)):
                rewritten_paths.append(job.path)
            keys[job.path] = key
        for path, key, make in self.build.feed_jobs(entities=touched):
            if keys.get(path) != key:
                if write_if_changed(self.build.output_path, path, make()):
                    rewritten_paths.append(path)
                keys[path] = key
        # Pages the change can alter that were not laid out no longer exist: a removed or
        # renamed dispatch, a period or a page of a period that emptied, a month archive.
        removed = sorted(p for p in keys if p.endswith(".html") and wanted(p) and p not in laid_out)
        removed += sorted(
            path
            for slug in touched - site.entities.keys()
            for path in (f"feeds/{folder}/{slug}.atom.xml" for folder in GROUP_DIRS.values())
            if path in keys
        )
        for path in removed:
            target = self.build.output_path / path
            target.unlink(missing_ok=True)
            del keys[path]
            folder = target.parent
            if folder != self.build.output_path and folder.is_dir() and not any(folder.iterdir()):
                folder.rmdir()  # an entity's period folder, now empty: a full build has none
        self._keep_cards(site, old_paths - new_paths)
        self.gc_dirty = True
        return {
            "changed": sorted(stems),
            "read_tag_s": round(read_s, 3),
            "total_s": round(time.perf_counter() - started, 3),
            "rendered": len(rendered_paths),
            "rewritten": len(rewritten_paths),
            "rendered_paths": rendered_paths,
            "rewritten_paths": rewritten_paths,
            "removed_paths": removed,
            "failures": [f"{f.path}: {f.reason}" for f in outcome.failures],
        }


def _card_entities(site: Site, index: int) -> tuple[Any, ...]:
    d = site.dispatches[index]
    return tuple(site.entities[s].entity for s in d.entities)


def run(prepared: Prepared, content: Path, theme: Path, output: Path, interval: float = 0.25,
        once: bool = False) -> None:
    """Build, then watch and rebuild until interrupted (or after one change with once=True)."""
    resident = Resident(prepared, content, theme, output)
    print(f"Archive built into {output} in {resident.full():.1f} s; watching {resident.folder} …", flush=True)
    try:
        while True:
            result = resident.poll()
            if result is None:
                resident.flush()  # idle: the next full build can trust what was rendered
                resident.idle()
            else:
                print(
                    f"{len(result['changed'])} changed: {result['rendered']} pages rendered, "
                    f"{result['rewritten']} files rewritten in {result['total_s']:.2f} s "
                    f"(read and tag {result['read_tag_s']:.2f} s)",
                    flush=True,
                )
                for failure in result["failures"]:
                    print(f"  skipped {failure}", flush=True)
                if once:
                    return
            time.sleep(interval)
    except KeyboardInterrupt:
        print("stopped", flush=True)
    finally:
        resident.flush()
