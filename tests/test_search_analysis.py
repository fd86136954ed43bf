"""French analysis: rules row by row, and the Python and JavaScript analyses agree."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
from test_search_semantics import CORPUS

from archive_search.analysis import analyze, analyze_spans, analyze_unstemmed, fold, stem
from archive_search.synth import CORE_WORDS

ANALYSIS_JS = Path(__file__).resolve().parents[1] / "theme/static/js/search/analysis.js"

TEXT = """
Le régime syrien et son allié russe ont bombardé dimanche à coup de missiles et de barils
d'explosifs la province d'Idleb, ultime bastion rebelle dans le nord-ouest de la Syrie, tuant
deux enfants, selon une ONG. Samedi, les avions de chasse russes avaient mené les frappes les
« plus intenses » en un mois contre cette province, tuant au moins neuf civils, selon
l'Observatoire syrien des droits de l'Homme (OSDH). Les Nations unies ont maintes fois mis en
garde contre une catastrophe humanitaire qu'entraînerait une telle offensive, avec l'éventuel
déplacement de 800.000 personnes, qui ne disposeraient plus cette fois d'un territoire où se
réfugier. Depuis jeudi, des centaines de familles ont fui leurs localités. La peur reste
toutefois « immense » parmi les habitants et le personnel médical, a affirmé à l'AFP à Genève le
chef des services de santé de la province, disant craindre « la crise la plus catastrophique de
la guerre » en Syrie, où plus de 350 000 personnes ont péri en sept ans de conflit. Il a rejeté
la proposition d'Ankara d'un cessez-le-feu, arguant qu'il n'y avait « pas de représentants des
groupes armés autour de cette table » habilités à négocier un arrêt des hostilités. Quelque
trois millions de personnes, dont la moitié sont des déplacés d'autres régions, vivent dans la
province et les poches insurgées des provinces voisines de Hama, Alep ou Lattaquié. Ces
opérations aériennes interviennent après l'échec, vendredi, d'un sommet tripartite entre la
Russie et l'Iran d'un côté, qui soutiennent le régime, et la Turquie, marraine des rebelles.
Aujourd'hui, l'ONU s'inquiète ; jusqu'à présent, lorsqu'il parlait, puisqu'elle répondait,
quoiqu'ils aient dit, c'est l'œuvre d'un cœur généreux : « Ça suffit ! », s'écrièrent-ils.
"""

TRICKY = [
    "États-Unis", "aujourd'hui", "aujourd’hui", "l'ONU", "l’ONU", "L'ÉTAT", "qu'entraînerait",
    "jusqu'à", "lorsqu'il", "puisqu'elle", "quoiqu'il", "prud'hommes", "presqu'île", "O'Brien",
    "Œuvre", "cœur", "sœurs", "curriculum vitæ", "Straße", "naïveté", "Noël", "Haïti", "maïs",
    "ﬁnances", "ΣΟΦΟΣ", "İstanbul", "Erdoğan", "Dimachq", "Deir ez-Zor", "al-Qaïda", "Al-Nosra",
    "800.000", "350 000", "2016", "1er", "XXIe", "n°3", "3,5", "10h30", "A380", "COVID-19",
    "cessez-le-feu", "nord-ouest", "peut-être", "va-t-il", "Bachar al-Assad",
    "Hayat Tahrir al-Cham",
    "ÉLECTIONS", "élection", "électoral", "bombardement", "bombardements", "bombardé", "bombardées",
    "présidentielle", "président", "présidents", "présidé", "pays", "paix", "yeux", "payer",
    "ʼapostrophe", "l´armée", "d`Alep", "x_y", "a", "à", "é", "ç", "Ça", "façade", "garçon",
    "quelqu'un", "entr'ouvert", "c'est-à-dire", "ex-président", "anti-jihadistes", "tiret—long",
    "«guillemets»", "mot…", "e\u0301te\u0301", "𝐀bc", "ŒUVRE", "æquo",
]

INFLECTIONS = ["s", "e", "es", "ment", "ments", "ation", "ations", "ité", "ités", "euse", "eux",
               "ique", "iste", "isme", "ais", "ait", "aient", "ions", "ez", "èrent", "issement"]


def word_list() -> list[str]:
    words = re.findall(r"\S+", TEXT)
    for doc in CORPUS:
        words += re.findall(r"\S+", doc["title"] + " " + doc["body"])
    words += list(CORE_WORDS) + TRICKY
    words += [w + suffix for w in CORE_WORDS[100:180] for suffix in INFLECTIONS[:6]]
    words += ["bombard" + suffix for suffix in INFLECTIONS]
    return list(dict.fromkeys(words))


def run_js(function: str, items: list[str]) -> list[object]:
    script = (
        f"const A = require({json.dumps(str(ANALYSIS_JS))});"
        "const items = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
        f"process.stdout.write(JSON.stringify(items.map(x => A.{function}(x))));"
    )
    done = subprocess.run(
        ["node", "-e", script], input=json.dumps(items), capture_output=True, text=True, encoding="utf-8",
        check=True, timeout=60,
    )
    return json.loads(done.stdout)


def test_word_list_is_long_enough() -> None:
    assert len(word_list()) >= 500


def test_python_and_javascript_give_identical_tokens() -> None:
    words = word_list()
    expected = [analyze(w) for w in words]
    assert run_js("analyze", words) == expected
    assert run_js("analyzeUnstemmed", words) == [analyze_unstemmed(w) for w in words]


def test_python_and_javascript_agree_on_whole_texts() -> None:
    texts = [TEXT] + [d["body"] for d in CORPUS]
    assert run_js("analyze", texts) == [analyze(t) for t in texts]
    spans = [[[s.term, s.start, s.end] for s in analyze_spans(t)] for t in texts]
    assert run_js("analyzeSpans", texts) == spans


def test_stemmer_agrees_on_random_words() -> None:
    import random

    rng = random.Random(7)
    pieces = ["ba", "qu", "ou", "ai", "ment", "ions", "eaux", "euse", "ation", "ique", "ité",
              "ier", "ière", "é", "è", "ê", "y", "u", "i", "ent", "issement", "amment",
              "emment", "logie", "usion", "aux", "s", "e", "ë", "gu", "par", "col", "tap"]
    words = ["".join(rng.choices(pieces, k=rng.randint(1, 5))) for _ in range(3000)]
    assert run_js("stem", words) == [stem(w) for w in words]


@pytest.mark.parametrize(
    ("text", "terms"),
    [
        # Elisions go, whatever the apostrophe.
        ("l'ONU", ["onu"]),
        ("l’ONU", ["onu"]),
        ("d'Idleb", ["idleb"]),
        ("qu'entraînerait", ["entrain"]),
        ("jusqu'à", ["a"]),
        ("s'est", ["est"]),
        # Other apostrophes join the word.
        ("aujourd'hui", ["aujourdhui"]),
        ("aujourd’hui", ["aujourdhui"]),
        ("prud'hommes", ["prudhomm"]),
        ("O'Brien", ["obrien"]),
        # Accents and case fold before stemming: with or without, the same term.
        ("élection", ["elect"]),
        ("ELECTION", ["elect"]),
        ("Élections", ["elect"]),
        ("e\u0301te\u0301", ["ete"]),
        ("Œuvre", ["oeuvr"]),
        ("cœur", ["coeur"]),
        ("ﬁnances", ["financ"]),
        # Stemming joins singular and plural, noun and participle.
        ("bombardement", ["bombard"]),
        ("bombardements", ["bombard"]),
        ("bombardé", ["bombard"]),
        # Hyphens and dots cut words.
        ("États-Unis", ["etat", "unis"]),
        ("cessez-le-feu", ["cess", "le", "feu"]),
        ("800.000", ["800", "000"]),
        ("COVID-19", ["covid", "19"]),
        # Rows that must survive: short words and numbers are kept.
        ("a", ["a"]),
        ("2016", ["2016"]),
        ("Idleb", ["idleb"]),
        ("Idlib", ["idlib"]),
        ("", []),
        ("« ! »", []),
    ],
)
def test_analysis_rows(text: str, terms: list[str]) -> None:
    assert analyze(text) == terms


@pytest.mark.parametrize(
    ("text", "folded"),
    [("Ça", "ca"), ("Straße", "strasse"), ("ΣΟΦΟΣ", "σοφοσ"), ("l’armée", "l'armee"),
     ("ʼx", "'x"), ("İ", "i")],
)
def test_fold_rows(text: str, folded: str) -> None:
    assert fold(text) == folded


def test_spans_point_at_the_original_words() -> None:
    text = "Les Œuvres d’Alep, aujourd'hui."
    assert [text[s.start : s.end] for s in analyze_spans(text)] == [
        "Les", "Œuvres", "d’Alep", "aujourd'hui"
    ]
