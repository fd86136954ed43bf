"""A dispatch's own BibTeX entry and CSL-JSON item are made in the browser (theme/static/js/
cite.js) from its page: headless Chromium, pages opened from file://, must give exactly the
entry and item that citations.py writes into the whole archive's files, for every dispatch
of the hostile corpus (titles and sources with braces, percent signs, backslashes, quotes,
markup, control characters, non-Latin scripts), and a click must download it under the
dispatch's key."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
import test_csp_browser as csp
from bs4 import BeautifulSoup
from hostile.site import Built

# The hostile site and the browser, as the CSP tests make them (module-scoped fixtures).
built = csp.built
browser = csp.browser

pytestmark = [pytest.mark.slow, pytest.mark.browser]


def _read(output: Path, name: str) -> str:
    plain = output / "donnees" / name
    if plain.exists():
        return plain.read_text(encoding="utf-8")
    return gzip.decompress((output / "donnees" / f"{name}.gz").read_bytes()).decode("utf-8")


def whole_archive(output: Path) -> tuple[dict[str, str], dict[str, str]]:
    """Each dispatch's BibTeX entry and CSL-JSON item (as json_lines writes one item), by key,
    taken from the whole archive's files."""
    text = _read(output, "depeches.bib")
    entries = {}
    for n, chunk in enumerate(text.split("\n@misc{")):
        entry = chunk if n == 0 else "@misc{" + chunk
        entries[entry[len("@misc{"):entry.index(",\n")]] = entry
    items = {
        item["id"]: "[\n" + json.dumps(item, ensure_ascii=False, sort_keys=True) + "\n]\n"
        for item in json.loads(_read(output, "depeches.csl.json"))
    }
    return entries, items


def test_each_dispatch_page_makes_the_entry_the_archive_files_hold(browser, built: Built) -> None:
    entries, items = whole_archive(built.output)
    inputs = [x for x in built.report["inputs"] if x["status"] != "erreur"]
    assert len(inputs) >= 10 and len(entries) == len(items) == len(inputs)
    page = browser.new_page()
    try:
        for x in inputs:
            path = built.output / x["url"]
            page.goto(path.as_uri())
            slug = Path(x["url"]).stem
            assert page.evaluate("archiveCitation('bib')") == entries[slug], x["path"]
            assert page.evaluate("archiveCitation('csl')") == items[slug], x["path"]
    finally:
        page.close()
    assert any(c in "".join(entries.values()) for c in ("\\{", "\\%", "\\textbackslash{}"))


def test_a_click_downloads_the_dispatchs_own_entry(browser, built: Built, tmp_path: Path) -> None:
    entries, items = whole_archive(built.output)
    x = next(x for x in built.report["inputs"] if x["status"] == "ok")
    slug = Path(x["url"]).stem
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    try:
        page.goto((built.output / x["url"]).as_uri())
        for fmt, suffix, expected in (("bib", ".bib", entries), ("csl", ".json", items)):
            with page.expect_download() as info:
                page.click(f"a[data-cite={fmt}]")
            download = info.value
            assert download.suggested_filename == slug + suffix
            saved = tmp_path / download.suggested_filename
            download.save_as(saved)
            assert saved.read_text(encoding="utf-8") == expected[slug]
    finally:
        context.close()


def test_without_javascript_the_links_give_the_whole_archive(built: Built) -> None:
    x = next(x for x in built.report["inputs"] if x["status"] == "ok")
    page = BeautifulSoup((built.output / x["url"]).read_text(encoding="utf-8"), "html5lib")
    links = {a["data-cite"]: a["href"] for a in page.select(".cite a[data-cite]")}
    assert set(links) == {"bib", "csl"}
    for href in links.values():
        assert (built.output / x["url"]).parent.joinpath(href).resolve().is_file()
    assert links["bib"].startswith("../donnees/depeches.bib")
    assert not (built.output / "donnees" / "citations").exists()
