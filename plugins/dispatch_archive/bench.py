"""`invoke bench`: our build against plain Pelican on the same synthetic dispatches.

Each build runs in a child process (`python -m dispatch_archive.bench child …`) so that its
wall time and peak memory are its own. While it runs, this process samples the proportional
set size (PSS: shared pages split between the processes that map them) of the build's whole
process tree, render workers, search and tagging processes included, every half second
(Linux's /proc/PID/smaps_rollup; elsewhere only each process's own peak is known). The build
reports when each stage began and ended, on the same monotonic clock, so each stage gets the
tree's peak while it ran. The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import resource
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def _tree_size(folder: Path) -> tuple[int, int]:
    files = size = 0
    for dirpath, _dirs, names in os.walk(folder):
        for name in names:
            files += 1
            size += os.path.getsize(os.path.join(dirpath, name))
    return files, size


class TreeSampler(threading.Thread):
    """The PSS of a process and its descendants, sampled every interval seconds."""

    def __init__(self, pid: int, interval: float = 0.5) -> None:
        from archive_search.bench import tree_memory_kb  # the search bench's reader, shared

        super().__init__(daemon=True)
        self._read = tree_memory_kb
        self.pid, self.interval = pid, interval
        self.samples: list[tuple[float, int]] = []  # (time.perf_counter(), tree PSS in kB)
        self.peak_kb = 0
        self.at_peak: list[tuple[int, int, int]] = []  # (pid, PSS kB, private kB) at the peak
        self._halt = threading.Event()

    def sample(self) -> None:
        rows = self._read(self.pid)
        total = sum(r[1] for r in rows)
        self.samples.append((time.perf_counter(), total))
        if total > self.peak_kb:
            self.peak_kb, self.at_peak = total, rows

    def run(self) -> None:
        while not self._halt.is_set():
            self.sample()
            self._halt.wait(self.interval)

    def stop(self) -> None:
        self._halt.set()
        self.join()

    def stage_peaks_mb(self, spans: dict[str, list[float]]) -> dict[str, float]:
        """Each stage's highest tree PSS while it ran (the first sample after it began when
        it was shorter than the interval), in MB."""
        peaks: dict[str, float] = {}
        for stage, (start, end) in spans.items():
            inside = [kb for t, kb in self.samples if start <= t <= end]
            if not inside:
                inside = [kb for t, kb in self.samples if t >= start][:1]
            if inside:
                peaks[stage] = round(max(inside) / 1024, 1)
        return peaks


def child(args: argparse.Namespace) -> None:
    """Run one build in this process and print its figures as JSON."""
    sys.path.insert(0, str(ROOT / "plugins"))
    from blinker import signal
    from pelican import Pelican
    from pelican.settings import read_settings

    from dispatch_archive.swap import build_and_swap

    captured: dict[str, Any] = {}
    if args.plain:
        override = {
            "PATH": str(args.content),
            "OUTPUT_PATH": str(args.output),
            "PLUGIN_PATHS": [str(ROOT / "plugins")],
            "PLUGINS": ["markdown_it_reader"],
            "CACHE_CONTENT": True,
            "LOAD_CONTENT_CACHE": True,
            "CACHE_PATH": str(args.cache),
            "TIMEZONE": "UTC",
            "SITENAME": "Pelican",
        }
        settings_file = str(args.content.parent / "plainconf.py")
        Path(settings_file).write_text("", encoding="utf-8")
        started = time.perf_counter()
        Pelican(read_settings(settings_file, override=override)).run()
        wall = time.perf_counter() - started
    else:
        signal("dispatch_archive_built").connect(lambda build: captured.setdefault("build", build), weak=False)
        override = {
            "PATH": str(args.content),
            "DISPATCH_CACHE_PATH": str(args.cache),
            "ENTITY_DISCOVERY": not args.no_discovery,
        }
        if args.memory_mb is not None:
            override["DISPATCH_MEMORY_MB"] = args.memory_mb

        def run(tmp: Path) -> None:
            settings = read_settings(str(ROOT / "pelicanconf.py"), override={**override, "OUTPUT_PATH": str(tmp)})
            Pelican(settings).run()

        started = time.perf_counter()
        build_and_swap(args.output, run)
        wall = time.perf_counter() - started
    files, size = _tree_size(args.output)
    rss = max(
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
    )
    out: dict[str, Any] = {"wall_s": round(wall, 3), "peak_rss_mb": round(rss / 1024, 1), "files": files, "bytes": size}
    build = captured.get("build")
    if build is not None:
        out["stages"] = {k: round(v, 3) for k, v in build.timings.items()}
        out["spans"] = build.spans
        out["stats"] = build.stats
    print("RESULT " + json.dumps(out))


def _run_child(*extra: str) -> dict[str, Any]:
    cmd = [sys.executable, "-m", "dispatch_archive.bench", "child", *extra]
    env = dict(os.environ, PYTHONPATH=str(ROOT / "plugins"))
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, encoding="utf-8",
                            env=env, cwd=ROOT)
    sampler = TreeSampler(proc.pid)
    sampler.start()
    try:
        stdout, stderr = proc.communicate()
    finally:
        sampler.stop()
    for line in stdout.splitlines():
        if line.startswith("RESULT "):
            result: dict[str, Any] = json.loads(line[7:])
            spans = result.pop("spans", {})
            if sampler.samples and sampler.peak_kb:
                result["tree_peak_mb"] = round(sampler.peak_kb / 1024, 1)
                # each process at the tree's peak: PSS / private MB, the build process first
                result["tree_at_peak"] = [
                    (round(pss / 1024), round(private / 1024))
                    for pid, pss, private in sorted(sampler.at_peak, key=lambda r: r[0] != proc.pid)
                ]
                result["stage_peak_mb"] = sampler.stage_peaks_mb(spans)
            return result
    raise RuntimeError(f"build failed ({proc.returncode}):\n{stdout[-3000:]}\n{stderr[-3000:]}")


def _write_markdown(records: list[dict[str, Any]], gazetteer: Any, folder: Path) -> None:
    """The same dispatches as tagged Markdown articles, for plain Pelican."""
    folder.mkdir(parents=True, exist_ok=True)
    for r in records:
        names = []
        for m in r.get("mentions", []):
            entity = gazetteer.entities.get(m["slug"])
            name = entity.name if entity else m["text"]
            if name not in names:
                names.append(name.replace(",", " "))
        date = r["date"] or "2000-01-01"
        title = r["title"].replace("\n", " ")
        body = "\n\n".join(r["paragraphs"])
        stem = Path(r["path"]).stem
        (folder / f"{stem}.md").write_text(
            f"Title: {title}\nDate: {date}\nCategory: Dépêches\nTags: {', '.join(names)}\n\n{body}\n",
            encoding="utf-8",
        )


def _write_content(gazetteer: Any, n: int, content: Path) -> None:
    """The bench's content folder: the project's gazetteer and pages, N synthetic dispatches."""
    from dispatch_archive.synth import SynthSpec, write_corpus

    shutil.copytree(ROOT / "content" / "gazetteer", content / "gazetteer")
    shutil.copytree(ROOT / "content" / "pages", content / "pages")
    write_corpus(gazetteer, SynthSpec(n), content / "dispatches")


def run_bench(n: int, workdir: Path, discovery: bool = True, pelican: bool = True) -> dict[str, Any]:
    """Generate N dispatches, time our builds (cold, full, no-op, +1) and plain Pelican's."""
    sys.path.insert(0, str(ROOT / "plugins"))
    from archive_search.pipeline import KEPT_EXPORT
    from dispatch_archive.pipeline import TAGGER_KEY, Cache, discover, process
    from dispatch_archive.synth import SynthSpec, dispatches
    from entity_tags.gazetteer import load_gazetteer
    from entity_tags.tagger import Tagger

    gazetteer = load_gazetteer(ROOT / "content" / "gazetteer")
    base = workdir / str(n)
    # Nothing is deleted while builds are timed: on ext4, creating files soon after tens of
    # thousands were deleted costs several times the system time (the inode allocator skips
    # recently freed inodes; 33,000 empty files took 1.7 s in a quiet folder and 18 s right
    # after an rm -rf here). Old trees are moved into a trash folder, emptied at the end.
    trash = workdir / f".trash-{n}"
    shutil.rmtree(trash, ignore_errors=True)
    trash.mkdir(parents=True)
    if base.exists():
        base.rename(trash / "previous-run")
    content = base / "content"
    t0 = time.perf_counter()
    _write_content(gazetteer, n, content)
    generate_s = time.perf_counter() - t0
    output, cache = base / "output", base / "cache"
    flags = ["--content", str(content), "--output", str(output), "--cache", str(cache)]
    if not discovery:
        flags.append("--no-discovery")
    figures: dict[str, Any] = {"n": n, "generate_s": round(generate_s, 2)}
    print(f"[{n}] corpus written in {generate_s:.1f} s; building (cold)…", flush=True)
    figures["cold"] = _run_child(*flags)
    print(f"[{n}] cold {figures['cold']['wall_s']} s; full build with a warm tagging cache…", flush=True)
    output.rename(trash / "cold-output")
    (cache / "render-manifest.json").unlink(missing_ok=True)
    figures["full_warm"] = _run_child(*flags)
    print(f"[{n}] full warm {figures['full_warm']['wall_s']} s; again, the search export "
          "computed again…", flush=True)
    # The same full build without the search export's kept copy (the site build's, beside
    # the store): the client index is computed again from the store, beside the rendering.
    output.rename(trash / "full-warm-output")
    (cache / "render-manifest.json").unlink(missing_ok=True)
    shutil.rmtree(cache / "search" / "whoosh" / KEPT_EXPORT)
    figures["full_export"] = _run_child(*flags)
    print(f"[{n}] full warm, search exported {figures['full_export']['wall_s']} s; "
          "no-op rebuild…", flush=True)
    figures["noop"] = _run_child(*flags)
    extra = next(iter(dispatches(gazetteer, SynthSpec(n + 1, seed=7))))  # a new dispatch
    (content / "dispatches" / f"ajout-{extra[0]}").write_text(extra[1], encoding="utf-8")
    figures["add_one"] = _run_child(*flags)
    figures["parts"] = output_parts(output)
    print(f"[{n}] +1 dispatch {figures['add_one']['wall_s']} s", flush=True)
    if pelican:
        cache_db = Cache(cache / "dispatches.sqlite")
        # Gazetteer tags for plain Pelican's Markdown: another tagger than the build's, which
        # the pipeline would report as a change of tagger (pipeline.retag_message).
        # The build's tagger stays the one the cache remembers (bench-regenerate copies it).
        quiet = logging.getLogger("dispatch_archive.pipeline")
        level = quiet.level
        quiet.setLevel(logging.ERROR)
        builds_tagger = cache_db.get(TAGGER_KEY)
        try:
            outcome = process(discover(content / "dispatches"), content / "dispatches",
                              Tagger(gazetteer), cache_db)
            if builds_tagger is not None:
                cache_db.put_many([(TAGGER_KEY, builds_tagger)])
        finally:
            quiet.setLevel(level)
            cache_db.close()
        plain = base / "plain"
        records = sorted(outcome.records, key=lambda r: r["path"])
        _write_markdown(records[:-1], gazetteer, plain / "content")
        pflags = ["--plain", "--content", str(plain / "content"), "--output", str(plain / "output"), "--cache", str(plain / "cache")]
        print(f"[{n}] plain Pelican (cold)…", flush=True)
        figures["pelican"] = _run_child(*pflags)
        _write_markdown(records[-1:], gazetteer, plain / "content")
        figures["pelican_cached_add_one"] = _run_child(*pflags)
        print(f"[{n}] plain Pelican {figures['pelican']['wall_s']} s, cached +1 {figures['pelican_cached_add_one']['wall_s']} s", flush=True)
    shutil.rmtree(trash, ignore_errors=True)
    return figures


