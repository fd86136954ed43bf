"""One archive build, stage by stage, without Pelican: prepare, read, write pages, report."""

from __future__ import annotations

import functools
import gc
import hashlib
import json
import logging
import multiprocessing
import os
import pickle
import shutil
import time
import zlib
from collections import Counter, defaultdict
from collections.abc import Callable, Container, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dispatch_cleaning import rules as cleaning_rules
from entity_tags.gazetteer import Gazetteer, load_gazetteer
from entity_tags.tagger import Tagger

from . import memory
from .exports import MemberMemo, compressed, extra_jobs, report_data_file
from .feeds import SUMMARY_CHARS, atom_feed
from .pages import GROUP_TITLES, PageJob, build_jobs
from .pipeline import Cache, Outcome, discover, process
from .render import make_environment, render_job, write_if_changed
from .settings import DispatchSettings, EntitySettings, check_siteurl
from .site import GROUP_DIRS, Site, Tally, build_site, lead_of

logger = logging.getLogger(__name__)

MANIFEST_NAME = "render-manifest.json"  # in the cache folder: output path -> key of its inputs
EXPORT_MEMBERS = "exports"  # in the cache folder: the gzip members of the exports (MemberMemo)
FEEDS_VERSION = "feeds-2"  # bump when feeds.py changes what it writes
# Part of every page key beside the templates: bump when render.py changes what a page's
# data renders to (markup written in Python, the template loader's treatment of sources).
RENDER_VERSION = "render-5"


@dataclass(frozen=True)
class Prepared:
    """Settings and gazetteer, checked before any dispatch is read."""

    dispatch: DispatchSettings
    entity: EntitySettings
    gazetteer: Gazetteer
    site: Mapping[str, Any]  # the Pelican settings the templates see (SITENAME, …)
    raw: Mapping[str, Any] = field(default_factory=dict)  # every setting, for other plugins


def prepare(settings: Mapping[str, Any]) -> Prepared:
    """Validate our settings and load the gazetteer; raise SettingsError or GazetteerError."""
    ds = DispatchSettings.from_settings(settings)
    es = EntitySettings.from_settings(settings)
    content = Path(settings.get("PATH", "content"))
    gazetteer = load_gazetteer(content / es.gazetteer_path)
    site = {
        "SITENAME": settings.get("SITENAME", "Archive"),
        "SITEURL": check_siteurl(settings.get("SITEURL", "")),
        "SITE_DESCRIPTION": ds.site_description,
        "DEFAULT_LANG": settings.get("DEFAULT_LANG", "fr"),
        "MENUITEMS": tuple(settings.get("MENUITEMS", ())),
    }
    return Prepared(ds, es, gazetteer, site, dict(settings))


def make_tagger(prepared: Prepared) -> Tagger:
    """The tagger the settings ask for."""
    if prepared.entity.discovery:
        try:
            from entity_tags.discovery import DiscoveryTagger
        except ImportError:  # discovery not installed in this tree: the gazetteer alone
            return Tagger(prepared.gazetteer)
        return DiscoveryTagger(
            prepared.gazetteer,
            prepared.entity.model,
            prepared.dispatch.worker_count(),
            regex_cache=Path(prepared.dispatch.cache_path) / "spacy-patterns.pickle",
        )
    return Tagger(prepared.gazetteer)


