"""`invoke evaluate`: score cleaning and tagging on the gold set, per half, against pinned floors.

Cleaning is scored per raw block: a block the gold set lists as debris is removed when none
of its text reaches the cleaned paragraphs (a repeated paragraph's second copy is removed when
the cleaner drops it as a duplicate); every other block is body text that must be kept.
Tagging is scored per dispatch on canonical sets: the gold actors and places, resolved through
the gazetteer (names it does not know are compared by their folded form), against the
entities the tagger links to the dispatch. Scores are micro-averaged over the dispatches of a
half, overall and separately for entities in and out of the gazetteer.
"""

from __future__ import annotations

import json
import resource
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dispatch_cleaning.cleaner import clean, match_line
from dispatch_cleaning.cleaner import fold as squash
from dispatch_cleaning.reader import read_dispatch

from . import canonical
from .gazetteer import Gazetteer
from .tagger import Tagger, TagResult

HALVES = ("tune", "test", "holdout", "holdout2", "holdout3", "holdout4", "holdout5", "holdout6", "holdout7", "holdout8", "holdout9", "holdout10", "holdout11", "holdout12", "holdout13", "holdout14", "holdout15", "holdout16", "holdout17", "holdout18", "holdout19", "holdout20", "holdout21", "holdout22", "holdout23", "holdout24", "holdout25", "holdout26", "holdout27", "holdout28", "holdout29")
GROUPS = {"actors": "acteur", "places": "lieu"}
Item = tuple[str, str]  # ("gaz", slug) or ("new", folded name)


class FloorError(Exception):
    """The floors file or its lock is missing or malformed; the message says how to fix it."""


@dataclass(frozen=True)
class GoldDispatch:
    """One gold file and its annotation."""

    name: str
    path: Path
    title: str
    boilerplate: tuple[str, ...]
    actors: tuple[str, ...]
    places: tuple[str, ...]


def load_half(folder: Path) -> list[GoldDispatch]:
    """The gold dispatches of one half, by name."""
    gold: list[GoldDispatch] = []
    for path in sorted(folder.glob("*.txt")):
        annotation = path.with_name(path.stem + ".gold.json")
        if not annotation.is_file():
            continue
        data = json.loads(annotation.read_text(encoding="utf-8"))
        gold.append(
            GoldDispatch(
                name=path.stem,
                path=path,
                title=data.get("title", ""),
                boilerplate=tuple(data.get("boilerplate", [])),
                actors=tuple(data.get("actors", [])),
                places=tuple(data.get("places", [])),
            )
        )
    return gold


def prf(tp: int, fp: int, fn: int) -> dict[str, float | int]:
    """Precision, recall and F1 (1.0 when there is nothing to find and nothing found)."""
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "tp": tp, "fp": fp, "fn": fn}


def block_labels(blocks: Sequence[str], boilerplate: Iterable[str]) -> list[bool]:
    """For each raw block, True when the gold set calls it debris.

    The gold list is a multiset; a paragraph repeated in the file is listed once and it is the
    later copy that goes, so blocks are matched from the end.
    """
    wanted = Counter(squash(b) for b in boilerplate)
    labels = [False] * len(blocks)
    for i in range(len(blocks) - 1, -1, -1):
        key = squash(blocks[i])
        if wanted[key] > 0:
            wanted[key] -= 1
            labels[i] = True
    return labels


def kept_blocks(blocks: Sequence[str], paragraphs: Sequence[str]) -> list[bool]:
    """For each raw block, True when its text reached the cleaned paragraphs (in order)."""
    kept = [False] * len(blocks)
    position = 0
    for i, block in enumerate(blocks):
        lines = [
            squash(line)
            for line in block.split("\n")
            if line.strip() and match_line(line, block=False) is None
        ]  # line rules only, as clean_blocks does: a whole-block rule judges the joined block
        text = " ".join(lines)
        if text and position < len(paragraphs) and paragraphs[position] == text:
            kept[i] = True
            position += 1
    return kept


def gold_items(names: Iterable[str], gazetteer: Gazetteer) -> dict[Item, str]:
    """Gold names as items: a gazetteer slug when the gazetteer knows the name, else its fold."""
    items: dict[Item, str] = {}
    for name in names:
        entity = gazetteer.lookup(name)
        items[("gaz", entity.slug) if entity else ("new", canonical.fold_key(name))] = name
    return items


