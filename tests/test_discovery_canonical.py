"""Canonical names: pure functions, with the seed's failures and false-positive rows."""

from __future__ import annotations

import pytest

from entity_tags import canonical
from entity_tags.normalize import fold


def _name(text: str, sentence_start: bool = True) -> str:
    start, end, _ = canonical.name_bounds(text, sentence_start)
    return text[start:end]


@pytest.mark.parametrize(
    ("span", "name"),
    [
        ("Les Nations unies", "Nations unies"),  # the seed's first sentence
        ("les Nations unies", "Nations unies"),
        ("M. Poutine", "Poutine"),
        ("le président Bachar al-Assad", "Bachar al-Assad"),
        ("le général norvégien Robert Mood", "Robert Mood"),
        ("Mme Asma al-Assad", "Asma al-Assad"),
        ("cheikh Ahmad al-Sayasneh", "Ahmad al-Sayasneh"),
        ("Dr Ahmad Tarakji", "Ahmad Tarakji"),
        ("Premier ministre Riad Hijab", "Riad Hijab"),
        (
            "l'Observatoire syrien des droits de l'Homme (OSDH)",
            "Observatoire syrien des droits de l'Homme",
        ),
        ("« Munzer Al-Khalil »,", "Munzer Al-Khalil"),
        ("pays du Golfe de", "pays du Golfe"),
        ("Golfe de", "Golfe"),
        # false positives: what looks like an article or a title but is part of the name
        ("al-Hader", "al-Hader"),
        ("Al-Qaïda", "Al-Qaïda"),
        ("Abou Kamal", "Abou Kamal"),
        ("Programme alimentaire mondial", "Programme alimentaire mondial"),
        ("Frères musulmans", "Frères musulmans"),
        ("Staffan de Mistura", "Staffan de Mistura"),
    ],
)
def test_name_bounds_strip_articles_and_titles(span: str, name: str) -> None:
    assert _name(span) == name


@pytest.mark.parametrize(
    ("span", "sentence_start", "name"),
    [
        ("La Haye", False, "La Haye"),  # « à La Haye »: a capital article inside a sentence stays
        ("Le Monde", False, "Le Monde"),  # « selon Le Monde »
        ("Les Nations unies", True, "Nations unies"),  # at a sentence's start it is the article
    ],
)
def test_capitalised_article_inside_a_sentence_stays(
    span: str, sentence_start: bool, name: str
) -> None:
    assert _name(span, sentence_start) == name


@pytest.mark.parametrize(
    "span",
    [
        "Député",  # « Député turc Ankara doit… » in the seed's teaser
        "le président",
        "président turc",
        "ministre de la Défense",  # a portfolio, not a name
        "ministre de la Réconciliation nationale",
        "M.",
        "Général",
    ],
)
def test_titles_alone_are_no_name(span: str) -> None:
    assert _name(span) == ""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Député", True),
        ("le président", True),
        ("Premier ministre", True),
        ("secrétaire général", True),
        ("Dernières", False),  # a heading, filtered elsewhere, not a title
        ("Président Assad", False),
        ("Robert Mood", False),
    ],
)
def test_is_title(text: str, expected: bool) -> None:
    assert canonical.is_title(text) is expected


@pytest.mark.parametrize(
    ("short", "long", "expected"),
    [
        ("Al-Khalil", "Munzer Al-Khalil", True),
        ("Khalil", "Munzer Al-Khalil", True),
        ("al-Khalil", "Munzer Al-Khalil", True),
        ("Assad", "Bachar al-Assad", True),
        ("Mood", "Robert Mood", True),
        ("Munzer", "Munzer Al-Khalil", False),  # a first name is not a short form
        ("Al", "Munzer Al-Khalil", False),
        ("Munzer Al-Khalil", "Munzer Al-Khalil", False),  # not shorter
        ("Jassem", "Naïm Jassem", True),
        ("Jaafari", "Bachar al-Assad", False),
    ],
)
def test_is_short_form(short: str, long: str, expected: bool) -> None:
    assert canonical.is_short_form(short, long) is expected


