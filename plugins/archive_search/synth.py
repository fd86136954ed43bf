"""A deterministic synthetic corpus of French dispatches, for the search benchmark.

Same seed and size, same dispatches, byte for byte. Words follow a Zipf law over
a vocabulary of real French news words followed by generated French-looking
words (real suffixes, so the stemmer has work to do); entities carry aliases the
way the gazetteer does (« Idleb » / « Idlib », « Bachar al-Assad » / « Assad »).
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

# Frequent words of agency French, most frequent first (hand-made, not scraped).
CORE_WORDS: tuple[str, ...] = tuple(
    """de la le les des et à en du un une a dans pour sur par au qui que est il a été
    ont selon avec plus ne pas aux ce cette son sa ses leur leurs ils elle été entre
    contre après depuis lors sont mais ou où dont tout tous deux trois plusieurs
    forces régime rebelles armée syrienne syrien syriens russe russes turc turque
    frappes frappe bombardements bombardement raids raid aériens aérienne civils civil
    morts mort tués tué blessés blessé enfants femmes combattants combats combat
    offensive attaque attaques province ville région nord sud est ouest quartier
    quartiers localité village villages frontière gouvernement président ministre
    opposition négociations cessez-le-feu trêve accord sommet conférence réunion
    humanitaire aide réfugiés déplacés population habitants hôpital hôpitaux médecins
    observatoire ONG droits homme organisation nations unies conseil sécurité
    résolution diplomates diplomatique occidentaux américain américains européens
    missiles barils explosifs chimique chimiques armes arme avions chasse hélicoptères
    drones drone artillerie obus roquettes tirs tir assaut terrestre troupes soldats
    militaires militaire jihadistes jihadiste groupe groupes islamiste islamistes
    terroristes terroriste contrôle contrôlent bastion secteur zone zones route axe
    dimanche lundi mardi mercredi jeudi vendredi samedi semaine mois année jour jours
    heures nuit matin soir hier aujourd'hui dernier dernière nouvelles nouvelle
    déclaré annoncé affirmé indiqué rapporté précisé dénoncé accusé appelé estimé
    condamné démenti confirmé signalé averti menacé exigé réclamé proposé rejeté
    catastrophe crise guerre conflit paix sécurité situation violence violences
    intenses violents violent lourd lourdes importantes important nombreux nombreuses
    centaines milliers dizaines millions personnes victimes bilan pertes dégâts
    destructions ruines immeubles maisons écoles marché routes ponts infrastructures
    électricité eau nourriture médicaments convoi convois camp camps évacuation
    évacuations siège assiégé assiégés encerclés libération reprise prise contrôle
    agence presse journalistes correspondant sources témoin témoins vidéo images
    porte-parole responsable responsables officiels officiel autorités local locaux
    internationale international communauté pays voisins voisin alliés allié soutien
    pression sanctions économie économique pétrole gaz prix monnaie inflation
    élections élection parlement constitution politique politiques transition
    prisonniers détenus otages libérés enlèvement exécution exécutions torture
    enquête rapport preuves crimes justice tribunal procès responsabilité
    """.split()
)

SYLLABLES: tuple[str, ...] = tuple(
    "ba be bi bo bu ca ce ci co cu da de di do du fa fe fi fo ga ge gi go la le li lo lu "
    "ma me mi mo mu na ne ni no nu pa pe pi po pu ra re ri ro ru sa se si so su ta te ti "
    "to tu va ve vi vo cha che chi tra tre tri pra pre pri bra bre gra gre fla fle cla "
    "clé pré tré dé ré mé sé vé ai au ou oi an en in on un".split()
)
SUFFIXES: tuple[str, ...] = (
    "",
    "",
    "e",
    "es",
    "s",
    "ment",
    "ments",
    "ement",
    "ation",
    "ations",
    "ité",
    "ités",
    "eur",
    "eurs",
    "euse",
    "ique",
    "iques",
    "iste",
    "isme",
    "er",
    "é",
    "ée",
    "és",
    "ait",
    "aient",
    "ant",
    "ance",
    "ence",
    "ier",
    "ière",
    "al",
    "aux",
    "if",
    "ive",
)

PLACE_STEMS: tuple[tuple[str, ...], ...] = (
    # (canonical, other written forms...), real places first: the benchmark queries use them.
    ("Syrie",),
    ("Idleb", "Idlib"),
    ("Alep", "Halab", "Aleppo"),
    ("Damas", "Dimachq"),
    ("Homs",),
    ("Hama",),
    ("Lattaquié", "Lattakia"),
    ("Raqqa", "Rakka"),
    ("Deir ez-Zor", "Deir Ezzor"),
    ("Ghouta orientale", "Ghouta"),
    ("Turquie",),
    ("Russie",),
    ("Iran",),
    ("Genève",),
    ("Ankara",),
    ("Moscou",),
    ("Washington",),
    ("Liban",),
    ("Irak",),
    ("Jordanie",),
)
ACTOR_STEMS: tuple[tuple[str, ...], ...] = (
    ("Bachar al-Assad", "Assad", "Bachar el-Assad"),
    ("Observatoire syrien des droits de l'homme", "OSDH"),
    ("Organisation des Nations unies", "ONU", "Nations unies"),
    ("Vladimir Poutine", "Poutine"),
    ("Recep Tayyip Erdogan", "Erdogan", "Erdoğan"),
    ("Donald Trump", "Trump"),
    ("Hayat Tahrir al-Cham", "HTC", "HTS"),
    ("État islamique", "EI", "Daech"),
    ("Casques blancs",),
    ("Croissant-Rouge arabe syrien", "Croissant-Rouge"),
    ("Armée syrienne libre", "ASL"),
    ("Forces démocratiques syriennes", "FDS"),
    ("Hezbollah",),
    ("Agence France-Presse", "AFP"),
    ("Médecins sans frontières", "MSF"),
)
SOURCES: tuple[str, ...] = ("AFP", "Reuters", "AP", "Le Monde", "France 24", "RFI", "Sputnik")

START = date(2011, 1, 1)
END = date(2024, 12, 31)


def _slug(name: str) -> str:
    """Return an ASCII slug for a generated entity name."""
    from .analysis import fold

    out = []
    for char in fold(name):
        out.append(char if char.isascii() and char.isalnum() else "-")
    return "-".join(part for part in "".join(out).split("-") if part)


def _zipf_weights(count: int, exponent: float = 1.05) -> list[float]:
    """Return cumulative Zipf weights for ranks 1..count."""
    return list(itertools.accumulate(1.0 / (rank**exponent) for rank in range(1, count + 1)))


class SyntheticCorpus:
    """Generate dispatch dicts in the pipeline's contract shape."""

    def __init__(self, seed: int = 20261125, vocabulary: int = 40_000, entities: int = 600) -> None:
        self.rng = random.Random(seed)
        words = list(CORE_WORDS)
        seen = set(words)
        while len(words) < vocabulary:
            word = "".join(self.rng.choices(SYLLABLES, k=self.rng.choice((1, 2, 2, 3, 3, 4))))
            word += self.rng.choice(SUFFIXES)
            if word not in seen and len(word) > 2:
                seen.add(word)
                words.append(word)
        self.words = words
        self.word_weights = _zipf_weights(len(words))
        self.places = self._entities(PLACE_STEMS, entities // 2, "lieu")
        self.actors = self._entities(ACTOR_STEMS, entities // 2, "acteur")
        self.place_weights = _zipf_weights(len(self.places), 1.1)
        self.actor_weights = _zipf_weights(len(self.actors), 1.1)

    def _entities(
        self, real: tuple[tuple[str, ...], ...], count: int, kind: str
    ) -> list[dict[str, Any]]:
        """Return real entities then generated ones, each with its aliases."""
        out: list[dict[str, Any]] = []
        slugs: set[str] = set()
        for names in real:
            out.append({"slug": _slug(names[0]), "name": names[0], "kind": kind,
                        "aliases": list(names)})
            slugs.add(out[-1]["slug"])
        while len(out) < count:
            root = "".join(self.rng.choices(SYLLABLES, k=self.rng.choice((2, 3))))
            name = root.capitalize()
            if kind == "acteur":
                name = f"{name} {''.join(self.rng.choices(SYLLABLES, k=2)).capitalize()}"
            slug = _slug(name)
            if slug in slugs:
                continue
            slugs.add(slug)
            # A transliteration variant: the way Idleb/Idlib differ.
            variant = name.replace("e", "i", 1) if "e" in name else name + "h"
            aliases = [name] if self.rng.random() < 0.5 else [name, variant]
            out.append({"slug": slug, "name": name, "kind": kind, "aliases": aliases})
        return out

    def _sentence(self, mentions: list[str]) -> str:
        """Return one sentence of Zipf words, maybe naming an entity."""
        count = self.rng.randint(9, 24)
        words = self.rng.choices(self.words, cum_weights=self.word_weights, k=count)
        if mentions and self.rng.random() < 0.45:
            words.insert(self.rng.randrange(len(words) + 1), self.rng.choice(mentions))
        sentence = " ".join(words)
        return sentence[0].upper() + sentence[1:] + "."

    def dispatch(self, index: int) -> dict[str, Any]:
        """Return the dispatch number `index` (call in order: the generator is sequential)."""
        rng = self.rng
        places = _unique(rng.choices(self.places, cum_weights=self.place_weights,
                                     k=rng.randint(1, 4)))
        actors = _unique(rng.choices(self.actors, cum_weights=self.actor_weights,
                                     k=rng.randint(1, 4)))
        mentions = [rng.choice(e["aliases"]) for e in places + actors]
        day = START + timedelta(days=rng.randrange((END - START).days + 1))
        title_words = rng.choices(self.words[:3000], k=rng.randint(5, 10))
        title = " ".join([*title_words[:3], mentions[0], *title_words[3:]])
        title = title[0].upper() + title[1:]
        paragraphs = [
            " ".join(self._sentence(mentions) for _ in range(rng.randint(1, 4)))
            for _ in range(rng.randint(2, 6))
        ]
        body = "\n\n".join(paragraphs)
        slug = f"depeche-{index:06d}"
        return {
            "id": slug,
            "url": f"depeches/{slug}.html",
            "title": title,
            "date": day.isoformat(),
            "source": rng.choice(SOURCES),
            "body": body,
            "lead": _lead(body),
            "actors": actors,
            "locations": places,
        }

    def dispatches(self, count: int) -> Iterator[dict[str, Any]]:
        """Yield `count` dispatches."""
        for index in range(count):
            yield self.dispatch(index)


def _unique(entities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Drop repeated entities, keeping the first."""
    seen: set[str] = set()
    out = []
    for entity in entities:
        if entity["slug"] not in seen:
            seen.add(entity["slug"])
            out.append(entity)
    return out


def _lead(body: str, size: int = 200) -> str:
    """Return the first ~size characters of a body, cut at a word."""
    if len(body) <= size:
        return body
    cut = body.rfind(" ", 0, size)
    return body[: cut if cut > 0 else size] + "…"


def synthetic_dispatches(count: int, seed: int = 20261125) -> list[dict[str, Any]]:
    """Return `count` synthetic dispatches, the same for the same seed."""
    return list(SyntheticCorpus(seed).dispatches(count))
