"""Render page jobs with the theme's Jinja2 templates and write only what changed."""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup, escape

from .markup import attr_value, quote_after_root
from .pages import PageJob, root_of

try:  # markupsafe's C escaping, without the Markup object escape() makes of each value
    from markupsafe._speedups import _escape_inner
except ImportError:  # pragma: no cover - markupsafe without its C extension
    from markupsafe._native import _escape_inner


def esc(value: Any) -> str:
    """str(escape(value)), at a fifth of its cost for a str: the page helpers below escape
    about 1.3 million values in a build of 10,000 dispatches, and escape() spent 1.2 µs on
    each making a Markup object that was at once turned back into a str (tested to give
    the same text as escape() for hostile strings, Markup, numbers)."""
    if type(value) is str:
        return _escape_inner(value)
    return str(escape(value))


class DedentingLoader(jinja2.FileSystemLoader):
    """Templates as written, less what the page's DOM does not keep.

    The theme's templates are indented and broken into lines to be read; the pages need
    none of it. Without changing what a browser builds from the page, the loader takes out
    the indentation of lines (a line break is all the white space HTML keeps between
    elements), the line breaks next to a block's tag (_BLOCK_GAP), the end tags HTML implies
    where the template's next tag is written (_END_TAG), and writes &nbsp; as the character.
    Only the template source is changed, never the data rendered into it; a template
    holding <pre> or <textarea> keeps its white space and end tags. At 100,000 dispatches
    the indentation alone was about 30 MB of output.
    """

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        source, filename, uptodate = super().get_source(environment, template)
        if "<pre" not in source and "<textarea" not in source:
            source = _BLOCK_GAP.sub(_block_gap, _INDENT.sub("\n", source))
            source = _END_TAG.sub(_end_tag, source)
            source = _DOCUMENT_TAG.sub("", source)
        source = _TEMPLATE_VALUE.sub(_template_value, source)
        source = _TEMPLATE_EXPRESSIONS.sub(_template_expressions, source)
        # The no-break space of French punctuation (« Source&nbsp;: ») as the character
        # itself: two bytes in UTF-8 instead of six.
        return source.replace("&nbsp;", "\u00a0"), filename, uptodate


_INDENT = re.compile(r"\n[ \t]+")
# A line break after a tag, before another tag or a template statement, where one of the
# two tags is a block's: it renders as nothing (white space at the edge of a block, between
# table cells, list items or flex and grid items is dropped, whatever a statement writes
# next: « </p> {% endfor %} », « <p class="meta"> {% if date %} »), so the template's lines
# are joined there. Between two inline elements (« </a> <a> ») it is a space between
# words, and is kept.
_BLOCK_GAP = re.compile(
    r"(<(/?)([a-zA-Z][a-zA-Z0-9]*)\b[^<>]*>)\n(?=<(/?)([a-zA-Z][a-zA-Z0-9]*)\b|\{%)")
BLOCK_TAGS = frozenset(
    "html head body title meta link script style header nav main article section aside footer "
    "div p h1 h2 h3 h4 h5 h6 ul ol li dl dt dd table caption thead tbody tfoot tr td th "
    "details summary form fieldset legend figure figcaption blockquote hr".split())


def _block_gap(match: re.Match[str]) -> str:
    following = match[5]  # None before a template statement
    if match[3].lower() in BLOCK_TAGS or (following and following.lower() in BLOCK_TAGS):
        return match[1]
    return match[0]


# An attribute value of the template's own source that HTML reads the same without quotes:
# static text, or the page's ROOT followed by static text ("../" repeated, or SITEURL,
# which settings.check_siteurl keeps free of spaces and quotes). A value holding any other
# template expression keeps its quotes: what it renders to is unknown here.
_TEMPLATE_VALUE = re.compile(
    r"""(\s[a-zA-Z][\w:.-]*)="((?:\{\{ ROOT \}\})?[^\s"'=<>`{}]+)"(/>)?""")
# A value made of such text and template expressions (« {{ ROOT }}{{ d.url }} »,
# « h-{{ slug }} »): written through the filter bare, which quotes what it renders to only
# where HTML needs it.
_TEMPLATE_EXPRESSIONS = re.compile(
    r"""(\s[a-zA-Z][\w:.-]*)="((?:[^\s"'=<>`{}\\]|\{\{[^{}]*\}\})*\{\{[^{}]*\}\}"""
    r"""(?:[^\s"'=<>`{}\\]|\{\{[^{}]*\}\})*)"(/>)?""")
_PIECES = re.compile(r"\{\{([^{}]*)\}\}|[^{]+")


def _template_value(match: re.Match[str]) -> str:
    # Before « /> » a space keeps the slash out of the value.
    return f"{match[1]}={match[2]} />" if match[3] else f"{match[1]}={match[2]}"


