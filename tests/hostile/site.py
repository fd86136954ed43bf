"""Build the hostile corpus once per test run, shared by the robustness test modules.

Under pytest-xdist each worker is its own process; the build is done by the first worker that
asks for it, under a file lock, and the others reuse it. Without xdist it is done once per run.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import locale
import os
import pickle
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from .corpus import write_content


def shared_dir(factory: pytest.TempPathFactory, name: str) -> Path:
    """A folder shared by every xdist worker of this run (a fresh one per run)."""
    run = os.environ.get("PYTEST_XDIST_TESTRUNUID")
    base = factory.getbasetemp()
    folder = (base.parent / f"shared-{run}" if run else base / "shared") / name
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def once(folder: Path, make: Callable[[Path], dict[str, Any]]) -> dict[str, Any]:
    """Run make(folder) once across workers; return what it stored in folder/done.json."""
    with open(folder / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        done = folder / "done.json"
        if not done.exists():
            data = make(folder)
            done.write_text(json.dumps(data), encoding="utf-8")
        return json.loads(done.read_text(encoding="utf-8"))


def tree_digest(root: Path) -> dict[str, list[Any]]:
    """Every file under root: SHA-256, size, modification time and mode (nothing may change)."""
    out: dict[str, list[Any]] = {}
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            st = path.stat()
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            out[path.relative_to(root).as_posix()] = [
                digest,
                st.st_size,
                st.st_mtime_ns,
                st.st_mode,
            ]
    return out


@dataclass(frozen=True)
class Built:
    """A built hostile site: its content folder, output, and what was measured."""

    content: Path
    output: Path
    cache: Path
    before: dict[str, list[Any]]  # tree_digest of content before the build
    after: dict[str, list[Any]]
    seconds: float
    error: str | None  # the exception that escaped the build, if any

    @property
    def report(self) -> dict[str, Any]:
        return json.loads((self.output / "rapport.json").read_text(encoding="utf-8"))


def build(out: Path, cache: Path, **overrides: Any) -> Path:
    """tests/sitecheck.build_site, leaving the process's locale as it found it.

    Pelican sets the locale to its LOCALE setting ("C" here), which makes every later
    subprocess.run(text=True) of the same test worker decode as ASCII.
    """
    from sitecheck import build_site

    saved = locale.setlocale(locale.LC_ALL)
    try:
        return build_site(out, cache, **overrides)
    finally:
        locale.setlocale(locale.LC_ALL, saved)


def build_hostile(
    factory: pytest.TempPathFactory,
    name: str,
    content: dict[str, Any] | None = None,
    **overrides: Any,
) -> Built:
    """Write the hostile corpus and build it (once per run per name) with tests/sitecheck.

    content holds write_content()'s options; overrides are Pelican settings.
    """
    folder = shared_dir(factory, name)

    def make(folder: Path) -> dict[str, Any]:
        content_dir = folder / "content"
        if content_dir.exists():
            shutil.rmtree(content_dir)
        write_content(content_dir, **(content or {}))
        before = tree_digest(content_dir)
        start = time.perf_counter()
        error = None
        settings: dict[str, Any] = {"PATH": str(content_dir), **overrides}
        try:
            build(folder / "output", folder / "cache", **settings)
        except Exception as exc:  # noqa: BLE001 - recorded: the test that needs the site says why
            error = f"{type(exc).__name__}: {str(exc)[:400]}"
        seconds = time.perf_counter() - start
        return {
            "before": before,
            "after": tree_digest(content_dir),
            "seconds": seconds,
            "error": error,
        }

    data = once(folder, make)
    return Built(
        content=folder / "content",
        output=folder / "output",
        cache=folder / "cache",
        before=data["before"],
        after=data["after"],
        seconds=data["seconds"],
        error=data["error"],
    )


def site_scans(factory: pytest.TempPathFactory, built: Built) -> dict[str, Any]:
    """scan_site(built.output), computed once per run and shared by the workers."""
    from .scan import scan_site

    folder = built.output.parent
    with open(folder / ".scan-lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        stored = folder / "scans.pickle"
        if stored.exists():
            return pickle.loads(stored.read_bytes())
        scans = scan_site(built.output)
        stored.write_bytes(pickle.dumps(scans))
        return scans


# The builds the robustness tests share. The whole corpus is built without the spaCy model:
# the model reads about 40 000 characters a second, so the 10 MB dispatch alone would take
# minutes. The model's builds take every case but that one, plus 400 ordinary dispatches so
# that reading (400 files) and rendering (300 dispatches) run in worker processes.
# The 1 MB word is left out too: the search index's stemmer is quadratic in a word's length
# and takes about 20 s on it (see docs/robustness.md); the whole-corpus build keeps it.
MODEL_CONTENT: dict[str, Any] = {"skip": ["ten-mb", "one-mb-word"], "fillers": 400}


def hostile_site(factory: pytest.TempPathFactory) -> Built:
    """The whole hostile corpus, gazetteer tagging only, one worker."""
    return build_hostile(factory, "hostile", ENTITY_DISCOVERY=False, DISPATCH_WORKERS=1)


def model_site(factory: pytest.TempPathFactory, workers: int) -> Built:
    """The corpus but the 10 MB case, with the spaCy model, with 1 or 2 workers."""
    return build_hostile(
        factory, f"model-{workers}", MODEL_CONTENT, ENTITY_DISCOVERY=True, DISPATCH_WORKERS=workers
    )
