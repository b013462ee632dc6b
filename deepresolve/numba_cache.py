"""Where numba keeps memelite's compiled TOMTOM kernels, and a log line before it compiles.

memelite's kernels are numba functions with ``cache=True``: the first call in a fresh
environment compiles them (about a minute on an idle machine, several on a loaded one) and
writes the machine code beside memelite's sources (``memelite/__pycache__``), or under
``$NUMBA_CACHE_DIR`` when that is set or the package folder is read-only; later processes load
it in about a second. On a cluster whose software environment is read-only, set
``NUMBA_CACHE_DIR`` to a writable folder shared by the jobs, so that only the first job
compiles.
"""

from __future__ import annotations

import importlib
import logging
import os
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
    cached yet (logger ``deepresolve.tomtom``): what happens, about how long, where the
    result goes."""
    global _announced
    if _announced:
        return
    _announced = True
    folder, compiled = memelite_cache()
    if compiled:
        return
    logging.getLogger("deepresolve.tomtom").info(
        "memelite compiles its TOMTOM kernels (numba) on this first use: about a minute on an "
        "idle machine, several on a loaded one, nothing logged meanwhile; compiled code goes "
        "to %s (set NUMBA_CACHE_DIR to a writable folder to put it elsewhere) and later runs "
        "load it in about a second",
        folder if folder is not None else "numba's cache folder",
    )
