"""The reader on the seed, on headers, sidecars, HTML pages and other encodings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import SEED, SHARED_SEED

from dispatch_cleaning.errors import DispatchError
from dispatch_cleaning.reader import parse_date, read_dispatch

BODY = "Le régime syrien a bombardé dimanche la province d'Idleb, selon l'OSDH.\n\nLes combats se poursuivent."


def test_sample_seed_is_the_shared_seed_byte_for_byte() -> None:
    if SHARED_SEED.exists():
        assert SEED.read_bytes() == SHARED_SEED.read_bytes()


def test_seed_title_and_blocks() -> None:
    raw = read_dispatch(SEED)
    assert raw.title == "Deux enfants tués dans de nouveaux bombardements syriens et russes sur Idleb"
    assert raw.meta.date is None and raw.meta.source is None
    assert raw.blocks[-1] == "Dernières nouvelles"
    assert len(raw.blocks) == 14
    assert raw.encoding == "utf-8" and raw.fmt == "txt"


def test_header_block_gives_metadata(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text(f"Date: 2018-09-09\nSource: AFP\nURL: https://example.org/x\nLang: fr\n\nTitre\n\n{BODY}\n", encoding="utf-8")
    raw = read_dispatch(path)
    assert (raw.meta.date, raw.meta.source, raw.meta.url, raw.meta.lang) == ("2018-09-09", "AFP", "https://example.org/x", "fr")
    assert raw.title == "Titre"
    assert raw.blocks[-1] == "Les combats se poursuivent."


def test_a_title_like_key_value_line_is_not_a_header(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("Syrie : le régime reprend Alep\n\nTexte.\n", encoding="utf-8")
    assert read_dispatch(path).title == "Syrie : le régime reprend Alep"


def test_sidecar_wins_and_invalid_sidecar_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("Date: 2018-09-09\n\nTitre\n\nTexte.\n", encoding="utf-8")
    (tmp_path / "a.json").write_text(json.dumps({"date": "2019-03-23", "source": "Reuters"}), encoding="utf-8")
    raw = read_dispatch(path)
    assert raw.meta.date == "2019-03-23" and raw.meta.source == "Reuters"
    (tmp_path / "a.json").write_text("{not json", encoding="utf-8")
    raw = read_dispatch(path)
    assert raw.meta.date == "2018-09-09"
    assert any("JSON invalide" in w for w in raw.warnings)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2018-09-09", "2018-09-09"),
        ("2018-09-09T14:05:00+02:00", "2018-09-09"),
        ("2018-09-09 14:05", "2018-09-09"),
        ("2018-02-30", None),
        ("demain", None),
        ("0001-01-01", None),
    ],
)
def test_dates_are_checked_never_invented(value: str, expected: str | None) -> None:
    assert parse_date(value) == expected


def test_impossible_date_leaves_the_dispatch_undated(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("Date: 2018-02-30\n\nTitre\n\nTexte.\n", encoding="utf-8")
    raw = read_dispatch(path)
    assert raw.meta.date is None
    assert any("date invalide" in w for w in raw.warnings)


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1", "utf-16", "utf-8-sig"])
def test_other_encodings_are_detected(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "a.txt"
    path.write_text(f"Alep : l'armée syrienne avance\n\n{BODY}\n", encoding=encoding)
    raw = read_dispatch(path)
    assert raw.title == "Alep : l'armée syrienne avance"
    assert "régime" in raw.blocks[0]


def test_mojibake_is_repaired(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes("Le rÃ©gime syrien\n\nLes forces du rÃ©gime ont progressÃ© Ã  Alep.\n".encode())
    raw = read_dispatch(path)
    assert raw.title == "Le régime syrien"
    assert raw.blocks[0] == "Les forces du régime ont progressé à Alep."


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "vide"),
        (b"  \n\n \t \n", "blancs"),
        (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG"),
    ],
)
def test_unreadable_files_are_refused_with_a_reason(tmp_path: Path, data: bytes, reason: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(data)
    with pytest.raises(DispatchError, match=reason):
        read_dispatch(path)


def test_html_page_title_body_and_metadata(tmp_path: Path) -> None:
    page = """<!DOCTYPE html><html lang="fr"><head><title>Alep évacuée - Le Journal</title>
    <meta property="og:title" content="Alep : fin des évacuations">
    <meta property="og:site_name" content="Le Journal"><meta property="og:url" content="https://example.org/alep">
    <meta property="article:published_time" content="2016-12-22T18:00:00+01:00">
    <style>p{color:red}</style><script>alert(1)</script></head>
    <body><nav><p>Accueil</p></nav><header><p>Le Journal</p></header>
    <article><h1>Alep : fin des évacuations</h1>
    <figure><img src="x.jpg"><figcaption>© AFP / Karam al-Masri</figcaption></figure>
    <p>Les derniers civils et combattants ont quitté Alep-Est jeudi, selon le CICR.</p>
    <p>Partager sur Facebook</p><p>Le régime contrôle désormais toute la ville.</p></article>
    <aside><p>Lire aussi : autre chose</p></aside><footer><p>© Le Journal</p></footer></body></html>"""
    path = tmp_path / "p.html"
    path.write_text(page, encoding="utf-8")
    raw = read_dispatch(path)
    assert raw.title == "Alep : fin des évacuations"
    assert raw.meta.date == "2016-12-22" and raw.meta.source == "Le Journal" and raw.meta.lang == "fr"
    assert raw.blocks == (
        "Les derniers civils et combattants ont quitté Alep-Est jeudi, selon le CICR.",
        "Partager sur Facebook",
        "Le régime contrôle désormais toute la ville.",
    )


def test_html_title_falls_back_to_title_tag_without_site_name(tmp_path: Path) -> None:
    path = tmp_path / "p.html"
    path.write_text("<html><head><title>Raqa libérée - Le Site</title></head><body><p>Texte.</p></body></html>", encoding="utf-8")
    assert read_dispatch(path).title == "Raqa libérée"


def test_raw_file_is_never_modified(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(SEED.read_bytes())
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    read_dispatch(path)
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before


def test_noncharacters_of_every_plane_and_controls_are_dropped_and_counted() -> None:
    from dispatch_cleaning.reader import normalise

    warnings: list[str] = []
    text = "Alep\u0007 \U0001fffe\ufdd0tient \U0010ffff😀 « bon »\u200b\n"
    assert normalise(text, warnings) == "Alep tient 😀 « bon »\n"
    # the bell, the two noncharacters beyond the BMP and U+FDD0; the zero-width space is not
    # counted (nothing visible is lost)
    assert warnings == ["4 caractère(s) de contrôle retiré(s)"]
    clean: list[str] = []
    assert normalise("Alep tient 😀 « bon »\n", clean) == "Alep tient 😀 « bon »\n" and not clean


def test_mojibake_is_looked_for_only_where_a_run_can_start() -> None:
    from dispatch_cleaning.reader import MOJIBAKE, MOJIBAKE_PAIR, normalise

    for text in ("Ã©tÃ© Ã  Alep", "lâ€™armÃ©e", "Ã", "»Ã", "é » à « ’ … –"):
        assert bool(MOJIBAKE_PAIR.search(text)) == bool(MOJIBAKE.search(text)), text
    warnings: list[str] = []
    assert normalise("lâ€™armÃ©e Ã  Alep", warnings) == "l’armée à Alep"
    assert warnings == ["mojibake réparé (UTF-8 lu comme Windows-1252)"]
    untouched: list[str] = []
    assert normalise("« L’armée », à Alep – été…", untouched) == "« L’armée », à Alep – été…"
    assert not untouched
