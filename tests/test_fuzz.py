"""Property tests (hypothesis) for the reader, the cleaner and the search tokenizer.

* the reader never raises anything but DispatchError, whatever the bytes; when the input has
  text, it gives a title;
* the cleaner never raises but for a dispatch made only of boilerplate; its title is never
  empty; nothing is lost or invented (every word of the input is in the title, a paragraph
  or a recorded removal); paragraphs come from the input's blocks, in order;
* the Python tokenizer (plugins/archive_search/analysis.py) and its JavaScript port
  (theme/static/js/search/analysis.js) give the same tokens for any text.
"""

from __future__ import annotations

import codecs
import json
import os
import shutil
import subprocess
import tempfile
import unicodedata
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from sitecheck import ROOT

from dispatch_cleaning.cleaner import clean, fold, match_line
from dispatch_cleaning.errors import DispatchError
from dispatch_cleaning.model import Metadata, RawDispatch
from dispatch_cleaning.reader import HEADER_KEYS, HEADER_LINE, read_dispatch

# CI replays the same examples every run; a developer's run explores new ones.
FUZZ = settings(
    max_examples=int(
        os.environ.get("FUZZ_EXAMPLES", "200")
    ),  # raise it to hunt: FUZZ_EXAMPLES=20000
    database=None,  # nothing written into the work tree; a failure prints its example
    deadline=None,
    derandomize=bool(os.environ.get("CI")),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

BOILERPLATE = (
    "Dernières nouvelles",
    "Partager sur Facebook",
    "Tous les articles",
    "Crédit photo : AFP",
    "© AFP 2018 / Omar Haj Kadour",
    "Lire aussi : Alep sous les bombes",
    "Publicité",
    "Inscrivez-vous à notre newsletter",
    "3 commentaires",
    "Vus : 120. Votes : 0.",
    "Publié le 22/12/2016 à 21h35",
    "Sputnik. Anton Denisov",
    "Commenter",
)
SENTENCES = (
    "Des frappes aériennes ont visé Idleb mardi, selon l'OSDH.",
    "Les dernières nouvelles du front sont mauvaises, a déclaré à l'AFP un habitant.",
    "« Nous n'avons plus rien », confie Oum Ahmad, réfugiée à Atmé.",
    "Le Conseil de sécurité de l'ONU se réunit jeudi à New York.",
    "Partager le pain est devenu un luxe à Madaya.",
)
# Text a scrape can hold: letters, digits, punctuation, symbols, spaces (no controls: the
# reader drops those on purpose, and a file of NULs is refused as binary).
TEXTY = st.characters(categories=("L", "M", "N", "P", "S", "Zs"))
LINE = st.one_of(
    st.sampled_from(BOILERPLATE),
    st.sampled_from(SENTENCES),
    st.text(TEXTY, min_size=1, max_size=60),
    st.builds(lambda a, b: f"{a} {b}", st.sampled_from(SENTENCES), st.text(TEXTY, max_size=20)),
)
BLOCK = st.lists(LINE, min_size=1, max_size=4)


def non_blank(line: str) -> bool:
    return bool(line.split())


@st.composite
def dispatch_text(draw: st.DrawFn) -> str:
    """A scraped .txt: maybe a header, then blocks separated by blank lines, messy spacing."""
    header = draw(
        st.lists(
            st.sampled_from(
                [
                    "Date: 2016-12-13",
                    "Source: AFP",
                    "Lang: fr",
                    "URL: https://www.example.org/x",
                    "Date: 2019-02-30",
                ]
            ),
            max_size=3,
        )
    )
    blocks = draw(st.lists(BLOCK, min_size=0, max_size=6))
    gaps = draw(
        st.lists(
            st.sampled_from(["\n\n", "\n \n", "\n\n\n", "\r\n\r\n", "\n\t\n"]),
            min_size=len(blocks),
            max_size=len(blocks),
        )
    )
    text = "\n".join(header) + "\n\n" if header else draw(st.sampled_from(["", "\n", "  \n"]))
    for block, gap in zip(blocks, gaps, strict=True):
        text += "\n".join(block) + gap
    return text


def has_text(text: str) -> bool:
    """True if a line other than a metadata header line holds a visible character."""
    for line in text.replace("\r", "\n").split("\n"):
        if not non_blank(line):
            continue
        m = HEADER_LINE.match(line)
        if m and m.group("key").lower() in HEADER_KEYS:
            continue
        return True
    return False


@pytest.fixture(scope="module")
def folder() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="fuzz-") as name:
        yield Path(name)


