"""`invoke search` finds the index the build made, in the build's cache folder."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys

import pytest
from conftest import ROOT

pytestmark = pytest.mark.slow


def test_invoke_search_after_a_build(tmp_path) -> None:
    env_cache = tmp_path / "cache"
    conf = tmp_path / "conf.py"
    conf.write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT)!r})\nfrom pelicanconf import *\n"
        f"PATH = {str(ROOT / 'content')!r}\nDISPATCH_CACHE_PATH = {str(env_cache)!r}\n",
        encoding="utf-8",
    )
    run = dict(cwd=ROOT, capture_output=True, text=True, encoding="utf-8", timeout=600)
    subprocess.run([sys.executable, "-m", "pelican", str(ROOT / "content"), "-s", str(conf),
                    "-o", str(tmp_path / "out")], check=True, **run)
    # The build left the Whoosh index up to date with the store: the search writes nothing.
    whoosh = env_cache / "search" / "whoosh" / "whoosh"
    state = json.loads((whoosh / "archive_search.json").read_text(encoding="utf-8"))
    con = sqlite3.connect(env_cache / "search" / "whoosh" / "store.sqlite")
    assert state["hashes"] == dict(con.execute("SELECT id, hash FROM docs"))
    con.close()
    before = {p.name: p.stat().st_mtime_ns for p in whoosh.iterdir()}
    code = (
        "import sys, tasks, invoke; from pathlib import Path;"
        f"tasks.SETTINGS = Path({str(conf)!r});"
        "tasks.search(invoke.Context(), sys.argv[1], limit=3)"
    )
    hit = subprocess.run([sys.executable, "-c", code, "Idlib"], check=True, **run).stdout
    assert "résultats" in hit and "depeches/" in hit and "[" in hit  # ranked, with a snippet
    miss = subprocess.run([sys.executable, "-c", code, "xyzzyqwv"], check=True, **run).stdout
    assert "Aucun résultat" in miss
    assert {p.name: p.stat().st_mtime_ns for p in whoosh.iterdir()} == before


def test_plugin_brings_whoosh_up_to_date(tmp_path) -> None:
    """The site build's hook: store, export, then Whoosh unless SEARCH_WHOOSH is False."""
    from types import SimpleNamespace

    from test_search_semantics import CORPUS

    from archive_search import index_archive
    from archive_search.index import whoosh_dir

    for enabled in (True, False):
        index_dir = tmp_path / f"index-{enabled}"
        build = SimpleNamespace(
            prepared=SimpleNamespace(raw={"SEARCH_INDEX_DIR": str(index_dir),
                                          "SEARCH_WHOOSH": enabled}),
            cache_dir=tmp_path / "cache", output_path=tmp_path / f"out-{enabled}",
            search_docs=lambda: iter(CORPUS), timings={}, written_paths=[])
        index_archive(build)
        assert (whoosh_dir(index_dir) / "archive_search.json").exists() is enabled
        assert ("search_whoosh" in build.timings) is enabled
