"""`invoke bench-search`: build, bundle and browser figures on a synthetic corpus, beside Pagefind.

Figures are printed, never asserted (house style). Bytes are counted from the
browser's responses over a local http.server on 127.0.0.1 (Pagefind cannot
run from file://; our client gets the same bytes either way), each query in a
fresh browser context, so caches are cold.
"""

from __future__ import annotations

import functools
import http.server
import json
import logging
import multiprocessing
import queue as queue_module
import resource
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from .pipeline import build_search
from .sample_site import render_search_page, write_dispatch_pages
from .settings import SearchSettings
from .synth import SyntheticCorpus

logger = logging.getLogger(__name__)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu",
                 "--disable-background-networking", "--disable-component-update"]

# (label, kind, query, filters). kind: word, words, phrase, prefix, facet, nowhere.
QUERIES: list[tuple[str, str, str, dict[str, str]]] = [
    ("bombardements", "word", "bombardements", {}),
    ("hôpital", "word", "hôpital", {}),
    ("Idlib (alias)", "word", "Idlib", {}),
    ("syrie (very common)", "word", "syrie", {}),
    ("frappes aériennes russes", "words", "frappes aériennes russes", {}),
    ("bombardements Idleb", "words", "bombardements Idleb", {}),
    ('"Bachar al-Assad"', "phrase", '"Bachar al-Assad"', {}),
    ('"Observatoire syrien des droits de l\'homme"', "phrase",
     '"Observatoire syrien des droits de l\'homme"', {}),
    ("prés*", "prefix", "prés*", {}),
    ("lieu=idleb (facet only)", "facet", "", {"lieu": "idleb"}),
    ("xyzzyqwv (nowhere)", "nowhere", "xyzzyqwv", {}),
]

PAGEFIND_PAGE = """<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">
<title>pagefind</title></head><body></body></html>"""

PAGEFIND_QUERY = """async (q) => {
  const t0 = performance.now();
  window.pf = window.pf || await import("/pagefind/pagefind.js");
  const s = await window.pf.search(q);
  const top = await Promise.all(s.results.slice(0, 10).map(r => r.data()));
  return {count: s.results.length, top: top.length, ms: performance.now() - t0};
}"""


CPU: dict[str, float] = {}  # CPU seconds of the last child, by label (see _in_child)
TREE_MB: dict[str, float] = {}  # peak memory of the child with its own children, by label


def tree_memory_kb(pid: int) -> list[tuple[int, int, int]]:
    """(pid, PSS kB, private kB) of a process and each of its descendants, read from Linux's
    /proc/PID/smaps_rollup (empty elsewhere). PSS counts a page shared after a fork once
    across the processes that map it, unlike a sum of RSS."""
    rows: list[tuple[int, int, int]] = []
    todo = [pid]
    while todo:
        at = todo.pop()
        try:
            fields: dict[str, int] = {}
            for line in Path(f"/proc/{at}/smaps_rollup").read_text().splitlines():
                name, _, rest = line.partition(":")
                if name in ("Pss", "Private_Clean", "Private_Dirty"):
                    fields[name] = int(rest.split()[0])
            rows.append((at, fields["Pss"], fields.get("Private_Clean", 0)
                         + fields.get("Private_Dirty", 0)))
            for task in Path(f"/proc/{at}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, KeyError, ValueError):
            continue
    return rows


def _tree_pss_mb(pid: int) -> float:
    """Return the proportional set size of a process and its descendants, in MB."""
    return sum(row[1] for row in tree_memory_kb(pid)) / 1024


def _in_child(function: Callable[[], Any], label: str = "") -> tuple[Any, float, float]:
    """Run function in a forked process; return its result, wall seconds and peak RSS in MB.

    The CPU seconds (user + system, its own children's included) go to CPU[label]: on a
    shared machine the wall time also counts the other processes' turns, the CPU time
    does not. TREE_MB[label] is the peak of the child's memory with its children's,
    sampled every 0.2 s (the site build forks the Whoosh update beside the export).
    """
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()

    def target() -> None:
        start = time.perf_counter()
        before = [resource.getrusage(w) for w in (resource.RUSAGE_SELF,
                                                  resource.RUSAGE_CHILDREN)]
        value = function()
        after = [resource.getrusage(w) for w in (resource.RUSAGE_SELF,
                                                 resource.RUSAGE_CHILDREN)]
        cpu = sum(a.ru_utime + a.ru_stime - b.ru_utime - b.ru_stime
                  for a, b in zip(after, before, strict=True))
        queue.put((value, time.perf_counter() - start, after[0].ru_maxrss / 1024, cpu))

    process = ctx.Process(target=target)
    process.start()
    peak_tree = 0.0
    while True:
        try:
            value, seconds, peak, cpu = queue.get(timeout=0.2)
            break
        except queue_module.Empty:  # sample the memory, wait again
            if process.pid is not None:
                peak_tree = max(peak_tree, _tree_pss_mb(process.pid))
            if not process.is_alive():
                raise RuntimeError(f"benchmark step {label!r} died") from None
    process.join()
    CPU[label] = round(cpu, 1)
    TREE_MB[label] = round(max(peak_tree, peak))
    return value, seconds, peak


def _folder_size(folder: Path) -> tuple[int, int]:
    """Return total bytes and file count under folder."""
    files = [p for p in folder.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files), len(files)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


def _serve(root: Path) -> http.server.ThreadingHTTPServer:
    """Serve root on 127.0.0.1 in a thread."""
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def run_pagefind(site: Path) -> dict[str, Any]:
    """Index site with Pagefind's binary; return time, peak memory, bundle size."""
    out = site / "pagefind"
    shutil.rmtree(out, ignore_errors=True)
    # A wrapper process reports the peak memory of Pagefind's binary, its only child.
    wrapper = (
        "import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, "
        "capture_output=True); print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", wrapper, sys.executable, "-m", "pagefind", "--site", str(site),
         "--glob", "depeches/**/*.html", "--force-language", "fr"],
        check=True, capture_output=True, text=True, timeout=1800,
    )
    seconds = time.perf_counter() - start
    peak = int(done.stdout.strip().splitlines()[-1])
    size, count = _folder_size(out)
    (site / "pagefind.html").write_text(PAGEFIND_PAGE, encoding="utf-8")
    return {"seconds": round(seconds, 1),
            "peak_mb": round(peak / 1024),
            "bytes": size, "files": count}