def _template_expressions(match: re.Match[str]) -> str:
    pieces = [f"({p[1].strip()})" if p[1] is not None else f'"{p[0]}"'
              for p in _PIECES.finditer(match[2])]
    end = " />" if match[3] else ""
    return f"{match[1]}={{{{ ({' ~ '.join(pieces)})|bare }}}}{end}"


def bare(value: Any) -> Markup:
    """The filter bare: a value escaped as Jinja would, without quotes where HTML needs none
    (markup.attr_value), with them elsewhere."""
    return Markup(attr_value(esc(value)))


# End tags that HTML implies where the template's next tag is written (the HTML standard,
# « Optional tags »): a list item ends at the next item or at its list's end, a cell at
# the next cell or at its row's end, a paragraph at a block that cannot sit inside it or
# at the end of its parent. Only end tags written right before a tag of the template's own
# source are left out, never before data or a template statement, whose output is unknown:
# the page's DOM is the same.
_END_TAG = re.compile(r"</(li|dt|dd|td|th|tr|p)>(?=<(/?)([a-zA-Z][a-zA-Z0-9]*)\b)")
_P_CLOSERS = frozenset(
    "address article aside blockquote details div dl fieldset figcaption figure footer form "
    "h1 h2 h3 h4 h5 h6 header hgroup hr main menu nav ol p pre section table ul".split())
_P_PARENTS = frozenset(
    "article aside blockquote body dd details div fieldset figure footer form header li main "
    "nav section td th".split())
_IMPLIED_BY = {  # element -> (start tags, end tags) right after it that make its end implied
    "li": (frozenset({"li"}), frozenset({"ul", "ol", "menu"})),
    "dt": (frozenset({"dt", "dd"}), frozenset()),
    "dd": (frozenset({"dt", "dd"}), frozenset({"dl"})),
    "td": (frozenset({"td", "th"}), frozenset({"tr"})),
    "th": (frozenset({"td", "th"}), frozenset({"tr"})),
    "tr": (frozenset({"tr"}), frozenset({"tbody", "thead", "tfoot", "table"})),
    "p": (_P_CLOSERS, _P_PARENTS),
}


# The document's own tags that HTML implies (« Optional tags »): <head> before its first
# element, </head> before <body>, <body> before an element that belongs in it, </body> and
# </html> (no comment follows them in a template). The parser makes the same html, head
# and body elements; 33 bytes a page.
_DOCUMENT_TAG = re.compile(
    r"<head>(?=<meta\b)|</head>(?=<body>)|<body>(?=<(?:a|div|header|nav|main|p|h1)\b)"
    r"|</body>\n?|</html>\n?")


def _end_tag(match: re.Match[str]) -> str:
    starts, ends = _IMPLIED_BY[match[1]]
    following = match[3].lower()
    return "" if following in (ends if match[2] else starts) else match[0]


