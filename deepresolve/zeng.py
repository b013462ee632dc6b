"""Read the Zeng et al. (2016) ``motif_discovery`` sequence files (``train.data``, ``test.data``).

One sequence per line, three whitespace-separated fields::

    >chr20:42901189-42901289 CAGTTGGCCTCATTG...GTAGA 1
    >chr9:120407047-120407147_shuf ACGGCAACAGTTTCG...TAAGGT 0

an identifier (the leading ``>`` is dropped), the sequence (101 bp in the published files) and
the label (1 = ChIP-seq peak, 0 = dinucleotide-shuffled negative). Blank lines are ignored;
gzip-compressed files are read transparently (recognised by content, not by name).
"""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import NamedTuple

import numpy as np

from deepresolve.sequences import encode_indices, indices_to_one_hot

N_POLICIES = ("error", "uniform")


class ZengSequences(NamedTuple):
    """Sequences of one Zeng file.

    ``ids``: list of n identifiers; ``X: array, shape=(n, length, 4)`` one-hot (A, C, G, T),
    ``uint8`` (``float32`` with ``n_policy="uniform"``); ``labels: array, shape=(n,), int64``.
    """

    ids: list[str]
    X: np.ndarray
    labels: np.ndarray


def _open(path: Path):
    with open(path, "rb") as handle:
        magic = handle.read(2)
    return gzip.open(path, "rb") if magic == b"\x1f\x8b" else open(path, "rb")


def read_zeng(
    path: str | Path, *, n_policy: str = "error", length: int | None = None
) -> ZengSequences:
    """Read one Zeng ``motif_discovery`` file.

    Parameters
    ----------
    path : path
        Plain or gzip-compressed ``*.data`` file.
    n_policy : {"error", "uniform"}
        What to do with the letter N: ``"error"`` rejects it; ``"uniform"`` encodes it as
        0.25 in each of the four channels, and ``X`` is then ``float32``.
    length : int, optional
        Required sequence length (bp); by default the length of the first sequence.

    Returns
    -------
    ZengSequences
        ``(ids, X, labels)``; ``X: shape=(n, length, 4)``, ``labels: shape=(n,)`` of 0/1.

    Raises
    ------
    ValueError
        Naming the file and line: a line without three fields, a letter other than A, C, G, T
        (or N under ``n_policy="error"``), a length different from the first line (or
        ``length``), a label other than 0 or 1, a duplicated identifier; or an empty file.
    """
    if n_policy not in N_POLICIES:
        raise ValueError(f"n_policy must be one of {N_POLICIES}, got {n_policy!r}")
    path = Path(path)
    ids: list[str] = []
    rows: list[np.ndarray] = []
    n_masks: list[np.ndarray | None] = []
    labels: list[int] = []
    first_line: dict[str, int] = {}
    expected = length
    expected_from = "the length= argument"
    try:
        handle = _open(path)
    except OSError as err:
        raise ValueError(f"{path}: cannot open ({err})") from err
    with handle:
        try:
            lines = list(handle)
        except (OSError, EOFError) as err:
            raise ValueError(f"{path}: cannot read ({err}); corrupt gzip file?") from err
    for lineno, raw in enumerate(lines, start=1):
        line = raw.decode("utf-8", errors="replace").strip()
        if not line:
            continue
        where = f"{path}, line {lineno}"
        fields = line.split()
        if len(fields) != 3:
            raise ValueError(
                f"{where}: expected 3 fields 'id sequence label', found {len(fields)}: "
                f"{line[:60]!r}"
            )
        seq_id, seq, label = fields
        seq_id = seq_id.removeprefix(">")
        if seq_id in first_line:
            raise ValueError(
                f"{where}: identifier {seq_id!r} already used on line {first_line[seq_id]}"
            )
        first_line[seq_id] = lineno
        if expected is None:
            expected, expected_from = len(seq), f"line {lineno}"
        if len(seq) != expected:
            raise ValueError(
                f"{where}: sequence of {len(seq)} bp, expected {expected} bp (from {expected_from})"
            )
        mask = None
        bad = next((i for i, ch in enumerate(seq) if not ch.isascii()), None)
        if bad is not None:
            raise ValueError(
                f"{where}: letter {seq[bad]!r} at position {bad + 1} is not one of A, C, G, T"
            )
        upper = seq.upper()
        if "N" in upper:
            if n_policy == "error":
                raise ValueError(
                    f"{where}: letter 'N' at position {upper.index('N') + 1} is not one of "
                    "A, C, G, T; pass n_policy='uniform' to encode N as 0.25 per base"
                )
            mask = np.frombuffer(upper.encode("ascii"), dtype=np.uint8) == ord("N")
            seq = upper.replace("N", "A")
        rows.append(encode_indices(seq, name=where))
        n_masks.append(mask)
        try:
            value = int(label)
        except ValueError:
            value = None
        if value not in (0, 1):
            raise ValueError(f"{where}: label {label!r} is not 0 or 1")
        labels.append(value)
        ids.append(seq_id)
    if not ids:
        raise ValueError(f"{path}: no sequences (empty file)")

    X = indices_to_one_hot(np.stack(rows))
    if n_policy == "uniform":
        X = X.astype(np.float32)
        for i, mask in enumerate(n_masks):
            if mask is not None:
                X[i, mask] = 0.25
    return ZengSequences(ids, X, np.asarray(labels, dtype=np.int64))
