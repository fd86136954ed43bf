"""The numpy export against its plain-Python definition, and the incremental paths.

The records of an export must be, byte for byte, those of the former per-posting
Python loop (kept here as the reference); a rebuild with nothing new writes
nothing; a new dispatch writes only new names, the rest is hard-linked from the
previous output, and the result is the same as an export from scratch.
"""

from __future__ import annotations

import base64
import os
import random
from array import array
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from test_search_export import SMALL
from test_search_semantics import CORPUS

from archive_search import export as export_module
from archive_search import postings as postings_module
from archive_search.analysis import analyze
from archive_search.export import export_client_index, js_order, read_script
from archive_search.index import build_index
from archive_search.postings import (
    IMPACT_MAX,
    IMPACT_STEP,
    K1,
    B,
    Batch,
    encode_batch,
    encode_positions,
    encode_record,
    encode_starts,
    stable_average,
)
from archive_search.query import search
from archive_search.settings import SearchSettings
from archive_search.store import Vocabulary, entity_aliases
from archive_search.synth import synthetic_dispatches

DOCS: list[dict[str, Any]] = [*CORPUS, *synthetic_dispatches(300)]


def _random_batch(rng: random.Random, impacts: bool, positions: bool) -> tuple[Batch, list[Any]]:
    records = []
    for _ in range(60):
        df = rng.choice([1, 2, 5, 9, 30, 200])
        universe = rng.choice([df, df * 2, df * 50, 5000])
        docs = sorted(rng.sample(range(universe + 300), df))
        levels = [rng.randint(1, 15) for _ in docs] if impacts else None
        starts = [sorted(rng.sample(range(400), rng.randint(1, 3))) for _ in docs] if positions \
            else None
        records.append((docs, levels, starts))
    kofs = np.cumsum([0] + [len(r[0]) for r in records])
    batch = Batch(
        np.arange(len(records)), kofs, np.array([d for r in records for d in r[0]]),
        np.array([v for r in records for v in r[1]], dtype=np.uint8) if impacts else None,
        np.array([len(s) for r in records for s in r[2]]) if positions else None,
        np.array([p - q for r in records for s in r[2]
                  for p, q in zip(s, [0, *s[:-1]], strict=True)]) if positions else None,
    )
    return batch, records


@pytest.mark.parametrize(("impacts", "positions"), [(True, False), (False, False), (True, True)])
def test_encode_batch_agrees_with_encode_record(impacts: bool, positions: bool) -> None:
    batch, records = _random_batch(random.Random(7), impacts, positions)
    text, cuts = encode_batch(batch)
    for i, (docs, levels, starts) in enumerate(records):
        got = base64.b64decode(text[cuts[i] : cuts[i + 1]])
        want = encode_record(docs, levels, starts)
        assert got[: len(want)] == want
        assert len(got) == (len(want) + 2) // 3 * 3 and not any(got[len(want) :])


def _reference(docs: list[dict[str, Any]], settings: SearchSettings
               ) -> tuple[dict, dict, dict]:
    """The former export's postings: key → (docs, levels, starts), a loop per posting;
    the third table holds every run of 3 to 8 words (filtered by df by the caller)."""
    ordered = sorted(docs, key=lambda d: (d.get("date") or "", d["id"]))
    seqs = [[analyze(f) for f in entity_aliases(d)] + [analyze(d["title"]), analyze(d["body"])]
            for d in ordered]
    lengths = [(len(s[-2]), len(s[-1]), sum(map(len, s[:-2]))) for s in seqs]
    n = len(ordered)
    averages = [stable_average(sum(row[i] for row in lengths), n) for i in range(3)]
    boosts = (settings.title_boost, 1.0, settings.alias_boost)
    terms: dict[str, tuple[list, list, list]] = defaultdict(lambda: ([], [], []))
    pairs: dict[str, tuple[list, list, list]] = defaultdict(lambda: ([], [], []))
    runs: dict[str, tuple[list, list, list]] = defaultdict(lambda: ([], [], []))

    def pair_list(seq: list[str]) -> list[str]:
        return [f"{a} {b}" for a, b in zip(seq, seq[1:], strict=False)]

    def run_list(seq: list[str]) -> list[str]:
        return [" ".join(seq[i : i + n]) for n in range(3, 9) for i in range(len(seq) - n + 1)]

    for number, s in enumerate(seqs):
        for table, unit in ((terms, lambda q: q), (pairs, pair_list), (runs, run_list)):
            fields = [Counter(unit(s[-2])), Counter(unit(s[-1])), Counter()]
            for form in s[:-2]:
                fields[2].update(unit(form))
            score: dict[str, float] = defaultdict(float)
            for slot, counts in enumerate(fields):
                norm = K1 * ((1 - B) + B * lengths[number][slot] / averages[slot])
                for key, count in counts.items():
                    tf = count * boosts[slot]
                    score[key] += tf * (K1 + 1) / (tf + norm)
            for key, value in score.items():
                table[key][0].append(number)
                table[key][1].append(min(IMPACT_MAX, max(1, int(np.ceil(value / IMPACT_STEP)))))
        starts: dict[str, list[int]] = defaultdict(list)
        offset = 0
        for seq in s:
            for i, key in enumerate(pair_list(seq)):
                starts[key].append(offset + i)
            offset += len(seq) + 1
        for key, where in starts.items():
            pairs[key][2].append(where)
    return dict(terms), dict(pairs), dict(runs)


