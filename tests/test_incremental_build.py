"""An incremental build (render manifest, dispatch pages kept on their prekey) writes the bytes
a build from scratch writes, change after change.

Each step changes the sample archive, rebuilds the same output folder with its cache and
manifest, then builds the same content into a fresh folder with a fresh manifest (the
per-dispatch cache is copied, so the model tags nothing twice) and compares every file.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from conftest import ROOT

from dispatch_archive.build import ArchiveBuild, prepare
from dispatch_archive.inspect import load_settings
from dispatch_archive.swap import build_and_swap

pytestmark = pytest.mark.slow


def files(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def build(content: Path, out: Path, cache: Path) -> ArchiveBuild:
    """As `invoke build` does: into a fresh folder, linking what it keeps, swapped in whole."""
    settings = load_settings(ROOT / "pelicanconf.py")
    settings.update(PATH=str(content), DISPATCH_CACHE_PATH=str(cache))
    done: list[ArchiveBuild] = []

    def run(tmp: Path) -> None:
        b = ArchiveBuild(prepare(settings), content, ROOT / "theme", tmp)
        b.read()
        b.write()
        done.append(b)

    build_and_swap(out, run)
    return done[0]


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("incremental")
    content = base / "content"
    for part in ("dispatches", "gazetteer", "pages"):
        shutil.copytree(ROOT / "content" / part, content / part)
    first = build(content, base / "out", base / "cache")
    assert first.stats["prekeyed"] == 0  # nothing to keep the first time
    return {"base": base, "content": content}


def rebuild_and_compare(archive: dict[str, Path], step: str) -> ArchiveBuild:
    base, content = archive["base"], archive["content"]
    incremental = build(content, base / "out", base / "cache")
    fresh_cache = base / f"cache-{step}"
    fresh_cache.mkdir()
    shutil.copy2(base / "cache" / "dispatches.sqlite", fresh_cache / "dispatches.sqlite")
    build(content, base / f"fresh-{step}", fresh_cache)
    a, b = files(base / "out"), files(base / f"fresh-{step}")
    assert sorted(a) == sorted(b), sorted(set(a) ^ set(b))[:10]
    differ = [path for path in a if a[path] != b[path]]
    assert not differ, differ[:10]
    return incremental


def test_nothing_changed_keeps_every_dispatch_page_on_its_prekey(archive: dict[str, Path]) -> None:
    b = rebuild_and_compare(archive, "noop")
    assert b.site is not None
    assert b.stats["prekeyed"] == len(b.site.dispatches)
    assert b.stats["rewritten"] == 0


def test_a_new_dispatch_changes_itself_and_its_neighbours_only(archive: dict[str, Path]) -> None:
    (archive["content"] / "dispatches" / "zz_nouvelle.txt").write_text(
        "Date: 2012-03-02\n\nHoms : les habitants de Baba Amr fuient vers le Liban\n\n"
        "Des centaines d'habitants de Baba Amr ont gagné le Liban vendredi, selon le HCR.\n",
        encoding="utf-8",
    )
    b = rebuild_and_compare(archive, "added")
    assert b.site is not None
    # all but the new page and its two neighbours were kept without their data gathered
    assert b.stats["prekeyed"] == len(b.site.dispatches) - 3


def test_a_new_title_moves_the_page_and_renews_its_neighbours(archive: dict[str, Path]) -> None:
    path = archive["content"] / "dispatches" / "002_homs-retrait-baba-amr.txt"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("Syrie : les rebelles annoncent", "Syrie : l'ASL annonce", 1),
                    encoding="utf-8")
    b = rebuild_and_compare(archive, "retitled")
    assert b.site is not None
    # the page itself, its neighbours before and after (the title orders same-day dispatches)
    assert len(b.site.dispatches) - 5 <= b.stats["prekeyed"] < len(b.site.dispatches)


def test_a_renamed_entity_renews_the_pages_that_name_it(archive: dict[str, Path]) -> None:
    gazetteer = archive["content"] / "gazetteer" / "lieux.toml"
    text = gazetteer.read_text(encoding="utf-8")
    entry = 'nom = "Homs"\ntype = "ville"\nalias = ["Hims"]\n'
    assert entry in text
    renamed = 'nom = "Homs (ville)"\ntype = "ville"\nalias = ["Hims", "Homs"]\n'
    gazetteer.write_text(text.replace(entry, renamed, 1), encoding="utf-8")
    b = rebuild_and_compare(archive, "renamed")
    assert b.site is not None
    homs = b.site.entities["homs"]
    assert homs.entity.name == "Homs (ville)"
    page = (archive["base"] / "out" / b.site.dispatches[homs.dispatches[0]].url).read_text(
        encoding="utf-8"
    )
    assert "Homs (ville)" in page
