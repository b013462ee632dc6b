"""Read DeepBind's ``.seq`` sequence files (Alipanahi et al. 2015, ENCODE ChIP-seq sets).

Tab-separated text, plain or gzip-compressed (recognised by content), with a header line::

    FoldID  EventID         seq                 Bound
    A       seq_00002_peak  GACCCTGCGCTTGG...   1
    A       seq_00002_shuf  GCGCTTGACCCTGG...   0

``*_AC.seq.gz`` holds an experiment's training peaks (all ``Bound`` 1, no negatives);
``*_B.seq.gz`` its test set (500 peaks, then their 500 dinucleotide shuffles, ``Bound`` 0).
The files of the ten ENCODE sets in the public repository ``jisraeli/DeepBind`` live at
:data:`DEEPBIND_URL` (a pinned commit; file names keep their parentheses); their SHA-256s are in
``config/deepbind_encode.sha256`` (:data:`CHECKSUMS_FILE`).
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd

from deepresolve.core.files import read_lines
from deepresolve.datasets.zeng import ZengSequences, check_letters, encode

DEEPBIND_COMMIT = "a9bbf5ffcdf62f2832b0bbdede43a36f4dc19426"
DEEPBIND_URL = f"https://raw.githubusercontent.com/jisraeli/DeepBind/{DEEPBIND_COMMIT}/data/encode"
CHECKSUMS_FILE = Path(__file__).resolve().parents[2] / "config" / "deepbind_encode.sha256"
HEADER = ("FoldID", "EventID", "seq", "Bound")
PARTS = {"AC": "training peaks", "B": "test peaks and shuffles"}


def deepbind_filename(name: str, part: str) -> str:
    """File name of one DeepBind ENCODE set's part: ``<name>_<part>.seq.gz``.

    ``name`` is DeepBind's set name (e.g. ``REST_GM12878_NRSF_HudsonAlpha``); ``part`` is
    ``"AC"`` (training peaks) or ``"B"`` (test).
    """
    if part not in PARTS:
        raise ValueError(f"DeepBind part {part!r} is not one of {sorted(PARTS)}")
    return f"{name}_{part}.seq.gz"


def read_deepbind(
    path: str | os.PathLike, n_policy: str = "error", source: str | None = None
) -> pd.DataFrame:
    """Read one DeepBind ``.seq`` / ``.seq.gz`` file.

    Parameters
    ----------
    path : path
        Tab-separated file with the header ``FoldID EventID seq Bound``; gzip or plain.
    n_policy : {"error", "uniform"}
        N in a sequence stops with a message naming ``chipseq.n_policy`` (``"error"``), or is
        kept (``"uniform"``, encoded 0.25 per base by :func:`deepresolve.datasets.zeng.encode`).
    source : str, optional
        The file messages name (default ``path``): the user's own file when ``path`` is the
        workflow's copy of it.

    Returns
    -------
    pandas.DataFrame
        One row per sequence, in file order, columns ``fold_id`` (str), ``event_id`` (str),
        ``sequence`` (str, upper-case A/C/G/T (and N under ``n_policy="uniform"``), all of one
        length) and ``bound`` (int, 0 or 1).

    Raises
    ------
    ValueError
        Naming the file, the 1-based line and what to do: a missing or different header, a
        line without four tab-separated fields, a letter other than A, C, G, T (N only under
        ``n_policy="uniform"``; DeepBind's own files have none), a sequence of another length
        than the first, a ``Bound`` other than 0 or 1, or no sequences at all. Blank lines are
        skipped.
    """
    lines = read_lines(Path(path))
    path = source or Path(path)
    fix = "; expected DeepBind's format (tab-separated FoldID, EventID, seq, Bound)"
    first = next((i for i, line in enumerate(lines) if line), None)
    if first is None:
        raise ValueError(f"{path}: empty file, no header and no sequences{fix}")
    header = tuple(lines[first].split("\t"))
    if header != HEADER:
        raise ValueError(
            f"{path}, line {first + 1}: header {lines[first][:80]!r} is not "
            f"'{chr(9).join(HEADER)}'{fix}: put that header line first (tab-separated)"
        )
    fold_ids: list[str] = []
    event_ids: list[str] = []
    sequences: list[str] = []
    bound: list[int] = []
    length = length_line = None
    for lineno, line in enumerate(lines[first + 1 :], start=first + 2):
        if not line:
            continue
        where = f"{path}, line {lineno}"
        fields = line.split("\t")
        if len(fields) != 4:
            raise ValueError(
                f"{where}: {len(fields)} tab-separated fields, expected 4 "
                f"(FoldID, EventID, seq, Bound): {line[:60]!r}; fix or remove this line"
            )
        fold_id, event_id, seq, label = (field.strip() for field in fields)
        seq = seq.upper()
        if not seq:
            raise ValueError(f"{where}: empty sequence; fix or remove this line")
        check_letters(seq, where, n_policy)
        if length is None:
            length, length_line = len(seq), lineno
        elif len(seq) != length:
            raise ValueError(
                f"{where}: sequence of {len(seq)} bp, but line {length_line} has {length} bp; "
                "all sequences of a file must have one length"
            )
        if label not in ("0", "1"):
            raise ValueError(
                f"{where}: Bound {label!r} is not 0 or 1 (1 = bound peak, 0 = unbound)"
            )
        fold_ids.append(fold_id)
        event_ids.append(event_id)
        sequences.append(seq)
        bound.append(int(label))
    if not sequences:
        raise ValueError(f"{path}: header only, no sequences{fix}")
    return pd.DataFrame(
        {
            "fold_id": pd.Series(fold_ids, dtype=object),
            "event_id": pd.Series(event_ids, dtype=object),
            "sequence": pd.Series(sequences, dtype=object),
            "bound": pd.Series(bound, dtype="int64"),
        }
    )


def deepbind_sequences(
    path: str | os.PathLike, n_policy: str = "error", source: str | None = None
) -> ZengSequences:
    """A DeepBind file as :class:`deepresolve.datasets.zeng.ZengSequences` (what the workflow
    joins).

    ``ids`` are the ``EventID``s, ``X: array, shape=(n, length, 4)`` one-hot (A, C, G, T),
    ``uint8`` (``float32`` under ``n_policy="uniform"``, N = 0.25 per base), ``labels: array,
    shape=(n,), int64`` the ``Bound`` column. A repeated ``EventID`` raises ``ValueError``
    naming the file (``source``, default ``path``; see :func:`read_deepbind`).
    """
    table = read_deepbind(path, n_policy, source)
    path = source or path
    repeated = table["event_id"][table["event_id"].duplicated()]
    if len(repeated):
        raise ValueError(
            f"{path}: EventID {repeated.iloc[0]!r} occurs more than once; every EventID must be "
            "unique (it pairs a peak with its shuffle)"
        )
    return ZengSequences(
        table["event_id"].tolist(),
        encode(table["sequence"].tolist(), n_policy),
        table["bound"].to_numpy(dtype=np.int64),
    )