def measure_browser(site: Path, pagefind: bool) -> dict[str, Any]:
    """Return, per query, cold bytes and latencies for our client and Pagefind."""
    from playwright.sync_api import sync_playwright

    server = _serve(site)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    rows: dict[str, Any] = {}
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for label, _kind, query, filters in QUERIES:
                rows[label] = {"ours": _ours(browser, base, query, filters)}
                if pagefind and query and not filters:
                    rows[label]["pagefind"] = _pagefind(browser, base, query)
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    return rows


def _counting_page(browser: Any) -> tuple[Any, Any, list[tuple[str, int]]]:
    """Open a fresh context (cold cache) whose responses are counted."""
    context = browser.new_context()
    page = context.new_page()
    seen: list[tuple[str, int]] = []

    def on_response(response: Any) -> None:
        try:
            seen.append((response.url, len(response.body())))
        except Exception:  # noqa: BLE001 - a redirect or aborted response has no body
            seen.append((response.url, 0))

    page.on("response", on_response)
    return context, page, seen


def _ours(browser: Any, base: str, query: str, filters: dict[str, str]) -> dict[str, Any]:
    """Measure our client for one query."""
    context, page, seen = _counting_page(browser)
    params = urlencode({"q": query, **filters})
    page.goto(f"{base}/recherche.html?{params}")
    page.wait_for_selector("#recherche[data-results=ready], #recherche[data-state=done]",
                           timeout=60000)
    page.wait_for_selector("#recherche[data-state=done]", timeout=60000)
    page.wait_for_timeout(50)
    every = [s for s in seen if s[0].endswith(".js")]
    timings = page.evaluate("window.__rechercheTimings || {}")
    # First results: the scripts of the page and the index files the engine had asked
    # for when the results were shown (facet counts are loaded after).
    before = {f"{key}.js" for key in timings.get("resultFiles") or
              page.evaluate("ArchiveSearch.requested()")}
    first = [s for s in every if "/idx/" not in s[0] or s[0].rsplit("/", 1)[-1] in before]
    state = json.dumps({"q": query, **filters})
    warm = page.evaluate(
        """async (state) => { const ms = [];
        for (let i = 0; i < 7; i++) { const t = performance.now();
          const r = await ArchiveSearch.search(state);
          await ArchiveSearch.cards(r.manifest, (r.ranked || []).slice(0, 10));
          ms.push(performance.now() - t); }
        ms.sort((a, b) => a - b); return ms[3]; }""",
        json.loads(state),
    )
    count = page.inner_text("[data-role=status]")
    context.close()
    return {
        "results_bytes": sum(b for _, b in first), "results_files": len(first),
        "all_bytes": sum(b for _, b in every), "all_files": len(every),
        "engine_bytes": sum(b for u, b in every if "/theme/js/" in u),
        "cold_ms": round(timings.get("results", 0), 1), "warm_ms": round(warm, 2),
        "status": count,
    }


