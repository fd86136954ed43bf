"""Exports under donnees/, citations, sitemap.xml and the addresses a published site gives.

The files are checked against the pages a reader sees: an export that disagreed with its
page would be worse than none. A second build with SITEURL set checks the absolute
addresses (canonical links, og:url, JSON-LD, permalinks, sitemap); a third build of the
same archive must give the same bytes.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from types import SimpleNamespace

import pytest
from bs4 import BeautifulSoup
from sitecheck import build_site, build_tiny_site, write_tiny_archive

from dispatch_archive import seo
from dispatch_archive.citations import bibtex_escape, permalink
from dispatch_archive.exports import CSV_COLUMNS, csv_table, extra_jobs
from dispatch_archive.site import Site
from dispatch_archive.site import build_site as build_model
from dispatch_archive.swap import build_and_swap
from entity_tags.gazetteer import Entity, Gazetteer

SITEURL = "https://archive.example.org/syrie"
SEED_PAGE = (
    "depeches/deux-enfants-tues-dans-de-nouveaux-bombardements-syriens-et-russes-sur-idleb.html"
)
SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("exports")
    return build_site(base / "output", tmp_path_factory.getbasetemp() / "reader-cache")


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("published")
    # Published like a large archive: the whole-archive exports gzip-compressed.
    return build_site(
        base / "output", tmp_path_factory.getbasetemp() / "reader-cache", SITEURL=SITEURL,
        DISPATCH_GZIP_EXPORTS_FROM=1,
    )


def soup(site: Path, path: str) -> BeautifulSoup:
    return BeautifulSoup((site / path).read_text(encoding="utf-8"), "html5lib")


def bulk(site: Path, name: str) -> str:
    """A whole-archive export's text, whether it was written plain or gzip-compressed."""
    plain, packed = site / "donnees" / name, site / "donnees" / f"{name}.gz"
    assert plain.exists() != packed.exists(), name
    return (plain.read_bytes() if plain.exists() else gzip.decompress(packed.read_bytes())
            ).decode("utf-8")


def records(site: Path) -> list[dict]:
    return [json.loads(line) for line in bulk(site, "depeches.jsonl").splitlines()]


def entity_pages(site: Path) -> list[str]:
    """Every entity's main page and period pages except the pagination within a period."""
    return sorted(
        p.relative_to(site).as_posix()
        for folder in ("acteurs", "lieux")
        for p in [*(site / folder).glob("*.html"), *(site / folder).glob("*/*.html")]
        if p.name != "index.html" and not re.search(r"-p\d+\.html$", p.name)
    )


# Dispatches --------------------------------------------------------------------------------


@pytest.mark.slow
def test_jsonl_has_one_record_per_dispatch_page_with_what_the_page_shows(site: Path) -> None:
    rows = records(site)
    assert sorted(f"depeches/{r['slug']}.html" for r in rows) == sorted(
        f"depeches/{p.name}" for p in (site / "depeches").glob("*.html")
    )
    for r in rows:
        page = soup(site, r["url"])
        assert page.find("h1").get_text() == r["title"]
        body = [p.get_text() for p in page.select(".dispatch-body p")]
        assert body == r["paragraphs"]
        removed = [q.get_text() for q in page.select("details.removed q")]
        assert removed == [x["text"] for x in r["removed"]]
        chips = [c.get_text(strip=True) for c in page.select(".dispatch-entities .chips a")]
        assert chips == [e["name"] for e in r["actors"]] + [e["name"] for e in r["places"]]
        assert page.select_one(".provenance .hash").get_text() == r["sha256"]
        assert page.select_one(".citation").get_text() == r["citation"]
        assert set(r) >= {"date", "source", "source_url", "raw_path", "format", "encoding"}


