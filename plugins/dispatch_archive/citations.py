"""How to cite a dispatch: plain text, BibTeX and CSL-JSON, each with its permalink and hash.

The permalink is SITEURL + the page's path when SITEURL is set, else the path relative to
the site root: an archive read from a USB stick has no address to give. The raw file's
SHA-256 lets a reader check that a quotation comes from the bytes that were archived.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

from .site import Dispatch, french_date

NBSP = "\u00a0"
# BibTeX's special characters, escaped so that a title such as « 100 % d'échec » or a
# brace in scraped text neither breaks the entry nor turns into a LaTeX command.
_BIBTEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "%": r"\%",
    "&": r"\&",
    "#": r"\#",
    "$": r"\$",
    "_": r"\_",
    "^": r"\^{}",
    "~": r"\~{}",
}
_BIBTEX_RE = re.compile("|".join(re.escape(c) for c in _BIBTEX_SPECIAL))
# Characters a URL may keep as they are; anything else (spaces, braces, backslashes) is
# percent-encoded, so that a permalink is one token in every format.
_URL_SAFE = ":/?#[]@!$&'()*+,;=%~-._"


def permalink(siteurl: str, path: str) -> str:
    """SITEURL + path when SITEURL is set, else the path from the site root."""
    return f"{siteurl.rstrip('/')}/{path}" if siteurl else path


def citation_parts(d: Dispatch) -> tuple[str, str]:
    """What comes before the archive's name (source, title, date) and the raw file's identity."""
    r = d.record
    date = french_date(d.date) if d.date else f"s.{NBSP}d."
    source = r.get("source") or "Source inconnue"
    return (
        f"{source}, «{NBSP}{r['title']}{NBSP}», {date}",
        f"fichier brut {r['path']}, SHA-256 {r['sha256']}",
    )


def plain_text(d: Dispatch, sitename: str, link: str) -> str:
    """Plain-text citation: source, title, date, archive, permalink, raw file and its hash.

    dispatch.html writes the same sentence around the page's own permalink.
    """
    head, tail = citation_parts(d)
    return f"{head}, {sitename}, {_url(link)} ({tail})."


def bibtex(d: Dispatch, sitename: str, link: str) -> str:
    """One BibTeX @misc entry, keyed by the dispatch's slug."""
    r = d.record
    fields: list[tuple[str, str]] = [("title", "{" + bibtex_escape(r["title"]) + "}")]
    if r.get("source"):
        fields.append(("author", "{" + bibtex_escape(r["source"]) + "}"))  # braces: an institution
    if d.date:
        fields += [("date", d.date[:10]), ("year", d.date[:4])]
    fields += [
        ("howpublished", bibtex_escape(sitename)),
        ("url", _url(link)),
        ("note", bibtex_escape(f"Fichier brut {r['path']}, SHA-256 {r['sha256']}")),
        ("langid", "french"),
    ]
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@misc{{{d.slug},\n{body}\n}}\n"


def csl_item(d: Dispatch, sitename: str, link: str) -> dict[str, Any]:
    """One CSL-JSON item (the format of Zotero, Pandoc and citeproc)."""
    r = d.record
    item: dict[str, Any] = {
        "id": d.slug,
        "type": "article-newspaper",
        "title": r["title"],
        "language": "fr",
        "URL": _url(link),
        "archive": sitename,
        "archive_location": r["path"],
        "note": f"SHA-256 {r['sha256']}",
    }
    if r.get("source"):
        item["container-title"] = r["source"]
    if d.date:
        item["issued"] = {"date-parts": [[int(part) for part in d.date[:10].split("-")]]}
    return item


def bibtex_escape(text: str) -> str:
    """Escape BibTeX's special characters."""
    return _BIBTEX_RE.sub(lambda m: _BIBTEX_SPECIAL[m.group(0)], text)


def _url(link: str) -> str:
    return quote(link, safe=_URL_SAFE)
