"""Gazetteer loading: the real data, and broken files that must stop the build with a fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from entity_tags.gazetteer import GazetteerError, load_gazetteer
from entity_tags.matcher import Matcher

ACTORS = """
[[acteur]]
slug = "bachar-al-assad"
nom = "Bachar al-Assad"
type = "personne"
alias = ["Assad", "Bachar el-Assad"]

[[acteur]]
slug = "onu"
nom = "ONU"
type = "organisation"
alias = ["Nations unies", "Organisation des Nations unies"]

[[acteur]]
slug = "etat-islamique"
nom = "Etat islamique"
type = "groupe-arme"
alias = ["EI", "Daech", "groupe Etat islamique"]

[[acteur]]
slug = "osdh"
nom = "Observatoire syrien des droits de l'homme"
type = "organisation"
alias = ["OSDH"]
"""
PLACES = """
[[lieu]]
slug = "syrie"
nom = "Syrie"
type = "pays"
lat = 35.0
lon = 38.5

[[lieu]]
slug = "idleb"
nom = "Idleb"
type = "province"
alias = ["Idlib", "province d'Idleb"]
parent = "syrie"
lat = 35.93
lon = 36.63

[[lieu]]
slug = "alep"
nom = "Alep"
type = "ville"
alias = ["Aleppo"]
parent = "syrie"
lat = 36.2
lon = 37.16

[[lieu]]
slug = "alep-est"
nom = "Alep-Est"
type = "localite"
parent = "alep"
lat = 36.2
lon = 37.18
"""


def write(folder: Path, actors: str = ACTORS, places: str = PLACES, blocked: str = "") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "acteurs.toml").write_text(actors, encoding="utf-8")
    (folder / "lieux.toml").write_text(places, encoding="utf-8")
    if blocked:
        (folder / "bloques.toml").write_text(blocked, encoding="utf-8")
    return folder


def test_real_gazetteer_is_big_enough(gazetteer) -> None:
    actors = gazetteer.of_group("acteur")
    places = gazetteer.of_group("lieu")
    assert len(actors) >= 80 and len(places) >= 80
    assert all(p.lat is not None and p.lon is not None for p in places)
    assert {e.kind for e in actors} == {"personne", "organisation", "etat", "groupe-arme", "media"}
    assert {"pays", "province", "ville", "localite", "site"} <= {e.kind for e in places}


@pytest.mark.parametrize(
    ("written", "slug"),
    [
        ("Idlib", "idleb"),
        ("Idleb", "idleb"),
        ("Assad", "bachar-al-assad"),
        ("Bachar al-Assad", "bachar-al-assad"),
        ("OSDH", "osdh"),
        ("Observatoire syrien des droits de l'Homme", "osdh"),
        ("Nations unies", "onu"),
        ("ONU", "onu"),
        ("Alep", "alep"),
        ("Aleppo", "alep"),
        # metonymies the gold guidelines give (tests/gold/README.md, holdout5 section)
        ("bastions du régime", "gouvernement-syrien"),
        ("tenus par le régime", "gouvernement-syrien"),
        ("avions du régime", "armee-syrienne"),
        ("marine russe", "armee-russe"),
        ("soldats libanais", "armee-libanaise"),
        ("défense antiaérienne syrienne", "armee-syrienne"),
    ],
)
def test_real_gazetteer_merges_variants(gazetteer, written: str, slug: str) -> None:
    entity = gazetteer.lookup(written)
    assert entity is not None and entity.slug == slug


def test_duplicate_slug_stops_with_file_entry_and_fix(tmp_path: Path) -> None:
    places = PLACES + '\n[[lieu]]\nslug = "onu"\nnom = "Onu-ville"\ntype = "ville"\nparent = "syrie"\nlat = 1.0\nlon = 1.0\n'
    with pytest.raises(GazetteerError) as err:
        load_gazetteer(write(tmp_path, places=places))
    message = str(err.value)
    assert "lieux.toml" in message and "'onu'" in message and "Fix:" in message


def test_alias_claimed_twice_stops_with_both_owners(tmp_path: Path) -> None:
    actors = ACTORS + '\n[[acteur]]\nslug = "hafez-al-assad"\nnom = "Hafez al-Assad"\ntype = "personne"\nalias = ["Assad"]\n'
    with pytest.raises(GazetteerError) as err:
        load_gazetteer(write(tmp_path, actors=actors))
    message = str(err.value)
    assert "'Assad'" in message and "Bachar al-Assad" in message and "Fix:" in message


@pytest.mark.parametrize(
    ("actors", "places", "needle"),
    [
        (ACTORS.replace('type = "personne"', 'type = "humain"'), PLACES, "type 'humain'"),
        (ACTORS, PLACES.replace('parent = "alep"', 'parent = "nulle-part"'), "nulle-part"),
        (ACTORS, PLACES.replace("lat = 36.2\nlon = 37.16", "lon = 37.16"), "lat None"),
        (ACTORS.replace('slug = "onu"', 'slug = "ONU !"'), PLACES, "slug 'ONU !'"),
        (ACTORS + "\n[[acteur]\n", PLACES, "invalid TOML"),
        (ACTORS.replace('alias = ["OSDH"]', 'alias = ["OSDH"]\nsite = "x"'), PLACES, "unknown key"),
    ],
)
def test_broken_gazetteer_is_refused(tmp_path: Path, actors: str, places: str, needle: str) -> None:
    with pytest.raises(GazetteerError, match=needle.replace("(", r"\(")):
        load_gazetteer(write(tmp_path, actors=actors, places=places))


def test_blocked_name_that_is_also_an_alias_is_refused(tmp_path: Path) -> None:
    blocked = '[[bloque]]\nnom = "Daech"\nraison = "test"\n'
    with pytest.raises(GazetteerError, match="blocked"):
        load_gazetteer(write(tmp_path, blocked=blocked))


@pytest.fixture
def matcher(tmp_path: Path) -> Matcher:
    return Matcher(load_gazetteer(write(tmp_path)))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Des frappes sur Idlib dimanche.", [("idleb", "Idlib")]),
        ("la province d'Idleb, ultime bastion", [("idleb", "province d'Idleb")]),
        ("L'OSDH et l'Observatoire syrien des droits de l'Homme", [("osdh", "OSDH"), ("osdh", "Observatoire syrien des droits de l'Homme")]),
        ("les Nations unies ont mis en garde", [("onu", "Nations unies")]),
        ("le régime de Bachar al-Assad", [("bachar-al-assad", "Bachar al-Assad")]),
        ("ALEP, quartiers d'Alep-Est", [("alep", "ALEP"), ("alep-est", "Alep-Est")]),
        ("Alepains et Aleppo-like", [("alep", "Aleppo")]),  # word boundaries: not inside Alepains
        ("le groupe Etat islamique (EI)", [("etat-islamique", "groupe Etat islamique"), ("etat-islamique", "EI")]),
        ("il ei pas là", []),  # an acronym needs its capitals
        ("Idlebistan", []),
        ("", []),
    ],
)
def test_matcher_finds_canonical_entities_on_word_boundaries(matcher: Matcher, text: str, expected) -> None:
    found = [(m.slug, m.text) for m in matcher.find(text)]
    assert found == expected


def test_matcher_offsets_survive_folding_that_changes_length(matcher: Matcher) -> None:
    text = "Straße ﬁnale : Idlib"  # ß and the fi ligature fold to two letters each
    (mention,) = matcher.find(text)
    assert text[mention.start : mention.end] == "Idlib"