# --- The reader -----------------------------------------------------------------------------

MAGIC = st.sampled_from(
    [
        b"",
        codecs.BOM_UTF8,
        codecs.BOM_UTF16_LE,
        codecs.BOM_UTF16_BE,
        codecs.BOM_UTF32_LE,
        b"%PDF",
        b"\x89PNG",
        b"\x00",
        b"\xff",
        b"<html>",
    ]
)


@FUZZ
@given(prefix=MAGIC, data=st.binary(max_size=3000), suffix=st.sampled_from([".txt", ".html"]))
def test_the_reader_never_raises_anything_but_a_dispatch_error(
    folder: Path, prefix: bytes, data: bytes, suffix: str
) -> None:
    path = folder / f"octets{suffix}"
    path.write_bytes(prefix + data)
    try:
        raw = read_dispatch(path, root=folder)
    except DispatchError as exc:
        assert exc.reason and exc.source == path.name
        return
    assert raw.title.strip()
    assert all(block.strip() for block in raw.blocks)


@FUZZ
@given(text=dispatch_text(), encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]))
def test_the_reader_gives_a_title_whenever_the_input_has_text(
    folder: Path, text: str, encoding: str
) -> None:
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        assume(False)
    path = folder / "texte.txt"
    path.write_bytes(data)
    if not has_text(text):
        with pytest.raises(DispatchError):
            read_dispatch(path, root=folder)
        return
    raw = read_dispatch(path, root=folder)
    assert raw.title and raw.title == " ".join(raw.title.split())
    assert raw.title == unicodedata.normalize("NFC", raw.title)


@FUZZ
@given(
    html=st.lists(
        st.one_of(
            st.sampled_from(
                [
                    "<p>",
                    "</p>",
                    "<h1>",
                    "</h1>",
                    "<article>",
                    "</article>",
                    "<script>",
                    "</script>",
                    "<div>",
                    "</div>",
                    "<nav>",
                    "</nav>",
                    "<title>",
                    "</title>",
                    "<!--",
                    "-->",
                    "<![CDATA[",
                    "<meta property='og:title' content='",
                    "'>",
                    "<li>",
                    "<br>",
                    "&amp;",
                    "&#0;",
                    "&#xD800;",
                ]
            ),
            st.text(TEXTY, max_size=30),
        ),
        max_size=40,
    )
)
def test_the_html_reader_never_crashes(folder: Path, html: list[str]) -> None:
    path = folder / "page.html"
    path.write_text("".join(html), encoding="utf-8")
    try:
        raw = read_dispatch(path, root=folder)
    except DispatchError:
        return
    assert raw.title.strip()


# --- The cleaner ----------------------------------------------------------------------------


@st.composite
def raw_dispatch(draw: st.DrawFn) -> RawDispatch:
    title = draw(LINE.filter(non_blank))
    blocks = [b for b in draw(st.lists(BLOCK, max_size=8)) if any(map(non_blank, b))]
    return RawDispatch(
        path="fuzz.txt",
        title=" ".join(title.split()),
        blocks=tuple(
            "\n".join(line.rstrip() for line in block if non_blank(line)) for block in blocks
        ),
        meta=Metadata(),
        sha256="0" * 64,
        encoding="utf-8",
        fmt="txt",
    )


def words(*texts: str) -> Counter[str]:
    return Counter(w for text in texts for w in text.split())


def is_sub_join(paragraph: str, lines: list[str]) -> bool:
    """True if paragraph is some of lines (folded, in order) joined by single spaces."""
    target = paragraph.split(" ")

    def match(i: int, j: int) -> bool:
        if i == len(target):
            return True
        for k in range(j, len(lines)):
            line = fold(lines[k]).split(" ")
            if target[i : i + len(line)] == line and match(i + len(line), k + 1):
                return True
        return False

    return match(0, 0)


