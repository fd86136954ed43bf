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


def _build_into(c, settings: Path, fatal: bool) -> None:
    """Build into a temporary folder beside output/ and swap it in only when complete."""
    from dispatch_archive.swap import build_and_swap

    build_and_swap(OUTPUT, lambda tmp: _pelican(c, settings, tmp, fatal))


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
    """Clean, then build."""
    clean(c)
    build(c, fatal=fatal)


@task(help={"port": "Port on localhost (8000)."})
def serve(c, port=8000):
    """Serve output/ on http://localhost:PORT."""
    c.run(f'{sys.executable} -m http.server {int(port)} --bind 127.0.0.1 --directory "{OUTPUT}"')


@task
def publish(c):
    """Build with publishconf.py (set ARCHIVE_SITEURL for absolute feed links)."""
    _build_into(c, PUBLISH_SETTINGS, fatal=True)


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


def _json_print(data) -> None:
    print(json.dumps(data, ensure_ascii=False, sort_keys=True))
