"""The French common nouns and adjectives the spaCy model ships, for telling words from names.

fr_core_news_md carries its rule lemmatizer's tables (`lemmatizer/lookups/lookups.bin`): an
index of about 66,000 common nouns and 28,000 adjectives (lemmas), the irregular inflected
forms of each part of speech, and the suffix rules that take an inflected form back to its
lemma (« citernes » → « citerne », « tchétchènes » → « tchétchène », « nationaux » →
« national »). discovery loads no lemmatizer (only the tokenizer and ner run); it reads these
tables once, here, to ask of a capitalised word found alone: « is this an ordinary French
word? » (docs/tagging.md, eighth session). Words are compared folded (no case, no accent).

Nothing here names an entity: the tables hold common words. Proper nouns that are also common
words (« Tripoli », « Rabat », « Tigre », « Argentine ») are in them too, which is why the
answer is only a clue that the context must confirm.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from . import keyed_pickle
from .normalize import fold

logger = logging.getLogger(__name__)

# the parts of speech whose words may look like names once capitalised, then the verbs, whose
# forms tell a subject from a heading (« Kiev a rompu … » against « Citernes en file : … »)
_POS = ("noun", "adj")
_ALL_POS = (*_POS, "verb")


class Lexicon(NamedTuple):
    """Folded lemmas, irregular forms and suffix rules of one part of speech each."""

    lemmas: dict[str, frozenset[str]]
    irregular: dict[str, frozenset[str]]
    rules: dict[str, tuple[tuple[str, str], ...]]

    def part_of_speech(self, word: str) -> str:
        """« noun » or « adj » when word (any case, any inflection) is a common word, else ""."""
        key = fold(word)
        if not key.isalpha():
            return ""
        for pos in _POS:
            lemmas = self.lemmas.get(pos, frozenset())
            if key in lemmas or key in self.irregular.get(pos, frozenset()):
                return pos
            for old, new in self.rules.get(pos, ()):
                if key.endswith(old) and key[: len(key) - len(old)] + new in lemmas:
                    return pos
        return ""

    def plural_of_adjective(self, word: str) -> bool:
        """True for the plural of an adjective, masculine or feminine (« Afghans »,
        « Tchétchènes », « Ouzbeks », « occidentaux »): as a capitalised noun, a people."""
        key = fold(word)
        adjectives = self.lemmas.get("adj", frozenset())
        irregular = self.irregular.get("adj", frozenset())
        if key in adjectives or not key.isalpha():
            return False
        for old, new in (("aux", "al"), ("s", ""), ("x", "")):
            if key.endswith(old) and len(key) > len(old) + 2:
                base = key[: len(key) - len(old)] + new
                if (
                    base in adjectives
                    or base in irregular
                    or (base.endswith("e") and base[:-1] in adjectives)
                ):
                    return True
        return False

    def is_verb_form(self, word: str) -> bool:
        """True for a conjugated form or participle of a French verb (« a », « est »,
        « attaquaient », « reste »)."""
        key = fold(word)
        lemmas = self.lemmas.get("verb", frozenset())
        if not key.isalpha() or not lemmas:
            return False
        if key in self.irregular.get("verb", frozenset()) or key + "r" in lemmas:
            return True  # « reste » → « rester »: the present the rules leave out
        return any(
            key.endswith(old) and key[: len(key) - len(old)] + new in lemmas
            for old, new in self.rules.get("verb", ())
        )


EMPTY = Lexicon({}, {}, {})


def _folded(words: Iterable[str]) -> frozenset[str]:
    return frozenset(k for k in (fold(w) for w in words) if k.isalpha())


def _lookups_dir(model_name: str) -> Path | None:
    import spacy

    if not spacy.util.is_package(model_name):
        return None
    root = Path(spacy.util.get_package_path(model_name))
    for candidate in (root / "lemmatizer" / "lookups", *root.glob("*/lemmatizer/lookups")):
        if (candidate / "lookups.bin").is_file():
            return candidate
    return None


def _read(folder: Path, parts: dict[int, str]) -> Lexicon:
    """For each wanted part of speech (spaCy's hash → name), its lemmas, its irregular forms
    (keys only) and its suffix rules, streamed from lookups.bin one table at a time: the
    lookup table (217,000 forms) is skipped, and no two parts' irregular forms are held
    decoded at once (reading the whole file cost 1 s and 176 MB at the peak)."""
    import srsly.msgpack

    unpacker = srsly.msgpack.Unpacker(raw=False, strict_map_key=False, max_buffer_size=1 << 27)
    unpacker.feed((folder / "lookups.bin").read_bytes())
    lemmas: dict[str, frozenset[str]] = {}
    irregular: dict[str, frozenset[str]] = {}
    rules: dict[str, tuple[tuple[str, str], ...]] = {}
    for _ in range(unpacker.read_map_header()):
        table = unpacker.unpack()
        if table not in ("lemma_index", "lemma_exc", "lemma_rules"):
            unpacker.skip()
            continue
        for _ in range(unpacker.read_map_header()):
            pos = parts.get(unpacker.unpack())
            if pos is None:
                unpacker.skip()
                continue
            value = unpacker.unpack()
            if table == "lemma_index":
                lemmas[pos] = _folded(value)
            elif table == "lemma_exc":
                irregular[pos] = _folded(value.keys())
            else:
                rules[pos] = tuple(
                    (fold(old), fold(new))
                    for old, new in value
                    if fold(old).isalpha() and (not new or fold(new).isalpha())
                )
            del value
    return Lexicon(lemmas, irregular, rules)


# Bump when _read() changes what it makes of the tables (the cache file holds its result).
CACHE_VERSION = "lexicon-1"


@lru_cache(maxsize=4)
def load(model_name: str = "fr_core_news_md", cache: Path | None = None) -> Lexicon:
    """The model's noun, adjective and verb tables, folded; EMPTY (every word a possible name)
    when the model has none (a test model, another language), with a warning.

    cache: a file where the folded tables are kept between runs, keyed by the tables' file
    (path, size, modification time) and CACHE_VERSION. Folding 279,000 words took 1.3 s of
    every model load, paid again by each build that tags one new dispatch; reading them back
    takes about a tenth of that.
    """
    try:
        from spacy.strings import get_string_id

        folder = _lookups_dir(model_name)
        if folder is None:
            raise FileNotFoundError(f"{model_name} has no lemmatizer lookups")
        key = _cache_key(folder / "lookups.bin") if cache is not None else ""
        if cache is not None:
            kept = _read_cache(cache, key)
            if kept is not None:
                return kept
        found = _read(folder, {get_string_id(pos): pos for pos in _ALL_POS})
        if cache is not None:
            _write_cache(cache, key, found)
        return found
    except (ImportError, OSError, KeyError, ValueError) as exc:
        logger.warning("No French lexicon (%s): every capitalised word may be a name", exc)
        return EMPTY


def _cache_key(tables: Path) -> str:
    stat = tables.stat()
    raw = f"{CACHE_VERSION}|{tables.resolve()}|{stat.st_size}|{stat.st_mtime_ns}"
    return hashlib.blake2b(raw.encode(), digest_size=16).hexdigest()


def _read_cache(path: Path, key: str) -> Lexicon | None:
    value = keyed_pickle.load(path, key, "lexicon cache")
    if not (isinstance(value, tuple) and len(value) == 3
            and all(isinstance(part, dict) for part in value)):
        return None
    return Lexicon(*value)


def _write_cache(path: Path, key: str, value: Lexicon) -> None:
    keyed_pickle.save(path, key, tuple(value), "lexicon cache")
