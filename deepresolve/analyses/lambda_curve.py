"""How Table 1's DeepResolve row depends on lambda (the L2 weight of the gradient ascent).

Beyond the paper: for each (lambda, learning rate) point the 422 published models' ONIVs are
computed again (one batched ascent per point, :func:`deepresolve.analyses.tf_models.model_onivs`);
the filters and their TOMTOM matches do not depend on lambda, so each point re-ranks the main run's
ranked-filter table (:func:`deepresolve.analyses.table1.rerank`) and counts Table 1 again, and
compares its ONIVs with the authors' own (:func:`deepresolve.analyses.reference.oniv_agreement`).

ONIV tables (one per point): one row per (experiment, filter) with ``oniv`` and the median
number of gradient steps of the model's runs (``steps``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from deepresolve.analyses.reference import oniv_agreement
from deepresolve.analyses.table1 import (
    counts,
    experiment_detail,
    importance_by_experiment,
    rerank,
)


def oniv_table(onivs: Mapping[str, object]) -> pd.DataFrame:
    """One row per (experiment, filter) from :func:`deepresolve.analyses.tf_models.model_onivs`.

    Columns ``experiment, filter, oniv, steps`` (``steps``: median gradient steps of the
    experiment's runs, repeated on its rows).
    """
    frames = [
        pd.DataFrame(
            {
                "experiment": experiment,
                "filter": np.arange(result.summary.oniv.shape[-1]),
                "oniv": result.summary.oniv[0],
                "steps": float(np.median(result.steps)),
            }
        )
        for experiment, result in onivs.items()
    ]
    return pd.concat(frames, ignore_index=True)


def curve_table(
    points: Sequence[Mapping[str, float]],
    onivs: Sequence[pd.DataFrame],
    ranked: pd.DataFrame,
    authors: Mapping[str, np.ndarray],
) -> pd.DataFrame:
    """Table 1 counts and agreement with the authors' ONIVs per lambda point.

    Parameters
    ----------
    points : list of {"l2": float, "learning_rate": float}
    onivs : list of DataFrame
        :func:`oniv_table` of each point, same order.
    ranked : DataFrame
        The main run's ranked filters (every experiment of ``onivs``).
    authors : dict of str -> array, shape=(K,)
        The authors' ONIVs (:func:`deepresolve.analyses.reference.read_authors_oniv`).

    Returns
    -------
    DataFrame
        One row per point, by increasing lambda (then seed): ``l2, learning_rate, seed``
        (the point's own seed, -1 = the workflow's), ``n_experiments, median_steps,
        median_pearson, same_top1, mean_top5_overlap``, the counts of
        :func:`deepresolve.analyses.table1.counts`, ``distance_to_paper`` (sum of the six cells'
        gaps
        to the paper's DeepResolve row, :func:`deepresolve.analyses.matching.paper_distance`) and
        ``closest`` (True on the first point of smallest distance).
    """
    from deepresolve.analyses.matching import paper_distance

    rows = []
    for point, table in zip(points, onivs, strict=True):
        importance = importance_by_experiment(table)
        agreement = oniv_agreement(importance, authors)
        detail = experiment_detail(rerank(ranked, importance))
        rows.append(
            {
                "l2": point["l2"],
                "learning_rate": point["learning_rate"],
                "seed": int(point.get("seed", -1)),
                "n_experiments": len(detail),
                "median_steps": float(table.groupby("experiment")["steps"].first().median()),
                "median_pearson": float(agreement["pearson"].median()),
                "same_top1": int(agreement["same_top1"].sum()),
                "mean_top5_overlap": float(agreement["top5_overlap"].mean()),
                **counts(detail),
            }
        )
    table = pd.DataFrame(rows).sort_values(["l2", "seed"], kind="stable").reset_index(drop=True)
    table["distance_to_paper"] = [paper_distance(row) for _, row in table.iterrows()]
    table["closest"] = np.arange(len(table)) == int(np.argmin(table["distance_to_paper"]))
    return table
