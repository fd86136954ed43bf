"""`invoke inspect`: one JSON object per dispatch, for editors checking a batch."""

from __future__ import annotations

import json
import runpy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .build import make_tagger, prepare
from .pipeline import Failure, iter_records


def load_settings(settings_file: Path) -> dict[str, Any]:
    """The upper-case names of a pelicanconf.py, with PATH made absolute."""
    values = runpy.run_path(str(settings_file))
    settings = {k: v for k, v in values.items() if k.isupper()}
    settings["PATH"] = str((settings_file.parent / settings.get("PATH", "content")).resolve())
    return settings


def inspect_lines(path: Path, settings_file: Path) -> Iterator[str]:
    """JSON Lines for a file or a folder: source, title, date, paragraphs, removed, entities."""
    prepared = prepare(load_settings(settings_file))
    gazetteer = prepared.gazetteer
    tagger = make_tagger(prepared)
    for item in iter_records(path, tagger):
        if isinstance(item, Failure):
            yield json.dumps({"source": _source(path, item.path), "error": item.reason}, ensure_ascii=False)
            continue
        found: dict[str, dict[str, Any]] = {}
        discovered = {d["slug"]: d for d in item.get("discovered", [])}
        for m in item.get("mentions", []):
            slug = m["slug"]
            if slug in found:
                continue
            entity = gazetteer.entities.get(slug)
            if entity is not None:
                found[slug] = {"name": entity.name, "slug": slug, "kind": entity.kind, "group": entity.group, "verified": True}
            elif slug in discovered:
                d = discovered[slug]
                found[slug] = {"name": d["name"], "slug": slug, "kind": d["kind"], "group": d["group"], "verified": False}
        entities = list(found.values())
        yield json.dumps(
            {
                "source": _source(path, item["path"]),
                "title": item["title"],
                "date": item["date"],
                "paragraphs": item["paragraphs"],
                "removed": item["removed"],
                "actors": [_public(e) for e in entities if e["group"] == "acteur"],
                "locations": [_public(e) for e in entities if e["group"] == "lieu"],
            },
            ensure_ascii=False,
        )


def _public(entity: dict[str, Any]) -> dict[str, Any]:
    return {"name": entity["name"], "slug": entity["slug"], "kind": entity["kind"], "verified": entity["verified"]}


def _source(given: Path, relative: str) -> str:
    base = given.parent if given.is_file() else given
    return (base / relative).as_posix()