@pytest.mark.slow
def test_csv_matches_the_jsonl(site: Path) -> None:
    text = (site / "donnees" / "depeches.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert tuple(rows[0]) == CSV_COLUMNS
    for row, r in zip(rows, records(site), strict=True):
        assert (
            row["slug"] == r["slug"] and row["sha256"] == r["sha256"] and row["titre"] == r["title"]
        )
        assert row["texte"] == "\n\n".join(r["paragraphs"])
        assert row["acteurs"].split(" | ") == [a["name"] for a in r["actors"]] or not r["actors"]
        assert int(row["passages_retires"]) == len(r["removed"])
        assert row["date"] == (r["date"] or "")


def test_csv_keeps_commas_quotes_and_line_breaks() -> None:
    record = {
        "slug": "a",
        "url": "depeches/a.html",
        "title": 'Un "titre", avec virgule',
        "date": None,
        "source": "AFP",
        "source_url": None,
        "raw_path": "a.txt",
        "sha256": "0" * 64,
        "actors": [{"name": "Armée syrienne libre"}],
        "places": [{"name": "Alep"}, {"name": "Idleb"}],
        "removed": [{}],
        "paragraphs": ["Un;", "deux\r\n« trois »"],
    }
    (row,) = csv.DictReader(io.StringIO(csv_table([record]).decode("utf-8"), newline=""))
    assert row["titre"] == record["title"] and row["lieux"] == "Alep | Idleb"
    assert row["texte"] == "Un;\n\ndeux\r\n« trois »"


# Entities ----------------------------------------------------------------------------------


@pytest.mark.slow
def test_one_json_per_entity_page_agreeing_with_it(site: Path) -> None:
    pages = entity_pages(site)
    files = sorted(
        p.relative_to(site / "donnees").with_suffix(".html").as_posix()
        for folder in ("acteurs", "lieux")
        for p in (site / "donnees" / folder).glob("*.json")
    )
    assert files == pages
    index = json.loads((site / "donnees" / "entites.json").read_text(encoding="utf-8"))
    assert sorted(e["json"] for e in index) == sorted(f"donnees/{p[:-5]}.json" for p in pages)
    for path in ("acteurs/bachar-al-assad.html", "lieux/idleb.html", "lieux/alep.html"):
        data = json.loads((site / "donnees" / f"{path[:-5]}.json").read_text(encoding="utf-8"))
        page = soup(site, path)
        assert page.find("h1").get_text(strip=True) == data["name"]
        header = page.select_one(".entity-header").get_text(" ", strip=True)
        assert f"Cité dans {data['dispatch_count']} dépêche" in header
        assert page.select_one(f'a[href="../donnees/{path[:-5]}.json"]')
        listed = [
            li.select_one(".chip")["href"].removeprefix("../")
            for li in page.select("ol.connections > li")
        ]
        exported = [
            f"{'acteurs' if c['group'] == 'acteur' else 'lieux'}/{c['slug']}.html"
            for c in data["co_mentions"]
        ]
        assert listed == exported
        table = {
            tr.select_one("a")["href"]
            .removeprefix("../archives/")
            .removesuffix(".html")
            .replace("/", "-"): int(tr.select("td")[1].get_text())
            for tr in page.select("table.months tbody tr")
        }
        assert table == data["months"]
        assert len(data["dispatches"]) == data["dispatch_count"]
        own = {d["slug"] for d in data["dispatches"]}
        for c in data["co_mentions"]:
            folder = "acteurs" if c["group"] == "acteur" else "lieux"
            other_file = site / "donnees" / folder / f"{c['slug']}.json"
            other = json.loads(other_file.read_text(encoding="utf-8"))
            assert c["shared"] == len(own & {d["slug"] for d in other["dispatches"]}) > 0


# Citations ---------------------------------------------------------------------------------


def balanced(text: str) -> bool:
    depth = 0
    for i, ch in enumerate(text):
        if ch in "{}" and i and text[i - 1] == "\\":
            continue
        depth += {"{": 1, "}": -1}.get(ch, 0)
        if depth < 0:
            return False
    return depth == 0


@pytest.mark.slow
def test_the_archive_cites_each_dispatch_in_bibtex_and_csl_json_with_permalink_and_hash(
    site: Path,
) -> None:
    rows = records(site)
    everything = (site / "donnees" / "depeches.bib").read_text(encoding="utf-8")
    items = {i["id"]: i for i in json.loads(
        (site / "donnees" / "depeches.csl.json").read_text(encoding="utf-8"))}
    assert everything.count("@misc{") == len(rows) == len(items)
    for r in rows:
        start = everything.index(f"@misc{{{r['slug']},\n")
        bib = everything[start:everything.index("\n}\n", start) + 3]
        assert balanced(bib) and f"url = {{{r['url']}}}" in bib and r["sha256"] in bib
        item = items[r["slug"]]
        assert item["URL"] == r["url"] == f"depeches/{r['slug']}.html"
        assert item["title"] == r["title"] and r["sha256"] in item["note"]
        if r["date"]:
            assert item["issued"]["date-parts"][0] == [int(x) for x in r["date"][:10].split("-")]
        # The page's links give the whole archive's files; its script makes the entry alone
        # from the data below (tests/test_cite_browser.py).
        page = soup(site, r["url"])
        links = {a.get_text(): a["href"] for a in page.select(".cite a")}
        assert links["BibTeX"] == "../donnees/depeches.bib"
        assert links["CSL-JSON"] == "../donnees/depeches.csl.json"
        section = page.select_one("section.cite")
        assert section["data-path"] == r["raw_path"]
        # Without SITEURL the script takes the permalink from the page's own address, which
        # must be the record's, and the site's name from og:site_name.
        assert (site / r["url"]).is_file() and r["url"] == f"depeches/{(site / r['url']).name}"
        site_name = page.select_one("meta[property='og:site_name']")["content"]
        assert site_name and f", {site_name}, {r['url']} (" in r["citation"]
        assert page.select_one("script[src='../theme/js/cite.js']") is not None
    assert not (site / "donnees" / "citations").exists()


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("Alep : 100 % détruit", r"Alep : 100 \% détruit"),
        ("{Daech} & #EI_", r"\{Daech\} \& \#EI\_"),
        ("a\\b ~ ^ $", r"a\textbackslash{}b \~{} \^{} \$"),
        ("Casques blancs", "Casques blancs"),
    ],
)
def test_bibtex_escape(text: str, escaped: str) -> None:
    assert bibtex_escape(text) == escaped
    assert balanced(escaped)


