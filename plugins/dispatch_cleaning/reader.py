"""Read a raw scraped dispatch (.txt or .html) into a RawDispatch; never modify the file."""

from __future__ import annotations

import codecs
import datetime as dt
import hashlib
import json
import logging
import re
import unicodedata
from pathlib import Path
from typing import Any

import charset_normalizer
from bs4 import BeautifulSoup, Tag

from .errors import DispatchError
from .model import Metadata, RawDispatch

logger = logging.getLogger(__name__)

SUFFIXES = (".txt", ".html", ".htm")
MAX_BYTES = 50 * 1024 * 1024  # larger files are refused: no dispatch is 50 MB of text

# Signatures of files that are not text whatever their name says (a PDF renamed .txt).
BINARY_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "PDF"),
    (b"\x89PNG", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF8", "GIF"),
    (b"PK\x03\x04", "ZIP/Office"),
    (b"\x1f\x8b", "gzip"),
    (b"\x7fELF", "exécutable ELF"),
    (b"\xd0\xcf\x11\xe0", "document Office ancien"),
    (b"RIFF", "RIFF (image ou son)"),
    (b"ID3", "MP3"),
)

HEADER_KEYS = {"date": "date", "source": "source", "url": "url", "lang": "lang", "langue": "lang"}
HEADER_LINE = re.compile(r"^\s*(?P<key>[A-Za-zé]+)\s*:\s*(?P<value>\S.*?)\s*$")

# UTF-8 read as Windows-1252 ("Ã©" for "é", "â€™" for "’"): runs that decode back to UTF-8.
_MOJIBAKE_LEAD = "[\u00c2-\u00f4]"
_MOJIBAKE_TAIL = ("[\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192"
                  "\u02c6\u02dc\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a"
                  "\u20ac\u2122]")
MOJIBAKE = re.compile(f"(?:{_MOJIBAKE_LEAD}{_MOJIBAKE_TAIL}{{1,3}})+")
# What every run of MOJIBAKE opens on, looked for first: a search for this pair is four times
# faster than the runs' own expression, and text that has none needs no repair (most text).
MOJIBAKE_PAIR = re.compile(f"{_MOJIBAKE_LEAD}{_MOJIBAKE_TAIL}")
# Control characters, zero-width space and BOM, and Unicode noncharacters (U+FDD0..U+FDEF and
# U+xFFFE/U+xFFFF of every plane): none is text, and HTML forbids the noncharacters. Those
# beyond the Basic Multilingual Plane are a class of their own, looked for only in text that
# has such characters (ASTRAL): in one class with the others they made Python's engine test
# every character against a list of ranges, ten times slower (0.2 ms for 3 KB of text).
CONTROL = re.compile(
    "[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200b\ufeff\ufdd0-\ufdef\ufffe\uffff]"
)
ASTRAL = re.compile("[\U00010000-\U0010ffff]")  # one range: as fast as the class above
ASTRAL_NONCHARACTER = re.compile(
    "[" + "".join(chr(plane << 16 | low) for plane in range(1, 17) for low in (0xFFFE, 0xFFFF))
    + "]"
)
# A terminal colour or cursor sequence pasted with the text (ESC [ … letter): dropped whole.
ANSI_ESCAPE = re.compile("\u001b\\[[0-?]*[ -/]*[@-~]")


def read_dispatch(path: Path, *, root: Path | None = None) -> RawDispatch:
    """Read one raw file; raise DispatchError when it cannot be read as a dispatch."""
    shown = (path.relative_to(root) if root else path).as_posix()
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DispatchError(shown, f"illisible ({exc.strerror or exc})") from exc
    if len(data) > MAX_BYTES:
        raise DispatchError(shown, f"trop grand ({len(data)} octets, limite {MAX_BYTES})")
    warnings: list[str] = []
    text, encoding = decode(data, shown, warnings)
    fmt = "html" if path.suffix.lower() in (".html", ".htm") else "txt"
    if fmt == "html":
        title, blocks, meta = parse_html(text)
    else:
        title, blocks, meta = parse_txt(text, shown, warnings)
    meta = merge_sidecar(path, meta, shown, warnings)
    if meta.date is not None:
        checked = parse_date(meta.date)
        if checked is None:
            warnings.append(f"date invalide ignorée : {meta.date!r}")
        meta = Metadata(date=checked, source=meta.source, url=meta.url, lang=meta.lang)
    if not title:
        raise DispatchError(shown, "aucun texte" if not blocks else "aucun titre")
    return RawDispatch(
        path=shown,
        title=title,
        blocks=tuple(blocks),
        meta=meta,
        sha256=hashlib.sha256(data).hexdigest(),
        encoding=encoding,
        fmt=fmt,
        warnings=tuple(warnings),
    )


