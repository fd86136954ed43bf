"""Reading by entity and by date: timelines, maps, associations, provenance, sharing, safety.

Most checks read the built sample site the way a reader would, and recompute what a page
claims from other pages (an association's score from the dispatch pages, a timeline from
its table) rather than from the code that wrote it.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections import Counter
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from sitecheck import ROOT, build_site

from dispatch_archive.connections import connections
from dispatch_archive.figures import NEIGHBOUR_KM, FigureCache, Figures, distance_km
from dispatch_archive.pages import SHARED_SHOWN
from dispatch_archive.site import build_site as build_model
from entity_tags.gazetteer import Entity, Gazetteer

SEED_PAGE = (
    "depeches/deux-enfants-tues-dans-de-nouveaux-bombardements-syriens-et-russes-sur-idleb.html"
)
ENTITY_PAGES = (
    "acteurs/bachar-al-assad.html",
    "acteurs/recep-tayyip-erdogan.html",
    "lieux/idleb.html",
    "lieux/alep.html",
    "lieux/syrie.html",
)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("reader")
    return build_site(base / "output", tmp_path_factory.getbasetemp() / "reader-cache")


@pytest.fixture(scope="module")
def parsed(site: Path) -> dict[str, BeautifulSoup]:
    """Every page of the site, parsed once for the checks that look at all of them."""
    return {
        p.relative_to(site).as_posix(): soup(site, p.relative_to(site).as_posix())
        for p in sorted(site.rglob("*.html"))
    }


def soup(site: Path, path: str) -> BeautifulSoup:
    return BeautifulSoup((site / path).read_text(encoding="utf-8"), "html5lib")


def entity_sets(parsed: dict[str, BeautifulSoup]) -> dict[str, set[str]]:
    """Entity pages linked from each dispatch page's « Dans cette dépêche » (the reader's view)."""
    return {
        path: {c["href"].removeprefix("../") for c in page.select(".dispatch-entities .chips a")}
        for path, page in parsed.items()
        if path.startswith("depeches/")
    }


# Timelines ---------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("path", ENTITY_PAGES)
def test_entity_timeline_is_an_image_with_the_same_figures_in_a_table(
    site: Path, path: str
) -> None:
    page = soup(site, path)
    svg = page.select_one("figure.figure-timeline svg")
    assert svg is not None and svg["role"] == "img"
    title_id, desc_id = svg["aria-labelledby"], svg["aria-describedby"]
    assert svg.find(id=title_id).get_text() and svg.find(id=desc_id).get_text()
    bars = {}
    for tip in svg.select(".chart-bars > * > title"):
        label, count = tip.get_text().split(" : ")
        bars[label] = int(count.split()[0])
    table = {
        tr.select("td")[0].get_text(strip=True): int(tr.select("td")[1].get_text())
        for tr in page.select("table.months tbody tr")
    }
    assert bars == table and table
    # Every month of the table links to its archive, which lists that many dispatches or more.
    for link in page.select("table.months tbody a"):
        assert (site / path).parent.joinpath(link["href"]).resolve().is_file()
    header = page.select_one(".entity-header").get_text(" ", strip=True)
    total = int(re.search(r"Cité dans (\d+) dépêche", header).group(1))
    undated = re.search(r"\((\d+) non datée", header)
    assert sum(table.values()) == total - (int(undated.group(1)) if undated else 0)


@pytest.mark.slow
def test_every_timeline_spans_the_whole_archive(site: Path) -> None:
    spans = set()
    for path in (*ENTITY_PAGES, "archives/index.html"):
        desc = soup(site, path).select_one("figure.figure-timeline svg desc").get_text()
        spans.add(re.search(r"de (\S+ \d{4}) à (\S+ \d{4})", desc).groups())
    assert len(spans) == 1


@pytest.mark.slow
@pytest.mark.parametrize("path", ENTITY_PAGES)
def test_first_and_last_mention_link_to_the_dispatches(site: Path, path: str) -> None:
    page = soup(site, path)
    links = page.select(".mentions-span a")
    assert links
    dates = [a.find("time")["datetime"] for a in links]
    months = sorted(tr.select_one("a")["href"] for tr in page.select("table.months tbody tr"))
    assert dates == sorted(dates)
    for a in links:
        target = soup(site, a["href"].removeprefix("../"))
        assert target.select_one(".dispatch-meta time")["datetime"] == a.find("time")["datetime"]
        mentioned = {c["href"] for c in target.select(".dispatch-entities .chips a")}
        assert f"../{path}" in mentioned
    assert months[0].endswith(dates[0][:4] + "/" + dates[0][5:7] + ".html")
    assert months[-1].endswith(dates[-1][:4] + "/" + dates[-1][5:7] + ".html")


# Associations --------------------------------------------------------------------------------


def npmi(n: int, a: int, b: int, joint: int) -> float:
    pmi = math.log(joint * n / (a * b))
    return 0.0 if joint == n else pmi / -math.log(joint / n)


@pytest.mark.slow
@pytest.mark.parametrize("path", ENTITY_PAGES)
def test_associations_are_ranked_by_npmi_recomputed_from_the_dispatch_pages(
    site: Path, path: str, parsed: dict[str, BeautifulSoup]
) -> None:
    sets = entity_sets(parsed)
    n = len(sets)
    docs = {d for d, ents in sets.items() if path in ents}
    count = Counter(e for ents in sets.values() for e in ents)
    page = soup(site, path)
    for group in ("acteurs", "lieux"):
        listed = [
            li.select_one(".chip")["href"].removeprefix("../")
            for li in page.select(f'ol[aria-labelledby="h-co-{group}"] > li')
        ]
        joint = Counter(e for d in docs for e in sets[d] if e != path and e.startswith(group))
        floor = min(2, len(docs))
        scored = {e: npmi(n, len(docs), count[e], j) for e, j in joint.items() if j >= floor}
        expected = sorted(
            (e for e, s in scored.items() if s > 0),
            key=lambda e: (-round(scored[e], 12), -joint[e]),
        )
        assert [round(scored[e], 9) for e in listed] == [
            round(scored[e], 9) for e in expected[: len(listed)]
        ]
        assert len(listed) == min(10, len(expected))


@pytest.mark.slow
@pytest.mark.parametrize("path", ENTITY_PAGES)
def test_each_association_lists_the_dispatches_both_share(
    site: Path, path: str, parsed: dict[str, BeautifulSoup]
) -> None:
    sets = entity_sets(parsed)
    page = soup(site, path)
    items = page.select("ol.connections > li")
    assert items
    for li in items:
        other = li.select_one(".chip")["href"].removeprefix("../")
        shared = {a["href"].removeprefix("../") for a in li.select("details a")}
        both = {d for d, ents in sets.items() if path in ents and other in ents}
        assert shared == both or (len(shared) == SHARED_SHOWN and shared < both)
        assert li.select_one("summary").get_text().startswith(f"{len(both)} dépêche")


@pytest.mark.slow
def test_an_entity_cited_everywhere_does_not_top_every_page(
    site: Path, parsed: dict[str, BeautifulSoup]
) -> None:
    """By raw counts Syrie leads the places of Idleb's page; by NPMI it does not."""
    sets = entity_sets(parsed)
    idleb = [ents for ents in sets.values() if "lieux/idleb.html" in ents]
    raw = Counter(
        e for ents in idleb for e in ents if e.startswith("lieux/") and e != "lieux/idleb.html"
    )
    assert raw.most_common(1)[0][0] == "lieux/syrie.html"
    first = soup(site, "lieux/idleb.html").select_one('ol[aria-labelledby="h-co-lieux"] > li .chip')
    assert first["href"] != "../lieux/syrie.html"