def predicted_items(result: TagResult, gazetteer: Gazetteer) -> dict[str, dict[Item, str]]:
    """The tagger's entities of one dispatch by group, as items, with the slug of each."""
    discovered = {d.slug: d for d in result.discovered}
    out: dict[str, dict[Item, str]] = {"acteur": {}, "lieu": {}}
    for mention in result.mentions:
        entity = gazetteer.entities.get(mention.slug)
        if entity is not None:
            out[entity.group][("gaz", entity.slug)] = entity.slug
        elif mention.slug in discovered:
            d = discovered[mention.slug]
            out[d.group][("new", canonical.fold_key(d.name))] = d.slug
    return out


def _loosely_same(predicted: str, gold: str) -> bool:
    """A discovered name that is the gold name, a short form of it, or contains it."""
    p, g = set(canonical.content_tokens(predicted)), set(canonical.content_tokens(gold))
    return bool(p) and bool(g) and (p <= g or g <= p)


def evaluate_half(
    gold: Sequence[GoldDispatch], gazetteer: Gazetteer, tagger: Tagger
) -> dict[str, Any]:
    """Scores of one half: cleaning, entity sets, junk pages, pages per entity, speed, memory."""
    bp = Counter[str]()
    body_lost: list[str] = []
    debris_kept: list[str] = []
    docs: list[tuple[str, Sequence[str]]] = []
    for g in gold:
        raw = read_dispatch(g.path)
        cleaned = clean(raw)
        labels = block_labels(raw.blocks, g.boilerplate)
        kept = kept_blocks(raw.blocks, cleaned.paragraphs)
        for block, debris, stays in zip(raw.blocks, labels, kept, strict=True):
            bp[("tp" if not stays else "fn") if debris else ("fp" if not stays else "tn")] += 1
            if debris and stays:
                debris_kept.append(f"{g.name}: {squash(block)[:90]}")
            if not debris and not stays:
                body_lost.append(f"{g.name}: {squash(block)[:90]}")
        docs.append((cleaned.title, cleaned.paragraphs))
    words = sum(len(t.split()) for title, paragraphs in docs for t in (title, *paragraphs))
    tagger.tag_many(docs[:1])  # load the model and warm it up before the clock starts
    cpu, wall = time.process_time(), time.perf_counter()
    results = tagger.tag_many(docs)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    scores: dict[str, Counter[str]] = defaultdict(Counter)
    errors: list[str] = []
    all_gold_names = [n for g in gold for n in (*g.actors, *g.places)]
    real: set[str] = set()  # discovered slugs that name some gold entity
    discovered_slugs: set[str] = set()
    pages: dict[tuple[str, Item], set[str]] = defaultdict(set)
    for g, result in zip(gold, results, strict=True):
        predicted = predicted_items(result, gazetteer)
        names = {d.slug: d.name for d in result.discovered}
        discovered_slugs.update(names)
        for key, group in GROUPS.items():
            truth = gold_items(getattr(g, key), gazetteer)
            guess = predicted[group]
            for item in truth.keys() | guess.keys():
                where = "in" if item[0] == "gaz" else "out"
                outcome = (
                    "tp" if item in truth and item in guess else ("fn" if item in truth else "fp")
                )
                scores[key][outcome] += 1
                scores[f"{key}_{where}"][outcome] += 1
                if outcome != "tp":
                    shown = truth.get(item) or names.get(guess.get(item, ""), guess.get(item, ""))
                    errors.append(f"{g.name} {key} {outcome.upper()} {where}: {shown}")
            for item, slug in guess.items():
                if item in truth:
                    pages[(group, item)].add(slug)
                elif item[0] == "new":
                    for gold_item, gold_name in truth.items():
                        if _loosely_same(names[slug], gold_name):
                            pages[(group, gold_item)].add(slug)
                            break
        for slug, name in names.items():
            if any(_loosely_same(name, n) for n in all_gold_names):
                real.add(slug)
    junk = sorted(discovered_slugs - real)
    found = [slugs for slugs in pages.values() if slugs]
    half: dict[str, Any] = {
        "dispatches": len(gold),
        "boilerplate": prf(bp["tp"], bp["fp"], bp["fn"]),
        "body": prf(bp["tn"], bp["fn"], bp["fp"]),
        "body_lost": len(body_lost),
        "body_lost_blocks": body_lost,
        "debris_kept_blocks": debris_kept,
        "junk_pages": len(junk),
        "junk": junk,
        "pages_per_entity": (sum(len(s) for s in found) / len(found)) if found else 1.0,
        "words": words,
        "cpu_seconds": cpu,
        "words_per_second": words / cpu if cpu else 0.0,
        "wall_words_per_second": words / wall if wall else 0.0,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "errors": errors,
    }
    for key in ("actors", "places", "actors_in", "actors_out", "places_in", "places_out"):
        c = scores[key]
        half[key] = prf(c["tp"], c["fp"], c["fn"])
    return half