def make_environment(template_dirs: Iterable[Path], globals_: Mapping[str, Any]) -> jinja2.Environment:
    """The Jinja2 environment our pages are rendered with: autoescaped, strict undefined."""
    env = jinja2.Environment(
        loader=DedentingLoader([str(p) for p in template_dirs]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # one build, templates do not change under it: skip the mtime checks
        cache_size=-1,
    )
    # tojson (the JSON-LD of a dispatch page) still writes <, >, & and ' as \u003c…, so no
    # text can close the script element; letters are written as they are, not as \u00e9,
    # and without spaces after separators: 1.4 KB a page at 10,000 dispatches before.
    env.policies["json.dumps_kwargs"] = {"sort_keys": True, "ensure_ascii": False,
                                         "separators": (",", ":")}
    env.globals.update(globals_)
    env.globals["card"] = CardRenderer()
    env.globals["render_segments"] = render_segments
    env.globals["render_chip"] = render_chip
    env.globals["render_chip_items"] = render_chip_items
    env.globals["report_rows"] = report_rows
    env.filters["bare"] = bare
    return env


def render_segments(segs: Iterable[Mapping[str, Any]], root: str) -> Markup:
    """A block's text with its mentions linked (templates call `render_segments(segs, ROOT)`):
    written here because a dispatch page has dozens of mentions and the template engine's
    attribute look-ups and escapes were a fifth of the rendering. Every value is escaped."""
    out: list[str] = []
    r = esc(root)
    for s in segs:
        text = esc(s["text"])
        if "group" in s:
            # The title says the canonical name when the text says it otherwise, and that
            # the model found it. A dispatch's body holds no other link or span, so the
            # stylesheet finds mentions by where they are (.dispatch-body a, span); places
            # carry a class of their own. At 100,000 dispatches, 16 bytes a mention are
            # 30 MB of output.
            model = " (repéré par le modèle)" if s["via"] == "modele" else ""
            kind = " class=lieu" if s["group"] == "lieu" else ""
            same = not model and s["name"] == s["text"]
            title = "" if same else f" title={attr_value(esc(s['name']) + model)}"
            if "url" in s:  # the entity's first mention on the page: a link
                href = attr_value(f"{r}{esc(s['url'])}")
                out.append(f"<a{kind} href={href}{title}>{text}</a>")
            else:
                out.append(f'<span{kind}{title}>{text}</span>')
        else:
            out.append(text)
    return Markup("".join(out))


class CardRenderer:
    """`{{ card(d, ROOT) }}`: a dispatch card (`card(d, ROOT, false)`: without its entity
    chips, on an entity's own listings), made once per dispatch and kind.

    The same card appears on the home page, on every entity page of the dispatch and in its
    month archive. Its markup is written here, as a mention's is (render_segments), not in a
    template: a card is made some 25,000 times in a build of 10,000 dispatches, and the
    template engine's calls and escapes cost about 0.3 ms a card, a fifth of the rendering.
    Every value is escaped. What is kept is the card's markup cut where the way back to the
    site root goes (card_parts), joined with the page's root at each use: one copy for pages
    at any depth (at 100,000 dispatches a card kept whole per depth held about 200 MB in
    each rendering process).
    """

    def __init__(self) -> None:
        # (url, chips) -> (the card's data, its parts). The data is kept and compared by
        # identity: a resident process (`invoke regenerate`) keeps this environment across
        # changes, and an edited dispatch's card is a new object with the same URL.
        self.cache: dict[tuple[str, bool], tuple[Mapping[str, Any], tuple[str, ...]]] = {}

    def __call__(self, d: Mapping[str, Any], root: str, chips: bool = True) -> Markup:
        key = (d["url"], chips)
        hit = self.cache.get(key)
        if hit is None or hit[0] is not d:
            hit = (d, card_parts(d, chips))
            self.cache[key] = hit
        return Markup(esc(root).join(hit[1]))


def render_chip(c: Mapping[str, Any], root: str, show_count: bool = False) -> Markup:
    """A link to an entity (templates call `render_chip(c, ROOT)`, as cards do), with its count
    when asked. Every value is escaped."""
    return Markup(_chip(c, esc(root), show_count))


def render_chip_items(chips: Iterable[Mapping[str, Any]], root: str,
                      show_count: bool = False) -> Markup:
    """`<li>` of a chip for each of chips, as render_chip writes it (templates call
    `render_chip_items(chips, ROOT)` inside their list): one call for a dispatch page's
    ten-odd chips or an index's thousand, where a template loop calling render_chip paid the
    template engine's call at each. Every value is escaped."""
    r = esc(root)
    # No </li>: HTML ends a list item at the next <li> or at the list's end (the caller's
    # </ul>), so the DOM is the same without it.
    return Markup("".join(f"<li>{_chip(c, r, show_count, listed=True)}" for c in chips))


def _chip(c: Mapping[str, Any], root: str, show_count: bool, listed: bool = False) -> str:
    """A chip's whole link, root already escaped, with its count when asked (listed: inside
    a <ul class="chips">, see chip_parts)."""
    before, after = chip_parts(c, listed)
    count = f" <span class=count>{esc(c['count'])}</span>" if show_count else ""
    return f"{before}{root}{after}{count}</a>"


def chip_parts(c: Mapping[str, Any], listed: bool = False) -> tuple[str, str]:
    """A chip's opening tag up to where the root goes, and its address and name after it
    (the closing </a> is the caller's, after an optional count). Every value is escaped.

    listed: the chip is a link of a <ul class="chips">, which the stylesheet styles as chips
    (.chips a), so it carries no class "chip" of its own: a chip is written some 1.5 million
    times at 100,000 dispatches. Places carry a class of their own, actors have the chip's
    default style (as mentions do)."""
    classes = [] if listed else ["chip"]
    if c["group"] == "lieu":
        classes.append("chip-lieu")
    if not c["verified"]:
        classes.append("chip-unverified")
    url = esc(c["url"])
    quote = quote_after_root(url)
    opening = f"<a class={attr_value(' '.join(classes))} href=" if classes else "<a href="
    return (opening + quote, f'{url}{quote}>{esc(c["name"])}')


def render_card(d: Mapping[str, Any], root: str, chips: bool = True) -> Markup:
    """A dispatch card: its title as a link, date and source, lead and, with chips, the
    places and actors it shows (« +N » for the others)."""
    return Markup(esc(root).join(card_parts(d, chips)))


def card_parts(d: Mapping[str, Any], chips: bool = True) -> tuple[str, ...]:
    """A card's markup cut where the root goes (before each link's address): the card is
    root.join(parts), root escaped. Every value is escaped."""
    if d["date"]:
        when = f"<time datetime={attr_value(esc(d['date']))}>{esc(d['date_label'])}</time>"
    else:
        when = "<span class=undated>non datée</span>"
    source = f" · {esc(d['source'])}" if d["source"] else ""
    # No class or line break a stylesheet can do without (a card is the one <article> without
    # a class; its h3, the h3 + p of the date and source, its p, .chips a): at 100,000
    # dispatches a card is written about 1.2 million times, 45 bytes 54 MB. No end tag HTML
    # implies at the same place (a <p> ends at the next <p>, at a <ul> or at the card's
    # end; a list item at the next one or at the list's end), no quotes where HTML needs
    # none (markup.attr_value): the DOM is the same.
    url = esc(d["url"])
    quote = quote_after_root(url)
    parts = ["<article><h3><a href=" + quote]
    cur = [
        f'{url}{quote}>{esc(d["title"])}</a></h3>',
        f'<p>{when}{source}',
        f'<p>{esc(d["lead"])}',
    ]
    if chips and (d["places"] or d["actors"]):
        cur.append('<ul class=chips aria-label="Entités citées">')
        for c in (*d["places"], *d["actors"]):
            before, after = chip_parts(c, listed=True)
            parts.append("".join(cur) + "<li>" + before)
            cur = [after, "</a>"]
        if d["more"]:
            cur.append(f'<li class=chips-more title="{d["more"]:d} autres entités, sur la page '
                       f'de la dépêche">+{d["more"]:d}')
        cur.append("</ul>")
    cur.append("</article>")
    parts.append("".join(cur))
    return tuple(parts)


REPORT_STATUS = {"ok": "publié", "doublon": "doublon", "erreur": "refusé"}


def report_rows(inputs: Iterable[Mapping[str, Any]]) -> Markup:
    """The rows of rapport.html, one per input (the template calls `report_rows(inputs)`):
    written here, as cards are, because the template's loop took 1.9 s at 10,000 inputs, on
    the critical path of every build that adds or changes a dispatch. Every value is
    escaped; rows follow one another with no line break. No </td> or </tr>: HTML
    ends a cell at the next cell or row and a row at the next row or at the table's end, so
    the DOM is the same (100,000 inputs make a 30 MB page)."""
    rows: list[str] = []
    for x in inputs:
        if x["status"] == "erreur":
            detail = esc(x["reason"])
        else:
            detail = f'<a href={attr_value(esc(x["url"]))}>{esc(x["title"])}</a>'
            if x["same_as"]:
                detail += " — même contenu que " + ", ".join(esc(t) for t in x["same_as"])
            if x["rules"]:
                detail += " — règles\u00a0: " + ", ".join(
                    f"{esc(k)} ×{esc(v)}" for k, v in x["rules"].items())
            detail += "".join(f" — {esc(w)}" for w in x["warnings"])
        status = attr_value("status-" + esc(x["status"]))
        rows.append(f'<tr class={status}><td><code>{esc(x["path"])}</code>'
                    f'<td>{REPORT_STATUS[x["status"]]}<td>{detail}')
    return Markup("".join(rows))


def render_job(env: jinja2.Environment, job: PageJob) -> bytes:
    """Render one page; ROOT is the relative way back to the site root."""
    template = env.get_template(job.template)
    html = template.render(job.context, ROOT=root_of(job.path), page_path=job.path)
    return unquote_apostrophes(html).encode("utf-8")


def unquote_apostrophes(html: str) -> str:
    """The page with its escaped apostrophes (&#39;, as markupsafe writes them) written as
    they are: every attribute of our templates and helpers is quoted with ", where an
    apostrophe needs no escape, and so is text (French text holds many: « l'armée »). The
    exact sequence &#39; never comes from an escaped « & » (that is &amp;), and script
    elements hold JSON, whose apostrophes are \u0027. 1.5 MB of 277 at 10,000 dispatches."""
    return html.replace("&#39;", "'")


def write_if_changed(out_dir: Path, rel_path: str, data: bytes) -> bool:
    """Write data at out_dir/rel_path unless it already holds these bytes; atomic replace."""
    target = out_dir / rel_path
    try:
        if target.stat().st_size == len(data) and target.read_bytes() == data:
            return False
    except FileNotFoundError:
        # A new file: nobody can be reading it yet, and a build that dies leaves no render
        # manifest, so a partial file is rewritten next time. Skip the temporary file.
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            with open(target, "xb") as handle:
                handle.write(data)
            return True
        except FileExistsError:
            pass
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return True
