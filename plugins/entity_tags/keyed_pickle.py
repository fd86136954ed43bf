"""A value kept in a pickle file between runs, under a key that says what it was made from.

The tokenizer's compiled patterns (regex_cache.py) and the model's folded word tables
(lexicon.py) are kept so. A file that is missing, damaged, foreign or made under another key
gives nothing, and the caller makes the value afresh; a file that cannot be written costs
time, never the build. A file is written to a temporary name and renamed, so a reader never
sees half of one.
"""

from __future__ import annotations

import logging
import os
import pickle
import tempfile
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)


def load(path: Path, key: str, what: str) -> Any | None:
    """The value kept at path under key, or None (what: named in the log)."""
    try:
        with open(path, "rb") as handle:
            data = pickle.load(handle)
    except FileNotFoundError:
        return None
    except Exception:  # noqa: BLE001 - a damaged or foreign cache file is ignored, then replaced
        logger.info("%s %s unreadable, made afresh", what, path)
        return None
    if not isinstance(data, dict) or data.get("key") != key:
        return None
    return data.get("value")


def save(path: Path, key: str, value: Any, what: str) -> None:
    """Keep value at path under key (what: named in the log)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-cache-")
        with os.fdopen(fd, "wb") as handle:
            pickle.dump({"key": key, "value": value}, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except Exception as error:  # noqa: BLE001 - a cache that cannot be written costs time, never the build
        logger.info("%s %s not written: %s", what, path, error)