@dataclass
class ArchiveBuild:
    """The state of one build, shared by the generator and the search plugin."""

    prepared: Prepared
    content_path: Path
    theme_path: Path
    output_path: Path
    outcome: Outcome = field(default_factory=Outcome)
    site: Site | None = None
    stats: dict[str, int] = field(default_factory=dict)
    written_paths: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    spans: dict[str, tuple[float, float]] = field(default_factory=dict)  # see Outcome.spans
    tagger: Tagger | None = None  # made on first use; a resident process keeps its loaded model
    manifest: dict[str, str] = field(default_factory=dict)  # output path -> key of its inputs
    salt: str = ""  # hash of the templates and settings, part of every key
    plan: memory.Plan | None = None  # processes at once, set by read() (memory.py)
    # build_site's per-record memo, kept by a resident process (regenerate.py): filled by the
    # full build too, so that the first change does not count every record's mentions again
    tallies: dict[int, Tally] | None = None

    @property
    def cache_dir(self) -> Path:
        """Folder for caches, outside output/."""
        return Path(self.prepared.dispatch.cache_path)

    def read(self) -> Site:
        """Read, clean and tag every raw dispatch; build the site model."""
        folder = self.prepared.dispatch.dispatch_dir(str(self.content_path))
        cache = Cache(self.cache_dir / "dispatches.sqlite")
        try:
            if self.tagger is None:
                self.tagger = make_tagger(self.prepared)
            self.outcome = process(
                discover(folder), folder, self.tagger, cache,
                workers=self.prepared.dispatch.worker_count(),
            )
        finally:
            cache.close()
        self.timings.update(self.outcome.timings)
        self.spans.update(self.outcome.spans)
        started = time.perf_counter()
        for failure in self.outcome.failures:
            logger.warning("Dispatch skipped: %s: %s", failure.path, failure.reason)
        self.site = build_site(self.outcome.records, self.outcome.failures, self.prepared.gazetteer,
                               self.tallies)
        ds = self.prepared.dispatch
        self.plan = memory.plan(len(self.site.dispatches), ds.worker_count(), ds.memory_mb)
        logger.info(self.plan.describe(len(self.site.dispatches), ds.memory_mb))
        self.timings["model"] = time.perf_counter() - started
        self.spans["model"] = (started, started + self.timings["model"])
        return self.site

    def jobs(self, prune: Callable[[str], bool] | None = None) -> Iterator[PageJob]:
        """Every page to render, one at a time (those prune keeps, when given: build_jobs)."""
        assert self.site is not None, "read() comes before jobs()"
        return build_jobs(self.site, self.prepared.dispatch, self.prepared.entity, prune)

    def write(self) -> int:
        """Render pages and feeds into output_path; return how many files were rewritten.

        Pages are split between worker processes by a hash of their path (of the first
        page, for a paginated listing; of the entity's main page, for its period pages), so
        the output does not depend on the number of workers, and a worker gathers the data
        of its own pages only. A page whose inputs (template files, settings and
        its own data) hash as in the previous build is not rendered again: the previous file
        is kept (hard-linked when building into a fresh folder).
        """
        assert self.site is not None, "read() comes before write()"
        started = time.perf_counter()
        manifest_path = self.cache_dir / MANIFEST_NAME
        previous = os.environ.get(PREVIOUS_ENV)
        previous_dir = Path(previous) if previous else self.output_path
        old_manifest = _load_manifest(manifest_path, previous_dir)
        manifest_path.unlink(missing_ok=True)  # a build that dies from here on leaves none
        salt = _templates_salt(self.theme_path / "templates", self.prepared.site)
        workers = self.plan.render if self.plan else self.prepared.dispatch.worker_count()
        if len(self.site.dispatches) < PARALLEL_THRESHOLD:
            workers = 1
        report_data = self._report_data_path()
        report_manifest: dict[str, str] = {}

        def report() -> int:
            return self._write_report(old_manifest, previous_dir, salt, report_manifest,
                                      report_data)

        global _ACTIVE
        _ACTIVE = (self, old_manifest, previous_dir, salt, workers)
        try:
            if workers == 1:
                parts = [_render_part(0)]
                report_rewritten = report()
            else:
                # This process renders part 0 itself while forked workers render the others:
                # a worker holds a copy of every page of the archive it touches, so one
                # fewer worker is one fewer copy.
                gc.freeze()  # the workers' collector never walks (copies) this heap's pages
                try:
                    pool = multiprocessing.get_context("fork").Pool(workers - 1)
                finally:
                    gc.unfreeze()
                with pool:
                    others = pool.map_async(_render_part, range(1, workers))
                    first = _render_part(0)
                    # The report needs no page: this process writes it while the workers
                    # finish theirs (it took 1.0-1.4 s after them at 10,000 dispatches).
                    report_rewritten = report()
                    parts = [first, *others.get()]
        finally:
            _ACTIVE = None
        manifest: dict[str, str] = {}
        rewritten = reused = prekeyed = 0
        paths: list[str] = []
        for part in parts:
            manifest.update(part.manifest)
            prekeyed += part.prekeyed
            rewritten += part.rewritten
            reused += part.reused
            paths.extend(part.paths)
        manifest.update(report_manifest)
        rewritten += report_rewritten
        paths += [report_data, "rapport.html"]
        save_manifest(manifest_path, manifest, self.output_path)
        self.manifest, self.salt = manifest, salt  # `invoke regenerate` renders from here on
        self.written_paths = sorted(paths)
        self.stats = {"files": len(paths), "rewritten": rewritten, "reused": reused,
                      "prekeyed": prekeyed, "workers": workers}
        self.timings["render_write"] = time.perf_counter() - started
        self.spans["render_write"] = (started, started + self.timings["render_write"])
        return rewritten

    def feed_jobs(
        self, entities: Container[str] | None = None, mine: Callable[[str], bool] | None = None
    ) -> Iterator[tuple[str, str, Callable[[], bytes]]]:
        """(path, key of its inputs, maker) for the archive's Atom feed and one per entity
        (only those of entities, when given, and those whose path mine accepts: a render
        worker's share, whose keys alone it computes)."""
        site = self.site
        assert site is not None
        limit = self.prepared.dispatch.feed_items
        entity_limit = self.prepared.dispatch.entity_feed_items
        url = str(self.prepared.site["SITEURL"])
        name = str(self.prepared.site["SITENAME"])

        def feed(title: str, path: str, page_url: str, items: list[int],
                 limit: int) -> tuple[str, str, Callable[[], bytes]]:
            shown = [i for i in reversed(items) if site.dispatches[i].date][:limit]
            # What an entry shows, so that a change of the cleaning rules (the text) or of
            # the gazetteer (an entity's name) renews the feed too.
            inputs = [
                (d.url, d.date, d.record["sha256"], d.record["title"],
                 lead_of(d.record["paragraphs"], SUMMARY_CHARS),
                 [site.entities[s].entity.name for s in d.entities])
                for d in (site.dispatches[i] for i in shown)
            ]
            key = job_key(FEEDS_VERSION, path, {"t": title, "u": url, "p": page_url, "i": inputs,
                                                "n": limit})
            return path, key, lambda: atom_feed(site, title, path, page_url, items, url, limit)

        if mine is None or mine("feeds/all.atom.xml"):
            everything = list(range(len(site.dispatches)))
            yield feed(name, "feeds/all.atom.xml", "index.html", everything, limit)
        for slug, page in sorted(site.entities.items()):
            if entities is not None and slug not in entities:
                continue
            folder = GROUP_DIRS[page.entity.group]
            path = f"feeds/{folder}/{slug}.atom.xml"
            if mine is not None and not mine(path):
                continue
            title = f"{name} — {page.entity.name}"
            yield feed(title, path, page.url, page.dispatches, entity_limit)

    def search_docs(self) -> Iterator[dict[str, Any]]:
        """One plain document per dispatch, for the search index."""
        site = self.site
        assert site is not None
        for d in site.dispatches:
            entities = [site.entities[s].entity for s in d.entities]
            yield {
                "id": d.slug,
                "url": d.url,
                "title": d.record["title"],
                "date": d.date,
                "source": d.record.get("source"),
                "body": "\n\n".join(d.record["paragraphs"]),
                "lead": lead_of(d.record["paragraphs"]),
                "actors": [_search_entity(e) for e in entities if e.group == "acteur"],
                "locations": [_search_entity(e) for e in entities if e.group == "lieu"],
            }

    def report(self) -> dict[str, Any]:
        """Every input with its status, rules fired and entities; counts that add up."""
        site = self.site
        assert site is not None
        by_sha: dict[str, list[str]] = defaultdict(list)
        for d in site.dispatches:
            by_sha[d.record["sha256"]].append(d.record["path"])
        inputs: list[dict[str, Any]] = []
        for d in site.dispatches:
            twins = [p for p in by_sha[d.record["sha256"]] if p != d.record["path"]]
            inputs.append(
                {
                    "path": d.record["path"],
                    "status": "doublon" if twins else "ok",
                    "url": d.url,
                    "title": d.record["title"],
                    "date": d.date,
                    "same_as": twins,
                    "warnings": d.record.get("warnings", []),
                    "rules": dict(sorted(Counter(r["rule"] for r in d.record["removed"]).items())),
                    "entities": [site.entities[s].entity.slug for s in d.entities],
                }
            )
        for f in site.failures:
            inputs.append({"path": f.path, "status": "erreur", "reason": f.reason})
        inputs.sort(key=lambda x: x["path"])
        status = Counter(x["status"] for x in inputs)
        return {
            "inputs": inputs,
            "counts": {
                "inputs": len(inputs),
                "ok": status["ok"],
                "doublon": status["doublon"],
                "erreur": status["erreur"],
                "entities": {
                    group: sum(1 for p in site.entities.values() if p.entity.group == group)
                    for group in GROUP_TITLES
                },
            },
        }

    def _report_data_path(self) -> str:
        """rapport.json, or rapport.json.gz for an archive whose data files are compressed."""
        assert self.site is not None
        return report_data_file(self.site, self.prepared.dispatch.gzip_exports_from)

    def _write_report(self, old_manifest: Mapping[str, str], previous_dir: Path, salt: str,
                      manifest: dict[str, str], data_path: str) -> int:
        """output/rapport.json (data_path: .gz in a large archive) and output/rapport.html;
        return how many were rewritten.

        Both are kept from the previous build when their data is the same (rendering the
        page of every input took 1.9 s at 10,000 dispatches, on every build)."""
        report = self.report()
        data = json.dumps(report["counts"], ensure_ascii=False, sort_keys=True)
        inputs = ",\n".join(json.dumps(x, ensure_ascii=False, sort_keys=True) for x in report["inputs"])
        data = f'{{\n"counts": {data},\n"inputs": [\n{inputs}\n]\n}}\n'  # an input per line
        raw = compressed(data.encode("utf-8"), data_path.endswith(".gz"))
        context = {"page_title": "Rapport de construction", "report": report, "data": data_path,
                   "attention": needs_attention(report["inputs"])}
        job = PageJob("rapport.html", "report.html", context)
        rewritten = 0
        templates = [self.theme_path / "templates"]
        data_key = "data:" + hashlib.blake2b(raw, digest_size=16).hexdigest()
        for path, key, make in (
            (data_path, data_key, lambda: raw),
            (job.path, job_key(salt, job.template, job.context),
             lambda: render_job(make_environment(templates, self.prepared.site), job)),
        ):
            if not _keep_previous(old_manifest, previous_dir.resolve(), self.output_path.resolve(),
                                  path, key):
                rewritten += write_if_changed(self.output_path, path, make())
            manifest[path] = key
        return rewritten


