"""Dinucleotide shuffle (deepresolve.datasets.shuffle): exact counts, uniformity, seeds."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest
from scipy import stats

from deepresolve.datasets.sequences import decode, one_hot
from deepresolve.datasets.shuffle import dinucleotide_counts, dinucleotide_shuffle


def random_sequences(n, seed, lengths=(3, 101), alphabet="ACGT", p=None):
    rng = np.random.default_rng(seed)
    letters = np.array(list(alphabet))
    return ["".join(rng.choice(letters, size=int(rng.integers(*lengths)), p=p)) for _ in range(n)]


def distinct_shuffles(sequence):
    """Every string with the dinucleotide counts and first letter of ``sequence`` (brute force
    over Eulerian paths), the ground truth for the uniformity test."""
    remaining = dinucleotide_counts(sequence)
    found = set()

    def extend(prefix):
        if len(prefix) == len(sequence):
            found.add(prefix)
            return
        for pair, count in remaining.items():
            if count and pair[0] == prefix[-1]:
                remaining[pair] -= 1
                extend(prefix + pair[1])
                remaining[pair] += 1

    extend(sequence[0])
    return found


def test_counts_and_ends_preserved_exactly():
    skewed = random_sequences(300, 1, lengths=(3, 60), p=[0.6, 0.1, 0.1, 0.2])
    sequences = random_sequences(1000, 0) + skewed + ["AAAAAAAA", "ACACACAC", "ANNCGTNA"]
    shuffled = dinucleotide_shuffle(sequences, seed=7)
    assert len(shuffled) == len(sequences)
    for original, new in zip(sequences, shuffled, strict=True):
        assert dinucleotide_counts(new) == dinucleotide_counts(original), original
        assert (new[0], new[-1], len(new)) == (original[0], original[-1], len(original))


def test_short_sequences_and_single_string():
    for sequence in ("", "A", "AC"):
        assert dinucleotide_shuffle(sequence, seed=0) == sequence
    sequence = "ACGTTGCAAGGCTTACGGTACCAT"
    new = dinucleotide_shuffle(sequence, seed=3)
    assert isinstance(new, str)
    assert dinucleotide_counts(new) == dinucleotide_counts(sequence)


def test_one_hot_batch_keeps_shape_dtype_and_counts():
    sequences = random_sequences(50, 2, lengths=(101, 102))
    X = one_hot(sequences)
    Y = dinucleotide_shuffle(X, seed=0)
    assert Y.shape == X.shape and Y.dtype == X.dtype
    assert (Y.sum(axis=-1) == 1).all()
    for original, new in zip(sequences, decode(Y), strict=True):
        assert dinucleotide_counts(new) == dinucleotide_counts(original)
    # N encoded as 0.25 in each channel is a letter of its own
    Xn = X.astype(np.float32)
    Xn[:, [10, 11, 50]] = 0.25
    Yn = dinucleotide_shuffle(Xn, seed=0)
    assert ((Yn == 0.25).all(axis=-1).sum(axis=1) == 3).all()
    with pytest.raises(ValueError, match="shape"):
        dinucleotide_shuffle(X[0], seed=0)


def test_seeds():
    sequences = random_sequences(200, 4, lengths=(101, 102))
    first = dinucleotide_shuffle(sequences, seed=11)
    assert dinucleotide_shuffle(sequences, seed=11) == first
    other = dinucleotide_shuffle(sequences, seed=12)
    assert sum(a != b for a, b in zip(first, other, strict=True)) == len(sequences)
    rng = np.random.default_rng(11)
    assert dinucleotide_shuffle(sequences, seed=rng) == first
    # a Generator is advanced: the next batch differs from the first
    assert dinucleotide_shuffle(sequences, seed=rng) != first


def test_not_identity():
    sequences = random_sequences(500, 5, lengths=(101, 102))
    shuffled = dinucleotide_shuffle(sequences, seed=0)
    assert not any(a == b for a, b in zip(sequences, shuffled, strict=True))
    identity = [
        np.mean(np.frombuffer(a.encode(), np.uint8) == np.frombuffer(b.encode(), np.uint8))
        for a, b in zip(sequences, shuffled, strict=True)
    ]
    # a random position matches by chance about sum(p_letter^2) ~ 0.25 of the time, plus the
    # fixed first and last letters (2/101); an identity-like shuffle would be near 1
    assert 0.24 < np.mean(identity) < 0.31
    assert max(identity) < 0.5


def test_uniform_over_all_shuffles():
    sequence = "ACGATCGTTACAG"
    universe = distinct_shuffles(sequence)
    assert 30 < len(universe) < 300
    draws = 60 * len(universe)
    rng = np.random.default_rng(2024)
    counts = Counter(dinucleotide_shuffle(sequence, seed=rng) for _ in range(draws))
    assert set(counts) == universe
    observed = np.array([counts[s] for s in sorted(universe)])
    _, p_value = stats.chisquare(observed)
    assert p_value > 1e-3, p_value