def test_permalink_is_relative_without_siteurl() -> None:
    assert permalink("", "depeches/a.html") == "depeches/a.html"
    assert permalink("https://x.org/", "depeches/a.html") == "https://x.org/depeches/a.html"


# Sitemap -----------------------------------------------------------------------------------


def sitemap_locs(site: Path) -> list[str]:
    tree = ET.parse(site / "sitemap.xml")
    return [loc.text or "" for loc in tree.getroot().iter(f"{SITEMAP_NS}loc")]


@pytest.mark.slow
def test_sitemap_lists_every_dispatch_and_entity_page(site: Path) -> None:
    locs = sitemap_locs(site)
    assert len(locs) == len(set(locs))
    for loc in locs:
        assert (site / loc).is_file(), loc
    for path in [f"depeches/{p.name}" for p in (site / "depeches").glob("*.html")] + entity_pages(
        site
    ):
        assert path in locs
    assert {"index.html", "archives/index.html", "regles.html", "donnees.html"} <= set(locs)
    # Far below seo.SITEMAP_MAX_URLS: one plain list, no index and no parts.
    assert ET.parse(site / "sitemap.xml").getroot().tag == f"{SITEMAP_NS}urlset"
    assert not list(site.glob("sitemap-*"))


OSDH = Entity(
    "osdh", "Observatoire syrien des droits de l'homme", "organisation", "acteur", ("OSDH",)
)
GAZETTEER = Gazetteer({"osdh": OSDH}, frozenset(), "test")


def small_site(count: int = 12) -> Site:
    """A site model of count dispatches naming the OSDH, over a few months and undated."""
    from test_periods import record

    dates = [None if n % 5 == 4 else f"2019-{n % 3 + 1:02d}-{n + 1:02d}" for n in range(count)]
    return build_model([record(n, date) for n, date in enumerate(dates)], [], GAZETTEER)


