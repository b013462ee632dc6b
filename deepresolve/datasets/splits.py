"""Train, validation and test parts of a labelled sequence set: row indices, drawn from a seed.

Without TensorFlow, so that the jobs that cut or read parts (ChIP-seq sequences) do not import it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class Split:
    """Row indices of the train, validation and test parts (disjoint, together all rows)."""

    train: np.ndarray
    validation: np.ndarray
    test: np.ndarray


def split_indices(n: int, test_fraction: float, validation_fraction: float, seed: int) -> Split:
    """Random split of ``n`` rows: ``test_fraction`` held out as test, ``validation_fraction``
    of all rows for early stopping, the rest for training."""
    if test_fraction + validation_fraction >= 1:
        raise ValueError(
            f"test_fraction ({test_fraction}) + validation_fraction ({validation_fraction}) "
            "must be below 1"
        )
    order = np.random.default_rng(np.random.SeedSequence([seed, 1])).permutation(n)
    n_test = int(round(n * test_fraction))
    n_validation = int(round(n * validation_fraction))
    return Split(
        train=np.sort(order[n_test + n_validation :]),
        validation=np.sort(order[n_test : n_test + n_validation]),
        test=np.sort(order[:n_test]),
    )
