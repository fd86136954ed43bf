"""`invoke entities --review`: counts, examples, suspected duplicates, text and JSON."""

from __future__ import annotations

import json

import pytest

from entity_tags import review
from entity_tags.gazetteer import Entity, Gazetteer
from entity_tags.normalize import fold


def _gazetteer() -> Gazetteer:
    entities = {
        "kafr-soussa": Entity(
            "kafr-soussa", "Kafr Soussa", "localite", "lieu", ("Kafr Soussa",), "syrie"
        ),
        "talal-silo": Entity("talal-silo", "Talal Silo", "personne", "acteur", ("Talal Silo",)),
        "osdh": Entity(
            "osdh",
            "Observatoire syrien des droits de l'homme",
            "organisation",
            "acteur",
            ("Observatoire syrien des droits de l'homme", "OSDH"),
        ),
        "bachar-al-assad": Entity(
            "bachar-al-assad", "Bachar al-Assad", "personne", "acteur", ("Bachar al-Assad", "Assad")
        ),
    }
    by_alias = {fold(a): e.slug for e in entities.values() for a in e.aliases}
    return Gazetteer(entities, frozenset(), "t", by_alias)


def _record(path: str, paragraphs: list[str], found: list[tuple[str, str, str, str]]) -> dict:
    """found: (slug, name, kind, written text) of unverified entities, first occurrence each."""
    mentions, discovered = [], []
    for slug, name, kind, text in found:
        for number, paragraph in enumerate(paragraphs, start=1):
            if text in paragraph:
                start = paragraph.index(text)
                mentions.append(
                    {
                        "slug": slug,
                        "block": number,
                        "start": start,
                        "end": start + len(text),
                        "text": text,
                        "via": "modele",
                    }
                )
        group = "lieu" if kind == "localite" else "acteur"
        discovered.append({"slug": slug, "name": name, "kind": kind, "group": group})
    return {
        "path": path,
        "title": "Titre",
        "paragraphs": paragraphs,
        "mentions": mentions,
        "discovered": discovered,
    }


RECORDS = [
    _record(
        "a.txt",
        [
            "Des combats ont eu lieu à Kfar Soussé. Les habitants ont fui.",
            "Le porte-parole Talal Sello a parlé.",
        ],
        [
            ("kfar-sousse", "Kfar Soussé", "localite", "Kfar Soussé"),
            ("talal-sello", "Talal Sello", "personne", "Talal Sello"),
        ],
    ),
    _record(
        "b.txt",
        [
            "Selon Talal Sello, la ville est tombée.",
            "Talal Sello a ajouté que les mines restaient.",
        ],
        [("talal-sello", "Talal Sello", "personne", "Talal Sello")],
    ),
]


def test_counts_and_order() -> None:
    items = review.collect(RECORDS, _gazetteer())
    assert [(i.slug, i.dispatches, i.mentions) for i in items] == [
        ("talal-sello", 2, 3),
        ("kfar-sousse", 1, 1),
    ]


def test_examples_mark_the_mention_in_its_sentence() -> None:
    items = {i.slug: i for i in review.collect(RECORDS, _gazetteer())}
    assert items["kfar-sousse"].examples == [
        {"path": "a.txt", "sentence": "Des combats ont eu lieu à [[Kfar Soussé]]."}
    ]
    assert len(items["talal-sello"].examples) == review.EXAMPLES


def test_suspected_duplicates_of_known_entities() -> None:
    items = {i.slug: i for i in review.collect(RECORDS, _gazetteer())}
    assert [d.slug for d in items["kfar-sousse"].duplicates] == ["kafr-soussa"]
    assert [d.slug for d in items["talal-sello"].duplicates] == ["talal-silo"]


@pytest.mark.parametrize(
    ("name", "kind", "alias", "why"),
    [
        ("Kfar Soussé", "localite", "Kafr Soussa", "orthographe"),
        ("Tall Tamer", "localite", "Tal Tamr", "orthographe"),
        ("Hafez Assad", "personne", "Bachar al-Assad", "nom de famille"),
        ("Observatoire syrien des droits de l'homme", "organisation", "OSDH", "sigle"),
        ("Robert Mood", "personne", "Robert Ford", None),  # false positive rows
        ("Nicosie", "localite", "CNS", None),
        ("Zahra", "localite", "Zaouahiri", None),
    ],
)
def test_why(name: str, kind: str, alias: str, why: str | None) -> None:
    found = review._why(name, kind, alias)
    if why is None:
        assert found is None
    else:
        assert found is not None and why in found


def test_text_and_json_outputs() -> None:
    lines = review.review_lines(RECORDS, _gazetteer())
    assert lines[0].startswith("2 entités non vérifiées")
    assert any("doublon possible : Talal Silo" in line for line in lines)
    assert any(line.strip().startswith("promouvoir : [[acteur]]") for line in lines)
    data = json.loads(review.review_json(RECORDS, _gazetteer()))
    assert data[0]["slug"] == "talal-sello" and data[0]["forms"] == {"Talal Sello": 3}
    assert data[1]["promote_toml"].startswith("[[lieu]]")
    assert 'nom = "Kfar Soussé"' in data[1]["block_toml"]


def test_verified_entities_are_not_listed() -> None:
    record = _record("c.txt", ["L'OSDH a publié un bilan."], [])
    record["mentions"].append(
        {"slug": "osdh", "block": 1, "start": 2, "end": 6, "text": "OSDH", "via": "gazetteer"}
    )
    assert review.collect([record], _gazetteer()) == []


def test_an_example_is_the_whole_sentence_the_model_reads() -> None:
    text = ("Selon M. Jean Dupont, la trêve tient. « Les combats ont cessé. Nous attendons », "
            "a dit Talal Sello à l'AFP. Un autre paragraphe suit.")
    start = text.index("Talal Sello")
    got = review.example(text, start, start + len("Talal Sello"))
    # the quotation does not end the sentence, and neither does « M. » in the one before
    assert got == "« Les combats ont cessé. Nous attendons », a dit [[Talal Sello]] à l'AFP."
    first = review.example(text, text.index("Jean"), text.index("Jean") + len("Jean Dupont"))
    assert first == "Selon M. [[Jean Dupont]], la trêve tient."
    last = text.index("paragraphe")
    assert review.example(text, last, last + 10) == "Un autre [[paragraphe]] suit."
