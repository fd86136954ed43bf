"""Accessibility in Debian's headless Chromium: axe-core (WCAG 2.2 AA), keyboard, 360 px, CSP.

axe-core comes from npm (package.json at the top level, node_modules/ is ignored by git): the
first run installs it, later runs find it there. axe is injected into each page as a script,
which a CSP would block, so axe runs on pages opened from disk (file://, no CSP header); the
CSP test serves the same pages over HTTP with `Content-Security-Policy: default-src 'self'`.
"""

from __future__ import annotations

import functools
import http.server
import json
import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sitecheck import ROOT, build_site, build_tiny_site, write_tiny_archive

from dispatch_archive.screenshots import SEED, busiest_month, launch

pytestmark = [pytest.mark.slow, pytest.mark.browser]

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
CSP = "default-src 'self'"
# The pages a reader meets first: home, a dispatch, an actor, a place, the indexes, search.
PAGES = {
    "accueil": "index.html",
    "depeche": SEED,
    "acteur": "acteurs/bachar-al-assad.html",
    "lieu": "lieux/alep.html",
    "province": "lieux/idleb.html",
    "acteurs": "acteurs/index.html",
    "lieux": "lieux/index.html",
    "archives": "archives/index.html",
    "mois": None,  # the busiest month, found in the built site
    "non-datees": "archives/non-datees.html",
    "regles": "regles.html",
    "donnees": "donnees.html",
    "rapport": "rapport.html",
    "recherche": "recherche.html?q=Idleb",
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("a11y")
    return build_site(base / "output", tmp_path_factory.getbasetemp() / "reader-cache")


def page_path(site: Path, name: str) -> str:
    path = PAGES[name]
    return path if path is not None else busiest_month(site)


@functools.cache
def axe_script() -> Path:
    """node_modules/axe-core/axe.min.js, installed with npm on first use."""
    script = ROOT / "node_modules" / "axe-core" / "axe.min.js"
    if not script.is_file():
        npm = shutil.which("npm")
        assert npm, "npm is needed to install axe-core (package.json)"
        subprocess.run(
            [npm, "install", "--no-audit", "--no-fund"], cwd=ROOT, check=True, timeout=600
        )
    assert script.is_file(), script
    return script


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = launch(p)
        yield chromium
        chromium.close()


def file_url(site: Path, path: str) -> str:
    name, _, query = path.partition("?")
    return (site / name).as_uri() + (f"?{query}" if query else "")


def settle(page: Any, path: str) -> None:
    """Let the search page answer its query before it is checked."""
    if path.startswith("recherche.html"):
        page.wait_for_function(
            "() => !['idle', 'loading'].includes("
            "document.getElementById('recherche')?.dataset.state)",
            timeout=10_000,
        )


def describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']}")
        for node in v["nodes"][:5]:
            lines.append(f"    {node['target']}: {node.get('failureSummary', '')[:300]}")
    return "\n".join(lines)


def axe_violations(browser: Any, site: Path, path: str, scheme: str) -> list[dict[str, Any]]:
    """What axe-core finds on one page in one colour scheme."""
    page = browser.new_page()
    try:
        page.emulate_media(color_scheme=scheme)
        page.goto(file_url(site, path))
        settle(page, path)
        # Closed <details> (removed text, provenance, shared dispatches) are checked open too.
        page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")
        page.add_script_tag(path=str(axe_script()))
        results = page.evaluate(
            "tags => axe.run(document,"
            " {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
            WCAG_TAGS,
        )
    finally:
        page.close()
    violations: list[dict[str, Any]] = results["violations"]
    return violations


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("name", list(PAGES))
def test_axe_finds_no_wcag_violation(site: Path, browser: Any, name: str, scheme: str) -> None:
    path = page_path(site, name)
    violations = axe_violations(browser, site, path, scheme)
    assert not violations, f"{path} ({scheme}):\n{describe(violations)}"


# An entity's period pages (periods.py), in the tiny archive of sitecheck.py: a main page with
# its index of periods, a year that lists its months, a paginated month, an undated period.
PERIOD_PAGES = [
    "lieux/idleb.html",
    "lieux/idleb/2018.html",
    "lieux/idleb/2018-03.html",
    "lieux/idleb/2018-03-p1.html",
    "lieux/idleb/non-datees.html",
]


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("a11y-periods")
    write_tiny_archive(base / "content")
    return build_tiny_site(base / "output", base / "content", base / "cache")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_wcag_violation_on_period_pages(
    tiny: Path, browser: Any, scheme: str
) -> None:
    for path in PERIOD_PAGES:
        violations = axe_violations(browser, tiny, path, scheme)
        assert not violations, f"{path} ({scheme}):\n{describe(violations)}"


@pytest.mark.parametrize("name", ["accueil", "depeche", "lieu", "recherche"])
def test_tab_reaches_the_skip_link_first_and_it_moves_focus_to_main(
    site: Path, browser: Any, name: str
) -> None:
    page = browser.new_page()
    try:
        page.goto(file_url(site, page_path(site, name)))
        page.keyboard.press("Tab")
        first = page.evaluate(
            "() => [document.activeElement.className, document.activeElement.getAttribute('href')]"
        )
        assert first == ["skip", "#contenu"]
        visible = page.evaluate("() => document.activeElement.getBoundingClientRect().left >= 0")
        assert visible, "the skip link must show when focused"
        page.keyboard.press("Enter")
        assert page.evaluate("() => document.activeElement.id") == "contenu"
        assert page.evaluate("() => document.activeElement.tagName") == "MAIN"
    finally:
        page.close()


def test_keyboard_reaches_every_link_of_a_place_page_in_order(site: Path, browser: Any) -> None:
    """Tab walks the page's links and controls and never enters a chart."""
    page = browser.new_page()
    try:
        page.goto(file_url(site, "lieux/alep.html"))
        reachable = page.evaluate(
            "() => [...document.querySelectorAll('a[href], button, input, summary')]"
            ".filter(e => !e.closest('svg') && e.offsetParent !== null).length"
        )
        seen = set()
        for _ in range(reachable + 5):
            page.keyboard.press("Tab")
            tag = page.evaluate(
                "() => { const e = document.activeElement;"
                " return [e.tagName, !!e.closest('svg'), e.outerHTML.slice(0, 80)]; }"
            )
            assert not tag[1], f"focus went into a chart: {tag[2]}"
            seen.add(tag[2])
        assert len(seen) >= min(reachable, 20)
        # The places drawn on the map are links in the page itself, not in the picture.
        near = page.evaluate("() => document.querySelectorAll('#h-near + ul a').length")
        assert near and page.evaluate("() => document.querySelectorAll('svg a').length") == 0
    finally:
        page.close()


def scroll_width(browser: Any, site: Path, path: str) -> tuple[int, list[str]]:
    """The page's width at 360 px, and the first elements that stick out."""
    page = browser.new_page(viewport={"width": 360, "height": 740})
    try:
        page.goto(file_url(site, path))
        settle(page, path)
        page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")
        width = page.evaluate("() => document.documentElement.scrollWidth")
        wide = page.evaluate(
            "() => [...document.querySelectorAll('body *')]"
            ".filter(e => e.getBoundingClientRect().right > 361)"
            ".slice(0, 5).map(e => e.tagName + '.' + e.className)"
        )
    finally:
        page.close()
    return width, wide


@pytest.mark.parametrize("name", list(PAGES))
def test_no_horizontal_scroll_at_360_px(site: Path, browser: Any, name: str) -> None:
    path = page_path(site, name)
    width, wide = scroll_width(browser, site, path)
    assert width <= 360, (path, width, wide)


def test_period_pages_fit_360_px(tiny: Path, browser: Any) -> None:
    for path in PERIOD_PAGES:
        width, wide = scroll_width(browser, tiny, path)
        assert width <= 360, (path, width, wide)


class _CSPHandler(http.server.SimpleHTTPRequestHandler):
    def end_headers(self) -> None:
        self.send_header("Content-Security-Policy", CSP)
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        pass


@pytest.fixture(scope="module")
def csp_server(site: Path) -> Iterator[str]:
    handler = functools.partial(_CSPHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("name", list(PAGES))
def test_pages_break_no_rule_of_a_strict_csp(
    site: Path, browser: Any, csp_server: str, name: str
) -> None:
    path = page_path(site, name)
    page = browser.new_page()
    errors: list[str] = []
    page.on(
        "console",
        lambda msg: errors.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation',"
        " e => (window.__csp = window.__csp || []).push(e.violatedDirective + ' ' + e.blockedURI))"
    )
    try:
        page.goto(csp_server + path)
        settle(page, path)
        violations = page.evaluate("() => window.__csp || []")
        stylesheets = page.evaluate("() => document.styleSheets.length")
    finally:
        page.close()
    assert not violations and not errors, (path, violations, errors)
    assert stylesheets >= 1


def test_dark_mode_changes_colours(site: Path, browser: Any) -> None:
    colours = {}
    for scheme in ("light", "dark"):
        page = browser.new_page()
        page.emulate_media(color_scheme=scheme)
        page.goto(file_url(site, "lieux/alep.html"))
        colours[scheme] = page.evaluate(
            "() => [getComputedStyle(document.body).backgroundColor,"
            " getComputedStyle(document.querySelector('.chart-sea')).fill]"
        )
        page.close()
    assert colours["light"][0] != colours["dark"][0]
    assert colours["light"][1] != colours["dark"][1]


def test_print_stylesheet_hides_navigation(site: Path, browser: Any) -> None:
    page = browser.new_page()
    try:
        page.goto(file_url(site, SEED))
        page.emulate_media(media="print")
        hidden = page.evaluate(
            "() => ['.site-header', '.site-footer', '.prev-next']"
            ".map(s => getComputedStyle(document.querySelector(s)).display)"
        )
        body = page.evaluate(
            "() => getComputedStyle(document.querySelector('.dispatch-body')).display"
        )
    finally:
        page.close()
    assert hidden == ["none", "none", "none"]
    assert body != "none"


def test_axe_core_comes_from_the_top_level_package_json() -> None:
    package = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))
    assert "axe-core" in package["devDependencies"]
    assert "node_modules/" in (ROOT / ".gitignore").read_text(encoding="utf-8")
