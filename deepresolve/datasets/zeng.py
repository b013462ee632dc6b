"""Read and write the Zeng et al. (2016) ``motif_discovery`` sequence files (``*.data``).

One sequence per line, three whitespace-separated fields::

    >chr20:42901189-42901289 CAGTTGGCCTCATTG...GTAGA 1
    >chr9:120407047-120407147_shuf ACGGCAACAGTTTCG...TAAGGT 0

an identifier (the leading ``>`` is dropped), the sequence (101 bp in the published files) and
the label (1 = ChIP-seq peak, 0 = dinucleotide-shuffled negative). Blank lines are ignored;
gzip-compressed files are read transparently (recognised by content, not by name).

The letter policy is shared with :mod:`deepresolve.datasets.fasta`: A, C, G, T in either case, and N
only under an explicit ``n_policy="uniform"`` (0.25 in each channel); :func:`check_letters`
and :func:`encode` are the two steps every reader calls.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

import numpy as np

from deepresolve.core.files import atomic_write, read_lines
from deepresolve.datasets.sequences import encode_indices, indices_to_one_hot

N_POLICIES = ("error", "uniform")
_NOT_ACGT = re.compile(r"[^ACGTacgt]")
_NOT_ACGTN = re.compile(r"[^ACGTNacgtn]")
_N_HINT = (
    "; to keep such sequences with N as 0.25 per base, set chipseq.n_policy: uniform in the "
    "workflow config (n_policy='uniform' in Python), or remove them from the file"
)


class ZengSequences(NamedTuple):
    """Sequences of one Zeng file (also what :func:`deepresolve.datasets.fasta.read_fasta` returns).

    ``ids``: list of n identifiers; ``X: array, shape=(n, length, 4)`` one-hot (A, C, G, T),
    ``uint8`` (``float32`` with ``n_policy="uniform"``); ``labels: array, shape=(n,), int64``.
    """

    ids: list[str]
    X: np.ndarray
    labels: np.ndarray


def check_letters(sequence: str, where: str, n_policy: str = "error") -> None:
    """Raise ``ValueError`` at the first letter other than A, C, G, T (either case).

    N (either case) is accepted under ``n_policy="uniform"``. The message starts with
    ``where`` (e.g. ``"test.data, line 3"``) and gives the 1-based position in ``sequence``.
    """
    _check_n_policy(n_policy)
    bad = (_NOT_ACGTN if n_policy == "uniform" else _NOT_ACGT).search(sequence)
    if bad is not None:
        letter = bad.group()
        hint = _N_HINT if letter in "Nn" else ""
        raise ValueError(
            f"{where}: letter {letter!r} at position {bad.start() + 1} is not one of "
            f"A, C, G, T{hint}"
        )


def encode(sequences: Sequence[str], n_policy: str = "error") -> np.ndarray:
    """One-hot encode equal-length sequences already passed through :func:`check_letters`.

    Returns ``X: array, shape=(n, length, 4)`` (A, C, G, T): ``uint8``, or ``float32`` under
    ``n_policy="uniform"`` with N as 0.25 in each channel.
    """
    _check_n_policy(n_policy)
    if not sequences:
        raise ValueError("no sequences to encode")
    length = len(sequences[0])
    joined = "".join(sequences).upper()
    if len(joined) != length * len(sequences):
        raise ValueError("sequences have different lengths; expected one")
    n_mask = None
    if n_policy == "uniform" and "N" in joined:
        n_mask = np.frombuffer(joined.encode("ascii"), dtype=np.uint8) == ord("N")
        joined = joined.replace("N", "A")
    X = indices_to_one_hot(encode_indices(joined).reshape(len(sequences), length))
    if n_policy == "uniform":
        X = X.astype(np.float32)
        if n_mask is not None:
            X[n_mask.reshape(len(sequences), length)] = 0.25
    return X


def _check_n_policy(n_policy: str) -> None:
    if n_policy not in N_POLICIES:
        raise ValueError(f"n_policy must be one of {N_POLICIES}, got {n_policy!r}")


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
    _check_n_policy(n_policy)
    path = Path(path)
    ids: list[str] = []
    sequences: list[str] = []
    labels: list[int] = []
    first_line: dict[str, int] = {}
    expected = length
    expected_from = "the length= argument"
    for lineno, line in enumerate(read_lines(path), start=1):
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
        check_letters(seq, where, n_policy)
        if label not in ("0", "1"):
            raise ValueError(f"{where}: label {label!r} is not 0 or 1")
        labels.append(int(label))
        sequences.append(seq)
        ids.append(seq_id)
    if not ids:
        raise ValueError(f"{path}: no sequences (empty file)")
    return ZengSequences(ids, encode(sequences, n_policy), np.asarray(labels, dtype=np.int64))


def write_zeng(
    path: str | os.PathLike,
    ids: Sequence[str],
    sequences: Sequence[str],
    labels: Sequence[int] | np.ndarray,
) -> Path:
    """Write sequences in the ``motif_discovery`` format that :func:`read_zeng` reads.

    One line ``>id SEQUENCE label`` per sequence, written atomically (:func:`atomic_write`;
    gzip-compressed when ``path`` ends in ``.gz``). Letters are written as given (use
    :func:`deepresolve.datasets.sequences.decode` to turn a one-hot ``X`` into strings).

    Parameters
    ----------
    path : path
        Destination ``*.data`` file.
    ids : sequence of str, length n
        Identifiers, unique, without whitespace; a leading ``>`` is not added twice.
    sequences : sequence of str, length n
        Equal-length DNA strings.
    labels : sequence of int, length n
        0 or 1.

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    ValueError
        Different counts, an empty set, an identifier that is empty, holds whitespace or is
        repeated, a sequence of another length or with whitespace, a label other than 0 or 1.
        Nothing is written then.
    """
    ids, sequences = list(ids), list(sequences)
    labels = np.asarray(labels)
    if not (len(ids) == len(sequences) == len(labels)):
        raise ValueError(
            f"{len(ids)} ids, {len(sequences)} sequences and {len(labels)} labels; "
            "expected one of each per sequence"
        )
    if not ids:
        raise ValueError(f"{path}: nothing to write (no sequences)")
    seen: dict[str, int] = {}
    lines = []
    length = len(sequences[0])
    for i, (seq_id, seq, label) in enumerate(zip(ids, sequences, labels.tolist(), strict=True)):
        seq_id = str(seq_id).removeprefix(">")
        if not seq_id or len(seq_id.split()) != 1 or seq_id != seq_id.strip():
            raise ValueError(f"sequence {i + 1}: identifier {seq_id!r} is empty or has spaces")
        if seq_id in seen:
            raise ValueError(
                f"sequence {i + 1}: identifier {seq_id!r} repeats sequence {seen[seq_id] + 1}"
            )
        seen[seq_id] = i
        if len(seq) != length or len(seq.split()) != 1:
            raise ValueError(
                f"sequence {i + 1} ({seq_id}): {len(seq)} characters, expected {length} letters "
                "without whitespace as the first sequence"
            )
        if label not in (0, 1):
            raise ValueError(f"sequence {i + 1} ({seq_id}): label {label!r} is not 0 or 1")
        lines.append(f">{seq_id} {seq} {int(label)}\n")
    with atomic_write(path) as handle:
        handle.writelines(lines)
    return Path(path)