def decode(data: bytes, shown: str, warnings: list[str]) -> tuple[str, str]:
    """Decode raw bytes to NFC text, detecting the encoding; refuse binary files."""
    if not data.strip():
        raise DispatchError(shown, "fichier vide" if not data else "ne contient que des blancs")
    for bom, name in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return normalise(data.decode(name), warnings), name
            except UnicodeDecodeError as exc:
                raise DispatchError(shown, f"marque {name} mais contenu invalide") from exc
    for magic, kind in BINARY_MAGIC:
        if data.startswith(magic):
            raise DispatchError(shown, f"fichier binaire ({kind}), pas du texte")
    nuls = data.count(0)
    if nuls:
        if nuls * 3 > len(data):  # UTF-16 without BOM has a NUL in every other byte
            guess = charset_normalizer.from_bytes(data).best()
            if guess is not None and guess.encoding.startswith("utf_16"):
                return normalise(str(guess), warnings), guess.encoding
            raise DispatchError(shown, "fichier binaire (octets nuls), pas du texte")
        warnings.append(f"{nuls} octet(s) nul(s) retiré(s)")
        data = data.replace(b"\x00", b"")
    try:
        return normalise(data.decode("utf-8"), warnings), "utf-8"
    except UnicodeDecodeError:
        pass
    text, invalid = _mostly_utf8(data)
    if text is not None:
        warnings.append(f"{invalid} octet(s) invalide(s) en UTF-8 remplacé(s) par « \ufffd »")
        return normalise(text, warnings), "utf-8"
    # French scrapes that are not UTF-8 are Windows-1252 or Latin-1 in practice; the detector
    # is asked only when neither fits, because it mistakes short French text for cp1250.
    for name in ("cp1252", "latin-1"):
        try:
            text = data.decode(name)
        except UnicodeDecodeError:
            continue
        if not re.search("[\u0080-\u009f]", text):
            warnings.append(f"encodage détecté : {name}")
            return normalise(text, warnings), name
    guess = charset_normalizer.from_bytes(data).best()
    if guess is None:
        raise DispatchError(shown, "encodage indéterminé: ce n'est pas du texte")
    warnings.append(f"encodage détecté : {guess.encoding}")
    return normalise(str(guess), warnings), guess.encoding


def _mostly_utf8(data: bytes) -> tuple[str | None, int]:
    """UTF-8 with a few broken bytes (a truncated scrape): decoded with U+FFFD in their place.

    Windows-1252 or Latin-1 French has no valid multi-byte UTF-8 sequence at all, so a file
    where valid sequences outnumber invalid bytes three to one is UTF-8 that got damaged.
    """
    text = data.decode("utf-8", errors="replace")
    invalid = text.count("\ufffd") - data.count("\ufffd".encode())
    valid = sum(1 for char in text if ord(char) > 0x7F and char != "\ufffd")
    if valid and valid >= 3 * invalid:
        return text, invalid
    return None, invalid


