"""A corpus of hostile raw dispatches, generated into a content folder at test time.

Each Case is one thing a scrape can throw at the archive: a file that is not text, a strange
encoding, a hostile payload, an awkward name, a clash. The case says what the build must do
with it: publish it (``ok``), publish it and flag it (``doublon``) or refuse it with a reason
(``erreur``). Big and binary inputs are made here, never committed.
"""

from __future__ import annotations

import codecs
import shutil
import struct
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
CONTENT = ROOT / "content"

# Normal dispatches copied beside the hostile ones: the rest of the archive must still be built.
NORMAL = (
    "000_ed6308b521bfe103.txt",
    "001_deraa-manifestants-tues.txt",
    "006_ghouta-attaque-chimique.html",
    "007_geneve-accord-armes-chimiques.txt",
    "007_geneve-accord-armes-chimiques.json",
    "032_mort-baghdadi-raid-idleb.txt",
)

BODY = (
    "Des frappes aériennes ont visé mardi plusieurs localités de la province d'Idleb, dans le "
    "nord-ouest de la Syrie, selon l'Observatoire syrien des droits de l'homme (OSDH). "
    "Les secouristes des Casques blancs ont dégagé des blessés des décombres à Maaret al-Noomane."
)
XSS = "<script>alert(1)</script>"
TEMPLATE_PAYLOADS = ("{{ 7*7 }}", "{% raw %}", "{% endraw %}", "{# commentaire #}", "${7*7}")


@dataclass(frozen=True)
class Case:
    """One hostile input: its files, what the build must do, and what to look for."""

    key: str  # test id
    what: str  # the hostile thing, in a few words (docs/robustness.md lists them)
    files: dict[str, bytes | Callable[[], bytes]]  # name -> content; the first is the dispatch
    status: str  # "ok", "doublon" or "erreur" in rapport.json
    reason: str = ""  # a substring of the refusal reason, or of a warning for ok/doublon
    literal: tuple[str, ...] = ()  # texts that must appear verbatim (escaped) on the page
    absent: tuple[str, ...] = ()  # texts that must not appear in the page's visible text
    title: str | None = None  # the expected title, when it is worth checking

    @property
    def path(self) -> str:
        """The dispatch's path relative to the dispatches folder."""
        return next(iter(self.files))


def u8(text: str) -> bytes:
    return text.encode("utf-8")


def txt(title: str, *blocks: str, header: str = "") -> str:
    head = header + "\n\n" if header else ""
    return head + title + "\n\n" + "\n\n".join(blocks) + "\n"


