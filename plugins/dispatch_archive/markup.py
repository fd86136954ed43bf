"""Attribute values written as browsers read them: without quotes where HTML needs none.

`href=../lieux/homs.html` and `href="../lieux/homs.html"` are the same attribute to every
HTML parser; at 100,000 dispatches the quotes were some 40 MB of the output. Pure string
functions: no Pelican, no template engine.
"""

from __future__ import annotations

import re

# A value HTML reads the same without quotes: not empty, and no white space, quote, « = »,
# « < », « > » or backtick (the HTML standard, « Unquoted attribute value syntax »).
BARE_VALUE = re.compile(r"[^\s\"'=<>`]+")
_QUOTED_VALUE = re.compile("=\"([^\\s\"'=<>`]+)\"(?!/)")
_QUOTED_BEFORE_SLASH = re.compile("=\"([^\\s\"'=<>`]+)\"/>")


def attr_value(value: str) -> str:
    """An attribute value, already escaped, written bare when HTML reads it the same without
    quotes (href=../lieux/homs.html), else between double quotes. An address is written
    after a page's ROOT, which is "../" repeated or SITEURL, checked at start
    (settings.check_siteurl) to need no quotes. An apostrophe escaped as &#39; keeps the
    quotes: pages write it as it is (render.unquote_apostrophes), and bare it would not do."""
    if BARE_VALUE.fullmatch(value) and "&#39;" not in value:
        return value
    return f'"{value}"'


def quote_after_root(address: str) -> str:
    """The quote to write around ROOT + address when the markup is cut where the page's ROOT
    goes (chips, cards): none when the address, already escaped, needs none (ROOT never
    does), else a double quote."""
    return "" if attr_value(address) == address else '"'


def unquote_attributes(markup: str) -> str:
    """Markup that our code wrote (an SVG figure), its attribute values left bare where HTML
    reads them the same without quotes.

    For markup whose text is escaped (« " » is &#34;) and that holds no script: there, « =" »
    only opens an attribute value. A value right before « /> » (an SVG element's end) is
    followed by a space instead: unquoted, the slash would join the value.
    """
    if "/>" in markup:
        markup = _QUOTED_BEFORE_SLASH.sub(r"=\1 />", markup)
    return _QUOTED_VALUE.sub(r"=\1", markup)
