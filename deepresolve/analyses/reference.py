"""The authors' own ONIVs of the 422 published models, and how ours agree with them.

``statistics/422-ONIV.pkl`` of ``lgsaber/DeepResolve`` (the commit the models come from) is a
Python 2 pickle of a pandas DataFrame from an old pandas: one row per experiment, columns
``oniv`` (16 values, one per convolutional filter, in the models' filter order), ``var`` (16
values) and ``num_compo`` (mixture components chosen). Neither today's pandas nor numpy can
load it, and unpickling a downloaded file with real classes could run code.
:func:`read_authors_oniv` reads it with :class:`RestrictedUnpickler`, which maps the eight
global names the file uses to stand-in classes of this module that only store data (arrays
are rebuilt with ``numpy.frombuffer`` from the raw bytes, dtypes from a short list of plain
numeric ones) and refuses every other global with :class:`UnsafePickleError`.

:func:`oniv_agreement` compares ONIVs per model: Pearson and Spearman correlation, whether the
top-1 filter is the same, and the overlap of the top-5 filters.
"""

from __future__ import annotations

import pickle
import re
from collections.abc import Mapping
from os import PathLike

import numpy as np
import pandas as pd
from scipy.stats import pearsonr, spearmanr

#: Columns of :func:`oniv_agreement`.
AGREEMENT_COLUMNS = ("experiment", "pearson", "spearman", "same_top1", "top5_overlap")
_PLAIN_DTYPE = re.compile(r"^[biuf][1248]$|^O[48]?$")


class UnsafePickleError(pickle.UnpicklingError):
    """The pickle names a global (class or function) that the reader does not allow."""


class _Marker:
    """Stands for a class the pickle only passes as an argument (``numpy.ndarray``,
    ``pandas.Index``)."""


class _PickledDtype:
    """``numpy.dtype(name, align, copy)`` then ``__setstate__(state)`` of an old pickle."""

    def __init__(self, name: str, align: int = 0, copy: int = 1) -> None:
        if not isinstance(name, str) or not _PLAIN_DTYPE.match(name):
            raise UnsafePickleError(f"dtype {name!r} is not a plain numeric or object dtype")
        self.name = "O" if name.startswith("O") else name
        self.byteorder = "="

    def __setstate__(self, state: tuple) -> None:
        if state[1] in ("<", ">", "=", "|"):
            self.byteorder = state[1]

    def numpy(self) -> np.dtype:
        order = "" if self.byteorder == "|" or self.name == "O" else self.byteorder
        return np.dtype(order + self.name)


class _PickledArray:
    """``numpy.core.multiarray._reconstruct(ndarray, shape, typecode)`` then
    ``__setstate__((version, shape, dtype, fortran, data))``; :meth:`numpy` rebuilds it."""

    def __init__(self, *args) -> None:
        self.array: np.ndarray | None = None

    def __setstate__(self, state: tuple) -> None:
        _, shape, dtype, fortran, data = state
        if not isinstance(dtype, _PickledDtype):
            raise UnsafePickleError("array state without a dtype")
        dtype = dtype.numpy()
        shape = tuple(int(n) for n in shape)
        order = "F" if fortran else "C"
        if dtype.kind == "O":
            values = np.empty(len(data), dtype=object)
            for i, item in enumerate(data):  # element-wise: arrays stay cells
                values[i] = _plain(item)
            self.array = values.reshape(shape, order=order)
        else:
            raw = data.encode("latin1") if isinstance(data, str) else bytes(data)
            self.array = np.frombuffer(raw, dtype=dtype).reshape(shape, order=order).copy()


class _PickledIndex:
    """``pandas.indexes.base._new_Index(Index, {"data": array, "name": name})``."""

    def __init__(self, cls, state: Mapping) -> None:
        self.values = _plain(state["data"])
        self.name = state.get("name")


class _PickledBlockManager:
    """An old pandas ``BlockManager``: axes and blocks (``__setstate__`` of pandas 0.14-0.19)."""

    def __setstate__(self, state: tuple) -> None:
        extra = state[3] if len(state) == 4 and isinstance(state[3], dict) else {}
        if "0.14.1" not in extra:
            raise pickle.UnpicklingError("BlockManager state of an unknown pandas version")
        self.axes = [_plain(axis) for axis in extra["0.14.1"]["axes"]]
        self.blocks = [
            (_plain(block["values"]), block["mgr_locs"]) for block in extra["0.14.1"]["blocks"]
        ]

    def frame(self) -> pd.DataFrame:
        columns, index = self.axes
        data = {}
        for values, locs in self.blocks:
            positions = np.arange(len(columns))[locs] if isinstance(locs, slice) else locs
            for row, position in zip(values, np.asarray(positions), strict=True):
                data[columns[position]] = list(row)
        return pd.DataFrame({c: data[c] for c in columns}, index=pd.Index(index))


class _PickledFrame:
    """An old pandas ``DataFrame``: ``__setstate__({"_data": BlockManager, ...})``."""

    def __setstate__(self, state: Mapping) -> None:
        manager = state.get("_data") if isinstance(state, Mapping) else None
        if not isinstance(manager, _PickledBlockManager):
            raise pickle.UnpicklingError("DataFrame state without a BlockManager")
        self.manager = manager


