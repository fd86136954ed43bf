"""A deterministic synthetic corpus of raw dispatches in the scraped style, for benchmarks.

Entities come from the gazetteer with a Zipf distribution (a few names everywhere, most rarely),
and a share of them are names no gazetteer holds (invented people and villages, as in real
archives, where the model has to find them: tests/gold/README.md counts about a fifth of the
mentions), dates spread over 2011–2024 with some dispatches undated, some files are .html pages, and every
file carries the debris real scrapes have: credits, teasers, share lines, repeated paragraphs.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from entity_tags.gazetteer import Entity, Gazetteer

VERBS = (
    "a annoncé", "a affirmé", "a dénoncé", "a démenti", "a confirmé", "a indiqué", "a rapporté",
    "a accusé", "a appelé", "a revendiqué", "a condamné", "a assuré", "a averti", "a estimé",
)
EVENTS = (
    "des frappes aériennes", "des bombardements intenses", "des tirs d'artillerie", "une offensive terrestre",
    "des combats violents", "une attaque au drone", "des raids nocturnes", "une trêve fragile",
    "un cessez-le-feu", "l'évacuation de civils", "l'entrée d'un convoi humanitaire", "des négociations",
    "des affrontements", "une contre-offensive", "des tirs de roquettes", "une explosion",
)
OUTCOMES = (
    "tuant au moins {n} civils", "faisant {n} blessés", "poussant {n} familles à fuir",
    "détruisant {n} habitations", "sans faire de victimes selon un premier bilan",
    "selon un bilan encore provisoire", "alors que la situation humanitaire se dégrade",
    "dans un contexte de tensions croissantes", "malgré les appels à la retenue",
)
TIMES = ("dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dans la nuit", "tôt le matin")
FILLER = (
    "Les habitants redoutent une nouvelle escalade dans les prochains jours.",
    "La situation reste très tendue dans la région, selon des sources locales.",
    "Aucune confirmation indépendante n'a pu être obtenue dans l'immédiat.",
    "Les organisations humanitaires réclament un accès sans entrave aux zones touchées.",
    "Le conflit a fait plusieurs centaines de milliers de morts depuis son déclenchement.",
    "Des millions de personnes ont été déplacées à l'intérieur du pays ou ont fui à l'étranger.",
    "Les discussions doivent reprendre la semaine prochaine, selon des diplomates.",
    "Les écoles et les hôpitaux de la zone ont fermé leurs portes.",
)
DEBRIS = (
    "Dernières nouvelles", "Tous les articles", "Les plus lus", "Partager sur Facebook",
    "Partager sur Twitter", "Suivez Sputnik sur Twitter", "Inscrivez-vous à notre newsletter",
    "Commenter", "0 commentaire", "Vus : {n}. Votes : 0. Partages : 0.", "Photo d'illustration",
    "Crédit photo : AFP", "© AFP {y} / Omar Haj Kadour", "Sputnik. Anton Denisov",
    "© REUTERS / Omar Sanadiki", "Imprimer",
)
TEASERS = (
    "Lire aussi : {t}", "À lire aussi - {t}", "LIRE AUSSI >> {t}", "{t}                Sputnik. Anton Denisov",
    "{t} © AFP {y} / Delil Souleiman",
)
SOURCES = ("AFP", "Reuters", "Sputnik", "RFI", "AP")


# Invented names, made of common Syrian given names, family names and place-name heads: the
# model must find them, as it must find the minor people and villages of real dispatches.
GIVEN = ("Karim", "Samir", "Nour", "Rami", "Hala", "Omar", "Yasmine", "Fadi", "Lina", "Ziad",
         "Rana", "Bassel", "Mazen", "Suha", "Tarek", "Widad")
FAMILY = ("Haddad", "Khoury", "Nasser", "Saleh", "Darwish", "Mansour", "Hamdan", "Qassem",
          "Rifai", "Sabbagh", "Tarabishi", "Zaidan", "Moussalli", "Jabbour", "Atassi", "Halabi")
HEADS = ("Tell", "Kafr", "Deir", "Aïn", "Beit", "Jisr", "Khirbet", "Maaret")
ROOTS = ("Hamra", "Nabi", "Zeita", "Laya", "Rumman", "Sawda", "Basal", "Tuffah", "Jouz",
         "Kabir", "Saghir", "Qamar")
UNKNOWN_SHARE = 0.2  # of the actors and places a dispatch names


@dataclass(frozen=True)
class SynthSpec:
    """What to generate."""

    n: int
    seed: int = 2011
    undated_share: float = 0.05
    html_share: float = 0.05
    header_share: float = 0.6


class _Zipf:
    """Draw items with probability proportional to 1 / rank**s."""

    def __init__(self, items: Sequence[Entity], rng: random.Random, s: float = 1.1) -> None:
        self.items = list(items)
        weights = [1.0 / (rank**s) for rank in range(1, len(self.items) + 1)]
        total = sum(weights)
        acc = 0.0
        self.cumulative = []
        for w in weights:
            acc += w / total
            self.cumulative.append(acc)
        self.rng = rng

    def draw(self) -> Entity:
        import bisect

        return self.items[min(bisect.bisect(self.cumulative, self.rng.random()), len(self.items) - 1)]


def _alias(entity: Entity | str, rng: random.Random) -> str:
    if isinstance(entity, str):
        return entity  # an invented name has one form
    return rng.choice(entity.aliases) if rng.random() < 0.3 else entity.name


def _name(entity: Entity | str) -> str:
    return entity if isinstance(entity, str) else entity.name


def dispatches(gazetteer: Gazetteer, spec: SynthSpec) -> Iterator[tuple[str, str]]:
    """Yield (file name, file text) for spec.n dispatches, the same for the same spec."""
    rng = random.Random(spec.seed)
    actors = sorted(gazetteer.of_group("acteur"), key=lambda e: e.slug)
    places = sorted(gazetteer.of_group("lieu"), key=lambda e: e.slug)
    rng.shuffle(actors)
    rng.shuffle(places)
    actor_z, place_z = _Zipf(actors, rng), _Zipf(places, rng)
    people = [f"{g} {f}" for g in GIVEN for f in FAMILY]
    villages = [f"{h} {r}" for h in HEADS for r in ROOTS]
    rng.shuffle(people)
    rng.shuffle(villages)

    def actor() -> Entity | str:
        return _zipf_pick(people, rng) if rng.random() < UNKNOWN_SHARE else actor_z.draw()

    def place() -> Entity | str:
        return _zipf_pick(villages, rng) if rng.random() < UNKNOWN_SHARE else place_z.draw()

    for i in range(spec.n):
        year = rng.randint(2011, 2024)
        date = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        cast = [actor() for _ in range(rng.randint(3, 7))]
        where = [place() for _ in range(rng.randint(2, 5))]
        title = (
            f"{_name(where[0])} : {_alias(cast[0], rng)} {rng.choice(VERBS)} {rng.choice(EVENTS)}"
            f" ({i:06d})"
        )
        paragraphs = []
        for _ in range(rng.randint(6, 10)):
            a, p = rng.choice(cast), rng.choice(where)
            sentence = (
                f"{_alias(a, rng)} {rng.choice(VERBS)} {rng.choice(TIMES)} {rng.choice(EVENTS)} "
                f"à {_alias(p, rng)}, {rng.choice(OUTCOMES).format(n=rng.randint(2, 400))}. "
                f"{rng.choice(FILLER)} {rng.choice(FILLER)}"
            )
            if rng.random() < 0.5:
                b = rng.choice(cast)
                sentence += f" « La situation est grave », a déclaré à l'AFP un porte-parole de {_alias(b, rng)}."
            paragraphs.append(sentence)
        debris = [d.format(n=rng.randint(10, 9000), y=year) for d in rng.sample(DEBRIS, rng.randint(2, 5))]
        teaser = rng.choice(TEASERS).format(t=f"{rng.choice(places).name} : {rng.choice(EVENTS)}", y=year)
        blocks = paragraphs[:]
        blocks.insert(rng.randint(0, 2), teaser)
        for d in debris:
            blocks.insert(rng.randint(0, len(blocks)), d)
        if rng.random() < 0.2:
            blocks.insert(rng.randint(len(blocks) // 2, len(blocks)), "  ".join(paragraphs[0].split(" ")))
        undated = rng.random() < spec.undated_share
        name = f"{i:06d}"
        if rng.random() < spec.html_share:
            yield f"{name}.html", _html(title, blocks, None if undated else date, rng)
            continue
        head = ""
        if not undated and rng.random() < spec.header_share / (1 - spec.undated_share):
            head = f"Date: {date}\nSource: {rng.choice(SOURCES)}\nLang: fr\n\n"
        elif not undated:
            head = f"Date: {date}\n\n"
        yield f"{name}.txt", head + title + "\n\n" + "\n\n".join(blocks) + "\n"


def _zipf_pick(items: Sequence[str], rng: random.Random) -> str:
    """An item drawn with probability about proportional to 1 / rank (a few often, most rarely)."""
    return items[min(int(len(items) ** rng.random()) - 1, len(items) - 1)]


def _html(title: str, blocks: Sequence[str], date: str | None, rng: random.Random) -> str:
    from html import escape

    meta = f'<meta property="article:published_time" content="{date}T12:00:00+00:00">' if date else ""
    body = "\n".join(f"<p>{escape(b)}</p>" for b in blocks)
    return (
        f'<!DOCTYPE html><html lang="fr"><head><title>{escape(title)} - Le Site</title>{meta}'
        '<meta property="og:site_name" content="Le Site"><script>var x = 1;</script></head><body>'
        '<nav><a href="/">Accueil</a></nav><header>Le Site</header>'
        f"<article><h1>{escape(title)}</h1><figure><figcaption>© AFP</figcaption></figure>\n{body}</article>"
        "<aside><p>Lire aussi : autre chose</p></aside><footer>© Le Site</footer></body></html>\n"
    )


def write_corpus(gazetteer: Gazetteer, spec: SynthSpec, folder: Path) -> int:
    """Write the corpus into folder (created); return the number of files."""
    folder.mkdir(parents=True, exist_ok=True)
    count = 0
    for name, text in dispatches(gazetteer, spec):
        (folder / name).write_text(text, encoding="utf-8")
        count += 1
    return count
