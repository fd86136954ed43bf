"""Check the shape of gold annotations against the project's reader.

Usage: python tests/gold/check_gold.py [FOLDER ...]   (default: tests/gold/holdout)

For every NAME.txt / NAME.gold.json pair it checks, as tests/gold/README.md says:
* the title matches the reader's title;
* every `boilerplate` string is a block of the file, whitespace normalised, as a multiset;
* 2-6 debris blocks;
* 120-350 words of body (the blocks that are not boilerplate; the title not counted);
* `actors` and `places` are sorted (casefold, accents stripped) and unique.

It reads the files only through `dispatch_cleaning.reader.read_dispatch`; it never runs the
cleaner or the tagger. Exit status 1 when any check fails.
"""

from __future__ import annotations

import json
import sys
import unicodedata
from collections import Counter
from pathlib import Path

from dispatch_cleaning.reader import read_dispatch

MIN_DEBRIS, MAX_DEBRIS = 2, 6
MIN_WORDS, MAX_WORDS = 120, 350
GOLD_KEYS = {"title", "boilerplate", "actors", "places"}


def norm(text: str) -> str:
    return " ".join(text.split())


def sort_key(name: str) -> str:
    decomposed = unicodedata.normalize("NFD", name.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def check_pair(txt: Path) -> tuple[list[str], dict[str, int]]:
    """Return the problems of one dispatch and a few counts."""
    problems: list[str] = []
    gold_path = txt.with_name(txt.stem + ".gold.json")
    if not gold_path.is_file():
        return [f"{gold_path.name} manquant"], {}
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    if set(gold) != GOLD_KEYS:
        problems.append(f"clés inattendues : {sorted(set(gold) ^ GOLD_KEYS)}")
    raw = read_dispatch(txt)
    if raw.title != gold.get("title"):
        problems.append(f"titre : lecteur {raw.title!r} ≠ gold {gold.get('title')!r}")
    blocks = Counter(norm(b) for b in raw.blocks)
    debris = Counter(norm(b) for b in gold.get("boilerplate", []))
    missing = debris - blocks
    if missing:
        problems.append(f"boilerplate absent des blocs : {sorted(missing.elements())}")
    n_debris = sum(debris.values())
    if not MIN_DEBRIS <= n_debris <= MAX_DEBRIS:
        problems.append(f"{n_debris} blocs de débris (attendu {MIN_DEBRIS}-{MAX_DEBRIS})")
    body = blocks - debris
    words = sum(len(b.split()) * n for b, n in body.items())
    if not MIN_WORDS <= words <= MAX_WORDS:
        problems.append(f"{words} mots de corps (attendu {MIN_WORDS}-{MAX_WORDS})")
    for field in ("actors", "places"):
        names = gold.get(field, [])
        keys = [sort_key(n) for n in names]
        if keys != sorted(keys):
            problems.append(f"{field} non trié")
        if len(set(keys)) != len(keys):
            problems.append(f"{field} avec doublons")
        if any(not isinstance(n, str) or n != n.strip() or not n for n in names):
            problems.append(f"{field} : nom vide ou avec espaces en bord")
    counts = {
        "debris": n_debris,
        "words": words,
        "header": int(any(v is not None for v in vars(raw.meta).values())),
    }
    return problems, counts


def main(argv: list[str]) -> int:
    folders = [Path(a) for a in argv] or [Path(__file__).parent / "holdout"]
    failed = 0
    for folder in folders:
        files = sorted(folder.glob("*.txt"))
        headers = 0
        for txt in files:
            problems, counts = check_pair(txt)
            headers += counts.get("header", 0)
            if problems:
                failed += 1
                for p in problems:
                    print(f"ÉCHEC {txt.name}: {p}")
            else:
                print(f"ok    {txt.name}: {counts['debris']} débris, {counts['words']} mots")
        print(f"{folder}: {len(files)} dépêches, {headers} avec en-tête")
    print("tout est conforme" if not failed else f"{failed} dépêche(s) en échec")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