def png_bytes() -> bytes:
    """A real 1×1 PNG image."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00\xff\x00\x00")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def pdf_bytes() -> bytes:
    """A small but well-formed PDF whose text is French (a renamed PDF still says « Idleb »)."""
    stream = b"BT /F1 12 Tf 72 720 Td (Frappes sur Idleb, selon l'OSDH) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (n, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def big_dispatch(size: int = 10 * 1024 * 1024) -> bytes:
    """A 10 MB dispatch of distinct paragraphs (nothing for the duplicate rule to fold)."""
    parts = [u8("Dépêche fleuve : dix mégaoctets de texte sur Idleb\n\n")]
    total, n = len(parts[0]), 0
    while total < size:
        n += 1
        para = u8(f"Paragraphe {n}. {BODY}\n\n")
        parts.append(para)
        total += len(para)
    return b"".join(parts)


def long_line(size: int = 1024 * 1024) -> bytes:
    """One 1 MB line of words, after a normal title."""
    words = (BODY + " ").encode("utf-8")
    line = (words * (size // len(words) + 1))[:size].rsplit(b" ", 1)[0]
    return u8("Une seule ligne d'un mégaoctet\n\n") + line + b"\n"


def long_word() -> bytes:
    """One 1 MB line without a single space (a base64 blob pasted into a scrape)."""
    return (
        u8("Un mot d'un mégaoctet\n\n")
        + b"QUxFUA" * (1024 * 1024 // 6)
        + b"\n\n"
        + u8(BODY)
        + b"\n"
    )


def deep_html(depth: int = 5000) -> bytes:
    """A page nested 5000 levels deep (parsers that recurse fall over)."""
    return u8(
        "<html><body><article><h1>Page imbriquée sur cinq mille niveaux</h1>"
        + "<div>" * depth
        + f"<p>{BODY}</p>"
        + "</div>" * depth
        + "</article></body></html>"
    )


HOSTILE_HTML = """<!DOCTYPE html>
<html lang="fr"><head>
<title>Page piégée - Site hostile</title>
<base href="https://evil.example/">
<meta http-equiv="refresh" content="0;url=https://evil.example/">
<meta property="og:url" content="javascript:alert(document.domain)">
<meta property="og:site_name" content="&lt;img src=x onerror=alert(2)&gt;">
<meta property="article:published_time" content="2016-12-14T10:00:00+01:00">
<link rel="stylesheet" href="https://evil.example/x.css">
<style>body { background: url(https://evil.example/x.png) }</style>
<script>alert("head")</script>
</head>
<body onload="alert(3)">
<article>
<h1 onclick="alert(4)">Alep : bombardements <script>alert("titre")</script>meurtriers</h1>
<p onmouseover="alert(5)">Des frappes ont visé Alep <a href="javascript:alert(6)">selon l'OSDH</a>,
faisant au moins dix morts.</p>
<iframe src="https://evil.example/frame" onload="alert(7)"></iframe>
<p><img src="x" onerror="alert(8)">Texte qui suit une image piégée.</p>
<p>&lt;script&gt;alert("échappé")&lt;/script&gt; est écrit tel quel dans la dépêche.</p>
<svg onload="alert(9)"><title>svg</title><p>texte dans un svg</p></svg>
<p style="background:url(https://evil.example/p.png)">Paragraphe stylé par la page d'origine.</p>
<object data="https://evil.example/x.swf"></object><embed src="https://evil.example/y.swf">
<form action="https://evil.example/"><input name="q"><button>Envoyer</button></form>
<noscript><img src="https://evil.example/pixel.gif"></noscript>
<template><p>contenu de template</p></template>
</article>
<script src="https://evil.example/tracker.js"></script>
</body></html>
"""

TXT_PAYLOADS = txt(
    f"{XSS} Titre piégé {{{{ 7*7 }}}}",
    f"Corps piégé : {XSS} puis {{{{ 7*7 }}}} puis {{% raw %}} puis {{% endraw %}} puis "
    "{# commentaire #} puis ${7*7} puis <img src=x onerror=alert(2)> puis "
    '<a href="javascript:alert(3)">lien</a> puis "guillemets" & \'apostrophes\' '
    "puis &amp; &lt;b&gt;.",
    '<iframe src="https://evil.example/"></iframe><style>body{display:none}</style>',
    BODY,
    header="Date: 2016-12-13\nSource: <b>AFP</b>",
)

MARKDOWN = txt(
    "# Un titre en *Markdown*",
    "**Gras**, _italique_, `code`, [lien](javascript:alert(1)) et ![image](https://evil.example/x.png).",
    "- premier point\n- second point\n\n> une citation",
    "```\nbloc de code\n```",
    "<https://evil.example/autolien> et [ref][1]\n\n[1]: https://evil.example/",
    BODY,
)

SAME_TITLE = "Alep : une trêve fragile tient depuis trois jours"


def cases() -> list[Case]:
    """Every hostile case, in a fixed order."""
    utf8_text = txt(
        "Alep : l’armée reprend le quartier de Salaheddine", BODY, "Élan, œuvre, « guillemets »…"
    )
    return [
        # Files that are not a dispatch at all.
        Case("empty", "fichier vide", {"vide.txt": b""}, "erreur", "fichier vide"),
        Case(
            "whitespace", "que des blancs", {"blancs.txt": b"  \n\t\n\r\n   \n"}, "erreur", "blancs"
        ),
        Case(
            "unicode-blank",
            "que des espaces insécables et des espaces de largeur nulle",
            {"blancs-unicode.txt": u8("\u00a0\u200b\n\u202f\ufeff\n")},
            "erreur",
            "aucun texte",
        ),
        Case(
            "boilerplate-only",
            "que du texte parasite",
            {
                "parasite.txt": u8(
                    txt(
                        "Dernières nouvelles",
                        "Partager sur Facebook",
                        "Tous les articles",
                        "Crédit photo : AFP",
                        "Inscrivez-vous à notre newsletter",
                    )
                )
            },
            "erreur",
            "parasite",
        ),
        Case(
            "header-only",
            "un en-tête de métadonnées sans texte",
            {"entete-seul.txt": u8("Date: 2019-01-01\nSource: AFP\n\n")},
            "erreur",
            "aucun texte",
        ),
        Case("pdf", "un PDF renommé .txt", {"rapport-onu.txt": pdf_bytes}, "erreur", "PDF"),
        Case("png", "une image PNG renommée .txt", {"photo.txt": png_bytes}, "erreur", "PNG"),
        Case(
            "gzip-html",
            "une archive gzip renommée .html",
            {"page.html": lambda: b"\x1f\x8b\x08\x00" + zlib.compress(u8(BODY))},
            "erreur",
            "gzip",
        ),
        Case(
            "elf",
            "un exécutable renommé .txt",
            {"programme.txt": b"\x7fELF\x02\x01\x01" + bytes(range(256)) * 4},
            "erreur",
            "binaire",
        ),
        Case(
            "random-binary",
            "des octets aléatoires pleins de NUL",
            {"aleatoire.txt": bytes((i * 37) % 256 if i % 2 else 0 for i in range(4096))},
            "erreur",
            "binaire",
        ),
        Case(
            "utf16-bad-surrogate",
            "UTF-16 avec BOM mais une demi-paire de substitution",
            {
                "utf16-casse.txt": codecs.BOM_UTF16_LE
                + u8("Titre").decode().encode("utf-16-le")
                + b"\x00\xd8A\x00"
            },
            "erreur",
            "utf-16",
        ),
        # Encodings.
        Case(
            "invalid-utf8",
            "UTF-8 avec des octets invalides",
            {"utf8-invalide.txt": u8(utf8_text)[:60] + b"\xff\xfe\xc3" + u8(utf8_text)[60:]},
            "ok",
            "octet(s) invalide(s)",
            literal=("Salaheddine", "Élan, œuvre", "fr\ufffd\ufffd\ufffdappes"),
        ),
        Case(
            "latin1",
            "Latin-1 (ISO-8859-1)",
            {
                "latin1.txt": txt(
                    "Homs : l'évacuation de la vieille ville a commencé", BODY.replace("’", "'")
                ).encode("latin-1", "replace")
            },
            "ok",
            "encodage",
            title="Homs : l'évacuation de la vieille ville a commencé",
        ),
        Case(
            "cp1252",
            "Windows-1252 (apostrophe typographique, œ, €, guillemets)",
            {
                "cp1252.txt": txt(
                    "Damas : l’aide humanitaire coûte 5 € par œuvre", "« Selon l’OSDH », " + BODY
                ).encode("cp1252")
            },
            "ok",
            "encodage",
            title="Damas : l’aide humanitaire coûte 5 € par œuvre",
        ),
        Case(
            "utf16-bom",
            "UTF-16 avec BOM",
            {
                "utf16.txt": txt("Raqqa : les FDS annoncent la fin des opérations", BODY).encode(
                    "utf-16"
                )
            },
            "ok",
            title="Raqqa : les FDS annoncent la fin des opérations",
        ),
        Case(
            "utf16-nobom",
            "UTF-16 sans BOM",
            {
                "utf16-sans-bom.txt": txt("Kobané : les YPG reprennent la ville", BODY).encode(
                    "utf-16-le"
                )
            },
            "ok",
            title="Kobané : les YPG reprennent la ville",
        ),
        Case(
            "utf8-bom-crlf",
            "UTF-8 avec BOM et fins de ligne Windows",
            {
                "bom-crlf.txt": codecs.BOM_UTF8
                + u8(txt("Deraa : manifestation dispersée", BODY).replace("\n", "\r\n"))
            },
            "ok",
            title="Deraa : manifestation dispersée",
        ),
        Case(
            "cr-only",
            "fins de ligne Mac classique (CR seul)",
            {
                "cr-seul.txt": u8(
                    txt(
                        "Palmyre : l'armée reprend la cité antique", BODY, "Deuxième paragraphe."
                    ).replace("\n", "\r")
                )
            },
            "ok",
            title="Palmyre : l'armée reprend la cité antique",
        ),
        Case(
            "mojibake",
            "mojibake (« Ã© » pour « é »)",
            {
                "mojibake.txt": u8(
                    txt(
                        "Ã‰vacuation d’Alep : la trÃªve est respectÃ©e",
                        "Les civils Ã©vacuÃ©s de l’est dâ€™Alep, " + BODY,
                    )
                )
            },
            "ok",
            "mojibake",
            title="Évacuation d’Alep : la trêve est respectée",
            absent=("Ã",),
        ),
        Case(
            "nul-bytes",
            "octets NUL au milieu du texte",
            {
                "nul.txt": u8(txt("Idleb : des frappes\x00 font dix morts", BODY)).replace(
                    b"OSDH", b"OS\x00DH"
                )
            },
            "ok",
            "nul",
            title="Idleb : des frappes font dix morts",
        ),
        Case(
            "control-chars",
            "caractères de contrôle, séquences ANSI et non-caractères Unicode",
            {
                "controle.txt": u8(
                    txt(
                        "Homs\x1b[31m : alerte\x07 rouge\ufffe\uffff\ufdd0",
                        "Texte\x0b avec\x01 des\x1b[0m contrôles.",
                        BODY,
                    )
                )
            },
            "ok",
            "contrôle",
            title="Homs : alerte rouge",
            literal=("Texte avec des contrôles.",),
        ),
        # Size.
        Case(
            "ten-mb",
            "une dépêche de 10 Mo",
            {"dix-mega.txt": big_dispatch},
            "ok",
            literal=("Paragraphe 1. Des frappes", "Paragraphe 36000. Des frappes"),
        ),
        Case("one-mb-line", "une seule ligne de 1 Mo", {"ligne-un-mega.txt": long_line}, "ok"),
        Case("one-mb-word", "un « mot » de 1 Mo sans espace", {"mot-un-mega.txt": long_word}, "ok"),
        Case(
            "deep-html",
            "HTML imbriqué sur 5000 niveaux",
            {"imbrique.html": deep_html},
            "ok",
            literal=("Des frappes aériennes",),
        ),
        # Hostile markup and payloads.
        Case(
            "hostile-html",
            "HTML avec <script>, <iframe>, on*=, javascript:, <base>, refresh",
            {"piege.html": u8(HOSTILE_HTML)},
            "ok",
            title="Alep : bombardements meurtriers",
            literal=(
                '<script>alert("échappé")</script> est écrit tel quel',
                "Texte qui suit une image piégée.",
            ),
            absent=('alert("titre")', 'alert("head")', "contenu de template"),
        ),
        Case(
            "txt-payloads",
            ".txt avec <script>, {{ 7*7 }}, {% raw %}",
            {"charge-utile.txt": u8(TXT_PAYLOADS)},
            "ok",
            title=f"{XSS} Titre piégé {{{{ 7*7 }}}}",
            literal=(
                XSS,
                *TEMPLATE_PAYLOADS,
                "<img src=x onerror=alert(2)>",
                "\"guillemets\" & 'apostrophes'",
                "&amp; &lt;b&gt;",
            ),
        ),
        Case(
            "markdown",
            "texte qui ressemble à du Markdown",
            {"markdown.txt": u8(MARKDOWN)},
            "ok",
            title="# Un titre en *Markdown*",
            literal=(
                "**Gras**, _italique_, `code`, [lien](javascript:alert(1))",
                "- premier point",
                "```",
            ),
        ),
        Case(
            "hostile-sidecar",
            "fichier annexe aux valeurs hostiles",
            {
                "annexe-hostile.txt": u8(txt("Genève : les pourparlers reprennent", BODY)),
                "annexe-hostile.json": u8(
                    '{"date": "2016-02-01", "source": "<script>alert(1)</script>", '
                    '"url": "javascript:alert(1)", "lang": "\\" onload=\\"x", "title": 7}'
                ),
            },
            "ok",
            literal=(XSS, "javascript:alert(1)"),
        ),
        Case(
            "title-traversal",
            "titre en chemin relatif « ../../ »",
            {"traversee.txt": u8(txt("../../../../etc/passwd", BODY))},
            "ok",
            title="../../../../etc/passwd",
        ),
        Case(
            "title-no-slug",
            "titre sans aucune lettre latine",
            {"sans-slug.txt": u8(txt("!!! ??? … ***", BODY))},
            "ok",
            title="!!! ??? … ***",
        ),
        Case(
            "title-arabic",
            "titre en arabe (slug vide)",
            {"arabe.txt": u8(txt("قصف على إدلب", BODY))},
            "ok",
            title="قصف على إدلب",
        ),
        Case(
            "bidi",
            "contrôles bidirectionnels dans le titre",
            {"bidi.txt": u8(txt("Alep \u202eeniatnof\u202c : tromperie bidirectionnelle", BODY))},
            "ok",
        ),
        # Metadata.
        Case(
            "impossible-date",
            "date impossible dans l'en-tête (30 février)",
            {
                "date-impossible.txt": u8(
                    txt("Douma : attaque présumée", BODY, header="Date: 2019-02-30\nSource: AFP")
                )
            },
            "ok",
            "date invalide",
        ),
        Case(
            "far-date",
            "date hors de portée (3024)",
            {
                "date-lointaine.txt": u8(
                    txt("Alep : une date venue du futur", BODY, header="Date: 3024-01-01")
                )
            },
            "ok",
            "date invalide",
        ),
        Case(
            "bad-sidecar",
            "fichier annexe au JSON invalide",
            {
                "annexe-casse.txt": u8(
                    txt("Astana : un mécanisme de trêve", BODY, header="Date: 2017-01-24")
                ),
                "annexe-casse.json": b'{"date": 2017-01-24,, source: AFP',
            },
            "ok",
            "JSON invalide",
        ),
        Case(
            "sidecar-not-object",
            "fichier annexe qui n'est pas un objet",
            {
                "annexe-liste.txt": u8(txt("Sotchi : zone démilitarisée", BODY)),
                "annexe-liste.json": b"[1, 2, 3]",
            },
            "ok",
            "objet JSON",
        ),
        Case(
            "sidecar-latin1",
            "fichier annexe en Latin-1",
            {
                "annexe-latin1.txt": u8(txt("Moscou : cessez-le-feu à Idleb", BODY)),
                "annexe-latin1.json": '{"source": "Agence Française"}'.encode("latin-1"),
            },
            "ok",
            "annexe",
        ),
        # File names.
        Case(
            "name-spaces",
            "nom avec des espaces",
            {"dépêche avec des espaces.txt": u8(txt("Homs : un nom à espaces", BODY))},
            "ok",
        ),
        Case(
            "name-accents-nfd",
            "nom accentué en forme décomposée (NFD)",
            {
                "e\u0301vacuation-de\u0301compose\u0301e.txt": u8(
                    txt("Homs : un nom décomposé", BODY)
                )
            },
            "ok",
        ),
        Case(
            "name-emoji",
            "nom avec des émojis",
            {"🔥 urgent 🚨.txt": u8(txt("Idleb : un nom à émojis", BODY))},
            "ok",
        ),
        Case(
            "name-dash",
            "nom qui commence par un tiret",
            {"-rf --help.txt": u8(txt("Damas : un nom à tirets", BODY))},
            "ok",
        ),
        Case(
            "name-dots",
            "nom avec « .. »",
            {"fin..txt": u8(txt("Alep : un nom à deux points", BODY))},
            "ok",
        ),
        Case(
            "name-subfolder",
            "sous-dossier au nom hostile",
            {
                "sous dossier ../x..y/dépêche.txt": u8(
                    txt("Raqqa : une dépêche rangée dans un sous-dossier", BODY)
                )
            },
            "ok",
        ),
        Case(
            "upper-suffix",
            "suffixe en capitales (.TXT)",
            {"CAPITALES.TXT": u8(txt("Afrin : un suffixe en capitales", BODY))},
            "ok",
        ),
        # Clashes.
        Case(
            "same-slug-a",
            "deux titres qui donnent le même slug (1)",
            {
                "meme-slug-a.txt": u8(
                    txt(SAME_TITLE, "Première version : " + BODY, header="Date: 2016-09-15")
                )
            },
            "ok",
            title=SAME_TITLE,
        ),
        Case(
            "same-slug-b",
            "deux titres qui donnent le même slug (2)",
            {
                "meme-slug-b.txt": u8(
                    txt(
                        SAME_TITLE.upper() + " !",
                        "Seconde version : " + BODY,
                        header="Date: 2016-09-16",
                    )
                )
            },
            "ok",
        ),
        Case(
            "duplicate-copy",
            "la même dépêche sous deux noms",
            {
                "copie de 001.txt": lambda: (
                    CONTENT / "dispatches" / "001_deraa-manifestants-tues.txt"
                ).read_bytes()
            },
            "doublon",
        ),
    ]


HIDDEN = "..cache-éditeur.txt"  # a name beginning with a dot: see test_hidden_file_is_reported


def filler(n: int) -> bytes:
    """An ordinary dispatch, the n-th of a batch (to make a build big enough to run in parallel)."""
    day = 1 + n % 28
    month = 1 + (n // 28) % 12
    return u8(
        txt(
            f"Idleb : bilan numéro {n} des frappes de la semaine",
            f"Bilan {n}. {BODY}",
            f"Selon l'OSDH, {n % 17 + 2} civils ont été tués.",
            header=f"Date: 2019-{month:02d}-{day:02d}\nSource: AFP",
        )
    )


def write_content(
    dest: Path,
    *,
    with_normal: bool = True,
    only: Iterable[str] | None = None,
    skip: Iterable[str] = (),
    fillers: int = 0,
) -> Path:
    """Write a content folder (dispatches/, gazetteer/, pages/) holding the hostile corpus.

    only/skip choose cases by key; fillers adds that many ordinary dispatches under filler/.
    """
    dispatches = dest / "dispatches"
    dispatches.mkdir(parents=True)
    shutil.copytree(CONTENT / "gazetteer", dest / "gazetteer")
    shutil.copytree(CONTENT / "pages", dest / "pages")
    if with_normal:
        for name in NORMAL:
            shutil.copy2(CONTENT / "dispatches" / name, dispatches / name)
    wanted = set(only) if only is not None else None
    skipped = set(skip)
    for case in cases():
        if (wanted is not None and case.key not in wanted) or case.key in skipped:
            continue
        for name, data in case.files.items():
            target = dispatches / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data() if callable(data) else data)
    if wanted is None:
        (dispatches / HIDDEN).write_bytes(u8(txt("Idleb : une dépêche au nom caché", BODY)))
    if fillers:
        (dispatches / "filler").mkdir()
        for n in range(fillers):
            (dispatches / "filler" / f"{n:04d}.txt").write_bytes(filler(n))
    return dest


def expected_inputs(content: Path) -> list[str]:
    """Every raw dispatch file of a content folder, as the report names them."""
    folder = content / "dispatches"
    suffixes = (".txt", ".html", ".htm")
    return sorted(
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if p.is_file() and p.suffix.lower() in suffixes
    )
