"""Search semantics of the Whoosh side (`invoke search`) on a small French corpus.

CORPUS is shared with the export and browser tests (they import it from here).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from archive_search.index import build_index
from archive_search.query import QueryError, parse, search


def _entity(slug: str, name: str, kind: str, *aliases: str) -> dict[str, Any]:
    return {"slug": slug, "name": name, "kind": kind, "aliases": [name, *aliases]}


ASSAD = _entity("bachar-al-assad", "Bachar al-Assad", "personne", "Assad", "Bachar el-Assad")
OSDH = _entity("osdh", "Observatoire syrien des droits de l'homme", "organisation", "OSDH")
ONU = _entity("onu", "Organisation des Nations unies", "organisation", "ONU", "Nations unies")
POUTINE = _entity("vladimir-poutine", "Vladimir Poutine", "personne", "Poutine")
IDLEB = _entity("idleb", "Idleb", "province", "Idlib")
ALEP = _entity("alep", "Alep", "ville", "Halab", "Aleppo")
DAMAS = _entity("damas", "Damas", "ville", "Dimachq")
SYRIE = _entity("syrie", "Syrie", "pays")
GENEVE = _entity("geneve", "Genève", "ville")


def _doc(
    n: int, title: str, date: str | None, body: str, actors: list[Any], places: list[Any]
) -> dict[str, Any]:
    slug = f"d{n:02d}"
    return {
        "id": slug,
        "url": f"depeches/{slug}.html",
        "title": title,
        "date": date,
        "source": "AFP",
        "body": body,
        "lead": body[:200],
        "actors": actors,
        "locations": places,
    }


CORPUS: list[dict[str, Any]] = [
    _doc(1, "Deux enfants tués dans de nouveaux bombardements sur Idleb", "2019-05-12",
         "Le régime syrien et son allié russe ont bombardé dimanche la province d'Idleb, "
         "tuant deux enfants, selon une ONG.\n\nLes bombardements ont provoqué des destructions.",
         [OSDH], [IDLEB, SYRIE]),
    _doc(2, "Alep sous les bombes", "2016-12-13",
         "Un bombardement a visé un hôpital d'Alep-Est, selon l'OSDH. Les forces du régime "
         "contrôlent la quasi-totalité des quartiers rebelles.",
         [OSDH], [ALEP, SYRIE]),
    _doc(3, "Le président syrien reçoit un émissaire russe", "2017-03-02",
         "Bachar al-Assad a reçu à Damas un émissaire de Vladimir Poutine pour évoquer la "
         "transition politique.",
         [ASSAD, POUTINE], [DAMAS, SYRIE]),
    _doc(4, "Le régime rejette toute négociation", "2018-07-20",
         "Le gouvernement de Damas a rejeté la proposition d'Ankara. Le chef de l'État refuse "
         "toute négociation avec l'opposition armée.",
         [ASSAD], [DAMAS]),
    _doc(5, "Appel à un cessez-le-feu à Idleb", "2018-09-07",
         "Le président turc a appelé à un cessez-le-feu à Idleb lors du sommet de Téhéran. "
         "Si nous arrivons à émettre une déclaration de cessez-le-feu ici, ce serait un "
         "résultat important.",
         [], [IDLEB]),
    _doc(6, "Les tirs ont cessé dans la soirée", "2018-09-08",
         "Les rebelles disent qu'ils cesseront les tirs si le régime arrête. Le feu a pris dans "
         "un entrepôt de la ville.",
         [], [IDLEB]),
    _doc(7, "L'élection présidentielle fixée au printemps", "2021-02-01",
         "Le scrutin présidentiel se tiendra en mai. Le président sortant est candidat, "
         "aujourd'hui sans adversaire déclaré.",
         [ASSAD], [SYRIE]),
    _doc(8, "La presse étrangère interdite", "2021-03-15",
         "Les journalistes de la presse internationale n'ont pas obtenu de visa pour couvrir "
         "le scrutin.",
         [], [SYRIE]),
    _doc(9, "Washington menace de nouvelles sanctions", "2019-06-30",
         "Les États-Unis envisagent de nouvelles sanctions contre Damas, a indiqué un "
         "responsable américain.",
         [], [DAMAS]),
    _doc(10, "L'ONU réclame un accès humanitaire", None,
         "L'ONU réclame aujourd'hui un accès humanitaire sans entrave aux zones assiégées. "
         "Les Nations unies redoutent une catastrophe.",
         [ONU], [SYRIE]),
    _doc(11, "Élections législatives sous tension", "2020-07-19",
         "Les élections législatives se sont tenues dans les zones contrôlées par le "
         "gouvernement.",
         [], [SYRIE]),
    _doc(12, "Pourparlers à Genève", "2016-02-01",
         "Les pourparlers de paix s'ouvrent à Genève sous l'égide de l'Organisation des "
         "Nations unies. Le régime et l'opposition ne se parlent pas directement.",
         [ONU], [GENEVE, SYRIE]),
    _doc(13, "Frappes aériennes russes dans le nord-ouest", "2019-12-24",
         "Des frappes aériennes russes ont visé la province d'Idlib, bastion rebelle. Des "
         "milliers de civils fuient vers la frontière turque.",
         [POUTINE], [IDLEB, SYRIE]),
    _doc(14, "Un hôpital détruit à Alep", "2016-11-19",
         "Le dernier hôpital d'Alep-Est est hors service après des raids aériens, selon "
         "l'OSDH. Les médecins dénoncent des attaques délibérées.",
         [OSDH], [ALEP]),
    _doc(15, "Dimachq : la capitale sous couvre-feu", "2017-08-05",
         "La capitale syrienne vit sous couvre-feu depuis l'attentat de la semaine dernière.",
         [], [DAMAS]),
]


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("whoosh")
    build_index(CORPUS, path)
    return path


def ids(result: Any) -> set[str]:
    return set(result.ids)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # Stemming: the singular finds the plural and the reverse.
        ("bombardement", {"d01", "d02"}),
        ("bombardements", {"d01", "d02"}),
        # Accents and case are indifferent.
        ("election", {"d07", "d11"}),
        ("ÉLECTIONS", {"d07", "d11"}),
        ("hopital", {"d02", "d14"}),
        # All words must match.
        ("frappes Idleb", {"d13"}),
        ("hôpital OSDH", {"d02", "d14"}),
        ("hôpital Genève", set()),
        # Alias-aware: the dispatch says Idleb, the entity's alias is Idlib, and back.
        ("Idlib", {"d01", "d05", "d06", "d13"}),
        ("Idleb", {"d01", "d05", "d06", "d13"}),
        ("Assad", {"d03", "d04", "d07"}),
        ("Dimachq", {"d03", "d04", "d09", "d15"}),
        # Phrases: adjacent words only; hyphenated words are phrases.
        ('"cessez-le-feu"', {"d05"}),
        ("cessez-le-feu", {"d05"}),
        ('"Bachar al-Assad"', {"d03", "d04", "d07"}),
        ('"nations unies"', {"d10", "d12"}),
        ('"unies nations"', set()),
        ("États-Unis", {"d09"}),
        # Prefix only with a star.
        ("prés*", {"d03", "d05", "d07", "d08"}),
        ("pres", set()),
        ("présidentielle*", {"d07"}),
        # Elisions and apostrophes.
        ("l'ONU", {"d10", "d12"}),
        ("aujourd’hui", {"d07", "d10"}),
        # A word nowhere in the archive.
        ("xyzzyqwv", set()),
        ("bombardement xyzzyqwv", set()),
        ("", set()),
    ],
)
def test_query_semantics(index_dir: Path, query: str, expected: set[str]) -> None:
    assert ids(search(index_dir, query)) == expected


@pytest.mark.parametrize(
    ("query", "filters", "expected"),
    [
        ("", {"lieu": "idleb"}, {"d01", "d05", "d06", "d13"}),
        ("", {"acteur": "osdh"}, {"d01", "d02", "d14"}),
        ("", {"annee": "2016"}, {"d02", "d12", "d14"}),
        ("", {"de": "2018-09-07", "a": "2018-09-08"}, {"d05", "d06"}),
        ("", {"de": "2021-01-01"}, {"d07", "d08"}),
        ("", {"a": "2016-06-30"}, {"d12"}),
        ("syrie", {"acteur": "bachar-al-assad"}, {"d03", "d07"}),
        ("bombardement", {"lieu": "alep"}, {"d02"}),
        ("régime", {"de": "2017-01-01", "a": "2018-12-31"}, {"d04", "d06"}),
        ("", {"lieu": "nulle-part"}, set()),
    ],
)
def test_filters(index_dir: Path, query: str, filters: dict[str, str], expected: set[str]) -> None:
    assert ids(search(index_dir, query, **filters)) == expected


def test_facet_browsing_is_newest_first(index_dir: Path) -> None:
    assert search(index_dir, "", lieu="idleb").ids == ["d13", "d01", "d06", "d05"]


def test_hits_carry_snippet_and_url(index_dir: Path) -> None:
    result = search(index_dir, "bombardements Idleb", limit=1)
    assert result.total == 1
    hit = result.hits[0]
    assert hit.url == "depeches/d01.html"
    assert "[bombardé]" in hit.snippet and "[d'Idleb]" in hit.snippet
    assert hit.score > 0


def test_title_words_rank_first(index_dir: Path) -> None:
    assert search(index_dir, "hôpital").ids[0] == "d14"


def test_bad_date_is_refused(index_dir: Path) -> None:
    with pytest.raises(QueryError):
        search(index_dir, "", de="12/05/2019")


@pytest.mark.parametrize(
    ("text", "clauses"),
    [
        ("bombardements", [("term", ("bombard",))]),
        ('"cessez le feu"', [("phrase", ("cess", "le", "feu"))]),
        ("« nations unies »", [("phrase", ("nation", "uni"))]),
        ("prés*", [("prefix", ("pres",))]),
        ("p*", [("term", ("p",))]),
        ("l'ONU d'Idleb", [("term", ("onu",)), ("term", ("idleb",))]),
        ('"unterminated phrase', [("phrase", ("unterminated", "phras"))]),
        ("", []),
    ],
)
def test_parse(text: str, clauses: list[tuple[str, tuple[str, ...]]]) -> None:
    assert [(c.kind, c.terms) for c in parse(text)] == clauses


def test_incremental_build_touches_only_changes(tmp_path: Path) -> None:
    docs = [dict(d) for d in CORPUS]
    assert build_index(docs, tmp_path)["added"] == 15
    assert build_index(docs, tmp_path) == {"added": 0, "deleted": 0, "kept": 15, "total": 15}
    docs[0] = {**docs[0], "title": "Nouveau titre : trêve à Idleb"}
    assert build_index(docs, tmp_path)["added"] == 1
    assert ids(search(tmp_path, "trêve")) == {"d01"}
