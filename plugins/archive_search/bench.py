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
import resource
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from .export import export_client_index
from .index import build_index
from .sample_site import render_search_page, write_dispatch_pages
from .settings import SearchSettings
from .synth import synthetic_dispatches

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


def _in_child(function: Callable[[], Any]) -> tuple[Any, float, float]:
    """Run function in a forked process; return its result, seconds and peak RSS in MB."""
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()

    def target() -> None:
        start = time.perf_counter()
        value = function()
        queue.put((value, time.perf_counter() - start,
                   resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))

    process = ctx.Process(target=target)
    process.start()
    value, seconds, peak = queue.get()
    process.join()
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
    page.wait_for_timeout(50)
    first = [s for s in seen if s[0].endswith(".js")]
    page.wait_for_selector("#recherche[data-state=done]", timeout=60000)
    page.wait_for_timeout(50)
    every = [s for s in seen if s[0].endswith(".js")]
    timings = page.evaluate("window.__rechercheTimings || {}")
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


def run_bench(
    n: int, workdir: Path, pagefind: bool = True, settings: SearchSettings | None = None
) -> dict[str, Any]:
    """Run the whole benchmark for n synthetic dispatches in workdir; return the figures."""
    settings = settings or SearchSettings()
    workdir = Path(workdir)
    shutil.rmtree(workdir, ignore_errors=True)
    site, index_dir = workdir / "site", workdir / "whoosh"
    start = time.perf_counter()
    docs = synthetic_dispatches(n)
    generated = time.perf_counter() - start
    words = sum(len(d["body"].split()) for d in docs) / max(n, 1)
    _, build_s, build_mb = _in_child(lambda: build_index(docs, index_dir, settings))
    _, export_s, export_mb = _in_child(
        lambda: export_client_index(index_dir, site / settings.output_dir, settings)
    )
    render_search_page(site)
    write_dispatch_pages(docs, site)
    bundle, files = _folder_size(site / settings.output_dir)
    engine, _ = _folder_size(site / "theme" / "js")
    report: dict[str, Any] = {
        "dispatches": n, "words_per_body": round(words), "generate_s": round(generated, 1),
        "build_s": round(build_s, 1), "build_peak_mb": round(build_mb),
        "export_s": round(export_s, 1), "export_peak_mb": round(export_mb),
        "whoosh_bytes": _folder_size(index_dir)[0],
        "bundle_bytes": bundle, "bundle_files": files, "engine_bytes": engine,
    }
    if pagefind:
        report["pagefind"] = run_pagefind(site)
    report["queries"] = measure_browser(site, pagefind)
    (workdir / "bench.json").write_text(json.dumps(report, indent=1, ensure_ascii=False),
                                        encoding="utf-8")
    return report


def print_report(report: dict[str, Any]) -> None:
    """Print the figures as Markdown tables."""
    kb = lambda b: f"{b / 1024:,.1f} KB"  # noqa: E731
    print(f"## {report['dispatches']:,} dispatches ({report['words_per_body']} words a body)")
    print()
    print("| | ours | Pagefind |")
    print("|---|---|---|")
    pf = report.get("pagefind") or {}
    print(f"| index build | {report['build_s']} s, {report['build_peak_mb']} MB peak "
          f"(Whoosh) + export {report['export_s']} s, {report['export_peak_mb']} MB peak "
          f"| {pf.get('seconds', '–')} s, {pf.get('peak_mb', '–')} MB peak |")
    print(f"| bundle | {report['bundle_bytes'] / 1e6:,.1f} MB in {report['bundle_files']:,} "
          f"files (+ engine {kb(report['engine_bytes'])}) | "
          f"{pf.get('bytes', 0) / 1e6:,.1f} MB in {pf.get('files', 0):,} files |")
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