def _entries(out: Path, prefix: str) -> dict[str, tuple[int, bytes]]:
    """Read every entry of the t-, w- or g- shards of an export: key → (df, record bytes)."""
    def load(path: Path) -> Any:
        return read_script(path.read_bytes())

    found = {}
    for path in out.glob(f"{prefix}-*.js"):
        data = load(path)
        for key, value in zip(data[::2], data[1::2], strict=True):
            if isinstance(value, int):  # the same value as an earlier entry (export._intern)
                value = data[2 * value + 1]
            record = value[1]
            if isinstance(record, list):
                record = "".join(load(out / f"{part}.js") for part in record)
            found[key] = (value[0], base64.b64decode(record), *value[2:])
    return found


def _positions(out: Path, value: Any, df: int) -> list[tuple[int, bytes]]:
    """Return a pair's position pieces in q- files: (first posting, bytes)."""
    pieces = []
    for first, key in zip(value[::2], value[1::2], strict=True):
        pieces.append((first, base64.b64decode(read_script((out / f"{key}.js").read_bytes()))))
    return pieces


@pytest.mark.parametrize("budget", [None, 300])
def test_export_records_are_the_reference_postings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, budget: int | None
) -> None:
    if budget:  # tiny partitions: frequent first terms are cut by second term
        monkeypatch.setattr(postings_module, "PARTITION_TOKENS", budget)
    settings = SearchSettings(shard_bytes=600, pair_shard_bytes=900, part_bytes=300,
                              position_part_bytes=40, phrase_min_docs=3)
    build_index(DOCS, tmp_path / "index", settings)
    out = tmp_path / "out"
    export_client_index(tmp_path / "index", out, settings)
    terms, pairs, every_run = _reference(DOCS, settings)
    runs = {k: v for k, v in every_run.items() if len(v[0]) >= settings.phrase_min_docs}
    assert len(runs) > 50 and "bachar al assad" in runs
    assert "observatoir syrien de droit de homm" in runs
    # The counts of the top facet values that a one-word query shows, per term.
    ordered = sorted(DOCS, key=lambda d: (d.get("date") or "", d["id"]))
    tops = []
    for kind in ("actors", "locations"):
        members = Counter(slug for d in ordered for slug in {e["slug"] for e in d[kind]})
        tops += [(kind, slug) for slug in sorted(members, key=lambda s: (-members[s], s))[:8]]
    external = 0
    for prefix, table in (("t", terms), ("w", pairs), ("g", runs)):
        found = _entries(out, prefix)
        assert sorted(found, key=js_order) == sorted(table, key=js_order)
        for key, (docs, levels, starts) in table.items():
            df, got, *extra = found[key]
            pieces = _positions(out, extra[0], df) if prefix == "w" and extra else []
            # A pair's positions are in its record, unless they are larger than a part.
            inline = prefix == "w" and not pieces
            want = encode_record(docs, levels, starts if inline else None)
            assert df == len(docs) and got[: len(want)] == want, key
            assert len(got) == (len(want) + 2) // 3 * 3 and not any(got[len(want) :])
            if prefix == "t":
                counts = [sum(any(e["slug"] == slug for e in ordered[d][kind]) for d in docs)
                          for kind, slug in tops]
                assert extra == [counts], key
            elif inline:
                assert len(encode_starts(starts)) <= settings.position_part_bytes, key
            elif prefix == "w":
                # Positions apart, in pieces cut at dispatch boundaries.
                external += len(pieces) > 1
                bounds = [first for first, _ in pieces] + [df]
                assert bounds[0] == 0 and bounds == sorted(bounds)
                for (first, data), last in zip(pieces, bounds[1:], strict=True):
                    expected = encode_starts(starts[first:last])
                    assert data[: len(expected)] == expected, key
                    assert len(data) - len(expected) < 3 and not any(data[len(expected) :])
            else:
                assert extra == [], key
    assert external > 10


