"""A dispatch card, written in Python (render.render_card): every value escaped, chips on demand."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup
from markupsafe import Markup

from dispatch_archive.markup import attr_value
from dispatch_archive.render import render_card

HOSTILE = 'Alep <script>alert(1)</script> & "guillemets" \u2028'


def card(**changes: object) -> dict[str, object]:
    d: dict[str, object] = {
        "url": "depeches/alep.html",
        "title": HOSTILE,
        "date": "2016-12-13",
        "date_label": "13 décembre 2016",
        "source": "AFP <b>",
        "lead": "Les forces <i>gouvernementales</i> …",
        "places": [{"name": "Alep", "url": "lieux/alep.html", "kind": "ville", "group": "lieu",
                    "verified": True}],
        "actors": [{"name": "Casques <blancs>", "url": "acteurs/casques-blancs.html",
                    "kind": "organisation", "group": "acteur", "verified": False}],
        "more": 3,
    }
    d.update(changes)
    return d


def test_a_card_escapes_every_value_and_links_relative_to_its_page() -> None:
    html = str(render_card(card(), "../"))
    assert "<script>" not in html and "<b>" not in html and "<i>" not in html
    soup = BeautifulSoup(html, "html5lib")
    (article,) = soup.find_all("article")
    assert not article.has_attr("class")  # a card is the one <article> without a class
    assert article.select_one("h3 a")["href"] == "../depeches/alep.html"
    assert article.select_one("h3 a").get_text() == HOSTILE
    assert article.select_one("h3 + p time")["datetime"] == "2016-12-13"
    assert article.select_one("h3 + p").get_text() == "13 décembre 2016 · AFP <b>"
    lead = article.select_one("h3 + p + p").get_text()
    assert lead == "Les forces <i>gouvernementales</i> …"
    chips = article.select(".chips a")
    assert [(a.get_text(), a["href"]) for a in chips] == [
        ("Alep", "../lieux/alep.html"), ("Casques <blancs>", "../acteurs/casques-blancs.html")]
    assert chips[0]["class"] == ["chip-lieu"]  # the list styles its links as chips
    assert chips[1]["class"] == ["chip-unverified"]  # an actor: the chip's own style
    assert article.select_one(".chips-more").get_text() == "+3"


def test_without_chips_or_date_or_source() -> None:
    soup = BeautifulSoup(str(render_card(card(date=None, source=None), "", chips=False)),
                         "html5lib")
    assert not soup.select(".chips")
    assert soup.select_one("article:not([class]) h3 + p").get_text() == "non datée"
    assert soup.select_one("article:not([class]) h3 a")["href"] == "depeches/alep.html"
    bare = card(places=[], actors=[], more=0)
    assert not BeautifulSoup(str(render_card(bare, "")), "html5lib").select(".chips")


def test_one_kept_card_serves_pages_at_every_depth() -> None:
    from dispatch_archive.render import CardRenderer

    cards = CardRenderer()
    d = card(url='depeches/a&"b.html')
    for root in ("", "../", "../../", '"<x>/'):
        for chips in (True, False):
            assert str(cards(d, root, chips)) == str(render_card(d, root, chips))
    assert len(cards.cache) == 2  # one entry with chips, one without, whatever the depth
    edited = card(url='depeches/a&"b.html', title="Autre titre")  # a new object, same URL
    assert "Autre titre" in str(cards(edited, "../"))


def test_a_chip_list_is_the_chips_render_chip_writes() -> None:
    from dispatch_archive.render import render_chip, render_chip_items

    chips = [
        {"name": HOSTILE, "url": 'lieux/a&"b.html', "group": "lieu", "verified": True, "count": 3},
        {"name": "Casques <blancs>", "url": "acteurs/casques-blancs.html", "group": "acteur",
         "verified": False, "count": "<7>"},
    ]
    for root in ("", "../", '"<x>/'):
        for show in (False, True):
            # the same link, without the class "chip": the list styles its links as chips;
            # no </li>: the next <li> or the list's end closes an item
            expected = "".join(f"<li>{render_chip(c, root, show)}" for c in chips)
            expected = re.sub(r' class=(?:chip|"chip ([^"]*)")',
                              lambda m: f" class={attr_value(m[1])}" if m[1] else "", expected)
            assert str(render_chip_items(chips, root, show)) == expected
    html = str(render_chip_items(chips, "../", True))
    assert "<script>" not in html and "<blancs>" not in html and "<7>" not in html
    assert str(render_chip_items([], "../")) == ""


@pytest.mark.parametrize(
    "value",
    ["Bachar al-Assad", "", "<script>alert('x')</script> & \"q\"", "« L'OSDH » &amp; <b>",
     "\u2028\x00é", Markup("<em>déjà sûr</em>"), 42, 3.5, None],
)
def test_the_helpers_escape_as_markupsafe_does(value: object) -> None:
    from markupsafe import escape

    from dispatch_archive.render import esc

    assert esc(value) == str(escape(value))
    assert type(esc(value)) is str


def test_pages_write_apostrophes_as_they_are_and_every_value_stays_escaped() -> None:
    from dispatch_archive.render import render_segments, unquote_apostrophes

    seg = {"text": "l'armée \"x\" & <b>", "group": "lieu", "name": "L'Armée \"syrienne\" <i>",
           "via": "gazetteer", "url": "lieux/x'y.html"}
    repeated = {k: v for k, v in seg.items() if k != "url"}  # a later mention: no link
    html = unquote_apostrophes(str(render_segments([seg, {"text": " puis "}, repeated], "../")))
    assert "&#39;" not in html and "<b>" not in html and "<i>" not in html
    assert html.count("'") == 5  # address, title and text of the link; title and text of the span
    link, span = BeautifulSoup(html, "html5lib").find_all(["a", "span"])
    assert link["href"] == "../lieux/x'y.html" and link["class"] == ["lieu"]
    for mention in (link, span):
        assert mention.get_text() == seg["text"] and mention["title"] == seg["name"]
    # the five characters « &#39; » written in a dispatch stay those characters
    literal = unquote_apostrophes(str(render_segments([{"text": "&#39;"}], "")))
    assert BeautifulSoup(literal, "html5lib").get_text() == "&#39;"
