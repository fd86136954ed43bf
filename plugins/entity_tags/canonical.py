"""Canonical names: strip articles and titles, learn acronyms, link short forms, fold, slug.

Pure functions on strings; offsets are kept so a mention still points at what was written.
Bump VERSION whenever a change here can change a tag: the per-dispatch cache keys on it.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Iterator, Sequence
from functools import lru_cache

from .normalize import fold, slugify
from .vocabulary import ARTICLES, PARTICLES, TITLES

VERSION = "canonical-4"

_APOSTROPHES = "’‘`´ʼ"
_HYPHENS = "‐‑‒–—"
_QUOTES = '«»"“”„‹›'
# Characters that never start or end a name: spaCy sometimes keeps them in a span.
_EDGE = set(_QUOTES + "()[]{},;:.!?…*/|+=<>#" + " \u00a0\u202f\t\n")
_WORD = re.compile(r"[^\s]+")
_ACRONYM = re.compile(r"\s*\(\s*([A-Z][A-Za-z0-9&-]{0,2}[A-Z0-9][A-Za-z0-9&-]{0,6})\s*\)")
_TRAILING_ACRONYM = re.compile(r"\s*\(\s*[A-Z][A-Za-z0-9&-]{1,9}\s*\)\s*$")
_TRAILING_LINK = re.compile(r"\s+(?:de\s+la|de\s+l'|de|du|des|d'|et|ou|à|au|aux|en|l')\s*$", re.I)
_ELISION = re.compile(r"^(?:[lLdD]|[qQ]u|[jJ]usqu)['’ʼ]")
_PORTFOLIO_LINKS = frozenset(
    {"de", "du", "des", "d'", "aux", "au", "pour", "charge", "chargé", "chargée"}
)
_SMALL_WORDS = frozenset(
    {
        "de",
        "du",
        "des",
        "d'",
        "l'",
        "la",
        "le",
        "les",
        "et",
        "en",
        "au",
        "aux",
        "pour",
        "sur",
        "a",
        "à",
    }
)


@lru_cache(maxsize=1)
def _titles() -> tuple[tuple[str, ...], ...]:
    """Titles as folded word tuples, longest first so « premier ministre » beats « ministre »."""
    forms = {tuple(fold(t).replace(".", " . ").split()) for t in TITLES.words}
    forms |= {tuple(fold(t).split()) for t in TITLES.words}
    return tuple(sorted(forms, key=len, reverse=True))


_ARTICLES = frozenset(fold(a) for a in ARTICLES.words)
_PARTICLES = frozenset(fold(p) for p in PARTICLES.words)


def normalise(text: str) -> str:
    """One apostrophe, one hyphen, single spaces, no quotes or punctuation at either end."""
    for a in _APOSTROPHES:
        text = text.replace(a, "'")
    for h in _HYPHENS:
        text = text.replace(h, "-")
    text = " ".join(text.split())
    start, end = _trim_edges(text, 0, len(text))
    return text[start:end]


def _trim_edges(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in _EDGE:
        start += 1
    while end > start and text[end - 1] in _EDGE:
        # « M. » keeps its dot, but a dot closing a span is the sentence's
        end -= 1
    return start, end


def _words(text: str, start: int, end: int) -> list[tuple[int, int]]:
    return [(m.start() + start, m.end() + start) for m in _WORD.finditer(text[start:end])]


def name_bounds(text: str, sentence_start: bool = True) -> tuple[int, int, bool]:
    """Bounds of the name inside a span and whether a title stood before it.

    Leading articles (« Les Nations unies »), titles (« M. », « le président », « général ») and
    the lowercase words after a title (« le général norvégien Robert Mood ») are left out, so are
    edge punctuation and a trailing « (ACR) ». A capitalised article inside a sentence belongs
    to the name (« à La Haye », « selon Le Monde ») and stays. An empty range means no name.
    """
    start, end = 0, len(text)
    m = _TRAILING_ACRONYM.search(text)
    if m and m.start() > 0:
        end = m.start()
    start, end = _trim_edges(text, start, end)
    titled = False
    while start < end:
        words = _words(text, start, end)
        if not words:
            break
        first = text[words[0][0] : words[0][1]]
        elided = _ELISION.match(first)
        if elided and len(first) > elided.end():
            start = words[0][0] + elided.end()  # « l'Observatoire », « d'Idleb »
            continue
        folded = [fold(text[a:b]) for a, b in words]
        if folded[0] in _ARTICLES and len(words) > 1 and (sentence_start or first[:1].islower()):
            start = words[1][0]
            continue
        title_len = _title_prefix(folded)
        if title_len and title_len < len(words):
            if folded[title_len] in _PORTFOLIO_LINKS or _ELISION.match(text[words[title_len][0] :]):
                return start, start, True  # « ministre de la Défense »: a portfolio, not a name
            titled = True
            start = words[title_len][0]
            continue
        if titled and first[:1].islower() and not _is_particle(first) and len(words) > 1:
            start = words[1][0]  # an adjective after a title: « le président turc Erdogan »
            continue
        break
    start, end = _trim_edges(text, start, end)
    if start < end and text[end - 2 : end] in ("'s", "’s"):
        end -= 2
    while True:  # « Golfe de » (content/dispatches/008): a link word never ends a name
        tail = _TRAILING_LINK.search(text, start, end)
        if tail is None or tail.start() <= start:
            break
        end = tail.start()
        start, end = _trim_edges(text, start, end)
    rest = _words(text, start, end)
    if (
        start >= end
        or _title_prefix([fold(text[a:b]) for a, b in rest]) == len(rest)
        or (titled and not any(c.isupper() for c in text[start:end]))
    ):
        return start, start, titled
    return start, end, titled


@lru_cache(maxsize=1)
def _titles_by_first() -> dict[str, tuple[tuple[str, ...], ...]]:
    index: dict[str, list[tuple[str, ...]]] = {}
    for title in _titles():
        index.setdefault(title[0], []).append(title)
    return {first: tuple(forms) for first, forms in index.items()}


def _title_prefix(folded: Sequence[str]) -> int:
    """How many of the first folded words form a title (0 when none)."""
    if not folded:
        return 0
    joined = [w.rstrip(".") if w != "." else w for w in folded]
    by_first = _titles_by_first()
    for words in (folded, joined):
        for title in by_first.get(words[0], ()):  # longest first
            n = len(title)
            if n <= len(words) and tuple(words[:n]) == title:
                return n
    return 0


def is_title(text: str) -> bool:
    """True when the whole text is a title or office (« Député », « le président »)."""
    words = [fold(w) for w in normalise(text).split()]
    words = [w for w in words if w not in _ARTICLES]
    return bool(words) and _title_prefix(words) == len(words)


def _is_particle(word: str) -> bool:
    head = fold(word).split(" ")[0]
    return head in _PARTICLES


def tokens(name: str) -> list[str]:
    """Folded words of a name, hyphens and apostrophes as separators."""
    return [t for t in fold(name).replace("'", " ").split() if t]


def content_tokens(name: str) -> list[str]:
    """Folded words without particles and small words (« al », « de », « l »)."""
    return [t for t in tokens(name) if t not in _PARTICLES and t not in _SMALL_WORDS and len(t) > 1]


def is_short_form(short: str, long: str) -> bool:
    """True when short is the surname part of long (« Khalil » of « Munzer Al-Khalil »).

    The short form must be the last word(s) of the long one, with or without its particle, and
    strictly shorter; a first name alone (« Munzer ») is not a short form.
    """
    s, full = tokens(short), tokens(long)
    if not s or len(s) >= len(full):
        return False
    if full[-len(s) :] == s:
        return not all(t in _PARTICLES for t in s)
    s_core = [t for t in s if t not in _PARTICLES]
    return bool(s_core) and full[-len(s_core) :] == s_core and len(s_core) < len(full)


def acronym_after(text: str, end: int) -> str | None:
    """The acronym written in parentheses right after offset end (« … l'Homme (OSDH) »)."""
    m = _ACRONYM.match(text, end)
    return m.group(1) if m is not None and _acronym_shaped(m.group(1)) else None


def acronyms_in(text: str) -> Iterator[tuple[int, str]]:
    """Each parenthesised acronym of text, with the offset of its opening parenthesis."""
    for m in _ACRONYM.finditer(text):
        if _acronym_shaped(m.group(1)):
            yield text.index("(", m.start()), m.group(1)


_WORD_ACRONYM = re.compile(r"\(\s*([A-Z][a-z]{2,6})\s*\)")


def word_acronyms_in(text: str) -> Iterator[tuple[int, str]]:
    """Each parenthesised acronym written as a word (« (Fnuod) », « (Unicef) »), with the
    offset of its opening parenthesis: only a long form whose initials spell it makes it one."""
    for m in _WORD_ACRONYM.finditer(text):
        yield m.start(), m.group(1)


def _acronym_shaped(acr: str) -> bool:
    letters = [c for c in acr if c.isalpha()]
    return len(letters) >= 2 and sum(c.isupper() for c in letters) >= max(2, len(letters) - 2)


_WORD_SPAN = re.compile(r"[\w'’-]+")
_LINK_WORDS = frozenset({"is", "of", "the", "for", "and", "et", "pour", "sur", "en", "a"})


def long_form_before(text: str, paren: int, acronym: str) -> int | None:
    """Where the long form of « … Long Name (ACR) » starts, the parenthesis being at paren.

    The shortest run of capitalised words ending right before the parenthesis whose
    initials spell the acronym (Schwartz and Hearst's rule, for names the model did not
    see whole: « Raqqa is Being Slaughtered Silently (RBSS) »). Small words may sit inside
    the run (« de », « is »), never at its start; a lowercase word ends it.
    """
    letters = [c for c in fold(acronym) if c.isalpha()]
    if not 2 <= len(letters) <= 10:
        return None
    words = list(_WORD_SPAN.finditer(text, max(0, paren - 200), paren))
    if not words or text[words[-1].end() : paren].strip():
        return None
    capitalised = 0
    for i in range(len(words) - 1, max(-1, len(words) - len(letters) - 6), -1):
        word = words[i].group()
        folded = fold(word)
        if word[:1].isupper():
            capitalised += 1
            if capitalised > len(letters):
                break
            start = words[i].start()
            if capitalised >= 2 and folded[:1] == letters[0] and acronym_fits(text[start:paren], acronym):
                return start
        elif folded.strip("-") and folded not in _SMALL_WORDS | _LINK_WORDS | _PARTICLES:
            break
    return _sentence_case_long_form(text, words, paren, acronym, letters)


def _sentence_case_long_form(
    text: str, words: list[re.Match[str]], paren: int, acronym: str, letters: list[str]
) -> int | None:
    """French writes long names in sentence case: « l'Association syrienne pour l'aide
    médicale d'urgence (ASAMU) », « Femmes pour la paix en Syrie (FPS) ». The run may then
    hold lowercase words, but it opens on a capitalised word whose initial is the acronym's
    first letter, every letter is an initial in order, it has at least as many words as
    letters, and no punctuation cuts it (« directeur, Conseil local (CL) » is two things)."""
    for i in range(len(words) - 1, max(-1, len(words) - 2 * len(letters) - 4), -1):
        if i + 1 < len(words) and re.search(r"[,;:.!?«»()\[\]\"“”]", text[words[i].end() : words[i + 1].start()]):
            return None
        word, start = words[i].group(), words[i].start()
        elided = re.match(r"(?:[ldsnjm]|qu)['’](?=\w)", word, re.I)
        if elided:  # « l'Association »: the name starts after the article
            word, start = word[elided.end() :], start + elided.end()
        if not word[:1].isupper() or fold(word)[:1] != letters[0]:
            continue
        if len(words) - i >= len(letters) and acronym_fits(text[start:paren], acronym):
            return start
        return None  # the nearest capitalised word with that initial opens the name, or nothing does
    return None


def acronym_fits(long: str, acronym: str) -> bool:
    """True when the acronym's letters are, in order, initials of the long name's words.

    « Observatoire syrien des droits de l'Homme » fits OSDH and « Armée syrienne libre » fits
    ASL; the first letter must be the first significant word's initial.
    """
    letters = [c for c in fold(acronym) if c.isalpha()]
    words = tokens(long)
    if not letters or not words:
        return False
    significant = [w for w in words if w not in _SMALL_WORDS]
    if not significant or significant[0][0] != letters[0]:
        return False
    initials = "".join(w[0] for w in words)
    position = 0
    for letter in letters:
        position = initials.find(letter, position)
        if position < 0:
            return False
        position += 1
    return True


def fold_key(name: str) -> str:
    """The key under which forms of one name merge across dispatches (case, accents, hyphens)."""
    return fold(normalise(name))


def display_name(forms: Iterable[str]) -> str:
    """The form to show for a name: the longest, preferring mixed case to all capitals."""
    best = ""
    best_rank: tuple[int, int, int] = (-1, -1, -1)
    for position, form in enumerate(forms):
        form = normalise(form)
        letters = [c for c in form if c.isalpha()]
        mixed = int(any(c.islower() for c in letters) and any(c.isupper() for c in letters))
        rank = (len(tokens(form)), mixed, -position)
        if rank > best_rank:
            best, best_rank = form, rank
    return best


def discovered_slug(name: str, reserved: Collection[str]) -> str:
    """Slug of an unverified entity: from its folded name, never one of the reserved slugs.

    The same folded name always gives the same slug for one gazetteer, so one real entity has
    one page across the archive; a clash with a gazetteer slug takes the first free « -2 », « -3 ».
    """
    base = slugify(fold_key(name)) or "entite"
    slug, n = base, 2
    while slug in reserved:
        slug, n = f"{base}-{n}", n + 1
    return slug


def acronym_plausible(long: str, acronym: str) -> bool:
    """An acronym written right after a name abbreviates it when it fits, or when it shares
    the first initial: foreign acronyms keep their own letters (« Parti de l'union
    démocratique (PYD) », « Parti des travailleurs du Kurdistan (PKK) », tune t015, t021)."""
    if acronym_fits(long, acronym):
        return True
    significant = [w for w in tokens(long) if w not in _SMALL_WORDS]
    return len(significant) >= 2 and significant[0][0] == fold(acronym)[0]