def test_encode_positions_agrees_with_encode_starts() -> None:
    batch, records = _random_batch(random.Random(11), True, True)
    for piece in (1, 7, 50, 10_000):
        positions = encode_positions(batch, piece)
        for k, (_, _, starts) in enumerate(records):
            bounds = [*positions.first[positions.kpieces[k] : positions.kpieces[k + 1]].tolist(),
                      len(starts)]
            for i, p in enumerate(range(positions.kpieces[k], positions.kpieces[k + 1])):
                data = base64.b64decode(positions.text[positions.cuts[p] : positions.cuts[p + 1]])
                expected = encode_starts(starts[bounds[i] : bounds[i + 1]])
                assert data[: len(expected)] == expected
                assert len(data) == (len(expected) + 2) // 3 * 3


@pytest.mark.parametrize("seed", range(3))
def test_chunked_analysis_is_the_analysis(seed: int) -> None:
    rng = random.Random(seed)
    alphabet = "aàeéioœuçAÉ’'`´-.,;  \u00a0\u2009\n\t¨½ﬁＡ0123456789«»ßİ"
    vocab = Vocabulary([])
    for _ in range(300):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60)))
        ids = array("i", vocab.bytes_of(text))
        assert [vocab.terms[i] for i in ids] == analyze(text), repr(text)


def _averages(docs: list[dict[str, Any]]) -> list[float]:
    lengths = [(len(analyze(d["title"])), len(analyze(d["body"])),
                sum(len(analyze(f)) for f in entity_aliases(d))) for d in docs]
    return [stable_average(sum(row[i] for row in lengths), len(docs)) for i in range(3)]


def _links(folder: Path) -> dict[str, int]:
    return {p.name: p.stat().st_ino for p in folder.iterdir()}


def test_nothing_changed_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    index_dir, first = tmp_path / "index", tmp_path / "build1" / "idx"
    build_index(CORPUS, index_dir, SMALL)
    export_client_index(index_dir, first, SMALL)
    assert build_index(list(reversed(CORPUS)), index_dir, SMALL)["added"] == 0

    def no_build(*args: object) -> None:
        raise AssertionError("an unchanged index was exported again")

    monkeypatch.setattr(export_module, "_build", no_build)
    # Into the same folder: nothing written.
    before = {p.name: p.stat().st_mtime_ns for p in first.iterdir()}
    export_client_index(index_dir, first, SMALL)
    assert {p.name: p.stat().st_mtime_ns for p in first.iterdir()} == before
    # Into a fresh folder beside the previous output: every file is a hard link.
    second = tmp_path / "build2" / "idx"
    files = export_client_index(index_dir, second, SMALL, previous_dir=first)
    assert _links(second) == _links(first) and {p.name for p in files} == set(before)


def test_one_new_dispatch_writes_only_new_files(tmp_path: Path) -> None:
    index_dir, first = tmp_path / "index", tmp_path / "build1" / "idx"
    settings = SearchSettings(card_group_blocks=8, shard_bytes=1000, pair_shard_bytes=2000)
    build_index(DOCS, index_dir)
    export_client_index(index_dir, first, settings)
    # A dispatch that leaves the (rounded) field length averages as they are, as nearly
    # every new dispatch does in an archive of thousands.
    newest = next(
        {**doc, "id": "d99", "url": "depeches/d99.html", "date": "2025-01-01"}
        for doc in synthetic_dispatches(340)[300:]
        if _averages([*DOCS, doc]) == _averages(DOCS)
    )
    counts = build_index([*DOCS, newest], index_dir)
    assert counts["added"] == 1 and counts["kept"] == len(DOCS)
    second = tmp_path / "build2" / "idx"
    export_client_index(index_dir, second, settings, previous_dir=first)
    old, new = _links(first), _links(second)
    linked = {name for name, inode in new.items() if old.get(name) == inode}
    written = set(new) - linked
    # Only new names are written (a name is a content hash); the old card groups, and
    # the shards that hold none of the new dispatch's words, are links to the old files.
    assert "manifest.js" in written and all(name not in old for name in written - {"manifest.js"})
    assert any(name.startswith("c0-") for name in linked)
    assert sum(name.startswith(("t-", "w-")) for name in linked) > 5
    # The same bytes as an export from scratch of the same dispatches.
    scratch = tmp_path / "scratch"
    build_index([newest, *DOCS], tmp_path / "index2")
    export_client_index(tmp_path / "index2", scratch, settings)
    assert {p.name: p.read_bytes() for p in scratch.iterdir()} == {
        p.name: p.read_bytes() for p in second.iterdir()}


