"""Dinucleotide shuffling that keeps every dinucleotide count exactly (Altschul & Erickson).

A sequence is a walk through the graph whose vertices are letters and whose edges are its
``length - 1`` dinucleotides; every Eulerian path of that multigraph that starts with the same
first letter is a sequence with the same dinucleotide counts (hence the same letter counts, and
the same first and last letters). Following Kandel et al. (1996), a uniformly random such path
is drawn by (1) a random arborescence of "last exit" edges towards the last letter (Wilson's
loop-erased random walk), (2) a random order of every other edge leaving each letter, the tree
edge going last, and (3) walking from the first letter taking each letter's edges in that order.
Every distinct shuffle is equally likely. The same algorithm as ``fasta-shuffle-letters -kmer 2``
(MEME Suite) and ``ushuffle -k 2``; Zeng et al. (2016) made their negatives this way.

Works on any alphabet (N, lowercase, or the rows of a one-hot matrix are letters like others).
Seeds are explicit: pass an ``int`` or a :class:`numpy.random.Generator`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np


def dinucleotide_shuffle(
    sequences: str | Sequence[str] | np.ndarray, *, seed: int | np.random.Generator
) -> str | list[str] | np.ndarray:
    """Shuffle sequences keeping their dinucleotide counts and first and last letters.

    Parameters
    ----------
    sequences : str, sequence of str, or array, shape=(n, length, 4)
        One string, several strings (any lengths), or one-hot ``X`` (A, C, G, T; rows that are
        not one-hot, such as N as 0.25 each, count as letters of their own).
    seed : int or numpy.random.Generator
        An ``int`` gives the same shuffles on every run; a Generator is advanced, so the
        shuffle of each sequence depends on the ones before it in the batch.

    Returns
    -------
    str, list of str, or array, shape=(n, length, 4)
        The same type and shape as ``sequences``, the same dtype for arrays.
    """
    rng = np.random.default_rng(seed)
    if isinstance(sequences, str):
        return _shuffle_string(sequences, rng)
    if isinstance(sequences, np.ndarray):
        if sequences.ndim != 3:
            raise ValueError(
                f"expected X of shape (n_sequences, length, 4) or strings, got {sequences.shape}"
            )
        out = np.empty_like(sequences)
        for i, x in enumerate(sequences):
            rows, codes = np.unique(x, axis=0, return_inverse=True)
            out[i] = rows[_shuffle_codes(codes.reshape(-1), rng)]
        return out
    return [_shuffle_string(s, rng) for s in sequences]


def dinucleotide_counts(sequence: str) -> Counter[str]:
    """Counts of the ``len(sequence) - 1`` overlapping dinucleotides, e.g. ``{"AC": 3, ...}``."""
    return Counter(sequence[i : i + 2] for i in range(len(sequence) - 1))


def _shuffle_string(sequence: str, rng: np.random.Generator) -> str:
    if len(sequence) <= 2:
        return sequence
    points = np.frombuffer(sequence.encode("utf-32-le"), dtype="<u4")
    letters, codes = np.unique(points, return_inverse=True)
    return letters[_shuffle_codes(codes, rng)].astype("<u4").tobytes().decode("utf-32-le")


def _shuffle_codes(codes: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A uniformly random Eulerian path of the dinucleotide multigraph of ``codes`` (0..k-1)."""
    n = codes.size
    if n <= 2:
        return codes.copy()
    sequence = codes.tolist()  # plain ints: this loop-heavy code is ~3x faster than on numpy
    k = max(sequence) + 1
    first, last = sequence[0], sequence[-1]
    # out-edges of each letter: the letters that follow it, one entry per dinucleotide
    edges: list[list[int]] = [[] for _ in range(k)]
    for a, b in zip(sequence[:-1], sequence[1:], strict=True):
        edges[a].append(b)

    # Wilson's algorithm: a random arborescence towards `last`, each edge chosen among the
    # copies leaving a letter (so weighted by multiplicity, as uniformity over paths needs)
    in_tree = [False] * k
    in_tree[last] = True
    exit_edge = [-1] * k
    for u in range(k):
        v = u
        while not in_tree[v] and edges[v]:
            exit_edge[v] = int(rng.integers(len(edges[v])))
            v = edges[v][exit_edge[v]]
        v = u
        while not in_tree[v] and edges[v]:
            in_tree[v] = True
            v = edges[v][exit_edge[v]]

    for u in range(k):
        out = edges[u]
        tree_edge = out.pop(exit_edge[u]) if u != last and out else None
        edges[u] = [out[i] for i in rng.permutation(len(out)).tolist()]
        if tree_edge is not None:
            edges[u].append(tree_edge)

    remaining = [iter(out) for out in edges]
    path = [first]
    current = first
    for _ in range(n - 1):
        current = next(remaining[current])
        path.append(current)
    return np.asarray(path, dtype=codes.dtype)