def parts_of(files: list[tuple[str, bytes]]) -> dict[str, ET.Element]:
    """Each sitemap part's root element, by path, from its gzip bytes."""
    return {path: ET.fromstring(gzip.decompress(data)) for path, data in files[1:]}


@pytest.mark.parametrize("siteurl", ["", SITEURL])
def test_a_sitemap_within_the_limit_is_one_urlset_as_it_always_was(siteurl: str) -> None:
    """Byte for byte what sitemap.xml was before it could be split: the sample's stays."""
    site = small_site()
    paths = seo.page_paths(site, 2)
    assert len(paths) < seo.SITEMAP_MAX_URLS == 50_000
    expected = "".join(
        [
            '<?xml version="1.0" encoding="UTF-8"?>\n',
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n',
            *(f"<url><loc>{permalink(siteurl, p)}</loc></url>\n" for p in paths),
            "</urlset>\n",
        ]
    )
    assert seo.sitemap(site, siteurl, 2) == [("sitemap.xml", expected.encode("utf-8"))]


@pytest.mark.parametrize("siteurl", ["", SITEURL])
def test_a_sitemap_past_the_limit_indexes_gzip_parts(
    siteurl: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = small_site()
    locs = [permalink(siteurl, p) for p in seo.page_paths(site, 2)]
    limit = 7
    assert len(locs) > 2 * limit and len(locs) % limit  # three parts, the last one shorter
    monkeypatch.setattr(seo, "SITEMAP_MAX_URLS", limit)
    files = seo.sitemap(site, siteurl, 2)
    count = -(-len(locs) // limit)
    names = [f"sitemap-{n}.xml.gz" for n in range(1, count + 1)]
    assert [path for path, _ in files] == ["sitemap.xml", *names]
    index = ET.fromstring(files[0][1])
    assert index.tag == f"{SITEMAP_NS}sitemapindex"
    assert [e.tag for e in index] == [f"{SITEMAP_NS}sitemap"] * count
    assert [loc.text for loc in index.iter(f"{SITEMAP_NS}loc")] == [
        permalink(siteurl, name) for name in names
    ]
    listed: list[str] = []
    for path, part in parts_of(files).items():
        assert part.tag == f"{SITEMAP_NS}urlset", path
        part_locs = [loc.text or "" for loc in part.iter(f"{SITEMAP_NS}loc")]
        assert 0 < len(part_locs) <= limit and len(part) == len(part_locs), path
        listed += part_locs
    assert listed == locs  # every page once, in page order
    if siteurl:
        assert all(loc.startswith(SITEURL + "/") for loc in listed)
    for _, data in files[1:]:  # gzip with no time (bytes 4-7) and no file name (flag 3)
        assert data[:4] == b"\x1f\x8b\x08\x00" and data[4:8] == b"\x00\x00\x00\x00"
    assert seo.sitemap(small_site(), siteurl, 2) == files  # same input, same bytes


def test_the_sitemap_splits_only_past_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    site = small_site()
    count = len(seo.page_paths(site, 2))
    monkeypatch.setattr(seo, "SITEMAP_MAX_URLS", count)
    (plain,) = seo.sitemap(site, "", 2)
    assert plain[0] == "sitemap.xml" and ET.fromstring(plain[1]).tag == f"{SITEMAP_NS}urlset"
    monkeypatch.setattr(seo, "SITEMAP_MAX_URLS", count - 1)
    files = seo.sitemap(site, "", 2)
    assert [len(part) for part in parts_of(files).values()] == [count - 1, 1]


def test_the_sitemap_job_makes_the_index_and_its_parts(monkeypatch: pytest.MonkeyPatch) -> None:
    """One export job, known by sitemap.xml, returns every file of the sitemap: the build
    writes them and lists them in its manifest like any other output."""
    site = small_site()
    prepared = SimpleNamespace(
        site={"SITEURL": SITEURL, "SITENAME": "Archive"},
        dispatch=SimpleNamespace(gzip_exports_from=0, per_page=2),
        entity=None,
    )
    monkeypatch.setattr(seo, "SITEMAP_MAX_URLS", 7)
    (make,) = [make for path, make in extra_jobs(site, prepared) if path == "sitemap.xml"]
    assert make() == seo.sitemap(site, SITEURL, 2)
    assert [path for path, _ in make()][:2] == ["sitemap.xml", "sitemap-1.xml.gz"]


@pytest.mark.slow
def test_a_build_writes_the_parts_and_drops_them_when_the_site_fits_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A site that shrinks below the limit keeps no part of its former split sitemap: each
    build is made in a fresh folder from the files the jobs return (swap.py)."""
    write_tiny_archive(tmp_path / "content")
    out = tmp_path / "output"

    def build() -> None:
        content, cache = tmp_path / "content", tmp_path / "cache"
        build_and_swap(out, lambda tmp: build_tiny_site(tmp, content, cache))

    monkeypatch.setattr(seo, "SITEMAP_MAX_URLS", 10)
    build()
    index = ET.parse(out / "sitemap.xml").getroot()
    assert index.tag == f"{SITEMAP_NS}sitemapindex"
    names = [loc.text or "" for loc in index.iter(f"{SITEMAP_NS}loc")]
    assert len(names) > 1 and sorted(p.name for p in out.glob("sitemap-*")) == sorted(names)
    listed = [
        loc.text or ""
        for name in names
        for loc in ET.fromstring(gzip.decompress((out / name).read_bytes())).iter(
            f"{SITEMAP_NS}loc"
        )
    ]
    assert len(listed) == len(set(listed)) and all((out / loc).is_file() for loc in listed)
    monkeypatch.undo()
    build()
    assert sitemap_locs(out) == listed
    assert ET.parse(out / "sitemap.xml").getroot().tag == f"{SITEMAP_NS}urlset"
    assert not list(out.glob("sitemap-*"))


# A published site: SITEURL set -------------------------------------------------------------


@pytest.mark.slow
def test_published_pages_have_canonical_and_og_url(published: Path) -> None:
    for path in ("index.html", SEED_PAGE, "lieux/idleb.html", "archives/index.html", "regles.html"):
        page = soup(published, path)
        canonical = page.find("link", rel="canonical")["href"]
        assert canonical == f"{SITEURL}/{path}"
        assert page.find("meta", property="og:url")["content"] == canonical
        for a in page.find_all("a", href=True):  # links stay relative
            assert not a["href"].startswith(("http:", "https:", "/")) or "source-url" in (
                a.get("class") or []
            ), a


@pytest.mark.slow
def test_published_permalinks_are_absolute_everywhere(published: Path) -> None:
    url = f"{SITEURL}/{SEED_PAGE}"
    page = soup(published, SEED_PAGE)
    data = json.loads(page.find("script", type="application/ld+json").string)
    assert data["url"] == data["mainEntityOfPage"] == url
    assert url in page.select_one(".citation").get_text()
    slug = SEED_PAGE.removeprefix("depeches/").removesuffix(".html")
    row = next(r for r in records(published) if r["slug"] == slug)
    assert row["url"] == url and url in row["citation"]
    assert page.select_one(".citation").get_text() == row["citation"]
    assert f"@misc{{{slug},\n" in bulk(published, "depeches.bib")
    assert f"url = {{{url}}}" in bulk(published, "depeches.bib")
    (item,) = [i for i in json.loads(bulk(published, "depeches.csl.json")) if i["id"] == slug]
    assert item["URL"] == url
    # The page's script makes its own entry from the JSON-LD's url, the permalink above
    # (tests/test_cite_browser.py).
    packed = (published / "donnees" / "lieux" / "idleb.json.gz").read_bytes()
    entity = json.loads(gzip.decompress(packed))
    assert entity["url"] == f"{SITEURL}/lieux/idleb.html"
    locs = sitemap_locs(published)
    assert locs and all(loc.startswith(SITEURL + "/") for loc in locs)


def test_large_archives_get_compressed_bulk_exports(site: Path, published: Path) -> None:
    """From DISPATCH_GZIP_EXPORTS_FROM dispatches the four whole-archive files are gzip files
    (no time or name in the header: the same bytes each build) that donnees.html links, and
    they hold what the plain ones hold (the published build differs by its absolute URLs)."""
    names = ("depeches.jsonl", "depeches.csv", "depeches.bib", "depeches.csl.json")
    for name in names:
        assert (site / "donnees" / name).exists() and not (site / "donnees" / f"{name}.gz").exists()
        packed = (published / "donnees" / f"{name}.gz").read_bytes()
        assert not (published / "donnees" / name).exists()
        assert packed[:4] == b"\x1f\x8b\x08\x00" and packed[4:8] == b"\x00\x00\x00\x00"
        text = bulk(published, name)
        assert text.count(SITEURL) and len(text.replace(SITEURL + "/", "")) >= len(
            bulk(site, name)) * 0.9
    plain_links = {a["href"] for a in soup(site, "donnees.html").select("a[download]")}
    packed_links = {a["href"] for a in soup(published, "donnees.html").select("a[download]")}
    assert {f"donnees/{n}" for n in names} <= plain_links
    assert {f"donnees/{n}.gz" for n in names} <= packed_links
    assert "compressés avec gzip" in soup(published, "donnees.html").get_text()
    assert "gzip" not in soup(site, "donnees.html").get_text()
    assert len(records(published)) == len(records(site))


def test_large_archives_get_compressed_entity_records_and_report(
    site: Path, published: Path
) -> None:
    """The files that grow with the archive besides the bulk exports, each entity's record
    (it lists the entity's dispatches) and rapport.json (every input), are gzip files too,
    linked from the pages that name them, and hold the same data as the plain ones."""
    plain_records = sorted((site / "donnees").glob("*/*.json"))
    assert plain_records and not list((site / "donnees").glob("*/*.json.gz"))
    assert not list((published / "donnees").glob("*/*.json"))
    for path in plain_records:
        rel = path.relative_to(site).as_posix()
        packed = (published / f"{rel}.gz").read_bytes()
        assert packed[:4] == b"\x1f\x8b\x08\x00" and packed[4:8] == b"\x00\x00\x00\x00"
        data, plain = json.loads(gzip.decompress(packed)), json.loads(path.read_bytes())
        assert data.keys() == plain.keys() and data["dispatches"] == plain["dispatches"], rel
    index = json.loads((published / "donnees" / "entites.json").read_text(encoding="utf-8"))
    assert all(e["json"].endswith(".json.gz") and (published / e["json"]).is_file() for e in index)
    idleb = soup(published, "lieux/idleb.html").select_one(
        'a[href="../donnees/lieux/idleb.json.gz"]')
    assert idleb is not None and idleb.has_attr("download")
    assert idleb.get_text() == "Données JSON (gzip)"
    plain = soup(site, "lieux/idleb.html").select_one('a[href="../donnees/lieux/idleb.json"]')
    assert plain is not None and plain.get_text() == "Données JSON"
    assert (site / "rapport.json").is_file() and not (site / "rapport.json.gz").exists()
    assert not (published / "rapport.json").exists()
    report = json.loads(gzip.decompress((published / "rapport.json.gz").read_bytes()))
    assert report == json.loads((site / "rapport.json").read_bytes())
    for page in ("rapport.html", "donnees.html"):
        assert soup(published, page).select_one('a[href$="rapport.json.gz"][download]'), page
        assert soup(site, page).select_one('a[href$="rapport.json"][download]'), page


# Determinism -------------------------------------------------------------------------------


def digests(site: Path) -> dict[str, str]:
    return {
        p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(site.rglob("*"))
        if p.is_file()
    }


@pytest.mark.slow
def test_two_builds_give_the_same_bytes(
    site: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    base = tmp_path_factory.mktemp("again")
    again = build_site(base / "output", base / "cache")  # a cold cache: figures drawn anew
    first, second = digests(site), digests(again)
    assert first.keys() == second.keys()
    differ = [path for path in first if first[path] != second[path]]
    assert not differ, differ[:10]
