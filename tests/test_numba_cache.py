"""deepresolve.motifs.numba_cache: a log line before memelite compiles in a fresh environment."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import ROOT

SCRIPT = """
import logging, sys
logging.basicConfig(stream=sys.stdout, level=logging.INFO, format="%(name)s: %(message)s")
from deepresolve.motifs.numba_cache import announce_memelite_compile, memelite_cache
folder, compiled = memelite_cache()
print("CACHE", folder, compiled)
announce_memelite_compile()
announce_memelite_compile()
"""


def test_fresh_cache_is_announced_once_with_its_folder(tmp_path):
    """With an empty NUMBA_CACHE_DIR nothing is compiled yet: one log line says so, names the
    folder under NUMBA_CACHE_DIR and the variable; a second call says nothing."""
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path / "numba")}
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-2000:]
    cache_line = next(line for line in done.stdout.splitlines() if line.startswith("CACHE"))
    assert cache_line.startswith(f"CACHE {tmp_path / 'numba'}") and cache_line.endswith(" 0")
    announced = [line for line in done.stdout.splitlines() if "compiles its TOMTOM" in line]
    assert len(announced) == 1
    assert announced[0].startswith("deepresolve.motifs.tomtom: ")
    assert str(tmp_path / "numba") in announced[0] and "NUMBA_CACHE_DIR" in announced[0]
    assert "about a minute" in announced[0]