def _pagefind(browser: Any, base: str, query: str) -> dict[str, Any]:
    """Measure Pagefind's JS API for one query (first 10 results' data loaded)."""
    context, page, seen = _counting_page(browser)
    page.goto(f"{base}/pagefind.html")
    start = len(seen)
    cold = page.evaluate(PAGEFIND_QUERY, query)
    page.wait_for_timeout(50)
    loaded = seen[start:]
    warm = [page.evaluate(PAGEFIND_QUERY, query)["ms"] for _ in range(7)]
    context.close()
    return {"bytes": sum(b for _, b in loaded), "files": len(loaded), "count": cold["count"],
            "cold_ms": round(cold["ms"], 1), "warm_ms": round(statistics.median(warm), 2)}


def _stream(path: Path) -> Iterator[dict[str, Any]]:
    """Yield the dispatches of a JSON-lines file, one at a time (as the site build does)."""
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            yield json.loads(line)


def _site_build(
    source: Path, index_dir: Path, out: Path, settings: SearchSettings,
    previous: Path | None = None, whoosh: bool = False,
) -> dict[str, float]:
    """Run the search stages of the site build (store, then export with Whoosh beside it
    when asked); return the seconds of each (whoosh_s: the wait for it after the export)."""
    done = build_search(_stream(source), index_dir, out, settings, previous_dir=previous,
                        whoosh=whoosh)
    return {"index_s": done.timings["search_index"], "export_s": done.timings["search_export"],
            "whoosh_s": done.timings.get("search_whoosh", 0.0)}


def run_bench(
    n: int, workdir: Path, pagefind: bool = True, settings: SearchSettings | None = None,
    whoosh: bool = True,
) -> dict[str, Any]:
    """Run the whole benchmark for n synthetic dispatches in workdir; return the figures."""
    settings = settings or SearchSettings()
    workdir = Path(workdir)
    # The previous run's files are deleted at the end of this one: on ext4, creating files
    # right after deleting tens of thousands costs several times more system time (the
    # allocator skips recently freed inodes), which would be charged to this build.
    trash = workdir.with_name(workdir.name + ".old")
    shutil.rmtree(trash, ignore_errors=True)
    if workdir.exists():
        workdir.rename(trash)
    workdir.mkdir(parents=True)
    site, index_dir = workdir / "site", workdir / "index"
    source = workdir / "dispatches.jsonl"
    start = time.perf_counter()
    words = 0
    corpus = SyntheticCorpus()
    with source.open("w", encoding="utf-8") as out:
        for doc in corpus.dispatches(n):
            words += len(doc["body"].split())
            out.write(json.dumps(doc, ensure_ascii=False) + "\n")
    generated = time.perf_counter() - start
    idx = site / settings.output_dir
    with_whoosh = whoosh and settings.whoosh
    # The search stages of the site build, in a child process: the store, then the export
    # with the Whoosh update forked beside it.
    phases, build_s, build_mb = _in_child(
        lambda: _site_build(source, index_dir, idx, settings, whoosh=with_whoosh), "build")
    report: dict[str, Any] = {
        "dispatches": n, "words_per_body": round(words / max(n, 1)),
        "generate_s": round(generated, 1),
        "build_s": round(build_s, 1), "build_cpu_s": CPU["build"],
        "build_peak_mb": round(build_mb), "build_tree_mb": TREE_MB["build"],
        "index_s": round(phases["index_s"], 1), "export_s": round(phases["export_s"], 1),
        "whoosh_wait_s": round(phases["whoosh_s"], 1), "whoosh": with_whoosh,
        "store_bytes": _folder_size(index_dir)[0],
    }
    bundle, files = _folder_size(idx)
    report.update(bundle_bytes=bundle, bundle_files=files)
    # A rebuild where nothing changed, then one with a new dispatch, each into a fresh
    # folder beside the previous output, as `invoke build` does.
    again = workdir / "again" / settings.output_dir
    phases, noop_s, noop_mb = _in_child(
        lambda: _site_build(source, index_dir, again, settings, previous=idx,
                            whoosh=with_whoosh), "noop")
    report.update(noop_s=round(noop_s, 2), noop_cpu_s=CPU["noop"],
                  noop_index_s=round(phases["index_s"], 2),
                  noop_export_s=round(phases["export_s"], 2),
                  noop_whoosh_s=round(phases["whoosh_s"], 2), noop_peak_mb=round(noop_mb))
    newest = corpus.dispatch(n)
    newest.update(id="depeche-nouvelle", url="depeches/depeche-nouvelle.html", date="2025-01-01")
    with source.open("a", encoding="utf-8") as out:
        out.write(json.dumps(newest, ensure_ascii=False) + "\n")
    plus = workdir / "plus-one" / settings.output_dir
    phases, plus_s, plus_mb = _in_child(
        lambda: _site_build(source, index_dir, plus, settings, previous=idx,
                            whoosh=with_whoosh), "plus")
    fresh = sum(1 for p in plus.iterdir() if p.stat().st_nlink == 1)
    report.update(plus_s=round(plus_s, 1), plus_cpu_s=CPU["plus"],
                  plus_index_s=round(phases["index_s"], 1),
                  plus_export_s=round(phases["export_s"], 1),
                  plus_whoosh_s=round(phases["whoosh_s"], 1), plus_peak_mb=round(plus_mb),
                  plus_new_files=fresh)
    shutil.rmtree(workdir / "again")
    shutil.rmtree(workdir / "plus-one")
    render_search_page(site)
    write_dispatch_pages(_stream(source), site)
    report["engine_bytes"] = _folder_size(site / "theme" / "js")[0]
    if pagefind:
        report["pagefind"] = run_pagefind(site)
    report["queries"] = measure_browser(site, pagefind)
    (workdir / "bench.json").write_text(json.dumps(report, indent=1, ensure_ascii=False),
                                        encoding="utf-8")
    shutil.rmtree(trash, ignore_errors=True)  # the previous run's files, now nothing is timed
    return report


