"""`invoke entities --review`: the unverified entities, for an editor to promote or block.

Each entity the model found and the gazetteer does not know is listed with how many
dispatches and mentions name it, two example sentences with the mention marked, and the
known entities it may duplicate (same surname, a spelling a few letters away, an acronym
that fits), most frequent first. The text output ends each entry with the TOML an editor
pastes into acteurs.toml or lieux.toml to promote it, or into bloques.toml to block it.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from . import canonical
from .discovery import sentence_spans
from .gazetteer import Entity, Gazetteer
from .normalize import fold

EXAMPLES = 2
SENTENCE_CHARS = 220


@dataclass
class Duplicate:
    """A known (or other unverified) entity an unverified one may be."""

    slug: str
    name: str
    why: str
    verified: bool = True


@dataclass
class ReviewItem:
    """One unverified entity across the archive."""

    slug: str
    name: str
    kind: str
    group: str
    dispatches: int = 0
    mentions: int = 0
    forms: dict[str, int] = field(default_factory=dict)
    examples: list[dict[str, str]] = field(default_factory=list)
    duplicates: list[Duplicate] = field(default_factory=list)

    def promote_toml(self) -> str:
        """The gazetteer entry to paste to promote this entity (places need parent, lat, lon)."""
        table = "acteur" if self.group == "acteur" else "lieu"
        aliases = [f for f in self.forms if fold(f) != fold(self.name)]
        lines = [
            f"[[{table}]]",
            f'slug = "{self.slug}"',
            f'nom = "{self.name}"',
            f'type = "{self.kind}"',
        ]
        if aliases:
            lines.append("alias = [" + ", ".join(f'"{a}"' for a in aliases) + "]")
        if table == "lieu":
            lines += [
                'parent = "syrie"  # à vérifier',
                "lat = 0.0  # à renseigner",
                "lon = 0.0  # à renseigner",
            ]
        return "\n".join(lines)

    def block_toml(self) -> str:
        """The bloques.toml entry to paste to block this name."""
        return f'[[bloque]]\nnom = "{self.name}"\nraison = "…"'


def collect(records: Iterable[Mapping[str, Any]], gazetteer: Gazetteer) -> list[ReviewItem]:
    """Unverified entities of the records, with counts, examples and suspected duplicates."""
    items: dict[str, ReviewItem] = {}
    seen_in: dict[str, set[str]] = defaultdict(set)
    forms: dict[str, Counter[str]] = defaultdict(Counter)
    for record in records:
        discovered = {d["slug"]: d for d in record.get("discovered", [])}
        blocks = [record.get("title", ""), *record.get("paragraphs", [])]
        for m in record.get("mentions", []):
            d = discovered.get(m["slug"])
            if d is None or m["slug"] in gazetteer.entities:
                continue
            item = items.setdefault(
                d["slug"], ReviewItem(d["slug"], d["name"], d["kind"], d["group"])
            )
            item.mentions += 1
            seen_in[d["slug"]].add(record.get("path", ""))
            forms[d["slug"]][m["text"]] += 1
            if len(item.examples) < EXAMPLES and 0 <= m["block"] < len(blocks):
                sentence = example(blocks[m["block"]], m["start"], m["end"])
                if all(e["sentence"] != sentence for e in item.examples):
                    item.examples.append({"path": record.get("path", ""), "sentence": sentence})
    for slug, item in items.items():
        item.dispatches = len(seen_in[slug])
        item.forms = dict(forms[slug].most_common())
    unverified = list(items.values())
    for item in unverified:
        item.duplicates = suspected_duplicates(item, gazetteer, unverified)
    unverified.sort(key=lambda i: (-i.dispatches, -i.mentions, fold(i.name), i.slug))
    return unverified


def example(text: str, start: int, end: int) -> str:
    """The sentence around [start, end) with the mention between [[ ]], cut to a readable size.
    Sentences are those the model reads (discovery.sentence_spans): an initial or a title
    (« M. », « J.-C. ») or a quotation « … » does not end one."""
    spans = sentence_spans(text)
    left = max(s for s, _ in spans if s <= start)
    right = min((e for _, e in spans if e >= end), default=len(text))
    sentence = f"{text[left:start]}[[{text[start:end]}]]{text[end:right]}"
    if len(sentence) > SENTENCE_CHARS:
        before = text[max(left, start - SENTENCE_CHARS // 2) : start]
        after = text[end : min(right, end + SENTENCE_CHARS // 2)]
        sentence = f"…{before}[[{text[start:end]}]]{after}…"
    return " ".join(sentence.split())


def edit_distance(a: str, b: str, limit: int = 3) -> int:
    """Levenshtein distance, stopping early once it exceeds limit."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i]
        for j, cb in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]


def _skeleton(word: str) -> str:
    """Consonants only: transliterations differ mostly by vowels (Kfar Soussé, Kafr Soussa)."""
    consonants = [c for c in word if c.isalpha() and c not in "aeiouyw"]
    return "".join(c for i, c in enumerate(consonants) if i == 0 or consonants[i - 1] != c)


