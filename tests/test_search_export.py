"""The client index: deterministic bytes, classic scripts only, stale shards removed,
unchanged shards left alone."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

import pytest
from test_search_semantics import CORPUS

from archive_search.export import PACK_RATIO, _json, export_client_index, read_script
from archive_search.index import build_index
from archive_search.settings import SearchSettings

# Small shards so that the little corpus still has several of each kind.
SMALL = SearchSettings(shard_bytes=40, pair_shard_bytes=60, part_bytes=12, directory_entries=4,
                       cards_per_block=2, card_group_blocks=3, facet_top=3)


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(folder.iterdir())}


@pytest.fixture()
def exported(tmp_path: Path) -> tuple[Path, Path]:
    index_dir, out = tmp_path / "whoosh", tmp_path / "site" / "recherche" / "idx"
    build_index(CORPUS, index_dir, SMALL)
    export_client_index(index_dir, out, SMALL)
    return index_dir, out


def test_same_input_same_bytes(exported: tuple[Path, Path], tmp_path: Path) -> None:
    index_dir, out = exported
    again = tmp_path / "again"
    build_index(list(reversed(CORPUS)), tmp_path / "whoosh2", SMALL)
    export_client_index(tmp_path / "whoosh2", again, SMALL)
    assert {k: v[0] for k, v in snapshot(out).items()} == {
        k: v[0] for k, v in snapshot(again).items()
    }


def test_every_file_is_a_classic_script_registering_its_name(exported: tuple[Path, Path]) -> None:
    _, out = exported
    names = [p.name for p in out.iterdir()]
    assert "manifest.js" in names
    kinds = {re.sub(r"[-\d].*", "", n.removesuffix(".js")) for n in names}
    assert {"t", "w", "d", "p", "f", "c", "dt", "manifest"} <= kinds
    packed = 0
    for path in out.iterdir():
        text = path.read_text(encoding="utf-8")
        assert text.startswith(f'rechercheShard("{path.stem}",')
        for banned in ("fetch(", "import ", "export ", "Worker", "WebAssembly", "eval("):
            assert banned not in text
        payload = read_script(path.read_bytes())
        if text.endswith('",1);\n'):  # packed: base64 of the deflated JSON
            packed += 1
            plain = _json(payload).encode("utf-8")
            assert len(text.encode("utf-8")) < len(plain) * PACK_RATIO + len(path.stem) + 30
            if path.stem != "manifest":  # the name hashes the JSON, packed or not
                assert path.stem.endswith(hashlib.sha1(plain).hexdigest()[:12]) or \
                    path.stem.startswith("c")
    assert packed


def test_shards_stay_bounded(exported: tuple[Path, Path]) -> None:
    _, out = exported
    for pattern, limit in (("t-*.js", SMALL.shard_bytes), ("w-*.js", SMALL.pair_shard_bytes)):
        for path in out.glob(pattern):
            assert path.stat().st_size < limit + limit // 4 + 200


def test_rebuild_rewrites_only_what_changed(exported: tuple[Path, Path]) -> None:
    index_dir, out = exported
    before = snapshot(out)
    (out / "unrelated.txt").write_text("kept", encoding="utf-8")
    export_client_index(index_dir, out, SMALL)
    assert {k: v for k, v in snapshot(out).items() if k != "unrelated.txt"} == before

    newest = {**CORPUS[0], "id": "d99", "url": "depeches/d99.html", "date": "2024-12-31",
              "title": "Trêve fragile à Idleb", "body": "Une trêve fragile tient à Idleb."}
    build_index([*CORPUS, newest], index_dir, SMALL)
    export_client_index(index_dir, out, SMALL)
    after = snapshot(out)
    assert (out / "unrelated.txt").exists()
    unchanged = [n for n in before if n in after and after[n] == before[n]]
    rewritten = [n for n in before if n in after and after[n][1] != before[n][1]]
    assert rewritten == ["manifest.js"]  # the one fixed name; hashed names never change bytes
    # The new dispatch is the newest, so it takes the last number: the card blocks of
    # the others keep their bytes and their files, but for the last group of blocks,
    # whose shared hash (in the manifest) changes.
    blocks = len(CORPUS) // SMALL.cards_per_block
    last_group = blocks // SMALL.card_group_blocks * SMALL.card_group_blocks
    old_blocks = [f"c{i}-" for i in range(last_group)]
    assert old_blocks and all(any(n.startswith(b) for n in unchanged) for b in old_blocks)
    # Stale shards are gone: every file left is referenced or is the manifest.
    stale = set(before) - set(after)
    assert stale and not any((out / n).exists() for n in stale)
    manifest = (out / "manifest.js").read_text(encoding="utf-8")
    assert '"n":16' in manifest


def test_export_refuses_a_missing_index(tmp_path: Path) -> None:
    from archive_search.export import ExportError

    with pytest.raises(ExportError):
        export_client_index(tmp_path / "nothing", tmp_path / "out")


def test_unknown_setting_fails_with_a_hint() -> None:
    from archive_search.settings import SearchSettingsError

    with pytest.raises(SearchSettingsError, match="SEARCH_SHARD_BYTES"):
        SearchSettings.from_settings({"SEARCH_SHARD_BYTE": 10})
    with pytest.raises(SearchSettingsError, match="takes a int"):
        SearchSettings.from_settings({"SEARCH_PAGE_SIZE": "10"})
    assert SearchSettings.from_settings({"SEARCH_PAGE_SIZE": 20, "OTHER": 1}).page_size == 20
    assert SearchSettings.from_settings({}).whoosh is True
    assert SearchSettings.from_settings({"SEARCH_WHOOSH": False}).whoosh is False
    with pytest.raises(SearchSettingsError, match="takes a bool"):
        SearchSettings.from_settings({"SEARCH_WHOOSH": "yes"})
    with pytest.raises(SearchSettingsError, match="takes a int"):
        SearchSettings.from_settings({"SEARCH_PHRASE_MIN_DOCS": True})
    with pytest.raises(SearchSettingsError, match="at least 1"):
        SearchSettings.from_settings({"SEARCH_POSITION_PART_BYTES": 0})


def test_every_setting_is_documented() -> None:
    doc = (Path(__file__).resolve().parents[1] / "docs" / "search.md").read_text(encoding="utf-8")
    missing = [name for name in SearchSettings.setting_names() if name not in doc]
    assert missing == []


def test_mtime_untouched_means_not_written(exported: tuple[Path, Path]) -> None:
    index_dir, out = exported
    manifest = out / "manifest.js"
    os.utime(manifest, ns=(1_000_000_000, 1_000_000_000))
    export_client_index(index_dir, out, SMALL)
    assert manifest.stat().st_mtime_ns == 1_000_000_000


def test_a_repeated_record_is_written_as_the_index_of_its_first_entry() -> None:
    import json

    from archive_search.export import _intern

    shard = [["a b c", [3, "QUJD"]], ["a b c d", [3, "QUJD"]], ["a b e", [3, "QUJE"]],
             ["b c d", [3, "QUJD"]], ["b c e", [2, "QUJD"]], ["c d e", [4, ["p-1", "p-2"]]],
             ["c d f", [4, ["p-1", "p-2"]]]]
    payload = json.dumps([x for entry in shard for x in entry], separators=(",", ":")).encode()
    data = json.loads(_intern(payload))
    assert data[1::2] == [[3, "QUJD"], 0, [3, "QUJE"], 0, [2, "QUJD"],  # another df: kept
                          [4, ["p-1", "p-2"]], [4, ["p-1", "p-2"]]]  # part files: kept
    assert data[0::2] == [key for key, _ in shard]
    alone = json.dumps(["a b c", [3, "QUJD"]], separators=(",", ":")).encode()
    assert _intern(alone) is alone  # nothing repeated: the same bytes


def test_a_lost_output_gets_the_export_back_from_the_kept_copy(tmp_path: Path) -> None:
    """With keep_dir (the site build's, beside the store), an output folder deleted since the
    last export gets its files back as hard links, bytes and times kept, without an export
    computed again; a changed store updates the kept copy to the new export's files."""
    index_dir, keep = tmp_path / "whoosh", tmp_path / "whoosh" / "client"
    first = tmp_path / "one" / "idx"
    build_index(CORPUS, index_dir, SMALL)
    export_client_index(index_dir, first, SMALL, keep_dir=keep)
    made = snapshot(first)
    assert snapshot(keep) == made

    second = tmp_path / "two" / "idx"  # the first output is gone: a rebuild from scratch
    os.rename(first, tmp_path / "trash")
    state = (index_dir / "export.json").read_bytes()
    export_client_index(index_dir, second, SMALL, keep_dir=keep)
    assert snapshot(second) == made  # same bytes, same modification times
    assert all((second / n).stat().st_ino == (keep / n).stat().st_ino for n in made)
    assert (index_dir / "export.json").read_bytes() == state

    newest = {**CORPUS[0], "id": "d99", "url": "depeches/d99.html", "date": "2024-12-31",
              "title": "Trêve fragile à Idleb", "body": "Une trêve fragile tient à Idleb."}
    build_index([*CORPUS, newest], index_dir, SMALL)
    export_client_index(index_dir, second, SMALL, keep_dir=keep)
    assert {k: v[0] for k, v in snapshot(keep).items()} == \
        {k: v[0] for k, v in snapshot(second).items()} != {k: v[0] for k, v in made.items()}


def test_a_kept_copy_that_is_not_the_last_export_is_not_trusted(tmp_path: Path) -> None:
    index_dir, keep = tmp_path / "whoosh", tmp_path / "whoosh" / "client"
    build_index(CORPUS, index_dir, SMALL)
    export_client_index(index_dir, tmp_path / "one", SMALL, keep_dir=keep)
    made = {k: v[0] for k, v in snapshot(tmp_path / "one").items()}
    # Someone's manifest in the kept copy (or a copy cut short): computed again, and mended.
    (keep / "manifest.js").unlink()
    (keep / "manifest.js").write_text('rechercheShard("manifest",{});\n', encoding="utf-8")
    victim = next(n for n in made if n.startswith("t-"))
    (keep / victim).unlink()
    export_client_index(index_dir, tmp_path / "two", SMALL, keep_dir=keep)
    assert {k: v[0] for k, v in snapshot(tmp_path / "two").items()} == made
    assert {k: v[0] for k, v in snapshot(keep).items()} == made