@pytest.mark.parametrize(
    ("long", "acronym", "fits"),
    [
        ("Observatoire syrien des droits de l'Homme", "OSDH", True),
        ("Armée syrienne libre", "ASL", True),
        ("Conseil national syrien", "CNS", True),
        ("Etat islamique en Irak et au Levant", "EIIL", True),
        ("Forces démocratiques syriennes", "FDS", True),
        ("Conseil national syrien", "FDS", False),
        (
            "Parti de l'union démocratique",
            "PYD",
            False,
        ),  # a Kurdish acronym: plausible, not fitting
    ],
)
def test_acronym_fits(long: str, acronym: str, fits: bool) -> None:
    assert canonical.acronym_fits(long, acronym) is fits


@pytest.mark.parametrize(
    ("long", "acronym", "plausible"),
    [
        ("Parti de l'union démocratique", "PYD", True),
        ("Parti des travailleurs du Kurdistan", "PKK", True),
        ("Armée syrienne libre", "ASL", True),
        ("Idleb", "HTS", False),
        ("Croissant-Rouge", "HCR", False),
    ],
)
def test_acronym_plausible(long: str, acronym: str, plausible: bool) -> None:
    assert canonical.acronym_plausible(long, acronym) is plausible


@pytest.mark.parametrize(
    ("text", "end", "acronym"),
    [
        ("l'Observatoire syrien des droits de l'Homme (OSDH), basé", 43, "OSDH"),
        ("le Conseil national syrien ( CNS ) a", 26, "CNS"),
        ("à Idleb (nord-ouest)", 8, None),  # lowercase: a gloss, not an acronym
        ("à Ankara (Turquie)", 9, None),
        ("la ville (2011)", 8, None),
    ],
)
def test_acronym_after(text: str, end: int, acronym: str | None) -> None:
    assert canonical.acronym_after(text, end) == acronym


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Munzer Al-Khalil", "Munzer al-Khalil"),
        ("Munzer Al-Khalil", "MUNZER AL KHALIL"),
        ("Lattaquié", "Lattaquie"),
        ("Moustafa Al-Omar", "Moustafa Al–Omar"),  # an en dash for a hyphen
        ("Observatoire syrien des droits de l'Homme", "Observatoire syrien des droits de l’homme"),
    ],
)
def test_variants_share_one_key_and_one_slug(a: str, b: str) -> None:
    assert canonical.fold_key(a) == canonical.fold_key(b)
    assert canonical.discovered_slug(a, set()) == canonical.discovered_slug(b, set())


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Bachar al-Assad", "Bachar al-Jaafari"),  # the gold set's trap
        ("Croissant-Rouge turc", "Croissant-Rouge kurde"),
        ("Armée syrienne libre", "Armée syrienne"),
    ],
)
def test_different_names_keep_different_keys(a: str, b: str) -> None:
    assert canonical.fold_key(a) != canonical.fold_key(b)


def test_discovered_slug_never_takes_a_gazetteer_slug() -> None:
    reserved = {"munzer-al-khalil", "munzer-al-khalil-2"}
    assert canonical.discovered_slug("Munzer Al-Khalil", reserved) == "munzer-al-khalil-3"
    assert canonical.discovered_slug("Munzer Al-Khalil", set()) == "munzer-al-khalil"
    # deterministic: the same name and gazetteer always give the same slug
    assert canonical.discovered_slug("Munzer al-Khalil", reserved) == "munzer-al-khalil-3"


@pytest.mark.parametrize(
    ("forms", "shown"),
    [
        (["Mood", "Robert Mood"], "Robert Mood"),
        (["MUNZER AL-KHALIL", "Munzer Al-Khalil"], "Munzer Al-Khalil"),
        (["Taldo", "Taldo"], "Taldo"),
    ],
)
def test_display_name_prefers_long_mixed_case(forms: list[str], shown: str) -> None:
    assert canonical.display_name(forms) == shown


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("« Munzer  Al‑Khalil »", "Munzer Al-Khalil"),
        ("Al-Qaïda’s", "Al-Qaïda’s"),  # normalise keeps letters; name_bounds drops the 's
        ("(Idleb),", "Idleb"),
    ],
)
def test_normalise(raw: str, clean: str) -> None:
    assert canonical.normalise(raw) == clean.replace("’", "'")


def test_fold_key_is_normalize_fold() -> None:
    assert canonical.fold_key("  Bachar   al-Assad ") == fold("Bachar al-Assad")