ATTENTION_ORDER = {"erreur": 0, "doublon": 1, "ok": 2}


def needs_attention(inputs: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The inputs an editor should look at, shown first on rapport.html: refused files, then
    duplicates, then published files with a warning, each group by path. In an archive of
    100,000 files they would otherwise be rows among all the others."""
    flagged = [x for x in inputs if x["status"] != "ok" or x.get("warnings")]
    return sorted(flagged, key=lambda x: (ATTENTION_ORDER[x["status"]], x["path"]))


def _search_entity(entity: Any) -> dict[str, Any]:
    return {"slug": entity.slug, "name": entity.name, "kind": entity.kind, "aliases": list(entity.aliases)}


ENTITY_FOLDERS = frozenset(GROUP_DIRS.values())
PARALLEL_THRESHOLD = 300  # below this many dispatches, forking costs more than it saves
PREVIOUS_ENV = "DISPATCH_PREVIOUS_OUTPUT"
# Set by ArchiveBuild.write() just before forking: the workers inherit it.
_ACTIVE: tuple[ArchiveBuild, dict[str, str], Path, str, int] | None = None


@dataclass
class _Part:
    manifest: dict[str, str] = field(default_factory=dict)
    prekeyed: int = 0  # dispatch pages kept on their prekey, their data never gathered
    paths: list[str] = field(default_factory=list)
    rewritten: int = 0
    reused: int = 0


# The modules whose code decides what a dispatch page's data holds (and the cleaning rules,
# whose labels it shows): a change to any of them changes every prekey (a prekey stands for
# the data, which is not gathered when it matches).
_PAGE_DATA_MODULES = ("pages.py", "site.py", "seo.py", "citations.py", "build.py")


@functools.cache
def _page_data_salt(salt: str) -> str:
    """salt and the code of _PAGE_DATA_MODULES and the cleaning rules, hashed: read once per
    process (the code a process runs does not change under it; `invoke regenerate` makes a
    DispatchPrekeys at every change)."""
    code = hashlib.blake2b(salt.encode(), digest_size=16)
    here = Path(__file__).parent
    for file in (*(here / name for name in _PAGE_DATA_MODULES), Path(cleaning_rules.__file__)):
        code.update(file.name.encode() + b"\0" + file.read_bytes())
    return code.hexdigest()


class DispatchPrekeys:
    """prekey(path): for a dispatch page, a hash of everything its data is made from,
    computed without making the data; None for any other page.

    A dispatch page shows its record (what the file's and its tags' cache keys stand for),
    its path, slug and date, its neighbours' titles and addresses, and for each entity it
    names that entity's name, address, group, kind, verified flag, coordinates and count in
    the dispatch. When all of these, the templates and settings (salt) and the code that
    makes page data hash as in the previous build, so does the page: its data is not
    gathered (at 10,000 dispatches, most of a no-op rebuild's rendering stage). It is the
    page's key in the render manifest, in a full build as in `invoke regenerate`.
    """

    def __init__(self, build: ArchiveBuild, salt: str) -> None:
        site = build.site
        assert site is not None
        self.site = site
        self.keys = build.outcome.keys
        self.index = {d.url: i for i, d in enumerate(site.dispatches)}
        self.salt = _page_data_salt(salt)
        self.made: dict[int, str | None] = {}  # by dispatch number: pages and exports ask

    def __call__(self, path: str) -> str | None:
        i = self.index.get(path)
        return None if i is None else self.number(i)

    def number(self, i: int) -> str | None:
        """The prekey of the i-th dispatch's page (None when its record has no cache key)."""
        try:
            return self.made[i]
        except KeyError:
            key = self.made[i] = self._make(i)
            return key

    def _make(self, i: int) -> str | None:
        site = self.site
        d = site.dispatches[i]
        record_key = self.keys.get(d.record["path"])
        if not record_key:
            return None
        neighbours = [
            (n.url, n.record["title"]) if n is not None else None
            for n in (site.dispatches[i - 1] if i > 0 else None,
                      site.dispatches[i + 1] if i + 1 < len(site.dispatches) else None)
        ]
        entities = []
        for slug in d.entities:
            page = site.entities[slug]
            e = page.entity
            entities.append((slug, page.url, e.name, e.group, e.kind, e.verified, e.lat, e.lon,
                             d.counts[slug]))
        return job_key(self.salt, "dispatch.html", {
            "k": record_key, "p": d.record["path"], "s": d.slug, "d": d.date,
            "n": neighbours, "e": entities,
        })


def _keep_previous(old_manifest: Mapping[str, str], previous_dir: Path, output: Path,
                   path: str, key: str) -> bool:
    """Keep the previous build's file at path when it was made from inputs of this key
    (linked into output when the build writes into a fresh folder, output != previous_dir,
    both as resolved once by the caller); tell whether it was."""
    if old_manifest.get(path) != key:
        return False
    old = previous_dir / path
    if not old.is_file():
        return False
    if output != previous_dir:
        _link(old, output / path)
    return True


def _mine(path: str, part: int, workers: int) -> bool:
    return workers == 1 or zlib.crc32(path.encode("utf-8")) % workers == part


def _render_part(part: int) -> _Part:
    """Render this worker's share of pages and feeds (all of them with one worker)."""
    assert _ACTIVE is not None
    build, old_manifest, previous_dir, salt, workers = _ACTIVE
    out = _Part()
    env = make_environment([build.theme_path / "templates"], build.prepared.site)
    previous, output = previous_dir.resolve(), build.output_path.resolve()

    def keep_previous(path: str, key: str) -> bool:
        kept = _keep_previous(old_manifest, previous, output, path, key)
        out.reused += kept
        return kept

    def owns(path: str) -> bool:
        # build_jobs asks about an entity's period pages only inside an entity it kept:
        # they go with it. Any other page, or listing, by its own path.
        folder, _, rest = path.partition("/")
        if folder in ENTITY_FOLDERS and "/" in rest:
            return True
        return _mine(path, part, workers)

    prekey = DispatchPrekeys(build, salt)
    laid_out_keys: dict[str, str] = {}  # the prekeys of the dispatch pages wanted() lays out

    def wanted(path: str) -> bool:
        """Lay out the page unless it is another worker's, or a dispatch page whose inputs
        are those of the previous build (then its previous file is kept as it is)."""
        if not owns(path):
            return False
        key = prekey(path)
        if key is None:
            return True
        if keep_previous(path, key):
            out.manifest[path] = key
            out.paths.append(path)
            out.prekeyed += 1
            return False
        laid_out_keys[path] = key
        return True

    # Before, each worker laid out every page and dropped the others' (10,000 dispatch
    # pages' data gathered twice over): a third of a rebuild's rendering stage.
    for job in build.jobs(prune=wanted):
        # A dispatch page's key is its prekey: its data is not pickled to be hashed (2.3 s
        # of a full build's CPU at 10,000 dispatches went to job keys, most of it there).
        key = laid_out_keys.pop(job.path, None) or job_key(salt, job.template, job.context)
        if not keep_previous(job.path, key):
            out.rewritten += write_if_changed(build.output_path, job.path, render_job(env, job))
        out.manifest[job.path] = key
        out.paths.append(job.path)
    for path, key, make in build.feed_jobs(mine=lambda path: _mine(path, part, workers)):
        if not keep_previous(path, key):
            out.rewritten += write_if_changed(build.output_path, path, make())
        out.manifest[path] = key
        out.paths.append(path)
    # Exports, citations and the sitemap: made from their data, then kept when their bytes
    # are those of the previous build (linked, no write, modification time kept).
    assert build.site is not None
    # The whole-archive exports take the members of their gzip files whose dispatches'
    # prekeys are unchanged from the previous build's (exports.MemberMemo).
    memo = MemberMemo(build.cache_dir / EXPORT_MEMBERS, prekey.number, salt)
    for job_path, make_files in extra_jobs(build.site, build.prepared, memo):
        if not _mine(job_path, part, workers):
            continue
        for path, data in make_files():
            key = "data:" + hashlib.blake2b(data, digest_size=16).hexdigest()
            if not keep_previous(path, key):
                out.rewritten += write_if_changed(build.output_path, path, data)
            out.manifest[path] = key
            out.paths.append(path)
    return out


class _KeyWriter:
    """A file-like sink that hashes what a pickler writes into it."""

    def __init__(self, salt: str, template: str) -> None:
        self.digest = hashlib.blake2b(f"{salt}\0{template}\0".encode(), digest_size=16)
        self.write = self.digest.update


def job_key(salt: str, template: str, context: Mapping[str, Any]) -> str:
    # Pickle, not JSON: several times faster on these nested dicts, and as deterministic,
    # since contexts are built in a fixed order from plain values. The memo is off (« fast »):
    # with it, a string shared twice in one run and two equal strings in another pickle to
    # different bytes, and a cold build's keys would not match a warm build's.
    sink = _KeyWriter(salt, template)
    pickler = pickle.Pickler(sink, protocol=5)
    pickler.fast = True
    pickler.dump(context)
    return sink.digest.hexdigest()


def _templates_salt(folder: Path, globals_: Mapping[str, Any]) -> str:
    digest = hashlib.blake2b(RENDER_VERSION.encode(), digest_size=16)
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes())
    digest.update(json.dumps(globals_, sort_keys=True, default=str).encode())
    return digest.hexdigest()


def _link(old: Path, new: Path) -> None:
    new.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(old, new)
    except FileExistsError:
        new.unlink()
        os.link(old, new)
    except OSError:
        shutil.copy2(old, new)


def _identity(folder: Path) -> list[int]:
    stat = folder.stat()
    return [stat.st_dev, stat.st_ino]


def _load_manifest(path: Path, previous_dir: Path) -> dict[str, str]:
    """The previous build's page keys, if previous_dir is the folder that build wrote.
    A dispatch page's key is its prekey (DispatchPrekeys), any other page's a hash of its
    data (job_key), a feed's of what it shows, an extra file's of its bytes.

    The manifest names its output folder by device and inode: `invoke build` renames the
    folder it built into output/, which keeps the inode, so a build killed before the swap
    (whose folder never became output/) leaves a manifest that no longer applies.
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or data.get("dir") != _identity(previous_dir):
            return {}
    except (OSError, ValueError):
        return {}
    entries = data.get("entries")
    return entries if isinstance(entries, dict) else {}


def save_manifest(path: Path, manifest: Mapping[str, str], output: Path) -> None:
    """Save the page keys of the build that wrote output (a full build or `invoke
    regenerate`: a dispatch page's key is the same prekey in both, so a stale key can only
    fail to match, and the page is then made again)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    data = {"dir": _identity(output), "entries": dict(manifest)}
    tmp.write_text(json.dumps(data, sort_keys=True), encoding="utf-8")
    os.replace(tmp, path)
