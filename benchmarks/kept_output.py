"""The last output of a benchmark, kept: ``with kept_output(path):`` prints as usual and, with a
path, also writes everything printed to it, after one header line (the command's arguments, the
commit and date it started from, the load average at the end), so that docs render a measured
result file (``deepresolve.reports.pages.benchmark_output``) instead of typed numbers."""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


class _Tee(io.TextIOBase):
    def __init__(self, stream):
        self.stream, self.kept = stream, io.StringIO()

    def write(self, text: str) -> int:
        self.kept.write(text)
        return self.stream.write(text)

    def flush(self) -> None:
        self.stream.flush()


def load_average() -> str:
    """The 1, 5 and 15 minute load averages, e.g. ``"2.51 3.02 2.87"``."""
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def commit() -> str:
    """The checkout's short commit, with ``+changes`` when tracked files outside
    ``docs/results/`` differ from it."""

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()

    # kept outputs (docs/results/) are written by these runs: not a change of the code
    changed = git("status", "--porcelain", "--untracked-files=no", "--", ".", ":!docs/results")
    return git("rev-parse", "--short", "HEAD") + ("+changes" if changed else "")


@contextlib.contextmanager
def kept_output(path: Path | None):
    """Print as usual; with ``path``, write the output there too (folders made) at the end,
    after a header with the commit the run started from."""
    if path is None:
        yield
        return
    started = f"commit {commit()}; {time.ctime()}"
    tee = _Tee(sys.stdout)
    with contextlib.redirect_stdout(tee):
        yield
    header = (
        f"# {Path(sys.argv[0]).name} {' '.join(sys.argv[1:])}; {started}; load average at the "
        f"end {load_average()}\n"
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(header + tee.kept.getvalue())
