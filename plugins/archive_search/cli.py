"""Command line: `python -m archive_search search|bench` (the invoke tasks call these functions)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from .query import QueryError, SearchResult, search
from .settings import SearchSettings
from .store import StoreError

BOLD, RESET = "\033[1m", "\033[0m"


def format_result(result: SearchResult, color: bool) -> str:
    """Return the terminal text of a search result."""
    if not result.total:
        return "Aucun résultat"
    lines = [f"{result.total} résultat{'s' if result.total > 1 else ''}"]
    for rank, hit in enumerate(result.hits, 1):
        snippet = hit.snippet
        if color:
            snippet = snippet.replace("[", BOLD).replace("]", RESET)
        lines.append(f"{rank:>3}. {hit.title}  ({hit.date or 'non datée'}, score {hit.score})")
        lines.append(f"     {hit.url}")
        lines.append(f"     {snippet}")
    return "\n".join(lines)


def run_search_cli(
    query: str,
    index_dir: Path,
    acteur: str | None = None,
    lieu: str | None = None,
    de: str | None = None,
    a: str | None = None,
    annee: str | None = None,
    limit: int = 10,
    as_json: bool = False,
    out: TextIO | None = None,
) -> int:
    """Search and print the ranked hits with highlighted snippets; return an exit status."""
    out = out or sys.stdout
    try:
        result = search(index_dir, query, acteur=acteur, lieu=lieu, de=de, a=a,
                        annee=annee, limit=limit)
    except (QueryError, StoreError) as error:
        print(f"Erreur : {error}", file=sys.stderr)
        return 2
    if as_json:
        payload = {"total": result.total, "ids": result.ids,
                   "hits": [hit.__dict__ for hit in result.hits]}
        out.write(json.dumps(payload, ensure_ascii=False, indent=1) + "\n")
    else:
        out.write(format_result(result, color=out.isatty()) + "\n")
    return 0


def run_bench_cli(n: int, workdir: Path, pagefind: bool = True, whoosh: bool = True) -> None:
    """Run the benchmark and print its tables (`invoke bench-search`)."""
    from .bench import print_report, run_bench

    print_report(run_bench(n, workdir, pagefind=pagefind, whoosh=whoosh))


def main(argv: Sequence[str] | None = None) -> int:
    """Parse arguments and run a subcommand."""
    parser = argparse.ArgumentParser(prog="python -m archive_search")
    sub = parser.add_subparsers(dest="command", required=True)
    s = sub.add_parser("search", help="search the Whoosh index")
    s.add_argument("query")
    s.add_argument("--acteur")
    s.add_argument("--lieu")
    s.add_argument("--annee")
    s.add_argument("--de", help="YYYY-MM-DD, inclusive")
    s.add_argument("--a", help="YYYY-MM-DD, inclusive")
    s.add_argument("--index", type=Path, default=Path(SearchSettings().index_dir))
    s.add_argument("--limit", type=int, default=10)
    s.add_argument("--json", action="store_true")
    b = sub.add_parser("bench", help="benchmark on a synthetic corpus, beside Pagefind")
    b.add_argument("--dispatches", type=int, default=1000)
    b.add_argument("--workdir", type=Path, default=Path("bench-work"))
    b.add_argument("--no-pagefind", action="store_true")
    b.add_argument("--no-whoosh", action="store_true", help="skip timing the Whoosh build")
    args = parser.parse_args(argv)
    if args.command == "search":
        return run_search_cli(args.query, args.index, args.acteur, args.lieu, args.de, args.a,
                              args.annee, args.limit, args.json)
    run_bench_cli(args.dispatches, args.workdir, pagefind=not args.no_pagefind,
                  whoosh=not args.no_whoosh)
    return 0
