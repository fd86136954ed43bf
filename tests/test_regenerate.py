"""`invoke regenerate`: the resident process re-renders only what a change touches."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import ROOT

from dispatch_archive.build import ArchiveBuild, prepare
from dispatch_archive.inspect import load_settings
from dispatch_archive.regenerate import Resident

pytestmark = pytest.mark.slow

SEED_PAGE = "depeches/deux-enfants-tues-dans-de-nouveaux-bombardements-syriens-et-russes-sur-idleb.html"


def _resident(base: Path, **overrides: object) -> Resident:
    """A resident process on a copy of the sample archive in base, built once."""
    content = base / "content"
    for part in ("dispatches", "gazetteer", "pages"):
        shutil.copytree(ROOT / "content" / part, content / part)
    settings = load_settings(ROOT / "pelicanconf.py")
    settings.update(PATH=str(content), DISPATCH_CACHE_PATH=str(base / "cache"), **overrides)
    r = Resident(prepare(settings), content, ROOT / "theme", base / "output")
    r.full()
    return r


@pytest.fixture(scope="module")
def resident(tmp_path_factory: pytest.TempPathFactory) -> Resident:
    return _resident(tmp_path_factory.mktemp("regen"))


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


def test_a_full_build_after_an_edit_keeps_every_dispatch_page_on_its_prekey(
    tmp_path: Path,
) -> None:
    """The resident process keys a dispatch page by its prekey, as a full build does: after
    an edit and a flush, a full build of the same files lays out no dispatch page and
    rewrites none (it does rewrite the whole-archive exports, which the resident process
    leaves to it)."""
    resident = _resident(tmp_path)
    seed = resident.folder / "000_ed6308b521bfe103.txt"
    added = "Les secours ont dégagé trois survivants.\n\nDernières nouvelles"
    text = seed.read_text(encoding="utf-8")
    seed.write_text(text.replace("Dernières nouvelles", added), encoding="utf-8")
    result = resident.poll()
    assert result is not None and result["changed"] == ["000_ed6308b521bfe103"]
    resident.flush()
    build = resident.build
    edited = build.output_path / SEED_PAGE
    pages = sorted((build.output_path / "depeches").glob("*.html"))
    mtimes = [p.stat().st_mtime_ns for p in pages]
    build.read()
    build.write()
    assert build.site is not None
    assert build.stats["prekeyed"] == len(build.site.dispatches) == len(pages)
    assert [p.stat().st_mtime_ns for p in pages] == mtimes
    assert "trois survivants" in edited.read_text(encoding="utf-8")


def test_the_rules_page_counts_an_added_dispatch_and_forgets_it(
    resident: Resident, tmp_path: Path
) -> None:
    """The rules page's tally is carried from one change to the next, not counted again:
    after an addition it is the page a build from scratch makes, after the removal the page
    from before."""
    out = resident.build.output_path
    before = (out / "regles.html").read_bytes()
    new = resident.folder / "zz_regles.txt"
    new.write_text(
        "Date: 2019-02-01\nSource: Agence inconnue\n\n"
        "Alep : reprise des combats dans l'est de la ville\n\n"
        "Les combats ont repris vendredi à Alep, selon l'OSDH.\n\nSputnik. Anton Denisov\n\n"
        "Partager sur Facebook\n\nDernières nouvelles\n",
        encoding="utf-8",
    )
    try:
        result = resident.poll()
        assert result is not None and "regles.html" in result["rewritten_paths"]
        fresh = Resident(resident.build.prepared, resident.build.content_path, ROOT / "theme",
                         tmp_path / "out")
        fresh.full()
        page = (out / "regles.html").read_bytes()
        assert page == (tmp_path / "out" / "regles.html").read_bytes()
        assert b"Agence inconnue" in page
    finally:
        new.unlink()
    resident.poll()
    assert (out / "regles.html").read_bytes() == before


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


# Period pages (periods.py) -----------------------------------------------------------------

PER_PAGE = 2  # the sample's big entities get a page per year, Syria's listing ten of them


@pytest.fixture(scope="module")
def paged(tmp_path_factory: pytest.TempPathFactory) -> Resident:
    # the gazetteer's entities are enough here, and much faster
    return _resident(tmp_path_factory.mktemp("regen-periods"), DISPATCH_PER_PAGE=PER_PAGE,
                     ENTITY_DISCOVERY=False)


def period_files(out: Path) -> dict[str, tuple[bytes, int]]:
    """Every entity period page: bytes and modification time."""
    return {
        p.relative_to(out).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
        for group in ("acteurs", "lieux")
        for p in sorted((out / group).glob("*/*.html"))
    }


def same_as_a_full_build(resident: Resident, tmp_path: Path, entities: list[str]) -> None:
    """Every period page, the main pages of the change's entities and the date archives, as a
    fresh build of the same dispatches writes them; no period page left over. (Main pages of
    other entities may differ: their rankings wait for the next full build.)"""
    fresh = ArchiveBuild(
        resident.build.prepared, resident.build.content_path, ROOT / "theme", tmp_path
    )
    fresh.read()
    fresh.write()
    ours, theirs = resident.build.output_path, tmp_path
    mine = {p: data for p, (data, _) in period_files(ours).items()}
    assert mine.keys() == period_files(theirs).keys()
    mains = [fresh.site.entities[slug].url for slug in entities]
    for path in [*mine, *mains, "archives/index.html"]:
        assert (ours / path).read_bytes() == (theirs / path).read_bytes(), path


def test_a_back_dated_dispatch_rewrites_only_its_periods(paged: Resident, tmp_path: Path) -> None:
    out = paged.build.output_path
    assert (out / "lieux/syrie/2014.html").is_file() and (out / "acteurs/afp/2014.html").is_file()
    before = period_files(out)
    new = paged.folder / "zz_damas_2014.txt"
    new.write_text(
        "Date: 2014-08-30\n\nDamas : des obus de mortier sur le centre de la capitale\n\n"
        "Des obus de mortier sont tombés samedi sur le centre de Damas, a constaté l'AFP, "
        "au lendemain de raids de l'aviation sur la banlieue de la capitale syrienne.\n",
        encoding="utf-8",
    )
    try:
        result = paged.poll()
        assert result is not None and not result["failures"]
        d = next(d for d in paged.build.site.dispatches if d.record["path"] == new.name)
        assert {"afp", "damas"} <= set(d.entities)
        folders = [f"{paged.build.site.entities[s].url[:-5]}/" for s in d.entities]
        in_periods = [p for p in result["rewritten_paths"] if p.startswith(tuple(folders))]
        # Each entity of the dispatch had a 2014 page: only that page changed.
        assert sorted(in_periods) == sorted(f"{folder}2014.html" for folder in folders)
        periods_rendered = [p for p in result["rendered_paths"] if p.count("/") == 2]
        assert sorted(p for p in periods_rendered if not p.startswith("archives/")) == sorted(
            in_periods
        )
        after = period_files(out)
        assert after.keys() == before.keys()
        kept = {p for p in before if p not in in_periods}
        assert {p: after[p] for p in kept} == {p: before[p] for p in kept}  # bytes and mtime
        same_as_a_full_build(paged, tmp_path / "added", d.entities)
    finally:
        new.unlink()
        paged.poll()
    assert {p: data for p, (data, _) in period_files(out).items()} == {
        p: data for p, (data, _) in before.items()
    }


def test_a_new_period_moves_its_neighbours_links_and_goes_away(
    paged: Resident, tmp_path: Path
) -> None:
    out = paged.build.output_path
    before = period_files(out)
    assert not (out / "lieux/syrie/2009.html").exists()
    new = paged.folder / "zz_syrie_2009.txt"
    new.write_text(
        "Date: 2009-05-12\n\nSyrie : visite d'une délégation à Damas\n\n"
        "Une délégation a été reçue mardi à Damas, capitale de la Syrie, "
        "pour des entretiens.\n",
        encoding="utf-8",
    )
    try:
        result = paged.poll()
        assert result is not None
        assert (out / "lieux/syrie/2009.html").is_file()
        rewritten = {p for p in result["rewritten_paths"] if p.startswith("lieux/syrie/")}
        # 2009 is now Syria's oldest dated period: the links to the periods beside it move on
        # every page of the undated period and of 2011, and nowhere else.
        beside = [p for p in before if p.startswith(("lieux/syrie/2011", "lieux/syrie/non-datees"))]
        assert len(beside) > 2
        assert rewritten == {"lieux/syrie/2009.html", *beside}
        same_as_a_full_build(paged, tmp_path / "added", ["syrie", "damas"])
    finally:
        new.unlink()
        result = paged.poll()
    assert result is not None and "lieux/syrie/2009.html" in result["removed_paths"]
    assert not (out / "lieux/syrie/2009.html").exists()
    assert {p: data for p, (data, _) in period_files(out).items()} == {
        p: data for p, (data, _) in before.items()
    }
    same_as_a_full_build(paged, tmp_path / "removed", ["syrie", "damas"])


def test_an_entity_past_one_page_gets_a_period_folder_and_loses_it(
    paged: Resident, tmp_path: Path
) -> None:
    out = paged.build.output_path
    assert len(paged.build.site.entities["bagdad"].dispatches) == PER_PAGE
    assert not (out / "lieux/bagdad").exists()
    new = paged.folder / "zz_bagdad_2012.txt"
    new.write_text(
        "Date: 2012-01-10\n\nUn attentat fait des dizaines de morts à Bagdad\n\n"
        "Un attentat à la voiture piégée a fait lundi des dizaines de morts à Bagdad, "
        "selon un bilan de sources policières et médicales.\n",
        encoding="utf-8",
    )
    try:
        result = paged.poll()
        assert result is not None
        assert sorted(p.name for p in (out / "lieux/bagdad").iterdir()) == [
            "2012.html",
            "2015.html",
            "non-datees.html",
        ]
        same_as_a_full_build(paged, tmp_path / "added", ["bagdad"])
    finally:
        new.unlink()
        result = paged.poll()
    assert result is not None
    assert [p for p in result["removed_paths"] if p.startswith("lieux/")] == [
        "lieux/bagdad/2012.html",
        "lieux/bagdad/2015.html",
        "lieux/bagdad/non-datees.html",
    ]
    assert "archives/2012/01.html" in result["removed_paths"]  # its month has no other
    assert not (out / "lieux/bagdad").exists()  # the folder too: a full build has none
    same_as_a_full_build(paged, tmp_path / "removed", ["bagdad"])