def test_half_written_file_is_not_trusted(tmp_path: Path) -> None:
    index_dir, out = tmp_path / "index", tmp_path / "idx"
    build_index(CORPUS, index_dir, SMALL)
    export_client_index(index_dir, out, SMALL)
    shard = sorted(out.glob("t-*.js"))[0]
    good = shard.read_bytes()
    # A killed export: a file cut short, and no record of a finished export.
    shard.write_bytes(good[:10])
    (index_dir / export_module.STATE_FILE).unlink()
    (out / "manifest.js").unlink()
    export_client_index(index_dir, out, SMALL)
    assert shard.read_bytes() == good


def test_whoosh_follows_the_store(tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    build_index(CORPUS, index_dir)
    assert "d01" in search(index_dir, "Idlib").ids
    newest = {**CORPUS[0], "id": "d99", "url": "depeches/d99.html", "date": "2025-01-01",
              "title": "Trêve fragile", "body": "Une trêve fragile tient à Zabadani."}
    build_index([*CORPUS[1:], newest], index_dir)
    assert search(index_dir, "Zabadani").ids == ["d99"]
    assert "d01" not in search(index_dir, "Idlib").ids
    os.utime(index_dir)  # no change: the Whoosh index is left as it is
    assert search(index_dir, "Zabadani").ids == ["d99"]


def _postings(matcher: Any) -> list[tuple[int, float]]:
    out = []
    while matcher.is_active():
        out.append((matcher.id(), matcher.weight()))
        matcher.next()
    return out


ASTRAL_DOC = {**CORPUS[0], "id": "astral", "url": "depeches/astral.html",
              "title": "Un sinogramme 𠀀𠀁 rare",
              "body": "Le caractère 𠀀𠀁 et 𠀂 hors du plan de base."}


@pytest.mark.parametrize("corpus", ["store", "shared", "shared-astral"])
def test_fast_whoosh_build_is_add_document(tmp_path: Path, corpus: str) -> None:
    """A full Whoosh build written from the store equals one made with add_document: the
    same terms, postings (docs, weights), field lengths and stored fields. Whether it reads
    the tokens from the store or takes the export's corpus (as the site build does: ranked
    in JavaScript's order, which is the UTF-8 order unless a term has a character outside
    the BMP, as in ASTRAL_DOC)."""
    from whoosh import index as whoosh_index

    from archive_search.export import load_corpus
    from archive_search.index import ensure_whoosh, index_fields, make_schema
    from archive_search.store import connect, documents, hashes

    docs = [*DOCS, ASTRAL_DOC] if corpus == "shared-astral" else DOCS
    index_dir = tmp_path / "index"
    build_index(docs, index_dir)
    shared = None
    if corpus != "store":
        con = connect(index_dir, create=False)
        shared = load_corpus(con)
        con.close()
        assert any(ord(max(t)) > 0xFFFF for t in shared.terms) == (corpus == "shared-astral")
    fast = whoosh_index.open_dir(str(ensure_whoosh(index_dir, corpus=shared)))
    slow_dir = tmp_path / "slow"
    slow_dir.mkdir()
    slow = whoosh_index.create_in(str(slow_dir), make_schema(SearchSettings()))
    con = connect(index_dir, create=False)
    wanted = hashes(con)
    writer = slow.writer()
    for doc in documents(con):
        writer.add_document(**index_fields(doc, wanted[doc["id"]]))
    writer.commit(optimize=True)
    con.close()
    with fast.reader() as a, slow.reader() as b:
        assert a.doc_count() == b.doc_count() == len(docs)
        # The fast build numbers the small fields before the text fields (it frees their
        # postings first), so all_terms() lists the fields in another order.
        assert sorted(a.all_terms()) == sorted(b.all_terms())
        for field, term in b.all_terms():
            pa, pb = a.postings(field, term), b.postings(field, term)
            assert _postings(pa) == _postings(pb), (field, term)
            assert a.doc_frequency(field, term) == b.doc_frequency(field, term)
            assert a.term_info(field, term).weight() == b.term_info(field, term).weight()
            assert a.term_info(field, term).max_weight() == b.term_info(field, term).max_weight()
        for field in ("title", "body", "aliases"):
            assert a.field_length(field) == b.field_length(field)
            assert a.max_field_length(field) == b.max_field_length(field)
            assert a.min_field_length(field) == b.min_field_length(field)
            assert [a.doc_field_length(d, field) for d in range(len(docs))] == \
                [b.doc_field_length(d, field) for d in range(len(docs))]
        assert list(a.all_stored_fields()) == list(b.all_stored_fields())


def _store_rows(index_dir: Path) -> list[list[Any]]:
    import sqlite3

    con = sqlite3.connect(index_dir / "store.sqlite")
    try:
        return [list(con.execute(f"SELECT * FROM {table} ORDER BY 1"))
                for table in ("vocab", "docs", "sources", "meta")]
    finally:
        con.close()


def test_store_analysed_by_workers_is_the_same_store(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Worker processes number terms on their own; merged in document order, the store
    (term ids included) is byte for byte the one a single process writes, on a first
    build and on an update that adds documents with new words."""
    from archive_search import store as store_module

    monkeypatch.setattr(store_module, "PARALLEL_AT", 20)
    monkeypatch.setattr(store_module, "CHUNK", 7)
    monkeypatch.setattr(store_module, "AHEAD", 2)
    extra = [{**doc, "id": f"x{i}", "url": f"depeches/x{i}.html",
              "body": doc["body"] + f" Zorblatt{i} et Quixmoor{i % 3} répondent."}
             for i, doc in enumerate(DOCS[:60])]
    stores = {}
    for workers in (1, 2):
        folder = tmp_path / f"w{workers}"
        counts = store_module.update_store(DOCS, folder, workers=workers)
        assert counts["added"] == len(DOCS)
        store_module.update_store([*DOCS, *extra], folder, workers=workers)
        stores[workers] = _store_rows(folder)
    assert stores[1] == stores[2]
    vocab = [term for _, term in stores[1][0]]
    assert len(vocab) == len(set(vocab))
    assert "zorblatt59" in vocab


def test_search_stages_run_whoosh_beside_the_export(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """build_search: the client export and the Whoosh index (forked beside it) both follow
    the store; a failed Whoosh update fails the stage with a message, after the export."""
    from archive_search import pipeline

    index_dir, out = tmp_path / "index", tmp_path / "out"
    done = pipeline.build_search(CORPUS, index_dir, out, SMALL, whoosh=True)
    assert done.counts["added"] == len(CORPUS)
    assert set(done.timings) == {"search_index", "search_export", "search_whoosh"}
    assert (out / "manifest.js").exists() and done.files
    assert "d01" in search(index_dir, "Idlib").ids

    def broken(*_: Any, **__: Any) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(pipeline, "ensure_whoosh", broken)
    newest = {**CORPUS[0], "id": "d98", "url": "depeches/d98.html", "date": "2025-02-01"}
    with pytest.raises(pipeline.WhooshFailed, match="could not be updated"):
        pipeline.build_search([*CORPUS, newest], index_dir, tmp_path / "out2", SMALL,
                              whoosh=True)
    assert (tmp_path / "out2" / "manifest.js").exists()


def test_search_child_returns_the_stages_result_or_fails_loudly(tmp_path: Path) -> None:
    """The site build's search process: its result crosses the pipe whole; a failure in it
    fails the build with the reason."""
    from archive_search.pipeline import SearchChild, SearchFailed

    child = SearchChild(lambda: CORPUS, tmp_path / "index", tmp_path / "out", SMALL)
    done = child.join()
    assert done.counts["added"] == len(CORPUS)
    assert done.files and all(p.is_file() for p in done.files)
    assert {"search_index", "search_export", "search_whoosh"} <= set(done.timings)

    def broken() -> list[dict[str, Any]]:
        raise ValueError("no dispatches today")

    with pytest.raises(SearchFailed, match="no dispatches today"):
        SearchChild(broken, tmp_path / "index2", tmp_path / "out2", SMALL).join()


@pytest.mark.parametrize("seed", range(6))
def test_docs_of_and_stable_order_are_numpy_s_own(seed: int) -> None:
    """The faster forms give what searchsorted and a stable argsort give, empty dispatches
    and repeated codes included."""
    from archive_search.postings import docs_of, stable_order

    rng = np.random.default_rng(seed)
    lengths = rng.integers(0, 6, 200)  # some dispatches hold no token
    start = np.concatenate(([0], np.cumsum(lengths))).astype(np.int64)
    total = int(start[-1])
    for size in (0, 1, 17, total):
        at = np.sort(rng.choice(total, size=size, replace=False)).astype(np.int64)
        assert np.array_equal(docs_of(start, at), np.searchsorted(start, at, side="right") - 1)
    code = rng.integers(0, 50, 5000).astype(np.int64)
    assert np.array_equal(stable_order(code), np.argsort(code, kind="stable"))
    big = np.array([2**62, 3, 2**62, 3], dtype=np.int64)  # too large for code * n + index
    assert np.array_equal(stable_order(big), np.argsort(big, kind="stable"))
