"""Class similarity and class difference from ONIVs (paper §4, Figure 6).

- :func:`class_similarity`: ``A[i, j]`` = Pearson correlation of the non-negative ONIVs of
  classes ``i`` and ``j`` (negative entries set to 0: only favoured features are shared).
- :func:`class_difference`: ``D[i, j] = ONIV_i - ONIV_j``, features favoured by one class and not
  by the other.
- :func:`class_difference_maps`: ``ONIV_a - ONIV_b`` for chosen pairs of classes (by index or
  label), long format; :func:`pair_problems` checks such pairs against a class-names table
  before any job (workflow DAG time).
- :func:`figure6_matrices`: the paper's four matrices of Figure 6, the proposed one and the
  three baselines (raw ONIV, positive and raw last-layer weights).
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def pearson_rows(matrix: np.ndarray) -> np.ndarray:
    """Pearson correlation between the rows of ``matrix``.

    Parameters
    ----------
    matrix : array, shape=(R, K)

    Returns
    -------
    ndarray, shape=(R, R)
        Correlations in ``[-1, 1]``. A constant row has no correlation: NaN off the diagonal,
        1 on it (a row with non-finite values: NaN throughout). No runtime warnings are raised.
    """
    matrix = np.asarray(matrix, dtype=np.float64)
    if matrix.ndim != 2:
        raise ValueError(f"matrix: expected shape (R, K), got {matrix.shape}")
    centred = matrix - matrix.mean(axis=1, keepdims=True)
    norms = np.sqrt((centred**2).sum(axis=1))
    with np.errstate(divide="ignore", invalid="ignore"):
        corr = (centred @ centred.T) / np.outer(norms, norms)
    corr = np.clip(corr, -1.0, 1.0)  # NaN stays NaN
    finite = np.all(np.isfinite(matrix), axis=1)
    corr[~finite, :] = np.nan
    corr[:, ~finite] = np.nan
    np.fill_diagonal(corr, np.where(finite, 1.0, np.nan))
    return corr


def _check_oniv(oniv: np.ndarray) -> np.ndarray:
    oniv = np.asarray(oniv, dtype=np.float64)
    if oniv.ndim != 2:
        raise ValueError(f"oniv: expected shape (C, K), got {oniv.shape}")
    return oniv


def class_similarity(oniv: np.ndarray) -> np.ndarray:
    """Class similarity matrix: Pearson correlation of the non-negative ONIVs.

    Parameters
    ----------
    oniv : array, shape=(C, K)

    Returns
    -------
    ndarray, shape=(C, C)
    """
    return pearson_rows(np.maximum(_check_oniv(oniv), 0.0))


def class_difference(oniv: np.ndarray) -> np.ndarray:
    """Class difference maps ``D[i, j] = oniv[i] - oniv[j]``: ``(C, K) -> (C, C, K)``."""
    oniv = _check_oniv(oniv)
    return oniv[:, None, :] - oniv[None, :, :]


def figure6_matrices(oniv: np.ndarray, output_kernel: np.ndarray) -> dict[str, np.ndarray]:
    """The four class correlation matrices of Figure 6, in the paper's panel order.

    Parameters
    ----------
    oniv : array, shape=(C, K)
        ONIV of each class.
    output_kernel : array, shape=(n_hidden, C)
        Kernel of the last Dense layer (:func:`deepresolve.models.weights.output_kernel`); column
        ``c`` holds the weights of class ``c``.

    Returns
    -------
    dict of str to ndarray, shape=(C, C)
        ``"non-negative ONIV"``, ``"ONIV"``, ``"positive last-layer weights"``,
        ``"last-layer weights"``.
    """
    oniv = _check_oniv(oniv)
    kernel = np.asarray(output_kernel, dtype=np.float64)
    if kernel.ndim != 2 or kernel.shape[1] != oniv.shape[0]:
        raise ValueError(
            f"output_kernel: expected shape (n_hidden, {oniv.shape[0]}), got {kernel.shape}"
        )
    return {
        "non-negative ONIV": class_similarity(oniv),
        "ONIV": pearson_rows(oniv),
        "positive last-layer weights": pearson_rows(np.maximum(kernel, 0.0).T),
        "last-layer weights": pearson_rows(kernel.T),
    }


def class_labels(labels, n: int) -> list[str]:
    """``labels`` as ``n`` strings (None: "0" .. "n-1"); another number of labels is refused."""
    labels = [str(label) for label in (range(n) if labels is None else labels)]
    if len(labels) != n:
        raise ValueError(f"labels: expected {n} labels, got {len(labels)}")
    return labels


def class_position(key, labels: list[str]) -> int:
    """Row of a class given by label (str) or index (int) in ``labels``; ValueError if absent."""
    if isinstance(key, str):
        if key not in labels:
            raise ValueError(f"unknown class {key!r}")
        return labels.index(key)
    index = int(key)
    if not 0 <= index < len(labels):
        raise ValueError(f"class index {index} out of range for {len(labels)} classes")
    return index


def pair_problems(pairs, labels: list[str]) -> list[str]:
    """One line per class of ``pairs`` (indices or labels, as :func:`class_difference_maps`
    takes them) that ``labels`` (the class-names table, C lines) lacks."""
    problems = []
    for pair in pairs:
        for key in pair:
            try:
                class_position(key, labels)
            except ValueError as error:
                problems.append(
                    f"{pair!r}: {error}; use a class index 0..{len(labels) - 1} or a label of "
                    f"the class-names table (e.g. {labels[0]!r})"
                )
    return problems


def class_difference_maps(oniv, pairs, labels=None) -> pd.DataFrame:
    """Class difference maps ``ONIV_a - ONIV_b`` of chosen pairs (paper §4), long format.

    Parameters
    ----------
    oniv : array, shape=(C, K)
    pairs : sequence of (a, b)
        Class indices or labels.
    labels : sequence of C str, optional

    Returns
    -------
    DataFrame
        One row per pair and neuron: ``pair`` ("a - b"), ``class_a``, ``class_b`` (labels),
        ``index_a``, ``index_b``, ``neuron``, ``oniv_a``, ``oniv_b``, ``difference``.
    """
    oniv = np.asarray(oniv, dtype=np.float64)
    if oniv.ndim != 2:
        raise ValueError(f"oniv: expected shape (C, K), got {oniv.shape}")
    labels = class_labels(labels, oniv.shape[0])
    if not pairs:
        raise ValueError("pairs: expected at least one pair of classes")
    frames = []
    neurons = np.arange(oniv.shape[1])
    for pair in pairs:
        if len(pair) != 2:
            raise ValueError(f"pairs: expected (a, b), got {pair!r}")
        a, b = (class_position(key, labels) for key in pair)
        frames.append(
            pd.DataFrame(
                {
                    "pair": f"{labels[a]} - {labels[b]}",
                    "class_a": labels[a],
                    "class_b": labels[b],
                    "index_a": a,
                    "index_b": b,
                    "neuron": neurons,
                    "oniv_a": oniv[a],
                    "oniv_b": oniv[b],
                    "difference": oniv[a] - oniv[b],
                }
            )
        )
    return pd.concat(frames, ignore_index=True)