def _entity(slug: str, group: str = "acteur") -> Entity:
    return Entity(
        slug=slug,
        name=slug.title(),
        kind="personne" if group == "acteur" else "ville",
        group=group,
        aliases=(slug,),
    )


def _record(n: int, slugs: list[str], date: str | None = "2016-01-01") -> dict[str, object]:
    return {
        "title": f"Dépêche {n}",
        "path": f"{n:03d}.txt",
        "date": date,
        "paragraphs": ["Texte."],
        "removed": [],
        "sha256": "0" * 64,
        "mentions": [
            {"slug": s, "block": 1, "start": 0, "end": 1, "via": "repertoire"} for s in slugs
        ],
    }


def test_connections_prefer_a_rare_partner_to_an_ubiquitous_one() -> None:
    """X meets U (in every dispatch) four times and R (in two) twice: R ranks first, U drops out."""
    slugs = ["x", "u", "r", "other"]
    gazetteer = Gazetteer(entities={s: _entity(s) for s in slugs}, blocked=frozenset(), version="t")
    records = [
        _record(1, ["x", "u", "r"]),
        _record(2, ["x", "u", "r"]),
        _record(3, ["x", "u"]),
        _record(4, ["x", "u"]),
        _record(5, ["u", "other"]),
        _record(6, ["u", "other"]),
    ]
    site = build_model(records, [], gazetteer)
    ranked = connections(site, "x", min_shared=2, limit=10)["acteur"]
    assert [c.slug for c in ranked] == ["r"]
    assert [site.dispatches[i].record["path"] for i in ranked[0].shared] == ["001.txt", "002.txt"]
    # An entity cited once shows its one dispatch's company, however rare.
    assert [c.slug for c in connections(site, "other", min_shared=2, limit=10)["acteur"]] == []
    once = build_model(
        [_record(1, ["x", "r"]), _record(2, ["u"]), _record(3, ["u"])], [], gazetteer
    )
    assert [c.slug for c in connections(once, "x", min_shared=2, limit=10)["acteur"]] == ["r"]


