"""Build into a temporary folder, keep unchanged files' inodes, then swap it in whole.

A build that fails or is killed leaves the previous output/ untouched. Files whose bytes did
not change are hard links to the previous ones, so they keep their modification times.
"""

from __future__ import annotations

import ctypes
import filecmp
import logging
import os
import shutil
from collections.abc import Callable
from pathlib import Path

logger = logging.getLogger(__name__)

PREVIOUS_ENV = "DISPATCH_PREVIOUS_OUTPUT"


def build_and_swap(output: Path, build: Callable[[Path], None]) -> dict[str, int]:
    """Run build(tmp) into a fresh folder beside output and replace output with it."""
    output = output.resolve()
    parent = output.parent
    recover(output)
    for leftover in parent.glob(f".{output.name}-*"):  # from a build that was killed
        shutil.rmtree(leftover, ignore_errors=True)
    tmp = parent / f".{output.name}-new-{os.getpid()}"
    tmp.mkdir(parents=True)
    os.environ[PREVIOUS_ENV] = str(output)
    try:
        build(tmp)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    finally:
        os.environ.pop(PREVIOUS_ENV, None)
    stats = relink_unchanged(output, tmp)
    if output.exists() and exchange(tmp, output):
        shutil.rmtree(tmp, ignore_errors=True)  # tmp now holds the previous output
        return stats
    old = parent / f".{output.name}-old-{os.getpid()}"
    if output.exists():
        os.rename(output, old)  # a kill between these two renames is undone by recover()
    os.rename(tmp, output)
    shutil.rmtree(old, ignore_errors=True)
    return stats


def recover(output: Path) -> None:
    """Put back the previous output/ if a build was killed between its two renames."""
    if output.exists():
        return
    olds = sorted(output.parent.glob(f".{output.name}-old-*"), key=lambda p: p.stat().st_mtime_ns)
    if olds:
        logger.warning(
            "Restoring %s from %s, left by a build that was stopped", output, olds[-1].name
        )
        os.rename(olds[-1], output)


_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one atomic step (Linux renameat2); False where that is not supported."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):  # not Linux, or a C library without renameat2
        return False
    path, flags = ctypes.c_char_p, ctypes.c_uint
    renameat2.argtypes = [ctypes.c_int, path, ctypes.c_int, path, flags]
    done = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return bool(done == 0)


def relink_unchanged(previous: Path, fresh: Path) -> dict[str, int]:
    """Replace each file of fresh that is byte-identical to previous's with a link to it."""
    kept = changed = 0
    if not previous.is_dir():
        return {"kept": 0, "changed": 0}
    for dirpath, _dirs, files in os.walk(fresh):
        for name in files:
            new = Path(dirpath) / name
            old = previous / new.relative_to(fresh)
            try:
                same = old.is_file() and (
                    os.path.samefile(old, new) or filecmp.cmp(old, new, shallow=False)
                )
            except OSError:
                same = False
            if not same:
                changed += 1
                continue
            if not os.path.samefile(old, new):
                link = new.with_name(f".link-{name}")
                try:
                    os.link(old, link)
                    os.replace(link, new)
                except OSError:  # another filesystem: copy the old times instead
                    link.unlink(missing_ok=True)
                    stat = old.stat()
                    os.utime(new, ns=(stat.st_atime_ns, stat.st_mtime_ns))
            kept += 1
    return {"kept": kept, "changed": changed}