@FUZZ
@given(raw=raw_dispatch())
def test_the_cleaner_loses_nothing_and_keeps_the_order(raw: RawDispatch) -> None:
    lines = [raw.title] + [line for block in raw.blocks for line in block.split("\n")]
    try:
        cleaned = clean(raw)
    except DispatchError:
        # refused only when every line is debris that may not be a title
        assert all(match_line(line, title=True) is not None for line in lines)
        return
    assert cleaned.title and cleaned.title == fold(cleaned.title)
    # nothing lost, nothing invented: every word is in the title, a paragraph or a removal
    assert words(*lines) == words(
        cleaned.title, *cleaned.paragraphs, *(r.text for r in cleaned.removed)
    )
    # paragraphs come from the input's blocks, one block each, in order
    sources = [raw.title.split("\n")] + [block.split("\n") for block in raw.blocks]
    at = 0
    for paragraph in cleaned.paragraphs:
        while at < len(sources) and not is_sub_join(paragraph, sources[at]):
            at += 1
        assert at < len(sources), f"paragraph not from the blocks, in order: {paragraph!r}"
        at += 1
    # the title is the first line that is not debris
    first_kept = next(line for line in lines if match_line(line, title=True) is None)
    assert cleaned.title == fold(first_kept)


# --- Search tokens: Python and JavaScript agree ---------------------------------------------

ANALYSIS_JS = ROOT / "theme" / "static" / "js" / "search" / "analysis.js"
NODE_LOOP = """
const A = require(process.argv[1]);
const rl = require("readline").createInterface({ input: process.stdin });
rl.on("line", (line) => {
  const text = JSON.parse(line);
  process.stdout.write(JSON.stringify([A.analyze(text), A.analyzeUnstemmed(text)]) + "\\n");
});
"""


class Node:
    """One node process that answers a JSON line per text."""

    def __init__(self) -> None:
        node = shutil.which("node")
        if node is None:
            if os.environ.get("CI"):
                pytest.fail("node is needed for the tokenizer parity test")
            pytest.skip("node is not installed")
        self.proc = subprocess.Popen(
            [node, "-e", NODE_LOOP, str(ANALYSIS_JS)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            bufsize=1,
        )

    def analyze(self, text: str) -> list[list[str]]:
        assert self.proc.stdin and self.proc.stdout
        self.proc.stdin.write(json.dumps(text) + "\n")
        self.proc.stdin.flush()
        return json.loads(self.proc.stdout.readline())

    def close(self) -> None:
        if self.proc.stdin:
            self.proc.stdin.close()
        self.proc.wait(timeout=10)


@pytest.fixture(scope="module")
def node() -> Iterator[Node]:
    if not ANALYSIS_JS.is_file():
        pytest.fail(
            f"{ANALYSIS_JS.relative_to(ROOT)} is missing: the search client has no tokenizer"
        )
    proc = Node()
    yield proc
    proc.close()


# Characters Python's Unicode tables know (JavaScript's ICU may know newer ones: a character
# unassigned in Python's tables is outside what the two can be asked to agree on).
ASSIGNED = st.characters(exclude_categories=("Cn", "Cs", "Co")).filter(
    lambda c: unicodedata.category(c) != "Cn"
)
FRENCH = st.lists(
    st.one_of(
        st.sampled_from(
            "abcdefghijklmnopqrstuvwxyzéèêëàâäîïôöùûüçœæÉÈÀÇŒ'’‘ʼ´`-  .,;:!?«»\"()0123456789"
        ),
        st.sampled_from(
            [
                "l'",
                "d’",
                "qu'",
                "jusqu’",
                "aujourd'hui",
                "cœur",
                "ﬁ",
                "Ⅻ",
                "²",
                "ß",
                "İ",
                "ς",
                "e\u0301",
                "\u00a0",
                "\u202f",
                "𝔄𝔩𝔢𝔭",
                "🇸🇾",
                "x\u200dy",
                "élections",
                "présidentielles",
                "bombardements",
                "Idleb",
                "OSDH",
                "Ghouta",
            ]
        ),
    ),
    max_size=40,
).map("".join)


@FUZZ
@given(
    text=st.one_of(FRENCH, st.text(ASSIGNED, max_size=60), st.sampled_from(SENTENCES + BOILERPLATE))
)
def test_python_and_javascript_tokens_are_equal(node: Node, text: str) -> None:
    from archive_search.analysis import analyze, analyze_unstemmed

    assert node.analyze(text) == [analyze(text), analyze_unstemmed(text)]