# Maps --------------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize(
    "path", ["lieux/alep.html", "lieux/idleb.html", "lieux/syrie.html", "lieux/palmyre.html"]
)
def test_place_page_shows_a_map_with_the_place_marked_and_its_neighbours_listed(
    site: Path, path: str
) -> None:
    page = soup(site, path)
    name = page.find("h1").get_text(strip=True)
    svg = page.select_one("figure.figure-map svg")
    assert svg["role"] == "img" and name in svg.find("title").get_text()
    assert svg.select_one("circle.chart-dot--main")
    assert "Natural Earth" in svg.get_text()
    near = page.select("#h-near + ul a.chip")
    assert near
    desc = svg.find("desc").get_text()
    for a in near:
        assert (site / path).parent.joinpath(a["href"]).resolve().is_file()
        assert a.get_text(strip=True) in desc


@pytest.mark.slow
def test_a_city_map_shows_the_nearest_places_within_reach(site: Path) -> None:
    page = soup(site, "lieux/alep.html")
    distances = [
        int(li.select_one(".count").get_text().split("\xa0")[0])
        for li in page.select("#h-near + ul li")
    ]
    assert distances == sorted(distances) and max(distances) <= NEIGHBOUR_KM


@pytest.mark.slow
def test_a_place_outside_the_maps_region_says_so(site: Path) -> None:
    page = soup(site, "lieux/moscou.html")
    assert page.select_one("figure.figure-map") is None
    assert "hors de la région" in page.get_text()


@pytest.mark.slow
def test_places_index_maps_every_place_sized_by_dispatches(site: Path) -> None:
    page = soup(site, "lieux/index.html")
    svg = page.select_one(".figure-overview svg")
    dots = svg.select("circle.chart-dot--sized")
    off_map = page.select("#h-off-map + ul a")
    with_coordinates = [
        p
        for p in (site / "lieux").glob("*.html")
        if p.name != "index.html"
        and (
            soup(site, f"lieux/{p.name}").select_one("figure.figure-map")
            or "hors de la région" in p.read_text(encoding="utf-8")
        )
    ]
    assert len(dots) + len(off_map) == len(with_coordinates)
    sizes = {}
    for dot in dots:
        name, count = dot.find("title").get_text().split(" — ")
        sizes[name] = (int(count.split()[0]), float(dot["r"]))
    by_count = sorted(sizes.values())
    assert all(
        r1 <= r2 for (_, r1), (_, r2) in zip(by_count, by_count[1:], strict=False)
    )  # more dispatches, bigger dot
    assert {"Moscou", "Washington"} <= {
        a.get_text(" ", strip=True).rsplit(" ", 1)[0] for a in off_map
    }


