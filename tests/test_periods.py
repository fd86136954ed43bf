"""Period pages of an entity's listing (periods.py): which exist, what their data holds, and
that a dispatch added in the past leaves the other periods' files as they were."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from sitecheck import (
    TINY_PER_PAGE,
    build_tiny_site,
    is_external,
    links,
    resolve,
    write_tiny_archive,
    write_tiny_dispatch,
)

from dispatch_archive.build import job_key
from dispatch_archive.pages import PageJob, build_jobs
from dispatch_archive.periods import SPLIT_FACTOR, entity_periods, period_prefixes, shape
from dispatch_archive.settings import DispatchSettings, EntitySettings
from dispatch_archive.site import Site
from dispatch_archive.site import build_site as build_model
from dispatch_archive.swap import build_and_swap
from entity_tags.gazetteer import Entity, Gazetteer

# A synthetic site ------------------------------------------------------------------------------

OSDH = Entity(
    "osdh", "Observatoire syrien des droits de l'homme", "organisation", "acteur", ("OSDH",)
)
ONU = Entity("onu", "Organisation des Nations unies", "organisation", "acteur", ("ONU",))
GAZETTEER = Gazetteer({"osdh": OSDH, "onu": ONU}, frozenset(), "test")


def record(n: int, date: str | None, slugs: tuple[str, ...] = ("osdh",)) -> dict[str, Any]:
    """A cleaned, tagged dispatch naming each of slugs once."""
    return {
        "path": f"{n:04d}.txt",
        "title": f"Dépêche {n:04d}",
        "date": date,
        "source": "AFP",
        "url": None,
        "paragraphs": ["Le texte de la dépêche."],
        "removed": [],
        "warnings": [],
        "sha256": f"{n:064d}",
        "encoding": "utf-8",
        "format": "txt",
        "mentions": [
            {"slug": s, "block": 1, "start": 0, "end": 2, "via": "repertoire"} for s in slugs
        ],
        "discovered": [],
    }


def model(dates: list[str | None], extra: list[dict[str, Any]] = ()) -> Site:
    records = [record(n, date) for n, date in enumerate(dates)] + list(extra)
    return build_model(records, [], GAZETTEER)


def months(spec: dict[str, int]) -> list[str | None]:
    """{"2019-03": 2} -> two dates in March 2019 (distinct days, so the order is fixed)."""
    return [f"{m}-{day + 1:02d}" for m, n in spec.items() for day in range(n)]


@pytest.mark.parametrize(
    ("date", "name", "lists_it"),
    [
        ("2019-03-05", "2019.html", True),  # the year page
        ("2019-03-05", "2019-p2.html", True),  # the year's pagination
        ("2019-03-05", "2019-03.html", True),  # its month, when the year is split
        ("2019-03-05", "2019-03-p1.html", True),
        ("2019-03-05", "2019-04.html", False),  # another month of the same year
        ("2019-03-05", "2019-04-p1.html", False),
        ("2019-03-05", "2018.html", False),
        ("2019-03-05", "2019-030.html", False),
        ("2019-03-05", "non-datees.html", False),
        (None, "non-datees.html", True),
        (None, "non-datees-p3.html", True),
        (None, "2019.html", False),
    ],
)
def test_period_prefixes_name_the_pages_that_can_list_a_date(
    date: str | None, name: str, lists_it: bool
) -> None:
    assert name.startswith(period_prefixes(date)) is lists_it


def test_an_entity_within_one_page_has_no_period_pages() -> None:
    site = model(months({"2019-03": 3}))
    assert entity_periods(site, site.entities["osdh"], per_page=3) is None
    assert entity_periods(site, site.entities["osdh"], per_page=2) is not None


def test_periods_are_years_then_months_past_the_split_threshold() -> None:
    per_page = 2
    limit = SPLIT_FACTOR * per_page
    dates = months({"2017-05": limit}) + months({"2018-01": limit - 1, "2018-02": 2}) + [None]
    site = model(dates)
    periods = entity_periods(site, site.entities["osdh"], per_page)
    assert periods is not None and periods.folder == "acteurs/osdh"
    years = {y.key: y for y in periods.years}
    assert list(years) == ["2017", "2018"]
    assert years["2017"].months == ()  # exactly the limit: one page for the year
    assert [m.key for m in years["2018"].months] == ["2018-01", "2018-02"]  # one over
    assert [m.label for m in years["2018"].months] == ["janvier 2018", "février 2018"]
    assert [p.key for p in periods.leaves] == ["non-datees", "2017", "2018-01", "2018-02"]
    assert sum(len(p.items) for p in periods.leaves) == len(dates)
    assert periods.path("2018-02") == "acteurs/osdh/2018-02.html"


def test_shape_moves_only_when_a_period_appears_or_splits() -> None:
    base = months({"2017-05": 3, "2019-01": SPLIT_FACTOR * 2})

    def shape_with(*dates: str | None) -> object:
        site = model(base, [record(90 + n, date) for n, date in enumerate(dates)])
        return shape(site, "osdh", per_page=2)

    assert shape_with("2017-05-20") == shape_with()  # back-dated into an existing period
    assert shape_with("2017-05-20", "2017-05-21") == shape_with()
    assert shape_with("2016-01-01") != shape_with()  # a new year
    assert shape_with(None) != shape_with()  # the first undated dispatch
    assert shape_with("2019-02-01") != shape_with()  # 2019 passes 4 pages: split into months
    assert shape(model(months({"2017-05": 2})), "osdh", per_page=2) is None


# Page data -------------------------------------------------------------------------------------


def period_jobs(site: Site, tmp_path: Path, per_page: int = 2) -> dict[str, PageJob]:
    ds = DispatchSettings(per_page=per_page, cache_path=str(tmp_path))
    # prune keeps the main page whenever it keeps one of its periods (build_jobs' protocol)
    jobs = build_jobs(site, ds, EntitySettings(),
                      prune=lambda p: p == "acteurs/osdh.html" or p.startswith("acteurs/osdh/"))
    return {job.path: job for job in jobs if job.path.startswith("acteurs/osdh/")}


def keys(jobs: dict[str, PageJob]) -> dict[str, str]:
    return {path: job_key("", job.template, job.context) for path, job in jobs.items()}


def test_a_period_page_holds_its_dispatches_and_nothing_entity_wide(tmp_path: Path) -> None:
    site = model(months({"2017-05": 3, "2019-01": 4}), [record(99, "2019-02-01", ("osdh", "onu"))])
    jobs = period_jobs(site, tmp_path)
    assert sorted(jobs) == [
        "acteurs/osdh/2017.html",
        "acteurs/osdh/2019-p1.html",
        "acteurs/osdh/2019.html",
    ]
    context = jobs["acteurs/osdh/2019.html"].context
    assert set(context) == {
        "page_title",
        "entity",
        "label",
        "count",
        "year",
        "months",
        "dispatches",
        "pager",
        "newer_period",
        "older_period",
        "meta",
    }
    assert set(context["entity"]) == {"name", "slug", "kind", "group", "url", "feed"}
    name = "Observatoire syrien des droits de l'homme"
    assert context["page_title"] == f"Dépêches citant {name} — 2019"
    assert context["count"] == 5  # the period's, never the entity's (8)
    dates = [d["date"] for d in context["dispatches"]]
    assert dates == ["2019-02-01", "2019-01-04", "2019-01-03"]  # newest first
    assert jobs["acteurs/osdh/2019-p1.html"].context["dispatches"][0]["date"] == "2019-01-02"
    assert context["older_period"] == {"label": "2017", "url": "acteurs/osdh/2017.html"}
    assert context["newer_period"] is None


def test_a_back_dated_dispatch_changes_only_its_periods_data(tmp_path: Path) -> None:
    base = months({"2016-02": 3, "2017-05": 3, "2019-01": 3}) + [None]
    before = keys(period_jobs(model(base), tmp_path))
    into_2017 = keys(period_jobs(model(base, [record(99, "2017-05-20")]), tmp_path))
    changed = {p for p in before.keys() | into_2017.keys() if before.get(p) != into_2017.get(p)}
    assert changed == {"acteurs/osdh/2017.html", "acteurs/osdh/2017-p1.html"}  # now two pages
    # A new period: the periods beside it get new neighbour links, the others stay.
    into_2018 = keys(period_jobs(model(base, [record(99, "2018-07-14")]), tmp_path))
    assert into_2018.keys() - before.keys() == {"acteurs/osdh/2018.html"}
    changed = {p for p in before if before[p] != into_2018[p]}
    assert changed == {"acteurs/osdh/2017.html", "acteurs/osdh/2019.html"}


def test_a_split_year_indexes_its_months(tmp_path: Path) -> None:
    site = model(months({"2018-01": 5, "2018-02": 4}) + months({"2019-06": 3}))
    jobs = period_jobs(site, tmp_path)
    index = jobs["acteurs/osdh/2018.html"].context
    assert index["dispatches"] == [] and index["count"] == 9
    assert [m["url"] for m in index["months"]] == [
        "acteurs/osdh/2018-01.html",
        "acteurs/osdh/2018-02.html",
    ]
    assert index["newer_period"] == {"label": "2019", "url": "acteurs/osdh/2019.html"}
    january = jobs["acteurs/osdh/2018-01.html"].context
    assert january["year"] == {"label": "2018", "url": "acteurs/osdh/2018.html"}
    assert january["page_title"].endswith("— janvier 2018")
    assert january["newer_period"]["url"] == "acteurs/osdh/2018-02.html"
    assert "acteurs/osdh/2018-01-p1.html" in jobs  # five cards: paginated within the month
    assert jobs["acteurs/osdh/2018-02.html"].context["newer_period"]["url"] == (
        "acteurs/osdh/2019.html"
    )


# A tiny archive, built with Pelican ------------------------------------------------------------

PER_PAGE = TINY_PER_PAGE


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("periods")
    dispatches = write_tiny_archive(base / "content")
    out = base / "output"
    build_and_swap(out, lambda tmp: tiny_build(tmp, base))
    return {"base": base, "out": out, "dispatches": dispatches}


def tiny_build(out: Path, base: Path) -> None:
    build_tiny_site(out, base / "content", base / "cache")


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html5lib")


@pytest.mark.slow
def test_tiny_archive_lays_out_idleb_by_period(tiny: dict[str, Path]) -> None:
    out = tiny["out"]
    assert (out / "lieux/alep.html").is_file() and not (out / "lieux/alep").exists()
    assert not list((out / "lieux").glob("*-p[0-9]*.html"))
    assert sorted(p.name for p in (out / "lieux/idleb").iterdir()) == [
        "2018-01.html",
        "2018-03-p1.html",
        "2018-03.html",
        "2018-06-p1.html",
        "2018-06.html",
        "2018.html",
        "2019.html",
        "2020-p1.html",
        "2020.html",
        "non-datees.html",
    ]
    main = soup(out / "lieux/idleb.html")
    assert len(main.select(".entity-dispatches article:not([class])")) == PER_PAGE
    index = main.select_one("nav.periods")
    assert index.find("h2").get_text() == "Toutes les dépêches, par année"
    entries = [(a["href"], a.find_next_sibling("span").get_text()) for a in index.select("a")]
    assert entries == [
        ("../lieux/idleb/2020.html", "(4)"),
        ("../lieux/idleb/2019.html", "(3)"),
        ("../lieux/idleb/2018.html", "(9)"),
        ("../lieux/idleb/2018-01.html", "(1)"),
        ("../lieux/idleb/2018-03.html", "(4)"),
        ("../lieux/idleb/2018-06.html", "(4)"),
        ("../lieux/idleb/non-datees.html", "(1)"),
    ]
    march = soup(out / "lieux/idleb/2018-03.html")
    assert march.find("h1").get_text() == "Dépêches citant Idleb — mars 2018"
    assert "Cité dans" not in march.get_text()  # the entity's summary stays on its main page
    crumbs = [a["href"] for a in march.select(".breadcrumb a")]
    assert crumbs == [
        "../../lieux/index.html",
        "../../lieux/idleb.html",
        "../../lieux/idleb/2018.html",
    ]
    pager = march.select_one('nav.pager[aria-label="Pages de la liste"]')
    assert pager.select_one("[aria-current=page]").get_text() == "Plus récentes"
    assert pager.select_one("a[rel=next]")["href"] == "2018-03-p1.html"
    assert [a["href"] for a in march.select('nav[aria-label="Périodes voisines"] a')] == [
        "../../lieux/idleb/2018-06.html",
        "../../lieux/idleb/2018-01.html",
    ]
    dates = [t["datetime"] for t in march.select("article:not([class]) time")]
    assert dates == sorted(dates, reverse=True)
    undated = soup(out / "lieux/idleb/non-datees.html")
    assert undated.find("h1").get_text() == "Dépêches non datées citant Idleb"
    sitemap = (out / "sitemap.xml").read_text(encoding="utf-8")
    listed = set(re.findall(r"<loc>(lieux/idleb/[^<]*)</loc>", sitemap))
    first_pages = {f"lieux/idleb/{p.name}" for p in (out / "lieux/idleb").glob("*.html")}
    assert listed == {p for p in first_pages if not re.search(r"-p\d+\.html$", p)}


@pytest.mark.slow
def test_tiny_archive_links_resolve_relative_and_end_in_html(tiny: dict[str, Path]) -> None:
    out = tiny["out"]
    for page in [out / "lieux/idleb.html", *sorted((out / "lieux/idleb").glob("*.html"))]:
        for attr, url in links(page):
            if url.startswith("#") or (is_external(url) and attr == "href"):
                continue
            assert not url.startswith("/") and not is_external(url), (page, url)
            target = resolve(page, url)
            assert target is not None and target.is_file(), (page, url)
            if attr == "href":
                assert target.suffix in (".html", ".xml", ".json", ".css", ".svg"), (page, url)


@pytest.mark.slow
def test_a_back_dated_dispatch_leaves_the_other_periods_files_alone(tiny: dict[str, Path]) -> None:
    out, folder = tiny["out"], tiny["out"] / "lieux" / "idleb"

    def state() -> dict[str, tuple[bytes, int]]:
        return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(folder.iterdir())}

    before = state()
    main = (out / "lieux/idleb.html").read_bytes()
    write_tiny_dispatch(tiny["dispatches"], 50, "2019-02-20")  # into 2019, which has a page already
    try:
        build_and_swap(out, lambda tmp: tiny_build(tmp, tiny["base"]))
        after = state()
        assert (out / "lieux/idleb.html").read_bytes() != main
        changed = {
            name for name in before.keys() | after.keys() if before.get(name) != after.get(name)
        }
        assert changed == {"2019.html", "2019-p1.html"}  # its own period, now two pages
        assert b"(050)" in after["2019.html"][0]
    finally:
        (tiny["dispatches"] / "050.txt").unlink()
        build_and_swap(out, lambda tmp: tiny_build(tmp, tiny["base"]))
    assert {name: data for name, (data, _) in state().items()} == {
        name: data for name, (data, _) in before.items()
    }


@pytest.mark.slow
def test_a_rebuild_with_nothing_changed_keeps_every_file_and_renders_nothing(
    tiny: dict[str, Path],
) -> None:
    """Every file of the output (pages, feeds, exports, the build report) stays the same
    inode: the renderer linked it from the previous build instead of writing it."""
    out = tiny["out"]
    before = {p.relative_to(out).as_posix(): p.stat().st_ino for p in out.rglob("*") if p.is_file()}
    built: list[object] = []

    def catch(build: object) -> None:
        built.append(build)

    from blinker import signal

    signal("dispatch_archive_built").connect(catch)
    try:
        build_and_swap(out, lambda tmp: tiny_build(tmp, tiny["base"]))
    finally:
        signal("dispatch_archive_built").disconnect(catch)
    after = {p.relative_to(out).as_posix(): p.stat().st_ino for p in out.rglob("*") if p.is_file()}
    assert after == before
    assert "rapport.html" in after and "rapport.json" in after
    (build,) = built
    assert build.stats["rewritten"] == 0 and build.stats["reused"] > 0  # type: ignore[attr-defined]
