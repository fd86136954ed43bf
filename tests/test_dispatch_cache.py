"""The per-dispatch cache: marshal values, batched reads, and caches written before."""

from __future__ import annotations

import json
import logging
import shutil
import sqlite3
from pathlib import Path

import pytest

from dispatch_archive.pipeline import Cache

VALUE = {
    "title": "Alep : « évacuations » reprises",
    "paragraphs": ["Un paragraphe.", "Un autre, avec l'apostrophe ’ et des accents."],
    "removed": [{"rule": "credit-photo", "text": "© AFP"}],
    "date": None,
    "warnings": [],
    "mentions": [
        {"slug": "alep", "block": 0, "start": 0, "end": 4, "text": "Alep", "via": "gazetteer"}
    ],
}


def test_values_round_trip_and_missing_keys_read_none(tmp_path: Path) -> None:
    cache = Cache(tmp_path / "c.sqlite")
    cache.put_many([("a", VALUE), ("b", {"failure": "vide"})])
    assert cache.get("a") == VALUE
    assert cache.get_many(["b", "absent", "a"]) == [{"failure": "vide"}, None, VALUE]
    cache.close()
    again = Cache(tmp_path / "c.sqlite")  # a later build reads what this one wrote
    assert again.get("a") == VALUE
    again.close()


def test_many_keys_are_read_in_order_across_query_chunks(tmp_path: Path) -> None:
    cache = Cache(tmp_path / "c.sqlite")
    cache.put_many((f"k{i}", {"n": i}) for i in range(0, 1300, 2))
    keys = [f"k{i}" for i in range(1299, -1, -1)]
    got = cache.get_many(keys)
    assert got == [{"n": i} if i % 2 == 0 else None for i in range(1299, -1, -1)]
    cache.close()


def test_a_cache_written_as_json_text_is_still_read(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE entry (key TEXT PRIMARY KEY, value TEXT)")
    db.execute("INSERT INTO entry VALUES (?, ?)", ("old", json.dumps(VALUE, ensure_ascii=False)))
    db.commit()
    db.close()
    cache = Cache(path)
    assert cache.get("old") == VALUE
    cache.put_many([("old", {**VALUE, "date": "2016-12-13"})])  # rewritten in the new form
    assert cache.get("old")["date"] == "2016-12-13"
    cache.close()


def test_no_path_means_no_cache() -> None:
    cache = Cache(None)
    cache.put_many([("a", VALUE)])
    assert cache.get_many(["a", "b"]) == [None, None]


def test_a_changed_gazetteer_is_said_with_what_it_cost(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Tags depend on the gazetteer: a new one tags every dispatch again, and the log says
    why and what the model had to read (nothing, for a tagger without a model)."""
    from sitecheck import ROOT

    from dispatch_archive.pipeline import discover, process
    from entity_tags.gazetteer import Gazetteer, load_gazetteer
    from entity_tags.tagger import Tagger

    folder = tmp_path / "dispatches"
    folder.mkdir()
    for path in sorted((ROOT / "content" / "dispatches").glob("*.txt"))[:25]:
        shutil.copy(path, folder / path.name)
    gazetteer = load_gazetteer(ROOT / "content" / "gazetteer")
    cache = Cache(tmp_path / "cache.sqlite")
    caplog.set_level(logging.INFO)
    assert process(discover(folder), folder, Tagger(gazetteer), cache).tagged == 25
    assert process(discover(folder), folder, Tagger(gazetteer), cache).tagged == 0
    assert "tagged again" not in caplog.text  # a first build is no change
    edited = Gazetteer(gazetteer.entities, gazetteer.blocked, gazetteer.version + "x",
                       gazetteer.by_alias)
    outcome = process(discover(folder), folder, Tagger(edited), cache)
    assert outcome.tagged == 25
    assert (f"the gazetteer changed (version {gazetteer.version} → {gazetteer.version}x) since "
            "the last build, so 25 of 25 dispatches were tagged again") in caplog.text
    assert outcome.model_read == outcome.model_reused == 0
    # a resident rebuild reads the changed files only: one dispatch tagged is no notice
    caplog.clear()
    (folder / path.name).write_text("Un titre\n\nUn paragraphe nouveau.\n", encoding="utf-8")
    back = Tagger(gazetteer)
    assert process([folder / path.name], folder, back, cache).tagged == 1
    assert "tagged again" not in caplog.text
    cache.close()


def test_a_cold_read_loads_the_model_beside_the_reading_workers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A large batch read for a tagger that never tagged this archive loads its model in a
    thread while the workers read (once, before tagging); a rebuild whose tagger is the one
    that tagged the archive loads nothing ahead."""
    import threading

    from sitecheck import ROOT

    import dispatch_archive.pipeline as pipeline
    from entity_tags.gazetteer import load_gazetteer
    from entity_tags.tagger import Tagger

    monkeypatch.setattr(pipeline, "PARALLEL_READ_THRESHOLD", 4)
    folder = tmp_path / "dispatches"
    folder.mkdir()
    for path in sorted((ROOT / "content" / "dispatches").glob("*.txt"))[:8]:
        shutil.copy(path, folder / path.name)
    gazetteer = load_gazetteer(ROOT / "content" / "gazetteer")
    calls: list[str] = []

    class Preloading(Tagger):
        def preload(self) -> None:
            calls.append(threading.current_thread().name)

    cache = Cache(tmp_path / "cache.sqlite")
    outcome = pipeline.process(pipeline.discover(folder), folder, Preloading(gazetteer), cache,
                               workers=2)
    assert outcome.tagged == 8 and calls == ["model-preload"]
    (folder / path.name).write_text("Un titre\n\nUn paragraphe nouveau.\n", encoding="utf-8")
    for other in sorted(folder.glob("*.txt"))[:5]:
        other.write_text(other.read_text(encoding="utf-8") + "\nUn ajout.\n", encoding="utf-8")
    pipeline.process(pipeline.discover(folder), folder, Preloading(gazetteer), cache, workers=2)
    assert calls == ["model-preload"]  # the archive's tagger: nothing loaded ahead
    cache.close()