def test_figure_cache_draws_once_per_input(tmp_path: Path) -> None:
    cache = FigureCache(tmp_path)
    calls = []

    def draw(text: str) -> str:
        calls.append(text)
        return f"<svg>{text}</svg>"

    assert cache.get("x", [1], lambda: draw("a")) == "<svg>a</svg>"
    assert cache.get("x", [1], lambda: draw("b")) == "<svg>a</svg>"
    assert cache.get("x", [2], lambda: draw("c")) == "<svg>c</svg>"
    assert calls == ["a", "c"]
    assert FigureCache(None).get("x", [1], lambda: draw("d")) == "<svg>d</svg>"


def test_neighbours_are_near_places_or_a_countrys_own_places(gazetteer: Gazetteer) -> None:
    records = [
        _record(i, [slug])
        for i, slug in enumerate(
            ["alep", "alep", "nobol", "damas", "idleb", "syrie", "moscou", "homs"]
        )
    ]
    site = build_model(records, [], gazetteer)
    figures = Figures(site, FigureCache(None))
    alep = site.entities["alep"]
    near = figures.neighbours(alep)
    assert [n.page.entity.slug for n in near] == ["nobol"]
    assert near[0].km == round(
        distance_km(
            (alep.entity.lat, alep.entity.lon), (near[0].page.entity.lat, near[0].page.entity.lon)
        )
    )
    # A country shows its own places, most cited first, however far from its centroid.
    assert [n.page.entity.slug for n in figures.neighbours(site.entities["syrie"])] == [
        "alep",
        "damas",
        "homs",
        "nobol",
    ]
    assert figures.place_map(site.entities["moscou"], []) is None


# Safety, CSP, offline ------------------------------------------------------------------------


@pytest.mark.slow
def test_no_inline_style_or_script_anywhere(parsed: dict[str, BeautifulSoup]) -> None:
    for path, page in parsed.items():
        assert not page.find_all("style"), path
        assert not page.find_all(style=True), path
        for script in page.find_all("script"):
            assert script.get("src") or script.get("type") == "application/ld+json", (
                path,
                str(script)[:200],
            )
        for tag in page.find_all(True):
            assert not any(attr.startswith("on") for attr in tag.attrs), (path, tag.name)


@pytest.mark.slow
def test_figures_fetch_nothing_and_hold_no_link(parsed: dict[str, BeautifulSoup]) -> None:
    for path, page in parsed.items():
        for svg in page.find_all("svg"):
            assert not svg.find_all(["a", "image", "use", "foreignobject", "script"]), path
            text = str(svg)
            assert "url(" not in text and "href" not in text, path


@pytest.mark.slow
def test_every_page_is_in_french(parsed: dict[str, BeautifulSoup]) -> None:
    for path, page in parsed.items():
        assert page.html["lang"] == "fr", path


@pytest.mark.slow
def test_main_takes_focus_from_the_skip_link(site: Path) -> None:
    for path in ("index.html", SEED_PAGE, "lieux/alep.html"):
        page = soup(site, path)
        first_link = page.body.find("a")
        assert first_link["href"] == "#contenu"
        main = page.find(id="contenu")
        assert main.name == "main" and main["tabindex"] == "-1"


@pytest.mark.slow
def test_stylesheets_carry_print_dark_and_small_screen_rules(site: Path) -> None:
    css = (site / "theme" / "css" / "site.css").read_text(encoding="utf-8")
    assert (
        "@media print" in css and "prefers-color-scheme: dark" in css and "max-width: 48rem" in css
    )
    assert "prefers-color-scheme: dark" in (site / "theme" / "css" / "charts.css").read_text(
        encoding="utf-8"
    )


# Dates, provenance -------------------------------------------------------------------------


@pytest.mark.slow
def test_date_archives_count_every_dispatch_once(site: Path) -> None:
    page = soup(site, "archives/index.html")
    years = [
        int(h.select_one(".count").get_text(strip=True).strip("()"))
        for h in page.select("h2[id^=annee-]")
    ]
    undated = int(page.select_one("#h-undated .count").get_text(strip=True).strip("()"))
    dispatches = len(list((site / "depeches").glob("*.html")))
    assert sum(years) + undated == dispatches
    for link in page.select(".months-list a"):
        month = soup(site, f"archives/{link['href']}")
        count = int(link.find_next_sibling(class_="count").get_text(strip=True).strip("()"))
        assert len(month.select("article:not([class])")) == count
    assert len(soup(site, "archives/non-datees.html").select("article:not([class])")) == undated


@pytest.mark.slow
def test_dispatch_page_gives_the_raw_files_hash(site: Path) -> None:
    raw = {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in (ROOT / "content" / "dispatches").iterdir()
    }
    for path in sorted((site / "depeches").glob("*.html")):
        page = soup(site, f"depeches/{path.name}")
        dd = page.select(".provenance dd")
        name = dd[0].find("code").get_text()
        assert page.select_one(".provenance .hash").get_text() == raw[name]
        assert raw[name] in page.select_one(".citation").get_text()


@pytest.mark.slow
def test_rules_page_counts_what_dispatch_pages_show_as_removed(site: Path) -> None:
    shown: Counter[str] = Counter()
    for path in (site / "depeches").glob("*.html"):
        for link in soup(site, f"depeches/{path.name}").select("details.removed td a"):
            shown[link["href"].split("#regle-")[1]] += 1
    rules = soup(site, "regles.html")
    for section in rules.select("section.rule"):
        name = section["id"].removeprefix("regle-")
        count = int(re.match(r"(\d+) passage", section.find("p").get_text()).group(1))
        assert count == shown[name], name
    assert sum(shown.values()) > 0


# Sharing -------------------------------------------------------------------------------------


@pytest.mark.slow
def test_opengraph_on_every_page_and_no_address_without_siteurl(
    site: Path, parsed: dict[str, BeautifulSoup]
) -> None:
    for path, page in parsed.items():
        og = {m["property"]: m.get("content") for m in page.find_all("meta", property=True)}
        assert og.get("og:title") and og.get("og:site_name") and og.get("og:locale") == "fr_FR", (
            path
        )
        assert "og:url" not in og, path
        assert page.find("link", rel="canonical") is None, path
        # No og:description: previews read the description when it is missing.
        assert "og:description" not in og, path
    seed = soup(site, SEED_PAGE)
    assert seed.find("meta", property="og:type")["content"] == "article"
    assert seed.find("meta", attrs={"name": "description"})["content"]


@pytest.mark.slow
def test_dispatch_pages_carry_newsarticle_json_ld(site: Path) -> None:
    for path in sorted((site / "depeches").glob("*.html")):
        page = soup(site, f"depeches/{path.name}")
        (script,) = page.find_all("script", type="application/ld+json")
        text = script.string
        assert "</" not in text
        data = json.loads(text)
        assert data["@type"] == "NewsArticle" and data["inLanguage"] == "fr"
        assert data["headline"] == page.find("h1").get_text()
        assert "url" not in data  # no SITEURL, no address
        time = page.select_one(".dispatch-meta time")
        assert data.get("datePublished") == (time["datetime"] if time else None)


