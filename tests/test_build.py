"""End to end: build the sample archive with Pelican's API and look at what came out."""

from __future__ import annotations

import json
from pathlib import Path

import feedparser
import pytest
from bs4 import BeautifulSoup
from sitecheck import build_site, is_external, links, resolve

pytestmark = pytest.mark.slow

SEED_PAGE = "depeches/deux-enfants-tues-dans-de-nouveaux-bombardements-syriens-et-russes-sur-idleb.html"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("site")
    return build_site(base / "output", base / "cache")


def text_of(path: Path) -> str:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html5lib").get_text(" ", strip=True)


def test_page_counts(site: Path) -> None:
    assert len(list((site / "depeches").glob("*.html"))) >= 20
    assert len([p for p in (site / "acteurs").glob("*.html") if p.name != "index.html"]) >= 10
    assert len([p for p in (site / "lieux").glob("*.html") if p.name != "index.html"]) >= 10
    for page in ("index.html", "acteurs/index.html", "lieux/index.html", "archives/index.html",
                 "archives/non-datees.html", "recherche.html", "regles.html", "rapport.html",
                 "pages/a-propos.html", "feeds/all.atom.xml"):
        assert (site / page).is_file(), page


def test_seed_page_keeps_every_body_paragraph_and_shows_what_was_removed(site: Path) -> None:
    page = site / SEED_PAGE
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html5lib")
    body = soup.select_one(".dispatch-body").get_text(" ", strip=True)
    for needle in ("Après la rencontre", "Les Nations unies ont maintes fois", "Munzer Al-Khalil",
                   "Donald Trump évalue", "Ces opérations aériennes interviennent"):
        assert needle in body
    assert "Dernières nouvelles" not in body
    assert "Sputnik" not in body and "Député turc" not in body
    removed = soup.select_one("details.removed").get_text(" ", strip=True)
    assert removed.count("Député turc Ankara doit établir un canal de dialogue avec Assad") == 2
    assert "Dernières nouvelles" in removed
    assert soup.select_one("html")["lang"] == "fr"
    assert soup.find("h1").get_text(strip=True).startswith("Deux enfants tués")
    assert "non datée" in text_of(page).lower()


def test_no_entity_page_for_debris(site: Path) -> None:
    slugs = {p.stem for folder in ("acteurs", "lieux") for p in (site / folder).glob("*.html")}
    for junk in ("anton-denisov", "sputnik-anton-denisov", "depute", "depute-turc", "dernieres",
                 "dernieres-nouvelles", "samedi", "dimanche", "jeudi", "vendredi", "tous-les-articles",
                 "photo", "credit-photo"):
        assert junk not in slugs


def test_every_internal_link_resolves_is_relative_and_ends_in_html(site: Path) -> None:
    broken, absolute, not_html = [], [], []
    for page in site.rglob("*.html"):
        for attr, url in links(page):
            if url.startswith(("mailto:", "#")) or is_external(url):
                if is_external(url) and attr == "src":
                    absolute.append((page, url))
                continue
            if url.startswith("/"):
                absolute.append((page, url))
                continue
            target = resolve(page, url)
            if target is None:
                continue
            if not target.is_file():
                broken.append((page.relative_to(site), url))
            elif attr == "href" and not target.name.endswith((".html", ".xml", ".css", ".json", ".jsonl", ".csv", ".bib", ".svg")):
                not_html.append((page.relative_to(site), url))
    assert not broken, broken[:10]
    assert not absolute, absolute[:10]
    assert not not_html, not_html[:10]


def test_no_request_outside_the_site(site: Path) -> None:
    for page in site.rglob("*.html"):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html5lib")
        for tag in soup.find_all(["script", "img", "iframe", "source", "video", "audio"]):
            assert not is_external(tag.get("src", "")), (page, tag)
        for tag in soup.find_all("link"):
            assert not is_external(tag.get("href", "")), (page, tag)
    for css in site.rglob("*.css"):
        text = css.read_text(encoding="utf-8")
        assert "http:" not in text and "https:" not in text and "@import" not in text


def test_feeds_parse_and_list_dispatches(site: Path) -> None:
    feed = feedparser.parse((site / "feeds/all.atom.xml").read_bytes())
    assert not feed.bozo, feed.bozo_exception
    assert feed.feed.title and len(feed.entries) >= 10
    entity_feeds = list((site / "feeds").rglob("*.atom.xml"))
    assert len(entity_feeds) > 20
    for path in entity_feeds:
        assert not feedparser.parse(path.read_bytes()).bozo, path


def test_entity_page_lists_its_dispatches_and_co_mentions(site: Path) -> None:
    idleb = site / "lieux" / "idleb.html"
    text = text_of(idleb)
    assert "Idleb" in text and "Syrie" in text  # parent place
    soup = BeautifulSoup(idleb.read_text(encoding="utf-8"), "html5lib")
    cards = soup.select(".entity-dispatches article:not([class])")
    assert len(cards) >= 3
    dates = [t["datetime"] for t in soup.select(".entity-dispatches article:not([class]) time")]
    assert dates == sorted(dates, reverse=True)  # newest first
    assert soup.select("aside .chip, aside .chips a")


def test_report_counts_add_up(site: Path) -> None:
    report = json.loads((site / "rapport.json").read_text(encoding="utf-8"))
    counts = report["counts"]
    assert counts["inputs"] == counts["ok"] + counts["doublon"] + counts["erreur"] == len(report["inputs"])
    sources = sorted(p for p in (Path(__file__).resolve().parent.parent / "content" / "dispatches").iterdir()
                     if p.suffix in (".txt", ".html"))
    assert counts["inputs"] == len(sources)


def test_undated_dispatches_are_listed_as_such(site: Path) -> None:
    text = text_of(site / "archives" / "non-datees.html")
    assert "Deux enfants tués" in text
