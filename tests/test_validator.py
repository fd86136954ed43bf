"""Valid output: zero errors from the Nu HTML Checker, zero broken internal links (fragments
included) across the whole site, and every feed parses with feedparser.

The sites are the robustness tests' (tests/hostile/site.py): the whole hostile corpus, and
the spaCy build (whose unverified entity pages the first has not). The checker is vnu.jar
from the npm package vnu-jar, run on the machine's Java; it is installed once into
.cache/vnu/ when no VNU_JAR is given (npm is the only registry it needs).
"""

from __future__ import annotations

import fcntl
import json
import os
import posixpath
import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlsplit
from xml.etree import ElementTree

import feedparser
import pytest
from hostile.scan import PageScan
from hostile.site import Built, hostile_site, model_site, site_scans
from sitecheck import ROOT, is_external

pytestmark = pytest.mark.slow

VNU_VERSION = "26.9.27"
VNU_HOME = ROOT / ".cache" / "vnu"
ATOM = "{http://www.w3.org/2005/Atom}"


def require(tool: str) -> str:
    """The path of tool; CI fails rather than skips when it is missing."""
    found = shutil.which(tool)
    if found:
        return found
    if os.environ.get("CI"):
        pytest.fail(f"{tool} is needed to validate the HTML")
    pytest.skip(f"{tool} is not installed")


def vnu_jar() -> Path:
    """vnu.jar: $VNU_JAR, or the npm package vnu-jar installed once under .cache/vnu/."""
    given = os.environ.get("VNU_JAR")
    if given:
        return Path(given)
    jar = VNU_HOME / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
    VNU_HOME.mkdir(parents=True, exist_ok=True)
    with open(VNU_HOME / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not jar.is_file():
            npm = require("npm")
            subprocess.run(
                [
                    npm,
                    "install",
                    "--prefix",
                    str(VNU_HOME),
                    "--no-audit",
                    "--no-fund",
                    "--no-save",
                    f"vnu-jar@{VNU_VERSION}",
                ],
                check=True,
                capture_output=True,
                timeout=300,
            )
    return jar


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Built:
    site = hostile_site(tmp_path_factory)
    assert site.error is None, site.error
    return site


@pytest.fixture(scope="module")
def model(tmp_path_factory: pytest.TempPathFactory) -> Built:
    site = model_site(tmp_path_factory, workers=1)
    assert site.error is None, site.error
    return site


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory, hostile: Built) -> dict[str, PageScan]:
    return site_scans(tmp_path_factory, hostile)


def test_the_nu_html_checker_finds_no_error(hostile: Built, model: Built) -> None:
    java = require("java")
    jar = vnu_jar()
    files = sorted(hostile.output.rglob("*.html"))
    # the spaCy build adds the pages of unverified entities, indexes that list them, and the
    # period pages of the entities its 400 ordinary dispatches name most (periods.py)
    for folder in ("acteurs", "lieux"):
        files += [
            p
            for p in sorted((model.output / folder).rglob("*.html"))
            if p.name == "index.html"
            or not (hostile.output / p.relative_to(model.output)).exists()
        ]
    done = subprocess.run(
        [
            java,
            "-Xss4m",
            "-jar",
            str(jar),
            "--errors-only",
            "--format",
            "json",
            "--exit-zero-always",
            *map(str, files),
        ],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=600,
    )
    messages = json.loads(done.stderr or done.stdout)["messages"]
    errors = [
        f"{urlsplit(m.get('url', '')).path.split('/output/')[-1]}:{m.get('lastLine', '?')}: "
        + m["message"]
        for m in messages
        if m.get("type") in ("error", "non-document-error")
    ]
    assert len(files) > 150
    assert not errors, f"{len(errors)} errors in {len(files)} pages:\n" + "\n".join(errors[:30])


def test_every_internal_link_resolves_fragments_included(
    hostile: Built, pages: dict[str, PageScan]
) -> None:
    files = {
        p.relative_to(hostile.output).as_posix() for p in hostile.output.rglob("*") if p.is_file()
    }
    broken, checked = [], 0
    for path, scan in pages.items():
        folder = posixpath.dirname(path)
        for _tag, attr, url in set(scan.urls):
            if (
                attr == "srcset"
                or is_external(url)
                or url.startswith(("mailto:", "data:", "javascript:"))
            ):
                continue
            parts = urlsplit(url)
            target = (
                posixpath.normpath(posixpath.join(folder, unquote(parts.path)))
                if parts.path
                else path
            )
            checked += 1
            if target not in files:
                broken.append((path, url))
            elif (
                parts.fragment
                and target.endswith(".html")
                and unquote(parts.fragment) not in pages[target].ids
            ):
                broken.append((path, url))
    assert checked > 2000
    assert not broken, f"{len(broken)} broken links, e.g. {broken[:15]}"


def test_every_feed_parses_and_its_links_resolve(hostile: Built) -> None:
    feeds = sorted(hostile.output.rglob("*.atom.xml"))
    assert len(feeds) > 20
    broken = []
    for path in feeds:
        feed = feedparser.parse(path.read_bytes())
        assert not feed.bozo, (path, feed.bozo_exception)
        for link in ElementTree.parse(path).getroot().iter(f"{ATOM}link"):
            href = link.get("href", "")
            if not is_external(href) and not (path.parent / unquote(href)).resolve().is_file():
                broken.append((path.name, href))
    assert not broken, broken[:15]


def test_every_json_data_file_parses(hostile: Built) -> None:
    for path in [*hostile.output.rglob("*.json"), *hostile.output.rglob("*.jsonl")]:
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".jsonl":
            for line in text.splitlines():
                json.loads(line)
        else:
            json.loads(text)
