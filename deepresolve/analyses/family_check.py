"""Does a class similarity matrix put related experiments together? (issue 16, paper §5.2)

The check, stated before any model was trained: pairs of experiments of the same TF (e.g. three
CTCF experiments) and pairs of TFs of one motif family (USF1 and MYC, the E-box) are
*designated* pairs; all other pairs are *unrelated*. A similarity matrix (the non-negative-ONIV
class similarity, or the last-layer-weight baseline) passes when the mean similarity of the
designated pairs is higher than under random relabelling of the classes: a permutation test
(:func:`permutation_p_value`) with the statistic ``mean A[i, j]`` over the designated pairs,
``p = (1 + #{permutations with statistic >= observed}) / (1 + n_permutations)``. Each
designated pair's rank among all ``C (C - 1) / 2`` pairs (1 = most similar) is reported beside
it (:func:`pair_table`).

Undefined similarities (NaN: a class whose non-negative ONIV is constant, e.g. all zero) count
as 0, no correlation, as :func:`deepresolve.analyses.multiclass.similarity_distance` treats them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

SAME_TF = "same TF"
UNRELATED = "unrelated"


def pair_kinds(
    tfs: Sequence[str], families: Mapping[str, Sequence[str]] | None = None
) -> pd.DataFrame:
    """Every pair of classes and whether it is designated.

    Parameters
    ----------
    tfs : sequence of str, length C
        The TF of each class (output order).
    families : mapping of str to sequence of str, optional
        Family name -> its TFs, e.g. ``{"E-box": ["USF1", "MYC"]}``; two different TFs of one
        family make a ``"same family (E-box)"`` pair.

    Returns
    -------
    DataFrame
        One row per pair ``i < j``: ``i``, ``j``, ``kind`` (:data:`SAME_TF`,
        ``"same family (<name>)"`` or :data:`UNRELATED`) and ``designated`` (bool).
    """
    tfs = [str(t) for t in tfs]
    family_of = {}
    for family, members in (families or {}).items():
        for tf in members:
            if tf in family_of:
                raise ValueError(f"TF {tf} is in two families: {family_of[tf]} and {family}")
            family_of[tf] = family
    rows = []
    for i in range(len(tfs)):
        for j in range(i + 1, len(tfs)):
            if tfs[i] == tfs[j]:
                kind = SAME_TF
            elif tfs[i] in family_of and family_of[tfs[i]] == family_of.get(tfs[j]):
                kind = f"same family ({family_of[tfs[i]]})"
            else:
                kind = UNRELATED
            rows.append((i, j, kind, kind != UNRELATED))
    return pd.DataFrame(rows, columns=["i", "j", "kind", "designated"])


def _values(similarity) -> np.ndarray:
    similarity = np.asarray(similarity, dtype=np.float64)
    if similarity.ndim != 2 or similarity.shape[0] != similarity.shape[1]:
        raise ValueError(f"similarity: expected shape (C, C), got {similarity.shape}")
    return np.nan_to_num(similarity, nan=0.0)


def pair_table(similarity, kinds: pd.DataFrame, labels: Sequence[str]) -> pd.DataFrame:
    """``kinds`` (:func:`pair_kinds`) with ``class_a``, ``class_b``, ``similarity`` (NaN as 0)
    and ``rank`` (1 = most similar of all pairs, ties by pair order)."""
    values = _values(similarity)
    table = kinds.copy()
    table.insert(2, "class_a", [labels[i] for i in kinds["i"]])
    table.insert(3, "class_b", [labels[j] for j in kinds["j"]])
    table["similarity"] = values[kinds["i"], kinds["j"]]
    table["rank"] = table["similarity"].rank(ascending=False, method="first").astype(int)
    return table


def permutation_p_value(
    similarity, pairs: np.ndarray, *, n_permutations: int, seed: int
) -> tuple[float, float]:
    """Observed mean similarity of ``pairs`` and its permutation p-value (module docstring).

    Parameters
    ----------
    similarity : array, shape=(C, C)
    pairs : array, shape=(P, 2), int
        The designated pairs ``(i, j)``.
    n_permutations : int
        Random relabellings of the C classes (seeded).
    seed : int

    Returns
    -------
    observed : float
    p_value : float
        One-sided, in ``(0, 1]``.
    """
    values = _values(similarity)
    pairs = np.asarray(pairs, dtype=int).reshape(-1, 2)
    if not len(pairs):
        raise ValueError("no designated pairs: the check needs at least one")
    observed = values[pairs[:, 0], pairs[:, 1]].mean()
    rng = np.random.default_rng(seed)
    labels = np.argsort(rng.random((n_permutations, len(values))), axis=1)
    permuted = values[labels[:, pairs[:, 0]], labels[:, pairs[:, 1]]].mean(axis=1)
    # a tolerance so that a permutation giving the same pairs back counts as >= observed
    exceed = int((permuted >= observed - 1e-12).sum())
    return float(observed), (1 + exceed) / (1 + n_permutations)


def check_similarity(
    similarity,
    labels: Sequence[str],
    tfs: Sequence[str],
    *,
    families: Mapping[str, Sequence[str]] | None,
    n_permutations: int,
    alpha: float,
    seed: int,
) -> tuple[dict, pd.DataFrame]:
    """The check on one similarity matrix.

    Returns
    -------
    summary : dict
        ``p_value``, ``passed`` (``p_value <= alpha``), ``designated_mean``, ``unrelated_mean``,
        ``n_pairs``, ``n_designated``, ``n_undefined`` (NaN similarities counted as 0),
        ``designated_ranks`` (class pair -> rank).
    pairs : DataFrame
        :func:`pair_table` of all pairs.
    """
    kinds = pair_kinds(tfs, families)
    table = pair_table(similarity, kinds, list(labels))
    designated = table[table["designated"]]
    observed, p_value = permutation_p_value(
        similarity,
        designated[["i", "j"]].to_numpy(),
        n_permutations=n_permutations,
        seed=seed,
    )
    summary = {
        "p_value": p_value,
        "passed": bool(p_value <= alpha),
        "designated_mean": observed,
        "unrelated_mean": float(table.loc[~table["designated"], "similarity"].mean()),
        "n_pairs": len(table),
        "n_designated": len(designated),
        "n_undefined": int(
            np.isnan(np.asarray(similarity, dtype=float)[np.triu_indices(len(labels), 1)]).sum()
        ),
        "designated_ranks": {
            f"{row.class_a} ~ {row.class_b}": int(row.rank) for row in designated.itertuples()
        },
    }
    return summary, table
