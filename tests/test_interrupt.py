"""Interrupted builds never damage the previous output: SIGKILL part-way, SIGINT/SIGTERM, and the output lock.

Each test runs the real command in a subprocess (`python -m dnkdata.cli build ...`) over a few hundred invented
captures, so the build is slow enough to be interrupted at a chosen phase.
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dnkdata.export import output_lock

ROOT = Path(__file__).resolve().parents[1]
PLACES = ["Hyesan", "Sinuiju", "Chongjin", "Hamhung", "Wonsan", "Pyongyang", "Kaesong", "Sariwon"]
N_CAPTURES = 400


def write_corpus(folder: Path, n: int) -> Path:
    """n invented captures, each its own story (a unique title), with quotes and place names to extract."""
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        place = PLACES[i % len(PLACES)]
        paragraphs = [
            f"Traders in {place} report price change number {i}",
            f"The price of rice in {place} moved by {i} won this week, according to a source in the city.",
            f"\u201cPeople are buying corn instead because rice is too dear,\u201d the source told Daily NK on "
            f"condition of anonymity. \u201cMerchants expect the price to keep rising until the harvest.\u201d",
            f"Local authorities in {place} have ordered market managers to report prices every day, another "
            f"source said, adding that inspections have become more frequent since the start of the month.",
        ]
        (folder / f"capture-{i:05d}.txt").write_text("\n\n".join(paragraphs) + "\n", encoding="utf-8")
    return folder


def start_build(raw: Path, out: Path, *extra: str) -> subprocess.Popen:
    """A build with no cache: every capture is really read, so there is work to interrupt."""
    command = [sys.executable, "-m", "dnkdata.cli", "build", str(raw), "--out", str(out), "--no-cache", *extra]
    return subprocess.Popen(command,
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)  # its own process group: SIGKILL reaches its workers too


def stop_group(proc: subprocess.Popen) -> None:
    """Whatever is left of a build's process group (nothing, if it cleaned up after itself)."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait(timeout=60)


def kill_group(proc: subprocess.Popen) -> None:
    """SIGKILL the build and its worker processes at once, as a power cut or the OOM killer would."""
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=60)


def run_build(raw: Path, out: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dnkdata.cli", "build", str(raw), "--out", str(out), *extra],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)


def digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def leftovers(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}."))


def wait_for(condition, proc: subprocess.Popen, timeout: float = 300) -> bool:
    """Poll without sleeping (the staging window can be short); False if the build ended first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        if proc.poll() is not None:
            return False
    raise AssertionError("the build neither reached the expected phase nor ended")


def has_children(pid: int) -> bool:
    """True once the build has started its worker processes, i.e. it is reading captures (Linux /proc)."""
    try:
        return bool(Path(f"/proc/{pid}/task/{pid}/children").read_text().split())
    except OSError:
        return False


@pytest.fixture(scope="module")
def previous(tmp_path_factory):
    """A finished build (the previous output) and a larger input set for the build that gets interrupted."""
    root = tmp_path_factory.mktemp("interrupt")
    old_raw = write_corpus(root / "old", 20)
    out = root / "build"
    done = run_build(old_raw, out, "--workers", "1")
    assert done.returncode == 0, done.stderr
    raw = write_corpus(root / "raw", N_CAPTURES)
    return raw, out


def catch_staging(raw: Path, out: Path) -> tuple[subprocess.Popen, dict[str, str]]:
    """A build frozen (SIGSTOP) while its staging folder exists, and the output as it was before that build
    started; retried if a build finishes before its staging folder is seen."""
    for _ in range(5):
        before = digests(out)
        proc = start_build(raw, out, "--workers", "2")
        if wait_for(lambda: any(name.startswith(f".{out.name}.tmp-") for name in leftovers(out)), proc):
            proc.send_signal(signal.SIGSTOP)
            return proc, before
        assert proc.returncode == 0, proc.stderr.read()
    pytest.skip("every build finished before its staging folder could be seen")


def test_sigkill_while_staging_leaves_previous_output_and_rerun_cleans_up(previous):
    raw, out = previous
    proc, before = catch_staging(raw, out)
    kill_group(proc)
    assert proc.returncode == -signal.SIGKILL
    assert digests(out) == before  # the killed build changed nothing in place
    assert f".{out.name}.tmp-{proc.pid}" in leftovers(out)  # its orphan staging folder
    rerun = run_build(raw, out, "--workers", "2")
    assert rerun.returncode == 0, rerun.stderr
    assert leftovers(out) == []  # the orphan staging folder and the stale lock are gone
    assert f"{N_CAPTURES} files" in rerun.stdout and digests(out) != before


def test_sigkill_while_reading_leaves_previous_output(previous):
    raw, out = previous
    before = digests(out)
    proc = start_build(raw, out, "--workers", "2")
    assert wait_for(lambda: has_children(proc.pid), proc), "the build ended before it started its workers"
    kill_group(proc)
    assert digests(out) == before
    assert f".{out.name}.spill-{proc.pid}" in leftovers(out)  # where its workers' results waited (no cache)
    rerun = run_build(raw, out, "--workers", "2", "--no-cache")
    assert rerun.returncode == 0, rerun.stderr
    assert leftovers(out) == []  # the next build clears it


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_sigint_and_sigterm_exit_cleanly_without_partial_output(previous, signum):
    raw, out = previous
    before = digests(out)
    proc = start_build(raw, out, "--workers", "2")
    assert wait_for(lambda: has_children(proc.pid), proc), "the build ended before it started its workers"
    proc.send_signal(signum)  # to the build only, as `kill PID` would: it must stop its workers itself
    try:
        stdout, stderr = proc.communicate(timeout=120)
    finally:
        stop_group(proc)
    assert proc.returncode == 128 + signum, stderr
    assert f"interrupted by {signal.Signals(signum).name}" in stderr and "Traceback" not in stderr and "Exception ignored" not in stderr
    assert digests(out) == before
    assert leftovers(out) == []  # its staging folder and lock were removed on the way out


def test_second_build_refuses_while_the_lock_is_held(previous, tmp_path):
    raw, out = previous
    before = digests(out)
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from pathlib import Path; from dnkdata.export import output_lock\n"
         "with output_lock(Path(sys.argv[1])):\n    print('locked', flush=True); time.sleep(120)", str(out)],
        cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        refused = run_build(raw, out, "--workers", "1")
        assert refused.returncode == 1
        lock = out.parent / f".{out.name}.lock"
        assert str(lock) in refused.stderr and f"pid {holder.pid}" in refused.stderr
        assert "Traceback" not in refused.stderr
        assert digests(out) == before
    finally:
        holder.kill()
        holder.wait()
    # the holder died without unlocking: its stale lock is taken over
    with output_lock(out):
        pass
    assert leftovers(out) == []
