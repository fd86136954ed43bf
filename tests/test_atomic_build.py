"""Nothing lost: a build that fails, or is killed with SIGKILL mid-way, leaves output/ as it was.

`invoke build` builds into .output-new-PID/ beside output/ and swaps it in only when complete
(plugins/dispatch_archive/swap.py). The slow tests run the real `python -m invoke build` on a
copy of the project.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hostile.corpus import filler
from hostile.site import tree_digest
from sitecheck import ROOT

from dispatch_archive import swap


def snapshot(folder: Path) -> dict[str, tuple[str, int]]:
    """Bytes (as SHA-256) and inode of every file: identical means not even rewritten."""
    digest = tree_digest(folder)
    return {path: (value[0], (folder / path).stat().st_ino) for path, value in digest.items()}


@pytest.fixture()
def output(tmp_path: Path) -> Path:
    out = tmp_path / "output"
    (out / "depeches").mkdir(parents=True)
    (out / "index.html").write_text("<p>précédent</p>", encoding="utf-8")
    (out / "depeches" / "a.html").write_text("<p>a</p>", encoding="utf-8")
    return out


def partial_then(error: BaseException):
    def build(tmp: Path) -> None:
        (tmp / "index.html").write_text("<p>à moitié</p>", encoding="utf-8")
        raise error

    return build


@pytest.mark.parametrize(
    "error",
    [RuntimeError("boom"), KeyboardInterrupt(), SystemExit(2)],
    ids=["exception", "ctrl-c", "exit"],
)
def test_a_failed_build_leaves_the_previous_output_intact(
    output: Path, error: BaseException
) -> None:
    before = snapshot(output)
    with pytest.raises(type(error)):
        swap.build_and_swap(output, partial_then(error))
    assert snapshot(output) == before
    assert sorted(p.name for p in output.parent.iterdir()) == ["output"]


def test_a_complete_build_replaces_the_output_whole_and_keeps_unchanged_inodes(
    output: Path,
) -> None:
    before = snapshot(output)

    def build(tmp: Path) -> None:
        (tmp / "depeches").mkdir()
        (tmp / "depeches" / "a.html").write_text("<p>a</p>", encoding="utf-8")
        (tmp / "index.html").write_text("<p>nouveau</p>", encoding="utf-8")

    stats = swap.build_and_swap(output, build)
    after = snapshot(output)
    assert stats == {"kept": 1, "changed": 1}
    assert after["depeches/a.html"] == before["depeches/a.html"]  # same inode: not rewritten
    assert (output / "index.html").read_text(encoding="utf-8") == "<p>nouveau</p>"
    assert sorted(p.name for p in output.parent.iterdir()) == ["output"]


def test_a_build_that_reuses_nothing_keeps_the_previous_site_until_it_is_replaced(
    output: Path,
) -> None:
    """`invoke rebuild`: nothing is linked from the previous output, not even an identical
    file, and the previous output stays whole while the new one is made."""
    before = snapshot(output)
    seen: dict[str, object] = {}

    def build(tmp: Path) -> None:
        seen["previous"] = snapshot(output)
        seen["told"] = os.environ.get(swap.PREVIOUS_ENV)
        (tmp / "depeches").mkdir()
        (tmp / "depeches" / "a.html").write_text("<p>a</p>", encoding="utf-8")
        (tmp / "index.html").write_text("<p>nouveau</p>", encoding="utf-8")

    assert swap.build_and_swap(output, build, reuse=False) == {"kept": 0, "changed": 0}
    after = snapshot(output)
    assert seen == {"previous": before, "told": None}
    assert after["depeches/a.html"][0] == before["depeches/a.html"][0]  # same bytes,
    assert after["depeches/a.html"][1] != before["depeches/a.html"][1]  # a new file
    assert (output / "index.html").read_text(encoding="utf-8") == "<p>nouveau</p>"
    assert sorted(p.name for p in output.parent.iterdir()) == ["output"]


def test_exchange_swaps_two_folders_atomically(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir(), b.mkdir()
    (a / "x").write_text("a"), (b / "x").write_text("b")
    if not swap.exchange(a, b):
        pytest.skip("renameat2(RENAME_EXCHANGE) is not supported here: the two-rename path is used")
    assert (a / "x").read_text() == "b" and (b / "x").read_text() == "a"


def test_a_build_killed_between_the_two_renames_is_undone_by_the_next(
    output: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without renameat2 the swap is two renames; a kill between them must not lose output/."""
    before = snapshot(output)
    monkeypatch.setattr(swap, "exchange", lambda a, b: False)
    real_rename = os.rename
    calls = []

    def rename_then_die(src, dst):
        calls.append((src, dst))
        real_rename(src, dst)
        if len(calls) == 1:
            raise KeyboardInterrupt  # stands for SIGKILL right after output/ was moved aside

    monkeypatch.setattr(swap.os, "rename", rename_then_die)
    with pytest.raises(KeyboardInterrupt):
        swap.build_and_swap(output, lambda tmp: (tmp / "index.html").write_text("neuf"))
    assert not output.exists()  # the window the kill landed in
    monkeypatch.setattr(swap.os, "rename", real_rename)
    with pytest.raises(RuntimeError):  # the next build fails too: output/ must be back all the same
        swap.build_and_swap(output, partial_then(RuntimeError("boom")))
    assert snapshot(output) == before
    assert sorted(p.name for p in output.parent.iterdir()) == ["output"]