def _spelling_close(mine: Sequence[str], theirs: Sequence[str]) -> bool:
    """Same number of words, each the same consonants or one or two letters apart."""
    if not mine or len(mine) != len(theirs) or mine == theirs:
        return False
    pairs = list(zip(mine, theirs, strict=True))
    if (
        all(_skeleton(x) == _skeleton(y) and abs(len(x) - len(y)) <= 2 for x, y in pairs)
        and sum(len(_skeleton(x)) for x in mine) >= 4
    ):
        return True
    distances = [edit_distance(x, y, 2) for x, y in zip(mine, theirs, strict=True)]
    allowed = [1 if len(x) < 7 else 2 for x in mine]
    return all(d <= a for d, a in zip(distances, allowed, strict=True)) and sum(distances) <= 2


def _why(name: str, kind: str, alias: str) -> str | None:
    """Why name may be the same entity as a known form alias, or None."""
    a, b = fold(name), fold(alias)
    if a == b:
        return "même nom"
    mine, theirs = canonical.content_tokens(name), canonical.content_tokens(alias)
    if not name.isupper() and not alias.isupper() and _spelling_close(mine, theirs):
        return f"orthographe voisine de « {alias} »"
    if (
        kind == "personne"
        and mine
        and theirs
        and len(theirs) >= 1
        and mine[-1] == theirs[-1]
        and len(mine[-1]) > 3
    ):
        return f"même nom de famille que « {alias} »"
    if canonical.is_short_form(name, alias) or canonical.is_short_form(alias, name):
        return f"forme courte ou longue de « {alias} »"
    if name.isupper() and 2 <= len(name) <= 8 and canonical.acronym_fits(alias, name):
        return f"sigle de « {alias} »"
    if alias.isupper() and 2 <= len(alias) <= 8 and canonical.acronym_fits(name, alias):
        return f"développement du sigle « {alias} »"
    return None


def suspected_duplicates(
    item: ReviewItem, gazetteer: Gazetteer, unverified: Sequence[ReviewItem] = ()
) -> list[Duplicate]:
    """Known entities (then other unverified ones) that item may duplicate."""
    found: list[Duplicate] = []
    candidates: list[tuple[Entity | ReviewItem, Sequence[str], bool]] = [
        (e, e.aliases, True) for e in gazetteer.entities.values()
    ]
    candidates += [(u, [u.name, *u.forms], False) for u in unverified if u.slug != item.slug]
    for other, aliases, verified in candidates:
        for alias in aliases:
            why = _why(item.name, item.kind, alias)
            if why is not None:
                found.append(Duplicate(other.slug, other.name, why, verified))
                break
    found.sort(key=lambda d: (not d.verified, d.slug))
    return found[:5]


def review_lines(records: Iterable[Mapping[str, Any]], gazetteer: Gazetteer) -> list[str]:
    """Human-readable review: one paragraph per unverified entity, most frequent first."""
    items = collect(records, gazetteer)
    lines = [
        f"{len(items)} entités non vérifiées (absentes du gazetteer), les plus citées d'abord.",
        "",
    ]
    for item in items:
        forms = ", ".join(f"« {f} » ×{n}" for f, n in item.forms.items())
        lines.append(
            f"{item.name} [{item.group}/{item.kind}] slug={item.slug} — "
            f"{item.dispatches} dépêche(s), {item.mentions} mention(s) ; formes : {forms}"
        )
        for e in item.examples:
            lines.append(f"    {e['path']}: {e['sentence']}")
        for d in item.duplicates:
            mark = "" if d.verified else " (non vérifiée)"
            lines.append(f"    doublon possible : {d.name} ({d.slug}){mark} — {d.why}")
        lines.append("    promouvoir : " + item.promote_toml().replace("\n", " | "))
        lines.append("    bloquer : " + item.block_toml().replace("\n", " | "))
        lines.append("")
    return lines


def review_json(records: Iterable[Mapping[str, Any]], gazetteer: Gazetteer) -> str:
    """The review as JSON: a list of entities with counts, forms, examples and duplicates."""
    items = collect(records, gazetteer)
    data = []
    for item in items:
        row = asdict(item)
        row["promote_toml"] = item.promote_toml()
        row["block_toml"] = item.block_toml()
        data.append(row)
    return json.dumps(data, ensure_ascii=False, indent=1)


def run_review(settings_file: Path, as_json: bool = False) -> str:
    """Tag the archive's dispatches (read-only, through the build cache) and review them."""
    from dispatch_archive.build import make_tagger, prepare
    from dispatch_archive.inspect import load_settings
    from dispatch_archive.pipeline import Cache, discover, process

    settings = load_settings(settings_file)
    prepared = prepare(settings)
    folder = prepared.dispatch.dispatch_dir(settings["PATH"])
    cache_dir = Path(prepared.dispatch.cache_path)
    if not cache_dir.is_absolute():
        cache_dir = settings_file.parent / cache_dir
    cache = Cache(cache_dir / "dispatches.sqlite")
    try:
        outcome = process(discover(folder), folder, make_tagger(prepared), cache)
    finally:
        cache.close()
    if as_json:
        return review_json(outcome.records, prepared.gazetteer)
    return "\n".join(review_lines(outcome.records, prepared.gazetteer))


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m entity_tags.review [--json]` from the repository root (plugins on the path)."""
    import argparse

    root = Path(__file__).resolve().parents[2]
    parser = argparse.ArgumentParser(description="List unverified entities for review.")
    parser.add_argument("--settings", type=Path, default=root / "pelicanconf.py")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    print(run_review(args.settings, args.json))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
