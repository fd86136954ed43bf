"""One pass over every page of a built site: links, anything that would run, visible text.

The standard library's event parser reads the 30 MB page of the 10 MB dispatch in seconds,
where a BeautifulSoup tree of it takes a minute; each page is read once and its findings kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

# Elements that load or run something of their own: never in our pages.
ACTIVE_TAGS = frozenset(
    {"iframe", "frame", "frameset", "object", "embed", "applet", "base", "portal"}
)
URL_ATTRS = frozenset(
    {"href", "src", "action", "formaction", "data", "poster", "srcset", "xlink:href", "background"}
)
DATA_SCRIPT_TYPES = frozenset({"application/ld+json", "application/json"})
VOID_TEXT = frozenset({"script", "style", "template", "title"})


@dataclass
class PageScan:
    """What one HTML page holds that the robustness tests look at."""

    path: str
    urls: list[tuple[str, str, str]] = field(default_factory=list)  # (tag, attribute, value)
    active: list[str] = field(default_factory=list)  # anything that would run or style inline
    ids: set[str] = field(default_factory=set)  # id and a[name] values: fragment targets
    h1: str = ""
    text: str = ""  # visible text, whitespace collapsed

    def has_text(self, needle: str) -> bool:
        """True if needle (whitespace collapsed) is in the page's visible text."""
        return " ".join(needle.split()) in self.text


class _Scanner(HTMLParser):
    def __init__(self, scan: PageScan) -> None:
        super().__init__(convert_charrefs=True)
        self.scan = scan
        self.text: list[str] = []
        self.h1: list[str] | None = None
        self.h1_done = False
        self.hidden = 0  # inside script/style/template/title
        self.data_script: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._element(tag, attrs)
        if tag in VOID_TEXT:
            self.hidden += 1
        if tag == "h1" and not self.h1_done:
            self.h1 = []

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._element(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID_TEXT and self.hidden:
            self.hidden -= 1
        if tag == "script" and self.data_script is not None:
            body = "".join(self.data_script)
            if "<" in body:
                self.scan.active.append(f"'<' inside a JSON data block: {body[:80]!r}")
            self.data_script = None
        if tag == "h1" and self.h1 is not None:
            self.scan.h1 = " ".join("".join(self.h1).split())
            self.h1, self.h1_done = None, True

    def handle_data(self, data: str) -> None:
        if self.data_script is not None:
            self.data_script.append(data)
        if self.hidden:
            return
        self.text.append(data)
        if self.h1 is not None:
            self.h1.append(data)

    def _element(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = self.scan.active
        values = {name: value or "" for name, value in attrs}
        if "id" in values:
            self.scan.ids.add(values["id"])
        if tag == "a" and "name" in values:
            self.scan.ids.add(values["name"])
        if tag == "script":
            kind = values.get("type", "").strip().lower()
            if "src" in values:
                pass  # checked with the other URLs
            elif kind in DATA_SCRIPT_TYPES:
                self.data_script = []
            else:
                found.append(f"inline script (type {kind or 'default'})")
        if tag == "style":
            found.append("inline <style> element")
        if tag in ACTIVE_TAGS:
            found.append(f"<{tag}> element")
        if tag == "meta" and values.get("http-equiv", "").lower() not in ("", "content-type"):
            found.append(f"<meta http-equiv={values['http-equiv']!r}>")
        for name, value in values.items():
            if name.startswith("on"):
                found.append(f"event handler {name} on <{tag}>")
            elif name in ("style", "srcdoc"):
                found.append(f"attribute {name} on <{tag}>")
            if name in URL_ATTRS:
                self.scan.urls.append((tag, name, value))
                scheme = urlsplit(value.strip()).scheme.lower()
                if scheme in ("javascript", "vbscript", "data"):
                    found.append(f"{name}={value[:60]!r} on <{tag}>")


def scan_page(path: Path, root: Path) -> PageScan:
    """Read one page once."""
    scan = PageScan(path.relative_to(root).as_posix())
    parser = _Scanner(scan)
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    scan.text = " ".join("".join(parser.text).split())
    return scan


def scan_site(root: Path) -> dict[str, PageScan]:
    """Every HTML page under root, by path from root."""
    return {scan.path: scan for scan in (scan_page(p, root) for p in sorted(root.rglob("*.html")))}