def evaluate(gold_dir: Path, gazetteer: Gazetteer, tagger: Tagger) -> dict[str, Any]:
    """Scores of each half found under gold_dir (tune, test)."""
    report: dict[str, Any] = {}
    for half in HALVES:
        gold = load_half(gold_dir / half)
        if gold:
            report[half] = evaluate_half(gold, gazetteer, tagger)
    return report


def flat(half: Mapping[str, Any]) -> dict[str, float]:
    """The scores of a half under the names the floors file uses (« actors.f1 », « junk_pages »)."""
    out: dict[str, float] = {}
    for key, value in half.items():
        if isinstance(value, Mapping):
            for metric in ("precision", "recall", "f1"):
                out[f"{key}.{metric}"] = float(value[metric])
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            out[key] = float(value)
    return out


# Scores compared with floors (higher is better) and ceilings (lower is better). Speed and
# memory are printed, never gated: a timed assertion fails on a busy machine, not on a change.
FLOOR_METRICS = (
    "boilerplate.precision",
    "boilerplate.recall",
    "boilerplate.f1",
    "body.precision",
    "body.recall",
    "body.f1",
    "actors.precision",
    "actors.recall",
    "actors.f1",
    "places.precision",
    "places.recall",
    "places.f1",
    "actors_in.f1",
    "actors_out.f1",
    "places_in.f1",
    "places_out.f1",
)
CEILING_METRICS = ("body_lost", "junk_pages", "pages_per_entity")