OUR_BUILDS = ("cold", "full_warm", "full_export", "noop", "add_one")  # run_bench's, in order


def summary(f: dict[str, Any]) -> dict[str, Any]:
    """The one-line JSON: n, ours_s, pelican_s, ratio, peak_rss_mb, output_bytes, and more."""
    out: dict[str, Any] = {
        "n": f["n"],
        "ours_s": f["full_warm"]["wall_s"],
        "ours_full_export_s": f["full_export"]["wall_s"],
        "ours_cold_s": f["cold"]["wall_s"],
        "ours_noop_s": f["noop"]["wall_s"],
        "ours_add_one_s": f["add_one"]["wall_s"],
        "peak_rss_mb": max(f[k]["peak_rss_mb"] for k in OUR_BUILDS),
        # the whole process tree (PSS), where it could be sampled
        "peak_tree_mb": max((f[k].get("tree_peak_mb", 0) for k in OUR_BUILDS), default=0),
        "output_bytes": f["add_one"]["bytes"],
        "output_files": f["add_one"]["files"],
    }
    if "pelican" in f:
        p, pc = f["pelican"]["wall_s"], f["pelican_cached_add_one"]["wall_s"]
        out.update(
            pelican_s=p,
            pelican_cached_add_one_s=pc,
            ratio=round(out["ours_s"] / p, 3),
            full_export_ratio=round(out["ours_full_export_s"] / p, 3),
            cold_ratio=round(out["ours_cold_s"] / p, 3),
            add_one_ratio=round(out["ours_add_one_s"] / pc, 3),
            pelican_peak_rss_mb=f["pelican"]["peak_rss_mb"],
            pelican_output_bytes=f["pelican"]["bytes"],
        )
    return out


