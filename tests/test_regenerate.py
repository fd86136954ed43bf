"""`invoke regenerate`: the resident process re-renders only what a change touches."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import ROOT
from dispatch_archive.build import prepare
from dispatch_archive.inspect import load_settings
from dispatch_archive.regenerate import Resident

pytestmark = pytest.mark.slow

SEED_PAGE = "depeches/deux-enfants-tues-dans-de-nouveaux-bombardements-syriens-et-russes-sur-idleb.html"


@pytest.fixture(scope="module")
def resident(tmp_path_factory: pytest.TempPathFactory) -> Resident:
    base = tmp_path_factory.mktemp("regen")
    content = base / "content"
    for part in ("dispatches", "gazetteer", "pages"):
        shutil.copytree(ROOT / "content" / part, content / part)
    settings = load_settings(ROOT / "pelicanconf.py")
    settings.update(PATH=str(content), DISPATCH_CACHE_PATH=str(base / "cache"))
    r = Resident(prepare(settings), content, ROOT / "theme", base / "output")
    r.full()
    return r


def test_an_edit_rewrites_the_dispatch_and_leaves_unrelated_pages_alone(resident: Resident) -> None:
    out = resident.build.output_path
    unrelated = next(p for p in (out / "depeches").glob("*.html") if "loi-cesar" in p.name)
    before = unrelated.stat().st_mtime_ns
    seed = resident.folder / "000_ed6308b521bfe103.txt"
    original = seed.read_text(encoding="utf-8")
    try:
        seed.write_text(original.replace("Dernières nouvelles", "Les secours ont dégagé trois survivants, selon les Casques blancs.\n\nDernières nouvelles"), encoding="utf-8")
        result = resident.poll()
        assert result is not None and result["changed"] == ["000_ed6308b521bfe103"]
        page = (out / SEED_PAGE).read_text(encoding="utf-8")
        assert "trois survivants" in page
        assert "acteurs/casques-blancs.html" in page
        assert unrelated.stat().st_mtime_ns == before
        assert result["rendered"] < 60
    finally:
        seed.write_text(original, encoding="utf-8")
        resident.poll()


def test_added_and_removed_dispatches(resident: Resident) -> None:
    out = resident.build.output_path
    new = resident.folder / "zz_nouvelle.txt"
    new.write_text(
        "Date: 2020-03-06\n\nIdleb : une trêve fragile après l'accord de Moscou\n\n"
        "Le cessez-le-feu conclu à Moscou semblait tenir vendredi dans la province d'Idleb, selon l'OSDH.\n",
        encoding="utf-8",
    )
    result = resident.poll()
    assert result is not None
    page = out / "depeches/idleb-une-treve-fragile-apres-l-accord-de-moscou.html"
    assert page.is_file()
    assert "une trêve fragile" in (out / "lieux/idleb.html").read_text(encoding="utf-8")
    assert "une trêve fragile" in (out / "archives/2020/03.html").read_text(encoding="utf-8")
    new.unlink()
    resident.poll()
    assert not page.exists()
    assert "une trêve fragile" not in (out / "lieux/idleb.html").read_text(encoding="utf-8")
    assert resident.poll() is None  # nothing changed since


def test_a_full_build_after_an_update_matches_a_fresh_build(resident: Resident, tmp_path: Path) -> None:
    """Pages the resident process rewrote are not trusted by a stale render manifest: a full
    build into the same folder afterwards gives the bytes of a build from scratch."""
    out = resident.build.output_path
    new = resident.folder / "zz_plus_un.txt"
    new.write_text(
        "Date: 2021-05-26\n\nDamas : Bachar al-Assad réélu pour un quatrième mandat\n\n"
        "Le président Bachar al-Assad a été réélu avec 95,1 % des voix, a annoncé le Parlement à Damas.\n",
        encoding="utf-8",
    )
    try:
        assert resident.poll() is not None
        page = out / "acteurs/bachar-al-assad.html"
        assert "quatrième mandat" in page.read_text(encoding="utf-8")
        resident.flush()  # idle: the manifest now holds the keys of the pages just rendered
    finally:
        new.unlink()
    resident.build.read()  # a full build into the same folder, with the manifest of the update
    resident.build.write()
    resident.snapshot = resident.snapshot.take(resident.folder)
    resident.records = {r["path"]: r for r in resident.build.outcome.records}
    fresh = Resident(resident.build.prepared, resident.build.content_path, ROOT / "theme", tmp_path / "out")
    fresh.full()
    for path in ("acteurs/bachar-al-assad.html", "lieux/damas.html", "index.html"):
        assert (out / path).read_bytes() == (tmp_path / "out" / path).read_bytes(), path


def test_an_edited_lead_shows_on_the_listings_of_its_entities(resident: Resident) -> None:
    """The resident process keeps its templates and card markup between changes: a card
    whose data changed (same URL, new lead) must be rendered again, not served from memory."""
    out = resident.build.output_path
    seed = resident.folder / "000_ed6308b521bfe103.txt"
    original = seed.read_text(encoding="utf-8")
    marker = "Selon un décompte établi lundi soir par les secouristes,"
    try:
        seed.write_text(original.replace("Après la rencontre,", f"{marker} après la rencontre,", 1), encoding="utf-8")
        assert resident.poll() is not None
        assert marker in (out / "lieux/idleb.html").read_text(encoding="utf-8")
    finally:
        seed.write_text(original, encoding="utf-8")
        resident.poll()
    assert marker not in (out / "lieux/idleb.html").read_text(encoding="utf-8")
