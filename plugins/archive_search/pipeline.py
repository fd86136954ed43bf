"""The search stages of a site build: the document store, then the client export and the
Whoosh index side by side.

Both read the store and nothing else, and write to different places (the export into the
output, Whoosh into the index folder), so once the store is up to date the Whoosh index is
brought up to date in a forked process while this one exports: on two cores the slower of
the two sets the time, not their sum (at 100,000 dispatches: about 35 s each).

The site build runs all of it in a process of its own (SearchChild), started once the
archive is read and joined after its pages are written: the search stages need the
dispatches only, not the pages, so they fill the cores the page rendering leaves idle.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import logging
import multiprocessing
import pickle
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .export import export_client_index, load_corpus
from .index import build_index, ensure_whoosh, whoosh_rebuilds
from .postings import Corpus
from .settings import SearchSettings
from .store import connect

logger = logging.getLogger(__name__)


class WhooshFailed(RuntimeError):
    """The Whoosh update of a build failed (its process logged why)."""


@dataclass
class SearchBuild:
    """What the search stages did: the store's counts, the export's files, seconds by stage
    (search_index, search_export, and search_whoosh: the wait for Whoosh after the export,
    or its whole time when it ran here)."""

    counts: dict[str, int] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    # stage -> (start, end) on time.perf_counter(), the system's monotonic clock on Linux:
    # `invoke bench` matches them with the memory it samples from outside
    spans: dict[str, tuple[float, float]] = field(default_factory=dict)


M_MMAP_THRESHOLD = -3  # glibc's mallopt parameter
MMAP_THRESHOLD = 4 << 20


def return_large_blocks() -> None:
    """Make glibc give blocks of 4 MB or more back to the system when they are freed.

    glibc raises its mmap threshold each time a mapped block is freed, up to 32 MB, after
    which numpy's temporaries of a few MB come from the heap and stay in the process once
    freed: at 100,000 dispatches that kept the Whoosh process ~40 MB above what it used.
    Set in the Whoosh process only: in the export, which allocates many such arrays in
    turn, the page faults of a fixed threshold cost more time than it saved memory (at
    128 KB, half again its time). Elsewhere than glibc, nothing is done.
    """
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)
    except (OSError, AttributeError):  # not glibc: its allocator has its own policy
        pass


def _whoosh_child(index_dir: Path, settings: SearchSettings, corpus: Corpus | None) -> None:
    return_large_blocks()
    try:
        ensure_whoosh(index_dir, settings, corpus)
    except BaseException:
        logger.exception("search index: the Whoosh update failed")
        raise SystemExit(1) from None


# Beside the store: hard links to the last export's files (export.keep_copy), from which a
# build into an output folder that lost them links them back instead of exporting again.
KEPT_EXPORT = "client"


def build_search(
    docs: Iterable[Mapping[str, Any]],
    index_dir: Path,
    out_dir: Path,
    settings: SearchSettings | None = None,
    previous_dir: Path | None = None,
    whoosh: bool | None = None,
) -> SearchBuild:
    """Update the store from docs, then export the client index into out_dir while the
    Whoosh index follows the store in a child process (whoosh: default settings.whoosh).

    The child is forked only where fork exists; elsewhere Whoosh runs after the export.
    Raise WhooshFailed when the child fails, after the export is complete.
    """
    settings = settings or SearchSettings()
    index_dir, out_dir = Path(index_dir), Path(out_dir)
    whoosh = settings.whoosh if whoosh is None else whoosh
    result = SearchBuild()
    started = time.perf_counter()
    result.counts = build_index(docs, index_dir, settings)
    indexed = time.perf_counter()
    result.timings["search_index"] = indexed - started
    result.spans["search_index"] = (started, indexed)
    child = None
    corpus = None
    if whoosh and can_fork():
        if whoosh_rebuilds(index_dir, settings):
            # Both the export and a Whoosh build anew read every token of the store: read
            # them once, before the fork, and the Whoosh process shares the pages.
            con = connect(index_dir, create=False)
            try:
                corpus = load_corpus(con)
            finally:
                con.close()
        child = multiprocessing.get_context("fork").Process(
            target=_whoosh_child, args=(index_dir, settings, corpus), name="whoosh")
        gc.freeze()  # the child's collector never walks (copies) this heap's pages
        try:
            child.start()
        finally:
            gc.unfreeze()
    try:
        result.files = export_client_index(index_dir, out_dir, settings,
                                           previous_dir=previous_dir, corpus=corpus,
                                           keep_dir=index_dir / KEPT_EXPORT)
    except BaseException:
        if child is not None:
            child.join()
        raise
    exported = time.perf_counter()
    result.timings["search_export"] = exported - indexed
    result.spans["search_export"] = (indexed, exported)
    if whoosh:
        if child is None:
            ensure_whoosh(index_dir, settings)
        else:
            child.join()
            if child.exitcode != 0:
                raise WhooshFailed(
                    f"the Whoosh index in {index_dir} could not be updated (exit code "
                    f"{child.exitcode}, see the log above); delete that folder to rebuild it")
        result.timings["search_whoosh"] = time.perf_counter() - exported
        result.spans["search_whoosh"] = (exported, exported + result.timings["search_whoosh"])
    return result


class SearchFailed(RuntimeError):
    """The search stages of a build failed in their process (it logged why)."""


class SearchChild:
    """build_search in a process of its own; join() returns what it did or raises SearchFailed.

    Forked (the default): the documents are read in the child, which shares the parent's
    memory as it was when forked, so nothing but the result crosses the pipe. Spawned
    (spool: a file path): the parent first writes the documents to that file, one pickle
    after another, and a fresh interpreter reads them back one at a time. A forked child
    of a large build writes into pages of the parent's heap as it allocates, and each page
    it touches is copied: at 100,000 dispatches it held 1.7 GB of its own, against about
    0.5 GB for the same work in a fresh process (docs/scaling.md). The build chooses
    (dispatch_archive.memory).
    """

    def __init__(self, docs: Callable[[], Iterable[Mapping[str, Any]]], index_dir: Path,
                 out_dir: Path, settings: SearchSettings,
                 previous_dir: Path | None = None, spool: Path | None = None) -> None:
        self._spool = spool
        ctx: Any
        if spool is None:
            ctx = multiprocessing.get_context("fork")
            source: Any = docs
        else:
            spool.parent.mkdir(parents=True, exist_ok=True)
            for stale in spool.parent.glob("docs-*.pickle"):  # left by a build that was killed
                stale.unlink(missing_ok=True)
            with spool.open("wb") as out:
                for doc in docs():
                    pickle.dump(doc, out, protocol=pickle.HIGHEST_PROTOCOL)
            ctx = multiprocessing.get_context("spawn")
            source = spool
        self._pipe, sending = ctx.Pipe(duplex=False)
        self._process = ctx.Process(
            target=_run_search, args=(sending, source, index_dir, out_dir, settings, previous_dir),
            name="search")
        gc.freeze()  # a forked child's collector never walks (copies) this heap's pages
        try:
            self._process.start()
        finally:
            gc.unfreeze()
        sending.close()

    def join(self) -> SearchBuild:
        """Wait for the child; return its counts, files and timings."""
        try:
            message = self._pipe.recv()
        except EOFError:
            message = ("error", "the search process ended without a result")
        finally:
            self._pipe.close()
            self._process.join()
            if self._spool is not None:
                self._spool.unlink(missing_ok=True)
        if message[0] != "ok":
            raise SearchFailed(f"search index not built: {message[1]}")
        _, counts, files, timings, spans = message
        return SearchBuild(counts=counts, files=[Path(f) for f in files], timings=timings,
                           spans=spans)


def spooled_docs(spool: Path) -> Iterator[Mapping[str, Any]]:
    """The documents SearchChild wrote to spool, one at a time."""
    with spool.open("rb") as source:
        while True:
            try:
                yield pickle.load(source)
            except EOFError:
                return


def _run_search(sending: Any, source: Callable[[], Iterable[Mapping[str, Any]]] | Path,
                 index_dir: Path, out_dir: Path, settings: SearchSettings,
                 previous_dir: Path | None) -> None:
    try:
        docs = spooled_docs(source) if isinstance(source, Path) else source()
        done = build_search(docs, index_dir, out_dir, settings, previous_dir=previous_dir)
        sending.send(("ok", done.counts, [str(p) for p in done.files], done.timings,
                      done.spans))
    except BaseException as error:  # noqa: BLE001 - reported to the parent, which raises
        logger.exception("search: the search stages failed")
        sending.send(("error", f"{type(error).__name__}: {error}"))
    finally:
        sending.close()


def can_fork() -> bool:
    """Tell whether the search stages can run beside the rendering (fork exists)."""
    return "fork" in multiprocessing.get_all_start_methods()
