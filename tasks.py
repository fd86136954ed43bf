"""Tasks, named as in Pelican's quickstart: build, rebuild, clean, serve, publish, plus ours."""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

from invoke import task

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "plugins"))

SETTINGS = ROOT / "pelicanconf.py"
PUBLISH_SETTINGS = ROOT / "publishconf.py"
OUTPUT = ROOT / "output"


def _pelican(c, settings: Path, output: Path, fatal: bool = False, extra: str = "") -> None:
    fatal_flag = "--fatal warnings" if fatal else ""
    c.run(
        f'{sys.executable} -m pelican "{ROOT / "content"}" -s "{settings}" -o "{output}" '
        f"{fatal_flag} {extra}",
        pty=False,
    )


def _build_into(c, settings: Path, fatal: bool, reuse: bool = True) -> None:
    """Build into a temporary folder beside output/ and swap it in only when complete
    (reuse=False: take nothing from the previous output)."""
    from dispatch_archive.swap import build_and_swap

    build_and_swap(OUTPUT, lambda tmp: _pelican(c, settings, tmp, fatal), reuse=reuse)


@task
def clean(c):
    """Remove output/ (and any unfinished build beside it)."""
    for path in [OUTPUT, *ROOT.glob(".output-*")]:
        if path.exists():
            shutil.rmtree(path)


@task(help={"fatal": "Fail on Pelican warnings (as CI does)."})
def build(c, fatal=False):
    """Build the archive into output/ with pelicanconf.py."""
    _build_into(c, SETTINGS, fatal)


@task(help={"fatal": "Fail on Pelican warnings."})
def rebuild(c, fatal=False):
    """Build everything again: every page is rendered anew, into a fresh folder that
    replaces output/ once complete (the previous site stays in place until then)."""
    _build_into(c, SETTINGS, fatal, reuse=False)


@task(help={"port": "Port on localhost (8000)."})
def serve(c, port=8000):
    """Serve output/ on http://localhost:PORT."""
    c.run(f'{sys.executable} -m http.server {int(port)} --bind 127.0.0.1 --directory "{OUTPUT}"')


@task
def publish(c):
    """Build with publishconf.py (set ARCHIVE_SITEURL for absolute feed links)."""
    _build_into(c, PUBLISH_SETTINGS, fatal=True)


@task(help={"interval": "Seconds between looks at content/dispatches."})
def regenerate(c, interval=0.25):
    """Build into output/, then keep the archive in memory and rebuild what changes (Ctrl-C stops)."""
    from dispatch_archive.build import prepare
    from dispatch_archive.inspect import load_settings
    from dispatch_archive.regenerate import run

    settings = load_settings(SETTINGS)
    run(prepare(settings), Path(settings["PATH"]), ROOT / "theme", OUTPUT, interval=float(interval))


@task(help={"path": "A raw dispatch file or a folder of them."})
def inspect(c, path):
    """Print one JSON object per dispatch: cleaned text, removals, actors and places."""
    from dispatch_archive.inspect import inspect_lines

    for line in inspect_lines(Path(path), SETTINGS):
        print(line)


@task(help={"k": "Only tests matching this expression.", "fast": "Skip tests marked slow."})
def test(c, k="", fast=False):
    """Run the test suite (slow and browser tests included unless --fast)."""
    args = ["-q", "-p", "no:cacheprovider"]
    if k:
        args += ["-k", k]
    if fast:
        args += ["-m", "not slow"]
    workers = "-n 2" if (os.cpu_count() or 1) > 1 else ""
    c.run(f"{sys.executable} -m pytest {workers} {' '.join(args)}", pty=False)