def print_report(f: dict[str, Any]) -> None:
    """A table per stage, then the JSON line."""
    print(f"\nMachine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"{'build':<28}{'wall s':>9}{'peak MB':>9}{'tree MB':>9}{'files':>9}{'MB out':>9}")
    for key, label in (
        ("cold", "ours, cold (tagging)"),
        ("full_warm", "ours, full, warm cache"),
        ("full_export", "ours, full, search exported"),
        ("noop", "ours, nothing changed"),
        ("add_one", "ours, one dispatch added"),
        ("pelican", "plain Pelican, cold"),
        ("pelican_cached_add_one", "plain Pelican, cached +1"),
    ):
        if key in f:
            r = f[key]
            tree = r.get("tree_peak_mb")
            print(f"{label:<28}{r['wall_s']:>9.2f}{r['peak_rss_mb']:>9.0f}"
                  f"{tree if tree is not None else float('nan'):>9.0f}{r['files']:>9}"
                  f"{r['bytes'] / 1e6:>9.1f}")
    for key in ("cold", "full_warm", "full_export", "add_one"):
        stages = f[key].get("stages")
        if stages:
            peaks = f[key].get("stage_peak_mb", {})
            print(f"stages ({key}): " + ", ".join(
                f"{k} {v:.2f} s" + (f" {peaks[k]:.0f} MB" if k in peaks else "")
                for k, v in stages.items()))
            if f[key].get("tree_at_peak"):
                print(f"  processes at the tree's peak ({key}), PSS/private MB, build first: "
                      + "; ".join(f"{a}/{b}" for a, b in f[key]["tree_at_peak"]))
    if "parts" in f:
        print("output: " + ", ".join(f"{k} {v[0] / 1e6:.1f} MB ({v[1]})" for k, v in f["parts"].items()))
    print(json.dumps(summary(f), sort_keys=True))


def output_parts(folder: Path) -> dict[str, tuple[int, int]]:
    """Bytes and files of each part of a built site: dispatch pages, entity main and period
    pages, search bundle, feeds, date archives, data files, report, the rest."""
    parts: dict[str, tuple[int, int]] = {}
    for dirpath, _dirs, names in os.walk(folder):
        rel = os.path.relpath(dirpath, folder).replace(os.sep, "/")
        top = "" if rel == "." else rel.split("/")[0]
        for name in names:
            if top in ("acteurs", "lieux"):
                key = "entity period pages" if "/" in rel else "entity main pages"
            elif top == "feeds":
                key = "feeds, entities" if "/" in rel else "feed, whole archive"
            elif top == "donnees":
                key = {"citations": "per-dispatch citations", "acteurs": "entity JSON",
                       "lieux": "entity JSON"}.get(rel.split("/")[1] if "/" in rel else "",
                                                   "whole-archive exports")
            elif top == "":
                key = "build report" if name.startswith("rapport.") else "other pages"
            else:
                key = {"depeches": "dispatch pages", "recherche": "search bundle",
                       "archives": "date archives"}.get(top, top)
            size, count = parts.get(key, (0, 0))
            parts[key] = (size + os.path.getsize(os.path.join(dirpath, name)), count + 1)
    return dict(sorted(parts.items(), key=lambda kv: -kv[1][0]))


def print_parts(folder: Path) -> None:
    """`python -m dispatch_archive.bench sizes OUTPUT`: a table of output_parts()."""
    parts = output_parts(folder)
    for key, (size, count) in parts.items():
        print(f"{key:<26}{size / 1e6:9.1f} MB{count:9d} files{size / max(count, 1) / 1e3:9.1f} KB/file")
    total = sum(v[0] for v in parts.values())
    print(f"{'total':<26}{total / 1e6:9.1f} MB{sum(v[1] for v in parts.values()):9d} files")


REGEN_SENTENCE = (" L'Observatoire syrien des droits de l'homme (OSDH) a fait état de nouveaux "
                  "bombardements sur la province d'Idleb.")


def run_regenerate(n: int, workdir: Path, discovery: bool = True) -> dict[str, Any]:
    """`invoke bench-regenerate`: the resident process (`invoke regenerate`) on N synthetic
    dispatches: a full build, then five changes, each timed from the poll that sees it to
    the last file written: an edit of an existing dispatch (a sentence naming the OSDH and
    Idleb added), a new dispatch, an edit of it, the first edit reverted, the new dispatch
    deleted. The tagging cache of `invoke bench --dispatches N` is copied when there is one
    (same corpus), so the full build need not tag it again."""
    sys.path.insert(0, str(ROOT / "plugins"))
    from dispatch_archive.build import prepare
    from dispatch_archive.inspect import load_settings
    from dispatch_archive.regenerate import Resident
    from dispatch_archive.synth import SynthSpec, dispatches
    from entity_tags.gazetteer import load_gazetteer

    gazetteer = load_gazetteer(ROOT / "content" / "gazetteer")
    base = workdir / f"regenerate-{n}"
    shutil.rmtree(base, ignore_errors=True)
    content, cache, output = base / "content", base / "cache", base / "output"
    _write_content(gazetteer, n, content)
    cache.mkdir(parents=True)
    warm = workdir / str(n) / "cache" / "dispatches.sqlite"
    if warm.exists():
        shutil.copy2(warm, cache / "dispatches.sqlite")
    settings = load_settings(ROOT / "pelicanconf.py")
    settings.update(PATH=str(content), DISPATCH_CACHE_PATH=str(cache), ENTITY_DISCOVERY=discovery)
    resident = Resident(prepare(settings), content, ROOT / "theme", output)
    figures: dict[str, Any] = {"n": n, "warm_cache": warm.exists(), "full_s": round(resident.full(), 2)}
    print(f"[{n}] resident build {figures['full_s']} s (tagging cache copied: {warm.exists()})",
          flush=True)
    folder = content / "dispatches"
    first = sorted(p for p in folder.iterdir() if p.suffix == ".txt")[0]
    original = first.read_bytes()
    added = folder / "ajout-regenerate.txt"
    extra = next(iter(dispatches(gazetteer, SynthSpec(n + 1, seed=11))))[1]

    def edit_first() -> None:
        text = original.decode("utf-8").rstrip("\n")
        first.write_text(text + REGEN_SENTENCE + "\n", encoding="utf-8")

    steps = (
        ("edit", edit_first),
        ("add", lambda: added.write_text(extra, encoding="utf-8")),
        ("edit_added", lambda: added.write_text(extra.rstrip("\n") + REGEN_SENTENCE + "\n",
                                                encoding="utf-8")),
        ("revert", lambda: first.write_bytes(original)),
        ("remove", lambda: added.unlink()),
    )
    for name, change in steps:
        resident.idle()  # what `invoke regenerate` does while it waits for a change
        time.sleep(0.05)  # a later modification time than the snapshot's
        change()
        started = time.perf_counter()
        result = resident.poll()
        wall = time.perf_counter() - started
        assert result is not None, f"{name}: the change was not seen"
        figures[name] = {"wall_s": round(wall, 3), "read_tag_s": result["read_tag_s"],
                         "rendered": result["rendered"], "rewritten": result["rewritten"],
                         "removed": len(result["removed_paths"])}
        print(f"{name:<11} {wall:6.3f} s  (read and tag {result['read_tag_s']:.3f} s, "
              f"{result['rendered']} pages rendered, {result['rewritten']} files rewritten, "
              f"{len(result['removed_paths'])} removed)", flush=True)
    resident.flush()
    figures["max_change_s"] = max(figures[name]["wall_s"] for name, _ in steps)
    print(json.dumps(figures, sort_keys=True))
    return figures


def main() -> None:
    """Command line: `child` for one build, `run` for the whole benchmark."""
    parser = argparse.ArgumentParser(prog="python -m dispatch_archive.bench")
    sub = parser.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("child")
    c.add_argument("--content", type=Path, required=True)
    c.add_argument("--output", type=Path, required=True)
    c.add_argument("--cache", type=Path, required=True)
    c.add_argument("--plain", action="store_true")
    c.add_argument("--no-discovery", action="store_true")
    c.add_argument("--memory-mb", type=int, default=None, help="DISPATCH_MEMORY_MB for this build")
    r = sub.add_parser("run")
    r.add_argument("--dispatches", type=int, default=1000)
    r.add_argument("--workdir", type=Path, default=ROOT / "bench-work")
    r.add_argument("--no-discovery", action="store_true")
    r.add_argument("--no-pelican", action="store_true")
    g = sub.add_parser("regenerate")
    g.add_argument("--dispatches", type=int, default=1000)
    g.add_argument("--workdir", type=Path, default=ROOT / "bench-work")
    g.add_argument("--no-discovery", action="store_true")
    z = sub.add_parser("sizes")
    z.add_argument("output", type=Path)
    args = parser.parse_args()
    if args.cmd == "child":
        child(args)
    elif args.cmd == "sizes":
        print_parts(args.output)
    elif args.cmd == "regenerate":
        run_regenerate(args.dispatches, args.workdir, not args.no_discovery)
    else:
        figures = run_bench(args.dispatches, args.workdir, not args.no_discovery, not args.no_pelican)
        print_report(figures)


if __name__ == "__main__":
    main()