# --- The real `invoke build`, killed with SIGKILL -------------------------------------------


def project_copy(dest: Path) -> Path:
    """The project's build inputs in dest, with the model off (speed) and its own cache."""
    for name in ("tasks.py", "pelicanconf.py", "publishconf.py"):
        shutil.copy2(ROOT / name, dest / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info")
    for name in ("plugins", "theme", "content"):
        shutil.copytree(ROOT / name, dest / name, ignore=ignore)
    with (dest / "pelicanconf.py").open("a", encoding="utf-8") as fh:
        fh.write(
            "\nENTITY_DISCOVERY = False  # test_atomic_build: the model is not what is tested\n"
        )
    return dest


def invoke_build(project: Path) -> subprocess.Popen:
    """Start `python -m invoke build` in its own process group; its output goes to build.log."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DISPATCH_PREVIOUS"))}
    log = (project / "build.log").open("w", encoding="utf-8")  # a pipe left unread could block it
    return subprocess.Popen(
        [sys.executable, "-m", "invoke", "build"],
        cwd=project,
        env=env,
        start_new_session=True,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def log_of(project: Path) -> str:
    return (project / "build.log").read_text(encoding="utf-8", errors="replace")


def finish(proc: subprocess.Popen, project: Path, timeout: float = 300) -> str:
    proc.wait(timeout=timeout)
    assert proc.returncode == 0, log_of(project)[-3000:]
    return log_of(project)


def pending_files(project: Path) -> int:
    return sum(len(files) for tmp in project.glob(".output-new-*") for _, _, files in os.walk(tmp))


@pytest.mark.slow
def test_sigkill_mid_build_leaves_output_intact_and_the_next_build_recovers(tmp_path: Path) -> None:
    project = project_copy(tmp_path)
    content_before = tree_digest(project / "content")  # the project's own content/, copied
    finish(invoke_build(project), project)
    assert tree_digest(project / "content") == content_before  # raw files never modified
    output = project / "output"
    before = snapshot(output)
    assert "index.html" in before and len(before) > 100

    extra = project / "content" / "dispatches" / "lot"
    extra.mkdir()
    for n in range(600):  # a batch big enough that writing its pages takes a while
        (extra / f"{n:04d}.txt").write_bytes(filler(n))
    proc = invoke_build(project)
    deadline = time.monotonic() + 240
    while pending_files(project) < 150:  # mid-way: pages are being written into the new folder
        assert proc.poll() is None, (
            "the build ended before it was killed: " + log_of(project)[-2000:]
        )
        assert time.monotonic() < deadline, "the build never started writing"
        time.sleep(0.02)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert pending_files(project) >= 150  # the killed build's half-written folder is there…
    assert snapshot(output) == before  # …and output/ is exactly as it was, inodes included

    shutil.rmtree(extra)
    assert tree_digest(project / "content") == content_before
    finish(invoke_build(project), project)  # the next build cleans up and gives the same site again
    assert tree_digest(project / "content") == content_before
    assert not list(project.glob(".output-*"))
    assert {p: v[0] for p, v in snapshot(output).items()} == {p: v[0] for p, v in before.items()}


@pytest.mark.slow
def test_a_failed_invoke_build_leaves_output_intact(tmp_path: Path) -> None:
    project = project_copy(tmp_path)
    output = project / "output"
    (output / "depeches").mkdir(parents=True)
    (output / "index.html").write_text("<p>site précédent</p>", encoding="utf-8")
    before = snapshot(output)
    gazetteer = project / "content" / "gazetteer" / "acteurs.toml"
    gazetteer.write_text(
        gazetteer.read_text(encoding="utf-8") + '\n[[acteur]]\nslug = "onu"\n'
        'nom = "Doublon"\ntype = "organisation"\n',
        encoding="utf-8",
    )
    proc = invoke_build(project)
    proc.wait(timeout=300)
    out = log_of(project)
    assert proc.returncode != 0
    assert "acteurs.toml" in out and "'onu'" in out
    assert snapshot(output) == before
    assert not list(project.glob(".output-*"))
