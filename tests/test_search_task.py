"""`invoke search` finds the index the build made, in the build's cache folder."""

from __future__ import annotations

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
    code = (
        "import sys, tasks, invoke; from pathlib import Path;"
        f"tasks.SETTINGS = Path({str(conf)!r});"
        "tasks.search(invoke.Context(), sys.argv[1], limit=3)"
    )
    hit = subprocess.run([sys.executable, "-c", code, "Idlib"], check=True, **run).stdout
    assert "résultats" in hit and "depeches/" in hit and "[" in hit  # ranked, with a snippet
    miss = subprocess.run([sys.executable, "-c", code, "xyzzyqwv"], check=True, **run).stdout
    assert "Aucun résultat" in miss
