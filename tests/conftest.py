"""Shared fixtures: paths of the project, the seed, and a loaded gazetteer."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "plugins"))
sys.path.insert(0, str(ROOT))

SEED = ROOT / "content" / "dispatches" / "000_ed6308b521bfe103.txt"
SHARED_SEED = ROOT.parent / "shared" / "seed" / "000_ed6308b521bfe103.txt"


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def gazetteer():
    from entity_tags.gazetteer import load_gazetteer

    return load_gazetteer(ROOT / "content" / "gazetteer")
