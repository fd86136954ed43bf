"""Hostile input: none crashes the build; each is reported with its path and reason; the rest
is built; raw files are never modified; hostile text is shown literally, never executed.

The corpus is made at test time by tests/hostile/corpus.py and built once per run
(tests/hostile/site.py). docs/robustness.md gives the figures these tests measure.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path

import feedparser
import pytest
from hostile.corpus import (
    HIDDEN,
    NORMAL,
    SAME_TITLE,
    XSS,
    Case,
    cases,
    expected_inputs,
    write_content,
)
from hostile.scan import PageScan
from hostile.site import MODEL_CONTENT, Built, build, hostile_site, model_site, site_scans
from sitecheck import ROOT, is_external

pytestmark = pytest.mark.slow

CASES = cases()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    site = hostile_site(tmp_path_factory)
    assert site.error is None, f"the build crashed on the hostile corpus: {site.error}"
    return site


@pytest.fixture(scope="module")
def report(built: Built) -> dict:
    return built.report


@pytest.fixture(scope="module")
def by_path(report: dict) -> dict[str, dict]:
    return {x["path"]: x for x in report["inputs"]}


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory, built: Built) -> dict[str, PageScan]:
    return site_scans(tmp_path_factory, built)


def test_corpus_has_at_least_30_hostile_cases() -> None:
    assert len(CASES) >= 30
    assert len({c.key for c in CASES}) == len(CASES)
    assert len({c.path for c in CASES}) == len(CASES)


def test_build_does_not_crash_and_reports_every_input(built: Built, report: dict) -> None:
    listed = sorted(x["path"] for x in report["inputs"])
    inputs = sorted(expected_inputs(built.content))  # hidden files too: reported, never built
    assert listed == inputs


def test_counts_add_up_to_the_inputs(report: dict) -> None:
    counts = report["counts"]
    assert (
        counts["inputs"]
        == len(report["inputs"])
        == counts["ok"] + counts["doublon"] + counts["erreur"]
    )
    # every refused case, and the file whose name begins with a dot (reported, never built)
    assert counts["erreur"] == sum(1 for c in CASES if c.status == "erreur") + 1


@pytest.mark.parametrize("case", CASES, ids=[c.key for c in CASES])
def test_each_case_gets_its_status_and_reason(
    by_path: dict, pages: dict[str, PageScan], case: Case
) -> None:
    entry = by_path[case.path]
    assert entry["status"] == case.status, entry
    if case.status == "erreur":
        assert case.reason.lower() in entry["reason"].lower(), entry
        assert "url" not in entry
        return
    if case.reason:
        assert any(case.reason.lower() in w.lower() for w in entry["warnings"]), entry
    page = pages[entry["url"]]
    if case.title is not None:
        assert entry["title"] == case.title
        assert page.h1 == " ".join(case.title.split())
    for needle in case.literal:
        assert page.has_text(needle), (case.key, needle)
    for needle in case.absent:
        assert not page.has_text(needle), (case.key, needle)


def test_refusals_are_listed_in_the_html_report_too(
    report: dict, pages: dict[str, PageScan]
) -> None:
    html = pages["rapport.html"]
    for entry in report["inputs"]:
        assert html.has_text(entry["path"]), entry["path"]
        if entry["status"] == "erreur":
            assert html.has_text(entry["reason"]), entry


def test_the_report_shows_what_to_check_first(report: dict, built: Built) -> None:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup((built.output / "rapport.html").read_text(encoding="utf-8"), "html5lib")
    first, everything = soup.select("table.report")
    assert first["aria-labelledby"] == "h-a-verifier" and everything["aria-labelledby"] == "h-tous"
    flagged = [x for x in report["inputs"] if x["status"] != "ok" or x.get("warnings")]
    order = {"erreur": 0, "doublon": 1, "ok": 2}
    expected = [x["path"] for x in sorted(flagged, key=lambda x: (order[x["status"]], x["path"]))]
    assert [row.code.get_text() for row in first.select("tbody tr")] == expected
    statuses = [x["status"] for x in report["inputs"]]
    assert "erreur" in statuses and "doublon" in statuses  # the corpus has both kinds
    assert [row.code.get_text() for row in everything.select("tbody tr")] == [
        x["path"] for x in report["inputs"]]
    assert soup.select_one("#h-a-verifier").get_text() == f"À vérifier ({len(expected)})"


def test_the_rest_of_the_archive_is_built(by_path: dict, pages: dict[str, PageScan]) -> None:
    for name in NORMAL:
        if name.endswith(".json"):
            continue
        entry = by_path[name]
        assert entry["status"] in ("ok", "doublon"), entry
        assert entry["url"] in pages
    for page in (
        "index.html",
        "lieux/idleb.html",
        "acteurs/osdh.html",
        "recherche.html",
        "rapport.html",
    ):
        assert page in pages


def test_raw_dispatches_are_never_modified(built: Built) -> None:
    assert built.after == built.before
    assert len(built.before) >= len(CASES)


def test_same_slug_gives_two_distinct_stable_urls(by_path: dict) -> None:
    a, b = by_path["meme-slug-a.txt"], by_path["meme-slug-b.txt"]
    base = "depeches/alep-une-treve-fragile-tient-depuis-trois-jours"
    suffix = hashlib.sha256(b"meme-slug-b.txt").hexdigest()[:6]
    # the older keeps the plain slug; the newer's suffix depends only on its own path
    assert a["url"] == f"{base}.html"
    assert b["url"] == f"{base}-{suffix}.html"
    assert a["title"] == SAME_TITLE


def test_the_same_dispatch_under_two_names_is_flagged_both_ways(by_path: dict) -> None:
    copy, original = by_path["copie de 001.txt"], by_path["001_deraa-manifestants-tues.txt"]
    assert copy["status"] == original["status"] == "doublon"
    assert copy["same_as"] == ["001_deraa-manifestants-tues.txt"]
    assert original["same_as"] == ["copie de 001.txt"]
    assert copy["url"] != original["url"]  # both kept, each at its own address


def test_impossible_date_leaves_the_dispatch_undated(
    by_path: dict, pages: dict[str, PageScan]
) -> None:
    assert by_path["date-impossible.txt"]["date"] is None
    assert pages["archives/non-datees.html"].has_text("Douma : attaque présumée")


def test_the_model_does_not_crash_on_hostile_input(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    site = model_site(tmp_path_factory, workers=1)
    assert site.error is None, f"the build with the spaCy model crashed: {site.error}"
    entries = {x["path"]: x for x in site.report["inputs"]}
    for case in CASES:
        if case.key not in MODEL_CONTENT["skip"]:
            assert entries[case.path]["status"] == case.status, case.key
    assert site.after == site.before


def test_a_file_whose_name_begins_with_a_dot_is_reported(by_path: dict) -> None:
    assert HIDDEN in by_path


# --- Safe output ---------------------------------------------------------------------------


def test_nothing_in_any_page_would_run_or_load_hostile_code(pages: dict[str, PageScan]) -> None:
    assert len(pages) > 100
    found = {path: scan.active for path, scan in pages.items() if scan.active}
    assert not found, dict(list(found.items())[:10])


def test_hostile_titles_are_escaped_wherever_they_are_shown(built: Built, by_path: dict) -> None:
    entry = by_path["charge-utile.txt"]
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt;"
    shown = [
        built.output / p
        for p in ("index.html", entry["url"], "rapport.html", "archives/2016/12.html")
    ]
    for page in shown:
        html = page.read_text(encoding="utf-8")
        assert escaped in html, page
        assert "{{ 7*7 }}" in html and not re.search(r"Titre piégé 49\b", html), page
    # no page anywhere, nor any data file, carries the payload unescaped in HTML
    for path in built.output.rglob("*"):
        if path.suffix in (".html", ".xml") and path.stat().st_size < 5_000_000:
            assert XSS not in path.read_text(encoding="utf-8"), path


def test_no_request_outside_the_site(built: Built, pages: dict[str, PageScan]) -> None:
    outside = []
    for path, scan in pages.items():
        for tag, attr, value in scan.urls:
            if tag == "a" or (tag == "form" and attr == "action"):
                continue  # navigation, not a request the page makes by itself
            urls = (
                [part.split()[0] for part in value.split(",") if part.strip()]
                if attr == "srcset"
                else [value]
            )
            for url in urls:
                if is_external(url) or url.startswith("/"):
                    outside.append((path, tag, attr, url))
    for sheet in built.output.rglob("*.css"):
        css = re.sub(r"/\*.*?\*/", "", sheet.read_text(encoding="utf-8"), flags=re.S)
        for url in re.findall(r"url\(\s*['\"]?([^'\")]+)", css):
            if is_external(url) or url.startswith("/"):
                outside.append((sheet.name, "css", "url", url))
        if "@import" in css:
            outside.append((sheet.name, "css", "@import", ""))
    for script in built.output.rglob("*.js"):
        js = script.read_text(encoding="utf-8")
        for url in re.findall(
            r"""(?:fetch|import|open|XMLHttpRequest|WebSocket|EventSource)\s*\(\s*(?:"GET"\s*,\s*)?['"`]((?:https?:|wss?:)?//[^'"`]+)""",
            js,
        ):
            outside.append((script.name, "js", "url", url))
    assert not outside, outside[:20]


def test_every_feed_parses_and_carries_hostile_titles_as_text(built: Built, by_path: dict) -> None:
    feeds = sorted(built.output.rglob("*.atom.xml"))
    assert len(feeds) > 20
    for path in feeds:
        feed = feedparser.parse(path.read_bytes())
        assert not feed.bozo, (path, feed.bozo_exception)
    everything = feedparser.parse((built.output / "feeds" / "all.atom.xml").read_bytes())
    entries = {e.title: e for e in everything.entries}
    entry = entries[by_path["charge-utile.txt"]["title"]]
    # Atom text constructs: a reader shows them as text, so the payload is text, not a tag
    assert entry.title_detail.type == entry.summary_detail.type == "text/plain"
    assert entry.title.startswith(XSS) and XSS in entry.summary and "{{ 7*7 }}" in entry.summary


# --- The build stops early for a broken gazetteer, and --fatal fails on a skipped dispatch ----

DUPLICATE_SLUG = '\n[[acteur]]\nslug = "onu"\nnom = "Organisation fantôme"\ntype = "organisation"\n'
DOUBLE_ALIAS = (
    '\n[[acteur]]\nslug = "observatoire-fantome"\nnom = "Observatoire fantôme"\n'
    'type = "organisation"\nalias = ["OSDH"]\n'
)


@pytest.mark.parametrize(
    ("extra", "needles"),
    [
        (DUPLICATE_SLUG, ("acteurs.toml", "'onu'", "Fix:")),
        (DOUBLE_ALIAS, ("acteurs.toml", "Observatoire fantôme", "'OSDH'", "Fix:")),
    ],
    ids=["duplicate-slug", "alias-claimed-twice"],
)
def test_broken_gazetteer_stops_the_build_at_start(
    tmp_path: Path, extra: str, needles: tuple[str, ...]
) -> None:
    from entity_tags.gazetteer import GazetteerError

    content = write_content(tmp_path / "content", only=())
    with (content / "gazetteer" / "acteurs.toml").open("a", encoding="utf-8") as fh:
        fh.write(extra)
    out = tmp_path / "output"
    with pytest.raises(GazetteerError) as info:
        build(out, tmp_path / "cache", PATH=str(content))
    message = str(info.value)
    for needle in needles:
        assert needle in message, message
    assert not any(out.rglob("*.html")), "pages were written before the gazetteer was checked"
    assert not (tmp_path / "cache").exists() or not any((tmp_path / "cache").rglob("*.sqlite"))


def test_fatal_warnings_fail_the_build_on_a_skipped_dispatch(tmp_path: Path) -> None:
    content = write_content(tmp_path / "content", with_normal=False, only=["pdf"])
    (content / "dispatches" / "bonne.txt").write_text(
        "Idleb : une dépêche normale\n\nDu texte.\n", encoding="utf-8"
    )
    cache = json.dumps(str(tmp_path / "cache"))
    cmd = [
        sys.executable,
        "-m",
        "pelican",
        str(content),
        "-s",
        str(ROOT / "pelicanconf.py"),
        "-o",
        str(tmp_path / "output"),
        "--fatal",
        "warnings",
        "-e",
        f"DISPATCH_CACHE_PATH={cache}",
        "ENTITY_DISCOVERY=false",
    ]
    done = subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert done.returncode != 0, done.stdout + done.stderr
    assert "rapport-onu.txt" in done.stdout + done.stderr