def test_json_ld_cannot_close_its_script_element() -> None:
    """A hostile title comes out of the JSON-LD escaped and parses back whole."""
    from dispatch_archive.pages import _dispatch_pages
    from dispatch_archive.render import make_environment, render_job

    hostile = "Alep </script><script>alert(1)</script> <!-- & ' \" \u2028"
    record = dict(
        _record(1, []), title=hostile, encoding="utf-8", format="txt", source="AFP", url=None
    )
    model = build_model([record], [], Gazetteer(entities={}, blocked=frozenset(), version="t"))
    (job,) = list(_dispatch_pages(model))
    env = make_environment(
        [ROOT / "theme" / "templates"], {"SITENAME": "A", "SITEURL": "", "SITE_DESCRIPTION": ""}
    )
    html = render_job(env, job).decode()
    page = BeautifulSoup(html, "html5lib")
    scripts = [s for s in page.find_all("script") if not s.get("src")]  # cite.js: a file
    assert len(scripts) == 1 and scripts[0]["type"] == "application/ld+json"
    assert json.loads(scripts[0].string)["headline"] == hostile
    assert "alert(1)</script>" not in html and "<script>alert" not in html


# Lean pages --------------------------------------------------------------------------------


@pytest.mark.slow
def test_first_mention_of_each_entity_links_and_later_ones_are_highlighted(
    parsed: dict[str, BeautifulSoup],
) -> None:
    repeated = 0
    for path, page in parsed.items():
        if not path.startswith("depeches/"):
            continue
        body = page.select_one(".dispatch-body")
        links = [a["href"] for a in body.select("a")]
        assert len(links) == len(set(links)), path  # one link per entity
        listed = {c["href"] for c in page.select(".dispatch-entities .chips a")}
        assert set(links) <= listed, path
        for span in body.select("span"):
            repeated += 1
            assert not span.find("a")
        for mention in body.select("a, span"):  # the title names the entity when the text does not
            title = mention.get("title")
            assert title is None or title.strip(), path
    assert repeated > 0  # the seed names Idleb more than once


@pytest.mark.slow
def test_seed_page_names_idleb_once_as_a_link_then_highlights_it(site: Path) -> None:
    body = soup(site, SEED_PAGE).select_one(".dispatch-body")
    idleb = [m for m in body.select(".lieu") if "Idl" in m.get_text()]
    assert idleb[0].name == "a" and idleb[0]["href"] == "../lieux/idleb.html"
    assert len(idleb) > 1 and all(m.name == "span" for m in idleb[1:])


@pytest.mark.slow
def test_entity_listings_show_cards_without_chips_and_other_listings_with(
    parsed: dict[str, BeautifulSoup],
) -> None:
    for path, page in parsed.items():
        cards = page.select("article:not([class])")
        if not cards:
            continue
        with_chips = [c for c in cards if c.select(".chips")]
        if path.startswith(("acteurs/", "lieux/")):
            assert not with_chips, path
        elif path in ("index.html",) or path.startswith("archives/"):
            assert with_chips, path
        for c in cards:  # title, date and lead always
            assert c.select_one("h3 a") and c.select_one("h3 + p + p")
            assert c.select_one("h3 + p > time, h3 + p > .undated")


@pytest.mark.slow
def test_pages_carry_no_template_indentation(site: Path) -> None:
    for path in (SEED_PAGE, "index.html", "lieux/idleb.html", "archives/index.html"):
        lines = (site / path).read_text(encoding="utf-8").splitlines()
        assert not [line for line in lines if line.startswith((" ", "\t"))], path


@pytest.mark.slow
def test_entity_feeds_hold_at_most_their_setting(site: Path) -> None:
    from dispatch_archive.settings import DispatchSettings

    limit = DispatchSettings().entity_feed_items
    counts = [
        f.read_text(encoding="utf-8").count("<entry>") for f in (site / "feeds").rglob("*.atom.xml")
        if f.parent.name in ("acteurs", "lieux")
    ]
    assert counts and max(counts) <= limit
    assert (site / "feeds" / "all.atom.xml").read_text(encoding="utf-8").count("<entry>") > limit
