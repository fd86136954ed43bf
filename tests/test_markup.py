"""Pages written as browsers read them: the template loader's and markup.py's changes leave
the DOM that html5lib (the WHATWG parsing rules) builds exactly as the plain template's."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
import pytest
from bs4 import BeautifulSoup

from dispatch_archive.markup import attr_value, unquote_attributes
from dispatch_archive.render import make_environment, unquote_apostrophes
from dispatch_archive.settings import SettingsError, check_siteurl

HOSTILE = ["", "a b", 'x"y', "l'armée", "a=b", "<b>", "`x`", "a&b", "Idleb", "../x/y.html",
           "x/", "é", "\u00a0", "\t"]

# Every treatment the loader gives a template: static values, ROOT and text, values made
# of expressions, implied end tags (lists, cells, paragraphs), line breaks next to blocks,
# line breaks between inline elements (kept: they are spaces), &nbsp;, an SVG element.
TEMPLATE = """<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="utf-8">
<title>{{ v }}</title>
<link rel="stylesheet" href="{{ ROOT }}theme/site.css">
</head>
<body>
<nav class="site-nav" aria-label="Navigation">
  <ul>
    <li><a href="{{ ROOT }}index.html">Accueil</a></li>
    <li><a href="{{ ROOT }}{{ v }}" title="{{ v }}">{{ v }}</a></li>
    <li id="h-{{ v }}" data-x="{{ v }}-{{ v }}">{{ v }}</li>
  </ul>
</nav>
<p class="intro">Source&nbsp;: {{ v }}</p>
<p><a href="a.html">un</a>
<a href="b.html">deux</a></p>
<table>
  <thead><tr><th scope="col">A</th><th scope="col">B</th></tr></thead>
  <tbody>
  {% for x in rows %}<tr class="r-{{ x }}"><td>{{ x }}</td><td><q>{{ v }}</q></td></tr>
  {% endfor %}
  </tbody>
</table>
<dl><dt>Fichier</dt><dd><code>{{ v }}</code></dd><dt>Autre</dt><dd>{{ v }}</dd></dl>
<details><summary>Plus</summary><p>Texte {{ v }}</p></details>
<svg viewBox="0 0 10 10"><rect x="1" y="{{ n }}" width="2" height="3"/></svg>
<footer><p>Fin</p></footer>
</body>
</html>
"""


def dom(html: str) -> list[Any]:
    """The parsed document: every element with its attributes and its text, white space that
    renders as nothing (between blocks, at their edges) aside."""
    soup = BeautifulSoup(html, "html5lib")
    out: list[Any] = []
    for node in soup.descendants:
        if getattr(node, "name", None):
            out.append((node.name, sorted(node.attrs.items(), key=str)))
        else:
            text = " ".join(str(node).split())
            if text:
                out.append(text)
    return out


def render(env: jinja2.Environment, root: str, value: str) -> str:
    html = env.get_template("t.html").render(ROOT=root, v=value, n=4, rows=[value, "ok"])
    return unquote_apostrophes(html)


@pytest.mark.parametrize("value", HOSTILE)
@pytest.mark.parametrize("root", ["", "../", "../../", "https://example.org/archive/"])
def test_loader_keeps_the_dom_of_the_plain_template(tmp_path: Path, root: str, value: str) -> None:
    (tmp_path / "t.html").write_text(TEMPLATE, encoding="utf-8")
    plain = jinja2.Environment(loader=jinja2.FileSystemLoader(str(tmp_path)), autoescape=True)
    ours = make_environment([tmp_path], {})
    mine, theirs = render(ours, root, value), render(plain, root, value)
    assert dom(mine) == dom(theirs)
    assert len(mine) < len(theirs)
    assert "</li>" not in mine and "</td>" not in mine and "&nbsp;" not in mine
    assert not any(tag in mine for tag in ("<head>", "</head>", "<body>", "</body>", "</html>"))
    assert 'class=site-nav' in mine and ' />' in mine  # bare values, the SVG end kept apart
    if root == "../" and value == "Idleb":
        assert "href=../Idleb" in mine and "id=h-Idleb" in mine  # expressions, bare
    assert '<a href="a.html">un</a>\n<a' in theirs and "un</a>\n<a" in mine  # a space kept


@pytest.mark.parametrize("value", HOSTILE)
def test_attr_value_quotes_only_where_html_needs_it(value: str) -> None:
    from markupsafe import escape

    escaped = str(escape(value))
    written = attr_value(escaped)
    html = unquote_apostrophes(f"<p title={written}>x</p>")
    (p,) = BeautifulSoup(html, "html5lib").find_all("p")
    assert p["title"] == value and p.get_text() == "x"
    # Quotes where the escaped value is empty or holds a space (\u00a0 too: the check is
    # wider than HTML's ASCII white space), « = », a backtick or an escaped apostrophe.
    assert written.startswith('"') == (value in ("", "a b", "l'armée", "a=b", "`x`", "\t",
                                                 "\u00a0"))


def test_unquote_attributes_leaves_text_and_svg_ends_as_they_read() -> None:
    svg = ('<svg><title>Alep &quot;=x&quot; a="b"</title><rect x="1" height="2.5"/>'
           '<text class="a b" y="3">t</text><a href="x/">l</a></svg>')
    out = unquote_attributes(svg.replace('a="b"', "a=&quot;b&quot;"))
    assert out == ('<svg><title>Alep &quot;=x&quot; a=&quot;b&quot;</title><rect x=1 height=2.5 />'
                   '<text class="a b" y=3>t</text><a href=x/>l</a></svg>')
    assert dom(out) == dom(svg.replace('a="b"', "a=&quot;b&quot;"))


@pytest.mark.parametrize("bad", ["https://example.org/mon archive", 'https://e.org/"x', "a<b",
                                 "https://e.org/`", "x=y", 3])
def test_a_siteurl_pages_cannot_write_bare_stops_the_build(bad: Any) -> None:
    with pytest.raises(SettingsError, match="SITEURL"):
        check_siteurl(bad)
    assert check_siteurl("https://example.org/mon%20archive") == "https://example.org/mon%20archive"
    assert check_siteurl("") == ""