@task(name="update-golden")
def update_golden(c):
    """Regenerate tests/golden/seed.json from the seed; review the diff like code."""
    from dispatch_archive.inspect import inspect_lines

    seed = ROOT / "content" / "dispatches" / "000_ed6308b521bfe103.txt"
    (line,) = list(inspect_lines(seed, SETTINGS))
    item = json.loads(line)
    item["source"] = seed.name
    golden = ROOT / "tests" / "golden" / "seed.json"
    golden.write_text(json.dumps(item, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {golden.relative_to(ROOT)}: review it with git diff")


@task
def lint(c):
    """ruff check, ruff format --check, mypy on the pure modules."""
    c.run(f"{sys.executable} -m ruff check .")
    c.run(f"{sys.executable} -m mypy plugins")


@task(help={"dispatches": "How many synthetic dispatches (1000, 10000, 100000).",
            "no_discovery": "Tag with the gazetteer only.", "no_pelican": "Skip the plain Pelican builds."})
def bench(c, dispatches=1000, no_discovery=False, no_pelican=False):
    """Build N synthetic dispatches cold, warm, unchanged and +1, beside plain Pelican; print figures."""
    flags = " --no-discovery" if no_discovery else ""
    flags += " --no-pelican" if no_pelican else ""
    c.run(f"{sys.executable} -m dispatch_archive.bench run --dispatches {int(dispatches)}"
          f' --workdir "{ROOT / "bench-work"}"{flags}', env={"PYTHONPATH": str(ROOT / "plugins")})


@task(name="bench-regenerate", help={"dispatches": "How many synthetic dispatches.",
                                     "no_discovery": "Tag with the gazetteer only."})
def bench_regenerate(c, dispatches=1000, no_discovery=False):
    """The resident `invoke regenerate` on N synthetic dispatches: seconds per edit, addition, removal."""
    flags = " --no-discovery" if no_discovery else ""
    c.run(f"{sys.executable} -m dispatch_archive.bench regenerate --dispatches {int(dispatches)}"
          f' --workdir "{ROOT / "bench-work"}"{flags}', env={"PYTHONPATH": str(ROOT / "plugins")})


@task(help={"query": "The query, as typed in the search box.", "acteur": "Actor slug filter.",
            "lieu": "Place slug filter.", "de": "From date (YYYY-MM-DD).", "a": "To date (YYYY-MM-DD).",
            "limit": "How many results to print."})
def search(c, query, acteur=None, lieu=None, de=None, a=None, limit=10):
    """Search the archive's Whoosh index (built by `invoke build`): ranked results with snippets."""
    from archive_search.cli import run_search_cli
    from dispatch_archive.inspect import load_settings

    settings = load_settings(SETTINGS)
    # Same place as the build puts it (archive_search/__init__.py): SEARCH_INDEX_DIR, else the cache.
    index_dir = Path(settings.get("SEARCH_INDEX_DIR") or Path(settings.get("DISPATCH_CACHE_PATH", ".cache")) / "search" / "whoosh")
    if not index_dir.is_absolute():
        index_dir = ROOT / index_dir
    status = run_search_cli(query, index_dir, acteur=acteur, lieu=lieu, de=de, a=a, limit=int(limit))
    if status:
        sys.exit(status)


@task(name="bench-search", help={"dispatches": "How many synthetic dispatches.",
                                 "no_pagefind": "Skip the Pagefind comparison."})
def bench_search(c, dispatches=1000, no_pagefind=False):
    """Index N synthetic dispatches; bundle size, bytes per first query, latency; beside Pagefind."""
    from archive_search.cli import run_bench_cli

    run_bench_cli(int(dispatches), ROOT / "bench-work" / "search", pagefind=not no_pagefind)


@task(help={"review": "List unverified entities with counts, examples and suspected duplicates.",
            "as_json": "Print JSON instead of text."})
def entities(c, review=False, as_json=False):
    """Entities of the archive; with --review, those the gazetteer does not know yet."""
    from entity_tags.review import run_review

    if not review:
        print("Use `invoke entities --review` to list unverified entities.")
        return
    print(run_review(SETTINGS, as_json))


@task(help={"half": "tune, test or both"})
def evaluate(c, half="both"):
    """Score cleaning and tagging against the gold set; fail below the pinned floors."""
    from entity_tags.evaluate import run_evaluate

    report, ok = run_evaluate(SETTINGS, ROOT / "tests" / "gold", ROOT / "tests" / "eval_floors.json")
    print(report)
    if not ok:
        sys.exit(1)


@task(help={"output": "The built site to photograph (output/)."})
def screenshots(c, output=str(OUTPUT)):
    """PNG screenshots of the key pages of a built site into docs/screenshots/ (builds nothing)."""
    from dispatch_archive.screenshots import take_screenshots

    for path in take_screenshots(Path(output), ROOT / "docs" / "screenshots"):
        print(f"{path.relative_to(ROOT)}: {path.stat().st_size // 1024} KiB")