def print_report(report: dict[str, Any]) -> None:
    """Print the figures as Markdown tables."""
    kb = lambda b: f"{b / 1024:,.1f} KB"  # noqa: E731
    print(f"## {report['dispatches']:,} dispatches ({report['words_per_body']} words a body)")
    print()
    print("| | ours | Pagefind |")
    print("|---|---|---|")
    pf = report.get("pagefind") or {}
    parts = f"{report['index_s']} s + {report['export_s']} s"
    what = "store + export"
    if report.get("whoosh"):
        parts += f" + {report['whoosh_wait_s']} s waiting for Whoosh"
        what = "store, then export with Whoosh beside it"
    print(f"| index build ({what}) | {report['build_cpu_s']} s CPU; wall "
          f"{report['build_s']} s ({parts}); {report['build_peak_mb']} MB peak, "
          f"{report['build_tree_mb']} MB with the Whoosh process (PSS) "
          f"| {pf.get('seconds', '–')} s, {pf.get('peak_mb', '–')} MB peak |")
    label = " (store + export + Whoosh)" if report.get("whoosh") else " (store + export)"
    print(f"| rebuild, nothing changed{label} | {report['noop_cpu_s']} s CPU; "
          f"wall {report['noop_s']} s ({report['noop_index_s']} s + "
          f"{report['noop_export_s']} s + {report.get('noop_whoosh_s', 0)} s), "
          f"{report['noop_peak_mb']} MB peak | – |")
    print(f"| rebuild, one new dispatch{label} | {report['plus_cpu_s']} s CPU; "
          f"wall {report['plus_s']} s ({report['plus_index_s']} s + "
          f"{report['plus_export_s']} s + {report.get('plus_whoosh_s', 0)} s), "
          f"{report['plus_peak_mb']} MB peak, "
          f"{report['plus_new_files']} files written | – |")
    print(f"| bundle | {report['bundle_bytes'] / 1e6:,.1f} MB in {report['bundle_files']:,} "
          f"files (+ engine {kb(report['engine_bytes'])}) | "
          f"{pf.get('bytes', 0) / 1e6:,.1f} MB in {pf.get('files', 0):,} files |")
    print(f"| document store (cache) | {report['store_bytes'] / 1e6:,.1f} MB | – |")
    print()
    print("| query | ours: first results | ours: with facets | ours cold / warm ms "
          "| Pagefind bytes | Pagefind cold / warm ms |")
    print("|---|---|---|---|---|---|")
    for label, row in report["queries"].items():
        o, p = row["ours"], row.get("pagefind")
        pcol = f"{kb(p['bytes'])} ({p['files']} files)" if p else "–"
        pms = f"{p['cold_ms']} / {p['warm_ms']}" if p else "–"
        print(f"| {label} ({o['status']}) | {kb(o['results_bytes'])} ({o['results_files']} files)"
              f" | {kb(o['all_bytes'])} ({o['all_files']} files) | {o['cold_ms']} / "
              f"{o['warm_ms']} | {pcol} | {pms} |")
