"""Whole-archive exports written gzip-compressed as members cut by content (exports.py).

A large archive's four whole-archive files (JSON Lines, CSV, BibTeX, CSL-JSON) are series of
gzip members, each holding the dispatches up to one whose raw path hashes to a cut. A rebuild
takes from the cache the members whose dispatches are unchanged, and the files keep the
bytes a build that makes every member would give.
"""

from __future__ import annotations

import gzip
import shutil
import zlib
from pathlib import Path
from types import SimpleNamespace

import pytest
from sitecheck import build_site, write_tiny_archive

from dispatch_archive import exports
from dispatch_archive.exports import MEMBER_MAX, member_ranges

BULK = ("depeches.jsonl.gz", "depeches.csv.gz", "depeches.bib.gz", "depeches.csl.json.gz")


def paths_site(paths: list[str]) -> SimpleNamespace:
    return SimpleNamespace(dispatches=[SimpleNamespace(record={"path": p}) for p in paths])


def members(paths: list[str]) -> set[tuple[str, ...]]:
    return {tuple(paths[start:end]) for start, end in member_ranges(paths_site(paths))}


def test_members_are_cut_by_content() -> None:
    """The members cover every dispatch in order; a dispatch added in the middle changes the
    member it falls in (two, if its own path is a cut), and no other."""
    paths = [f"dispatches/{i:05d}.txt" for i in range(20_000)]
    ranges = member_ranges(paths_site(paths))
    assert ranges[0][0] == 0 and ranges[-1][1] == len(paths)
    assert all(a[1] == b[0] for a, b in zip(ranges, ranges[1:], strict=False))
    sizes = [end - start for start, end in ranges]
    assert max(sizes) <= MEMBER_MAX and 40 <= len(ranges) <= 160  # about 20,000 / 256
    for extra in ("dispatches/ajout.txt", "dispatches/10000-bis.txt"):
        grown = sorted([*paths, extra])
        changed = members(grown) - members(paths)
        assert 1 <= len(changed) <= 2 and any(extra in m for m in changed)
        assert len(members(paths) - members(grown)) == 1
    # A run with no cut still ends at MEMBER_MAX dispatches.
    uncut = [p for p in (f"x/{i}.txt" for i in range(2 * MEMBER_MAX))
             if zlib.crc32(p.encode()) % exports.MEMBER_MARK][: MEMBER_MAX + 10]
    assert [end - start for start, end in member_ranges(paths_site(uncut))] == [MEMBER_MAX, 10]
    assert member_ranges(paths_site([])) == [(0, 0)]


def bulk_bytes(out: Path) -> dict[str, bytes]:
    return {name: (out / "donnees" / name).read_bytes() for name in BULK}


def test_a_rebuild_takes_unchanged_members_from_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(exports, "MEMBER_MARK", 3)  # a member every three dispatches or so
    content = tmp_path / "content"
    dispatches = write_tiny_archive(content)
    count = len(list(dispatches.glob("*.txt")))
    made: list[int] = []
    record = exports.dispatch_record
    monkeypatch.setattr(exports, "dispatch_record",
                        lambda site, i, *rest: made.append(i) or record(site, i, *rest))

    def build(name: str) -> dict[str, bytes]:
        made.clear()
        out = build_site(tmp_path / name, tmp_path / "cache", PATH=str(content),
                         ENTITY_DISCOVERY=False, DISPATCH_GZIP_EXPORTS_FROM=1)
        return bulk_bytes(out)

    first = build("first")
    assert sorted(made) == list(range(count))
    jsonl = first["depeches.jsonl.gz"]
    assert jsonl.count(b"\x1f\x8b\x08\x00\x00\x00\x00\x00") > 3  # several members
    lines = gzip.decompress(jsonl).decode("utf-8").splitlines()
    assert len(lines) == count
    assert gzip.decompress(first["depeches.csv.gz"]).decode("utf-8").startswith("slug,url,")
    csl = gzip.decompress(first["depeches.csl.json.gz"]).decode("utf-8")
    assert csl.startswith("[\n{") and csl.endswith("}\n]\n")

    assert build("second") == first and made == []  # every member from the cache

    # One dispatch's text changes: its member is made again, the others come from the cache.
    changed = dispatches / "005.txt"
    changed.write_text(changed.read_text(encoding="utf-8")
                       + "\nLe bilan a été revu à la hausse dans la matinée.\n", encoding="utf-8")
    third = build("third")
    assert 0 < len(made) < count
    assert "revu à la hausse" in gzip.decompress(third["depeches.jsonl.gz"]).decode("utf-8")

    # The same bytes as a build that makes every member again.
    shutil.rmtree(tmp_path / "cache" / "exports")
    assert build("fourth") == third and sorted(made) == list(range(count))

    # A damaged cache file is not trusted: every member is made again, the bytes unchanged.
    for kept in (tmp_path / "cache" / "exports").iterdir():
        kept.write_bytes(b"\x00damaged")
    assert build("fifth") == third and sorted(made) == list(range(count))
