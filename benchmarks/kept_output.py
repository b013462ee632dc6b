"""The last output of a benchmark, kept: ``with kept_output(path):`` prints as usual and, with a
path, also writes everything printed to it, after one header line (the command's arguments, the
commit, the date and the load average), so that docs can point at a measured result file."""

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


@contextlib.contextmanager
def kept_output(path: Path | None):
    """Print as usual; with ``path``, write the output there too (folders made) at the end."""
    if path is None:
        yield
        return
    tee = _Tee(sys.stdout)
    with contextlib.redirect_stdout(tee):
        yield
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    header = (
        f"# {Path(sys.argv[0]).name} {' '.join(sys.argv[1:])}; commit {commit}; {time.ctime()};"
        f" load average at the end {load_average()}\n"
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(header + tee.kept.getvalue())
