"""Where numba keeps memelite's compiled TOMTOM kernels; compiling them when the environment
is made, and a log line before a job has to compile them itself.

memelite's kernels are numba functions with ``cache=True``: the first call in a fresh
environment compiles them (about a minute on an idle machine, several on a loaded one) and
writes the machine code beside memelite's sources (``memelite/__pycache__``), or under
``$NUMBA_CACHE_DIR`` when that is set or the package folder is read-only; later processes load
it in about a second. ``python -m deepresolve.motifs.numba_cache`` compiles them (``make venv`` and
the conda environment's post-deploy script run it), so that no analysis pays it.

numba keys its cache by the absolute path and modification time of memelite's source file:
every process using one environment reuses it, but another clone with its own ``.venv`` has
its own memelite and compiles once more (when its environment is made). On a cluster whose
software environment is read-only, set ``NUMBA_CACHE_DIR`` to a writable folder shared by the
jobs, so that only the first job compiles.
"""

from __future__ import annotations

import importlib
import logging
import os
import sys
import time
import warnings
from pathlib import Path

_announced = False


def memelite_cache() -> tuple[Path | None, int]:
    """``(folder, n_compiled)``: numba's cache folder for memelite's TOMTOM kernels and how
    many compiled kernels it holds (0 in a fresh environment). ``(None, 0)`` when numba's
    cache cannot be inspected (a numba without these internals)."""
    module = importlib.import_module("memelite.tomtom")
    kernels = [
        obj._cache
        for obj in vars(module).values()
        if hasattr(getattr(obj, "_cache", None), "_cache_path")
    ]
    try:
        folder = Path(kernels[0]._cache_path)
        compiled = sum(os.path.exists(k._cache_file._index_path) for k in kernels)
    except (AttributeError, IndexError):
        return None, 0
    return folder, compiled


def announce_memelite_compile() -> None:
    """Log, once per process, that memelite is about to compile its kernels when none are
    cached yet (logger ``deepresolve.motifs.tomtom``): what happens, about how long, where the
    result goes."""
    global _announced
    if _announced:
        return
    _announced = True
    folder, compiled = memelite_cache()
    if compiled:
        return
    logging.getLogger("deepresolve.motifs.tomtom").info(
        "memelite compiles its TOMTOM kernels (numba) on this first use: about a minute on an "
        "idle machine, several on a loaded one, nothing logged meanwhile; compiled code goes "
        "to %s (set NUMBA_CACHE_DIR to a writable folder to put it elsewhere) and later runs "
        "load it in about a second",
        folder if folder is not None else "numba's cache folder",
    )


def precompile_memelite() -> str:
    """Compile memelite's TOMTOM kernels into numba's cache, unless they are there already.

    A TOMTOM of one random 25-column filter against two small matrices through
    :func:`deepresolve.motifs.tomtom.run_tomtom` (the calls, and so the argument types numba
    compiles
    for, of every TOMTOM of the workflow). Prints one line to stderr before compiling (what,
    where, about how long) and returns the line that says how it went.
    """
    import numpy as np

    from deepresolve.motifs.tomtom import run_tomtom

    global _announced
    folder, compiled = memelite_cache()
    where = folder if folder is not None else "numba's cache folder"
    if compiled:
        return f"memelite's TOMTOM kernels are already compiled ({compiled} in {where})"
    print(
        f"Compiling memelite's TOMTOM kernels (numba) once for this environment, into {where}: "
        "about a minute on an idle machine, several on a loaded one ...",
        file=sys.stderr,
        flush=True,
    )
    _announced = True  # said above; run_tomtom need not log it again
    rng = np.random.default_rng(0)
    query = rng.dirichlet(np.ones(4), size=25)
    targets = {"a": rng.dirichlet(np.ones(4), size=8), "b": rng.dirichlet(np.ones(4), size=12)}
    start = time.perf_counter()
    with warnings.catch_warnings():  # memelite's "fewer than 25 targets": true, and no matter
        warnings.simplefilter("ignore", UserWarning)
        run_tomtom({"filter_0": query}, targets, target_nsites={"a": 10, "b": 20}, top=1)
    seconds = time.perf_counter() - start
    _, compiled = memelite_cache()
    return f"memelite's TOMTOM kernels compiled in {seconds:.0f} s ({compiled} in {where})"


if __name__ == "__main__":
    print(precompile_memelite(), file=sys.stderr)
