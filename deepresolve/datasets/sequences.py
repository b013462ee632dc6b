"""One-hot DNA sequences: the single tensor convention of the package.

Every sequence tensor in ``deepresolve`` is ``X: array, shape=(n_sequences, length, 4)``
with the last axis in the order of :data:`ALPHABET` (A, C, G, T), one 1 per position.
:func:`validate_one_hot` is the one check every entry point calls.
"""

from __future__ import annotations

import numpy as np

ALPHABET = "ACGT"
_LOOKUP = np.full(256, -1, dtype=np.int8)
for _i, _base in enumerate(ALPHABET):
    _LOOKUP[ord(_base)] = _i
    _LOOKUP[ord(_base.lower())] = _i


def encode_indices(sequence: str, *, name: str = "sequence") -> np.ndarray:
    """Return ``array, shape=(length,), dtype=int8`` of base indices (A=0, C=1, G=2, T=3).

    Raises ``ValueError`` naming the first letter that is not A, C, G or T.
    """
    codes = _LOOKUP[np.frombuffer(sequence.encode("ascii"), dtype=np.uint8)]
    bad = np.flatnonzero(codes < 0)
    if bad.size:
        pos = int(bad[0])
        raise ValueError(
            f"{name}: letter {sequence[pos]!r} at position {pos + 1} is not one of A, C, G, T"
        )
    return codes


def one_hot(sequences: list[str] | str) -> np.ndarray:
    """One-hot encode equal-length DNA strings.

    Returns ``X: array, shape=(n_sequences, length, 4), dtype=uint8`` (A, C, G, T).
    """
    if isinstance(sequences, str):
        sequences = [sequences]
    lengths = {len(s) for s in sequences}
    if len(lengths) != 1:
        raise ValueError(f"sequences have different lengths {sorted(lengths)}; expected one")
    indices = np.stack(
        [encode_indices(s, name=f"sequence {i + 1}") for i, s in enumerate(sequences)]
    )
    return indices_to_one_hot(indices)


def indices_to_one_hot(indices: np.ndarray) -> np.ndarray:
    """``indices: array, shape=(n, length)`` of 0..3 -> ``X: shape=(n, length, 4), uint8``."""
    return (indices[..., None] == np.arange(4, dtype=indices.dtype)).astype(np.uint8)


def decode(X: np.ndarray) -> list[str]:
    """``X: array, shape=(n, length, 4)`` -> list of n strings over A, C, G, T."""
    letters = np.array(list(ALPHABET))
    return ["".join(row) for row in letters[np.argmax(X, axis=-1)]]


def validate_one_hot(X: np.ndarray, *, name: str = "X", length: int | None = None) -> np.ndarray:
    """Check that ``X`` is ``shape=(n_sequences, length, 4)`` with exactly one 1 per position.

    Returns ``X`` unchanged; raises ``ValueError`` naming the first offending sequence.
    """
    X = np.asarray(X)
    if X.ndim != 3 or X.shape[-1] != 4:
        raise ValueError(f"{name}: expected shape (n_sequences, length, 4), got {X.shape}")
    if length is not None and X.shape[1] != length:
        raise ValueError(f"{name}: expected sequences of length {length}, got {X.shape[1]}")
    sums = X.sum(axis=-1)
    bad = np.argwhere((sums != 1) | ((X != 0) & (X != 1)).any(axis=-1))
    if bad.size:
        i, j = bad[0]
        raise ValueError(
            f"{name}: sequence {i} position {j} is not one-hot (values {X[i, j].tolist()})"
        )
    return X
