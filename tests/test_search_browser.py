"""The browser and Whoosh agree: recherche.html from file:// (and once over http) in Chromium."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest
from test_search_semantics import CORPUS

from archive_search.export import read_script
from archive_search.query import search
from archive_search.sample_site import build_sample_site

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# (query, filters): words, phrases, prefixes, aliases, accents, facets, dates, nothing.
CASES: list[tuple[str, dict[str, str]]] = [
    ("bombardement", {}),
    ("Idlib", {}),
    ("Assad", {}),
    ('"cessez-le-feu"', {}),
    ("cessez-le-feu", {}),
    ('"Bachar al-Assad"', {}),
    ("prés*", {}),
    ("pres", {}),
    ("ELECTION", {}),
    ("frappes Idleb", {}),
    ("l’ONU", {}),
    ("xyzzyqwv", {}),
    ("", {"lieu": "idleb"}),
    ("", {"acteur": "osdh"}),
    ("", {"annee": "2016"}),
    ("", {"de": "2018-09-07", "a": "2018-09-08"}),
    ("syrie", {"acteur": "bachar-al-assad"}),
    ("régime", {"de": "2017-01-01", "a": "2018-12-31"}),
    ("le", {}),  # more than one page: pagination is followed
]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("site")
    index_dir = tmp_path_factory.mktemp("whoosh")
    build_sample_site(CORPUS, root / "site", index_dir)
    return root / "site", index_dir


@pytest.fixture(scope="module")
def page() -> Iterator[object]:
    if not CHROMIUM.exists():
        pytest.fail("Chromium is missing: apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("request", lambda req: _refuse_outside(req.url, errors))
        yield page
        browser.close()
        assert not errors


def _refuse_outside(url: str, errors: list[str]) -> None:
    if not url.startswith(("file://", "http://127.0.0.1")):
        errors.append(f"request outside the site: {url}")


def browser_results(page: object, base: str, query: str, filters: dict[str, str]) -> tuple[
    set[str], str
]:
    """Return the ids on every results page and the status line of the first."""
    found: set[str] = set()
    status = ""
    number = 1
    while True:
        params = {"q": query, **filters}
        if number > 1:
            params["page"] = str(number)
        page.goto(f"{base}/recherche.html?{urlencode(params)}")  # type: ignore[attr-defined]
        page.wait_for_selector(  # type: ignore[attr-defined]
            "#recherche[data-state=done], #recherche[data-state=error]", timeout=15000
        )
        assert page.get_attribute("#recherche", "data-state") == "done"  # type: ignore[attr-defined]
        if number == 1:
            status = page.inner_text("[data-role=status]")  # type: ignore[attr-defined]
        ids = page.eval_on_selector_all(  # type: ignore[attr-defined]
            "[data-result]", "els => els.map(e => e.dataset.result)"
        )
        found.update(ids)
        if not page.query_selector("[data-role=pager] a[rel=next]"):  # type: ignore[attr-defined]
            return found, status
        number += 1


def test_the_site_has_packed_and_plain_shards(site: tuple[Path, Path]) -> None:
    """The comparisons below read packed shards (deflate in base64, inflated by the browser's
    DecompressionStream) beside plain ones: both forms are exercised."""
    root, _ = site
    packed = {p.name[0] for p in (root / "recherche" / "idx").glob("*.js")
              if p.read_bytes().endswith(b'",1);\n')}
    plain = {p.name[0] for p in (root / "recherche" / "idx").glob("*.js")
             if not p.read_bytes().endswith(b'",1);\n')}
    assert {"c", "t", "w"} <= packed and {"f", "m"} <= plain


@pytest.mark.parametrize(("query", "filters"), CASES)
def test_browser_matches_whoosh_from_file(
    site: tuple[Path, Path], page: object, query: str, filters: dict[str, str]
) -> None:
    root, index_dir = site
    expected = search(index_dir, query, **filters)
    found, status = browser_results(page, root.as_uri(), query, filters)
    assert found == set(expected.ids)
    if expected.total:
        assert status.startswith(f"{expected.total}\u00a0résultat")
    else:
        assert status == "Aucun résultat"


def test_result_links_and_marks(site: tuple[Path, Path], page: object) -> None:
    root, _ = site
    browser_results(page, root.as_uri(), "bombardements Idleb", {})
    link = page.query_selector("[data-result=d01] a")  # type: ignore[attr-defined]
    assert link.get_attribute("href") == "depeches/d01.html"
    marks = page.eval_on_selector_all(  # type: ignore[attr-defined]
        "[data-result=d01] mark", "els => els.map(e => e.textContent)"
    )
    assert "bombardements" in marks and "Idleb" in marks
    link.focus()
    with page.expect_navigation():  # type: ignore[attr-defined]
        page.keyboard.press("Enter")  # type: ignore[attr-defined]
    assert page.url.endswith("/depeches/d01.html")  # type: ignore[attr-defined]


def test_facets_narrow_and_are_marked_current(site: tuple[Path, Path], page: object) -> None:
    root, index_dir = site
    browser_results(page, root.as_uri(), "Idlib", {})
    page.click("[data-facet=annee] a[data-value='2019']")  # type: ignore[attr-defined]
    page.wait_for_selector("#recherche[data-state=done]")  # type: ignore[attr-defined]
    ids = page.eval_on_selector_all(  # type: ignore[attr-defined]
        "[data-result]", "els => els.map(e => e.dataset.result)"
    )
    assert set(ids) == set(search(index_dir, "Idlib", annee="2019").ids)
    current = page.get_attribute(  # type: ignore[attr-defined]
        "[data-facet=annee] a[data-value='2019']", "aria-current"
    )
    assert current == "true"


def test_one_word_facet_counts(site: tuple[Path, Path], page: object) -> None:
    """One word: the counts come with the term (no facet records loaded); they must be those
    of the results."""
    root, index_dir = site
    browser_results(page, root.as_uri(), "régime", {})
    ids = set(search(index_dir, "régime").ids)
    for kind, key in (("lieu", "locations"), ("acteur", "actors")):
        shown = page.eval_on_selector_all(  # type: ignore[attr-defined]
            f"[data-facet={kind}] a",
            "els => els.map(e => [e.dataset.value,"
            " e.querySelector('.facette-nombre').textContent])",
        )
        assert shown
        for slug, count in shown:
            want = sum(1 for d in CORPUS if d["id"] in ids and slug in {e["slug"] for e in d[key]})
            assert int(count) == want, (kind, slug)
    loaded_top_files = page.evaluate(  # type: ignore[attr-defined]
        """async () => { const m = await ArchiveSearch.load("manifest");
        const asked = ArchiveSearch.requested();
        return asked.includes(m.facets.lieu.topFile)
          || asked.includes(m.facets.acteur.topFile); }"""
    )
    assert loaded_top_files is False


def test_empty_page_offers_facets(site: tuple[Path, Path], page: object) -> None:
    root, _ = site
    page.goto(f"{root.as_uri()}/recherche.html")  # type: ignore[attr-defined]
    page.wait_for_selector("#recherche[data-state=done]")  # type: ignore[attr-defined]
    assert page.query_selector_all("[data-result]") == []  # type: ignore[attr-defined]
    lieux = page.inner_text("[data-facet=lieu]")  # type: ignore[attr-defined]
    assert "Lieux" in lieux and "Idleb" in lieux


def test_tiny_shards_deep_directories_and_parts(
    tmp_path: Path, page: object
) -> None:
    from test_search_export import SMALL

    index_dir = tmp_path / "whoosh"
    build_sample_site(CORPUS, tmp_path / "site", index_dir, SMALL, pages=False)
    for query, filters in [("Idlib", {}), ("le", {}), ("prés*", {}), ('"nations unies"', {}),
                           ("", {"lieu": "syrie"}), ("régime", {"annee": "2018"})]:
        found, _ = browser_results(page, (tmp_path / "site").as_uri(), query, filters)
        assert found == set(search(index_dir, query, **filters, settings=SMALL).ids), query


def _phrases(docs: list[dict]) -> list[str]:
    """Phrases of 2, 3 and 5+ words: common ones, across a frequent word, and found nowhere."""
    body = docs[20]["body"].split()
    title = docs[40]["title"].split()
    return [
        '"nations unies"', '"de la"', '"Bachar al-Assad"', '"bachar al"', '"al assad"',
        '"conseil de sécurité"', '"droits de l’homme"',
        '"Observatoire syrien des droits de l’homme"',
        '"de la de"', '"la de la"', '"des de la"', '"assad al bachar"', '"al assad al"',
        '"de la de la de"', '"Bachar al-Assad Bachar"', '"syrie de la"',
        f'"{" ".join(body[10:15])}"', f'"{" ".join(body[30:37])}"', f'"{" ".join(title[:3])}"',
        f'"{" ".join(body[10:13])} {" ".join(body[40:42])}"',  # each part present, not together
        f'"{" ".join(body[3:5])}" bombardements',
        f'"{" ".join(body[50:53])}" "Bachar al-Assad"',
    ]


def test_phrases_match_python(tmp_path: Path, page: object) -> None:
    """Phrases of 2, 3 and 5+ words against search(): common runs answered by their own
    record, the others by pairs and the pieces of their positions (tiny pieces, many files)."""
    from archive_search.settings import SearchSettings
    from archive_search.synth import synthetic_dispatches

    docs = [*CORPUS, *synthetic_dispatches(400)]
    settings = SearchSettings(shard_bytes=900, pair_shard_bytes=1500, part_bytes=400,
                              position_part_bytes=12, phrase_min_docs=3)
    index_dir = tmp_path / "whoosh"
    build_sample_site(docs, tmp_path / "site", index_dir, settings, pages=False)
    assert list((tmp_path / "site" / settings.output_dir).glob("q-*.js"))
    # A run whose record repeats an earlier one of its shard is written as that entry's index
    # (export._intern): the browser's lookup gives the record itself for every such run.
    interned, indices = {}, set()
    for path in (tmp_path / "site" / settings.output_dir).glob("g-*.js"):
        data = read_script(path.read_bytes())
        for key, value in zip(data[::2], data[1::2], strict=True):
            if isinstance(value, int):
                interned[key] = data[2 * value + 1]
                indices.add(value)
    assert len(interned) >= 5 and indices - {0}
    page.goto(f"{(tmp_path / 'site').as_uri()}/recherche.html")  # type: ignore[attr-defined]
    page.wait_for_function("window.ArchiveSearch !== undefined")  # type: ignore[attr-defined]
    found = page.evaluate(  # type: ignore[attr-defined]
        """async (keys) => {
          const m = await ArchiveSearch.load("manifest"), out = {};
          for (const k of keys) out[k] = await ArchiveSearch.lookup(m.phrases, k);
          return out;
        }""", sorted(interned))
    assert found == interned
    matched = 0
    for query in _phrases(docs):
        expected = search(index_dir, query, settings=settings)
        found, status = browser_results(page, (tmp_path / "site").as_uri(), query, {})
        assert found == set(expected.ids), query
        matched += bool(expected.total)
    assert matched >= 12


def test_same_page_over_http(site: tuple[Path, Path], page: object) -> None:
    root, index_dir = site
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        for query, filters in [("Idlib", {}), ('"nations unies"', {}), ("", {"lieu": "alep"})]:
            found, _ = browser_results(page, base, query, filters)
            assert found == set(search(index_dir, query, **filters).ids)
    finally:
        server.shutdown()
        server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass
