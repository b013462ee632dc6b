"""Class similarity and class difference from ONIVs (paper §4, Figure 6).

- :func:`class_similarity`: ``A[i, j]`` = Pearson correlation of the non-negative ONIVs of
  classes ``i`` and ``j`` (negative entries set to 0: only favoured features are shared).
- :func:`class_difference`: ``D[i, j] = ONIV_i - ONIV_j``, features favoured by one class and not
  by the other.
- :func:`figure6_matrices`: the paper's four matrices of Figure 6, the proposed one and the
  three baselines (raw ONIV, positive and raw last-layer weights).
"""

from __future__ import annotations

import numpy as np


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
        Kernel of the last Dense layer (:func:`deepresolve.weights.output_kernel`); column ``c``
        holds the weights of class ``c``.

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