def _plain(value):
    """A stand-in as plain data: arrays as ndarray, indexes as a list of values."""
    if isinstance(value, _PickledArray):
        return value.array
    if isinstance(value, _PickledIndex):
        return list(value.values)
    return value


#: (module, name) -> stand-in: the only globals :class:`RestrictedUnpickler` resolves.
ALLOWED_GLOBALS = {
    ("numpy.core.multiarray", "_reconstruct"): _PickledArray,
    ("numpy", "ndarray"): _Marker,
    ("numpy", "dtype"): _PickledDtype,
    ("__builtin__", "slice"): slice,
    ("pandas.indexes.base", "_new_Index"): _PickledIndex,
    ("pandas.indexes.base", "Index"): _Marker,
    ("pandas.core.internals", "BlockManager"): _PickledBlockManager,
    ("pandas.core.frame", "DataFrame"): _PickledFrame,
}


class RestrictedUnpickler(pickle.Unpickler):
    """An unpickler that resolves only :data:`ALLOWED_GLOBALS`, to data-only stand-ins.

    Any other global (e.g. ``os.system``, ``builtins.eval``, a real pandas class) raises
    :class:`UnsafePickleError` naming the file and the global, before anything is called.
    """

    def __init__(self, file, *, source: str) -> None:
        super().__init__(file, encoding="latin1")
        self.source = source

    def find_class(self, module: str, name: str):
        try:
            return ALLOWED_GLOBALS[(module, name)]
        except KeyError:
            raise UnsafePickleError(
                f"{self.source}: refusing to unpickle {module}.{name}: only the stand-ins for "
                "the authors' 422-ONIV.pkl (old numpy arrays and a pandas DataFrame) are "
                "allowed. Is this the file of config key table1.authors_oniv (check its "
                "SHA-256)?"
            ) from None


def read_authors_oniv(path: str | PathLike) -> pd.DataFrame:
    """Read the authors' ``422-ONIV.pkl`` safely (:class:`RestrictedUnpickler`).

    Returns
    -------
    DataFrame
        Index ``experiment`` (422 names as in ``config/tf_motifs.tsv``); columns ``oniv`` and
        ``var`` (each cell an array of shape ``(K,)``, K = 16 filters) and ``num_compo`` (int).
    """
    with open(path, "rb") as handle:
        loaded = RestrictedUnpickler(handle, source=str(path)).load()
    if not isinstance(loaded, _PickledFrame):
        raise ValueError(f"{path}: expected a pickled DataFrame, got {type(loaded).__name__}")
    frame = loaded.manager.frame()
    missing = {"oniv", "var", "num_compo"} - set(frame.columns)
    if missing:
        raise ValueError(f"{path}: columns {sorted(missing)} missing (has {list(frame.columns)})")
    frame["oniv"] = [np.asarray(v, dtype=float) for v in frame["oniv"]]
    frame["var"] = [np.asarray(v, dtype=float) for v in frame["var"]]
    frame["num_compo"] = frame["num_compo"].astype(int)
    frame.index = frame.index.map(str).rename("experiment")
    return frame


def oniv_agreement(
    ours: Mapping[str, np.ndarray], authors: Mapping[str, np.ndarray], top: int = 5
) -> pd.DataFrame:
    """Per model, how our ONIV agrees with the authors'.

    Parameters
    ----------
    ours, authors : dict of str -> array, shape=(K,)
        Experiment -> ONIV in filter order. Every experiment of ``ours`` must be in
        ``authors`` with the same number of filters.
    top : int
        Size of the top set compared (top-5 overlap).

    Returns
    -------
    DataFrame
        :data:`AGREEMENT_COLUMNS`: Pearson and Spearman r, ``same_top1`` (bool: the largest
        ONIV is on the same filter), ``top5_overlap`` (int, 0..top: filters in both top sets).
    """
    missing = [e for e in ours if e not in authors]
    if missing:
        raise KeyError(f"no authors' ONIV for {len(missing)} experiments, e.g. {missing[:3]}")
    rows = []
    for experiment, mine in ours.items():
        mine = np.asarray(mine, dtype=float)
        theirs = np.asarray(authors[experiment], dtype=float)
        if mine.shape != theirs.shape:
            raise ValueError(
                f"{experiment}: our ONIV has shape {mine.shape}, the authors' {theirs.shape}"
            )
        best_mine = np.argsort(-mine, kind="stable")[:top]
        best_theirs = np.argsort(-theirs, kind="stable")[:top]
        rows.append(
            {
                "experiment": experiment,
                "pearson": float(pearsonr(mine, theirs).statistic),
                "spearman": float(spearmanr(mine, theirs).statistic),
                "same_top1": bool(best_mine[0] == best_theirs[0]),
                "top5_overlap": len(set(best_mine) & set(best_theirs)),
            }
        )
    return pd.DataFrame(rows, columns=list(AGREEMENT_COLUMNS))


def agreement_summary(agreement: pd.DataFrame) -> str:
    """One line: median Pearson and Spearman r, same top-1 and mean top-5 overlap."""
    n = len(agreement)
    return (
        f"median Pearson r {agreement['pearson'].median():.4f}, median Spearman r "
        f"{agreement['spearman'].median():.4f}, same top-1 filter in "
        f"{int(agreement['same_top1'].sum())} of {n} models, top-5 overlap "
        f"{agreement['top5_overlap'].mean():.2f} of 5 on average"
    )