def read_floors(path: Path) -> dict[str, Any]:
    """The pinned floors: {"half": "test", "floors": {...}, "ceilings": {...}}."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise FloorError(
            f"{path}: cannot be read ({exc}). Fix: restore it from the repository."
        ) from exc
    if (
        not isinstance(data, dict)
        or not isinstance(data.get("floors"), dict)
        or not isinstance(data.get("ceilings"), dict)
    ):
        raise FloorError(f'{path}: expected an object with "floors" and "ceilings".')
    return data


def _shown(value: float | None) -> str:
    return "missing" if value is None else f"{value:.4f}"


def check_floors(scores: Mapping[str, float], floors: Mapping[str, Any]) -> list[str]:
    """Every score below its floor or above its ceiling, as a sentence; empty when all pass."""
    failures = []
    for metric, floor in sorted(floors["floors"].items()):
        value = scores.get(metric)
        if value is None or value < floor:
            failures.append(f"{metric} = {_shown(value)} is below its floor {floor}")
    for metric, ceiling in sorted(floors["ceilings"].items()):
        value = scores.get(metric)
        if value is None or value > ceiling:
            failures.append(f"{metric} = {_shown(value)} is above its ceiling {ceiling}")
    return failures


def lowered(floors: Mapping[str, Any], lock: Mapping[str, Any]) -> list[str]:
    """Floors lower (or ceilings higher, or metrics dropped) than the last entry of the lock."""
    history = lock.get("history")
    if not isinstance(history, list) or not history:
        return ["the lock file has no history entry"]
    last = history[-1]
    problems = []
    for metric, locked in sorted(last.get("floors", {}).items()):
        value = floors["floors"].get(metric)
        if value is None or value < locked:
            problems.append(f"floor {metric}: {value} < {locked} (locked)")
    for metric, locked in sorted(last.get("ceilings", {}).items()):
        value = floors["ceilings"].get(metric)
        if value is None or value > locked:
            problems.append(f"ceiling {metric}: {value} > {locked} (locked)")
    return problems


def history_problems(lock: Mapping[str, Any]) -> list[str]:
    """Entries of the lock that lower a floor without saying why under "lowered"."""
    problems = []
    history = lock.get("history", [])
    for before, after in zip(history, history[1:], strict=False):
        reasons = after.get("lowered", {})
        for metric, value in after.get("floors", {}).items():
            old = before.get("floors", {}).get(metric)
            if old is not None and value < old and not str(reasons.get(metric, "")).strip():
                problems.append(
                    f"{after.get('date', '?')}: floor {metric} {old} -> {value} without a reason"
                )
        for metric in before.get("floors", {}):
            if metric not in after.get("floors", {}) and not str(reasons.get(metric, "")).strip():
                problems.append(
                    f"{after.get('date', '?')}: floor {metric} removed without a reason"
                )
        for metric, value in after.get("ceilings", {}).items():
            old = before.get("ceilings", {}).get(metric)
            if old is not None and value > old and not str(reasons.get(metric, "")).strip():
                problems.append(
                    f"{after.get('date', '?')}: ceiling {metric} {old} -> {value} without a reason"
                )
    return problems


def _pct(value: float) -> str:
    return f"{value:.3f}"


def format_report(
    report: Mapping[str, Any], floors: Mapping[str, Any] | None = None, verbose: bool = False
) -> str:
    """A table per half: P, R, F1 of each score, the counts, speed and memory."""
    lines: list[str] = []
    for half, scores in report.items():
        lines.append(f"== {half} ({scores['dispatches']} dépêches) ==")
        lines.append(f"{'score':<22}{'P':>8}{'R':>8}{'F1':>8}{'tp':>6}{'fp':>5}{'fn':>5}")
        for key, label in (
            ("boilerplate", "boilerplate lines"),
            ("body", "body text kept"),
            ("actors", "actors"),
            ("actors_in", "  in gazetteer"),
            ("actors_out", "  out of gazetteer"),
            ("places", "places"),
            ("places_in", "  in gazetteer"),
            ("places_out", "  out of gazetteer"),
        ):
            s = scores[key]
            lines.append(
                f"{label:<22}{_pct(s['precision']):>8}{_pct(s['recall']):>8}{_pct(s['f1']):>8}"
                f"{s['tp']:>6}{s['fp']:>5}{s['fn']:>5}"
            )
        lines.append(f"body paragraphs lost: {scores['body_lost']}")
        lines.append(f"junk entity pages: {scores['junk_pages']} {' '.join(scores['junk'][:10])}")
        lines.append(f"pages per real entity: {scores['pages_per_entity']:.3f}")
        lines.append(
            f"tagging: {scores['words']} words, {scores['words_per_second']:,.0f} words/s per core "
            f"(CPU time, one process; {scores['wall_words_per_second']:,.0f} wall), "
            f"peak RSS {scores['peak_rss_mb']:.0f} MB"
        )
        if verbose:
            lines.extend(f"  lost: {b}" for b in scores["body_lost_blocks"])
            lines.extend(f"  debris kept: {b}" for b in scores["debris_kept_blocks"])
            lines.extend(f"  {e}" for e in scores["errors"])
        lines.append("")
    if floors is not None:
        half = floors.get("half", "test")
        if half in report:
            failures = check_floors(flat(report[half]), floors)
            lines.append(f"floors ({half} half): " + ("all met" if not failures else "FAILED"))
            lines.extend(f"  {f}" for f in failures)
    return "\n".join(lines)


def run_evaluate(
    settings_file: Path, gold_dir: Path, floors_file: Path | None = None, verbose: bool = False
) -> tuple[str, bool]:
    """Evaluate the tagger the settings ask for (one process) and compare with the floors."""
    from dispatch_archive.build import prepare
    from dispatch_archive.inspect import load_settings

    prepared = prepare(load_settings(settings_file))
    tagger: Tagger
    if prepared.entity.discovery:
        from .discovery import DiscoveryTagger

        tagger = DiscoveryTagger(prepared.gazetteer, prepared.entity.model, 1)
    else:
        tagger = Tagger(prepared.gazetteer)
    report = evaluate(gold_dir, prepared.gazetteer, tagger)
    floors = read_floors(floors_file) if floors_file is not None else None
    text = format_report(report, floors, verbose)
    ok = True
    if floors is not None:
        half = floors.get("half", "test")
        ok = half in report and not check_floors(flat(report[half]), floors)
    return text, ok


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m entity_tags.evaluate [--verbose]`, plugins/ on the path."""
    import argparse

    root = Path(__file__).resolve().parents[2]
    parser = argparse.ArgumentParser(description="Score cleaning and tagging on tests/gold.")
    parser.add_argument("--settings", type=Path, default=root / "pelicanconf.py")
    parser.add_argument("--gold", type=Path, default=root / "tests" / "gold")
    parser.add_argument("--floors", type=Path, default=root / "tests" / "eval_floors.json")
    parser.add_argument("--verbose", action="store_true", help="list every error and lost block")
    args = parser.parse_args(argv)
    text, ok = run_evaluate(args.settings, args.gold, args.floors, args.verbose)
    print(text)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