def normalise(text: str, warnings: list[str]) -> str:
    """NFC, Unix newlines, no control characters, mojibake repaired."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    fixed = MOJIBAKE.sub(_unmojibake, text) if MOJIBAKE_PAIR.search(text) else text
    if fixed != text:
        # "à" is C3 A0 in UTF-8; read as cp1252 the A0 is a no-break space that scrapers
        # often turn into a plain one, so "Ã " is left after the repair above.
        fixed = fixed.replace("Ã  ", "à ").replace("Ã ", "à ")
        warnings.append("mojibake réparé (UTF-8 lu comme Windows-1252)")
        text = fixed
    text = text.replace("\t", " ").replace("\f", "\n")
    text, escapes = ANSI_ESCAPE.subn("", text)
    invisible = text.count("\u200b") + text.count("\ufeff")  # zero-width: nothing visible is lost
    text, dropped = CONTROL.subn("", text)
    if ASTRAL.search(text):  # a character beyond the BMP: maybe a noncharacter
        text, astral = ASTRAL_NONCHARACTER.subn("", text)
        dropped += astral
    if escapes or dropped > invisible:
        warnings.append(f"{escapes + dropped - invisible} caractère(s) de contrôle retiré(s)")
    text = unicodedata.normalize("NFC", text)
    if len(text) - text.count("\n") > 0 and not text.strip():
        return ""
    return text


def _unmojibake(match: re.Match[str]) -> str:
    run = match.group(0)
    try:
        return run.encode("cp1252").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return run


def split_blocks(lines: list[str]) -> list[str]:
    """Group lines into blank-line separated blocks, lines kept within a block."""
    blocks: list[str] = []
    current: list[str] = []
    for line in lines:
        if line.strip():
            current.append(line.rstrip())
        elif current:
            blocks.append("\n".join(current))
            current = []
    if current:
        blocks.append("\n".join(current))
    return blocks


def parse_txt(text: str, shown: str, warnings: list[str]) -> tuple[str, list[str], Metadata]:
    """Split a scraped .txt into an optional header, the title line and the blocks."""
    lines = text.split("\n")
    while lines and not lines[0].strip():
        lines.pop(0)
    meta: dict[str, str] = {}
    header_end = 0
    for i, line in enumerate(lines):
        if not line.strip():
            header_end = i if meta else 0
            break
        m = HEADER_LINE.match(line)
        key = HEADER_KEYS.get(m.group("key").lower()) if m else None
        if m is None or key is None:
            meta = {}
            break
        meta[key] = m.group("value")
    else:
        meta = {}  # a file made only of "Key: value" lines has no header, it is all text
    if meta:
        lines = lines[header_end:]
    blocks = split_blocks(lines)
    if not blocks:
        return "", [], Metadata(**meta)
    first = blocks[0].split("\n")
    title = " ".join(first[0].split())
    rest = ["\n".join(first[1:])] if len(first) > 1 else []
    return title, rest + blocks[1:], Metadata(**meta)


HTML_DROP = (
    "script",
    "style",
    "noscript",
    "template",
    "nav",
    "header",
    "footer",
    "aside",
    "figure",
    "figcaption",
    "form",
    "iframe",
    "svg",
    "button",
    "object",
    "embed",
    "video",
    "audio",
)
SITE_SUFFIX = re.compile(r"\s+[-|–—]\s+[^-|–—]{2,60}$")


_ARTICLE_BODY: dict[str, Any] = {"itemprop": "articleBody"}  # schema.org article body


def parse_html(text: str) -> tuple[str, list[str], Metadata]:
    """Take the title, paragraphs and metadata of a saved article page."""
    soup = BeautifulSoup(text, "html.parser")
    article = soup.find("article") or soup.find(None, _ARTICLE_BODY) or soup.find("main")
    title = ""
    for scope in (article, soup):
        if isinstance(scope, Tag):
            h1 = scope.find("h1")
            if isinstance(h1, Tag) and h1.get_text(strip=True):
                title = h1.get_text(" ", strip=True)
                h1.decompose()
                break
    if not title:
        og = _meta(soup, "og:title")
        if og:
            title = og
    if not title and soup.title and soup.title.get_text(strip=True):
        title = SITE_SUFFIX.sub("", soup.title.get_text(" ", strip=True))
    lang = None
    if isinstance(soup.html, Tag):
        value = soup.html.get("lang")
        lang = value if isinstance(value, str) else None
    date = _meta(soup, "article:published_time") or _meta(soup, "date")
    time_tag = soup.find("time")
    if not date and isinstance(time_tag, Tag) and isinstance(time_tag.get("datetime"), str):
        date = str(time_tag["datetime"])
    meta = Metadata(
        date=date,
        source=_meta(soup, "og:site_name"),
        url=_meta(soup, "og:url"),
        lang=lang,
    )
    for name in HTML_DROP:
        for node in soup.find_all(name):
            node.decompose()
    scope = soup.find("article") or soup.find(None, _ARTICLE_BODY)
    scope = scope or soup.find("main") or _densest(soup) or soup
    blocks: list[str] = []
    for node in scope.find_all(["p", "h2", "h3", "h4", "li", "blockquote"]):
        if node.find(["p", "li"]):  # a container: its own children are taken instead
            continue
        para = " ".join(node.get_text(" ", strip=True).split())
        if para:
            blocks.append(para)
    title = " ".join(title.split())
    return title, blocks, meta


def _meta(soup: BeautifulSoup, name: str) -> str | None:
    node = soup.find("meta", attrs={"property": name}) or soup.find("meta", attrs={"name": name})
    if isinstance(node, Tag):
        content = node.get("content")
        if isinstance(content, str) and content.strip():
            return " ".join(content.split())
    return None


def _densest(soup: BeautifulSoup) -> Tag | None:
    """The element holding the most paragraphs, for pages with no <article>."""
    best: Tag | None = None
    best_count = 0
    for node in soup.find_all(["div", "section", "body"]):
        count = len(node.find_all("p", recursive=False))
        if count > best_count:
            best, best_count = node, count
    return best


def merge_sidecar(path: Path, meta: Metadata, shown: str, warnings: list[str]) -> Metadata:
    """Let NAME.json beside the file override the header's metadata."""
    sidecar = path.with_suffix(".json")
    if not sidecar.is_file():
        return meta
    try:
        data = json.loads(sidecar.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        warnings.append(f"fichier annexe {sidecar.name} ignoré : JSON invalide ({exc})")
        return meta
    if not isinstance(data, dict):
        warnings.append(f"fichier annexe {sidecar.name} ignoré : un objet JSON est attendu")
        return meta
    values = {k: data.get(k) for k in ("date", "source", "url", "lang")}
    merged = {
        k: (str(v) if isinstance(v, (str, int)) and str(v).strip() else getattr(meta, k))
        for k, v in values.items()
    }
    return Metadata(**merged)


DATE_FORMATS = ("%Y-%m-%d", "%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S")


def parse_date(value: str) -> str | None:
    """Return the ISO date (YYYY-MM-DD) of a metadata date, or None if it is not a real date."""
    value = value.strip()
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        parsed = None
        for fmt in DATE_FORMATS:
            try:
                parsed = dt.datetime.strptime(value, fmt)
                break
            except ValueError:
                continue
    if parsed is None or not 1900 <= parsed.year <= 2100:
        return None
    return parsed.date().isoformat()
