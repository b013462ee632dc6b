"""ChIP-seq experiments with sequences: CNN presets, test AUCs, and the four methods of Table 1
on one model (paper §5.1). The sequences and their parts live in
:mod:`deepresolve.chipseq_parts` (no TensorFlow), re-exported here.

Shapes: ``X: (n, length, 4)`` one-hot A, C, G, T; ``labels: (n,)`` 1 = bound (peak), 0 =
unbound (shuffled); ``part: (n,)`` 0 = train, 1 = validation, 2 = test.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable, Mapping

import keras
import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score

from deepresolve.attribution import (
    ENHANCED_DEEPMOTIF,
    enhanced_deepmotif,
    gradient_filter_scores,
)
from deepresolve.chipseq_parts import (  # noqa: F401 - also importable from here, as before
    PAIR_SUFFIXES,
    PART_NAMES,
    TEST,
    TRAIN,
    VALIDATION,
    ExperimentSequences,
    assign_parts,
    cap_positives,
    check_parts,
    pair_groups,
    prepare_sequences,
    with_shuffled_negatives,
)
from deepresolve.tf_models import (
    MotifCollection,
    analyse_models,
    jaspar_hits,
    known_motif_hits,
    ranked_table,
)
from deepresolve.training import predict

log = logging.getLogger(__name__)

#: CNN shapes for single-task ChIP-seq models (keyword arguments of
#: :func:`deepresolve.models.build_cnn`): the authors' published 422 models, and the network the
#: paper's text describes (128 filters of width 24, global max-pooling, two dense layers of 32).
PRESETS = {
    "published": {
        "conv_filters": 16,
        "conv_width": 25,
        "global_pooling": True,
        "dense_units": [32],
        "dropout": 0.5,
    },
    "paper": {
        "conv_filters": 128,
        "conv_width": 24,
        "global_pooling": True,
        "dense_units": [32, 32],
        "dropout": 0.0,
    },
}
AUC_FAILURE = ("error", "exclude")
DEEPRESOLVE = "DeepResolve"


def check_test_auc(experiment: str, auc: float, policy: str) -> str | None:
    """``None`` for a usable test AUC; otherwise raise (``policy="error"``) or return the
    reason to list the experiment as excluded (``policy="exclude"``).

    Unusable: NaN (one label in the test part) or below 0.5 (worse than chance: labels
    swapped, or the model did not learn).
    """
    if policy not in AUC_FAILURE:
        raise ValueError(f"chipseq.auc_failure must be one of {AUC_FAILURE}, got {policy!r}")
    if math.isnan(auc):
        reason = "test AUC is NaN (the test part has one label only)"
    elif auc < 0.5:
        reason = f"test AUC {auc:.3f} is below 0.5 (labels swapped, or the model learnt nothing)"
    else:
        return None
    if policy == "error":
        raise ValueError(
            f"experiment {experiment}: {reason}; it is not counted. Check its files and labels, "
            "or set chipseq.auc_failure: exclude to list it as excluded and go on"
        )
    log.warning("experiment %s excluded: %s", experiment, reason)
    return reason


def split_excluded(evaluations: Iterable[Mapping]) -> tuple[list[Mapping], str | None]:
    """The evaluations Table 1 counts, and a note on the excluded ones.

    ``evaluations``: the ``evaluation.json`` contents of rule ``chipseq_methods``; one with an
    ``"excluded"`` reason (:func:`check_test_auc` under ``chipseq.auc_failure: exclude``) is
    left out and named in the note (``None`` when nothing is excluded). Raises ``ValueError``
    when every experiment is excluded: a table of nothing would read as a result.
    """
    evaluations = list(evaluations)
    counted = [e for e in evaluations if not e.get("excluded")]
    note = "; ".join(
        f"{e['experiment']} ({e['excluded']})" for e in evaluations if e.get("excluded")
    )
    if not counted:
        raise ValueError(f"every experiment of chipseq.experiments is excluded: {note}")
    return counted, note or None


def tf_motif_rows(tfs: Mapping[str, str], motifs: Iterable, release: str) -> pd.DataFrame:
    """Rows of ``config/tf_motifs.tsv``'s shape for experiments named by the user.

    ``tfs``: experiment -> TF symbol (e.g. ``CTCF``); the JASPAR IDs are every matrix of the TF
    (:func:`deepresolve.jaspar.matrices_for_tf`). An unknown TF raises, naming it.
    """
    from deepresolve.jaspar import matrices_for_tf

    motifs = list(motifs)
    rows = []
    for experiment, tf in tfs.items():
        ids = matrices_for_tf(tf, motifs)
        if not ids:
            raise ValueError(
                f"experiment {experiment}: TF {tf!r} has no matrix in {release} CORE vertebrates"
            )
        rows.append(
            {
                "experiment": experiment,
                "tf": tf.upper(),
                "jaspar_ids": ",".join(ids),
                "jaspar_release": release,
            }
        )
    return pd.DataFrame(rows, columns=["experiment", "tf", "jaspar_ids", "jaspar_release"])


def held_out_auc(model: keras.Model, sequences: ExperimentSequences) -> float:
    """ROC AUC of the model's score on the test part (NaN when it has one label only)."""
    rows = sequences.part == TEST
    y = sequences.labels[rows]
    if len(np.unique(y)) < 2:
        return float("nan")
    scores = predict(model, sequences.X[rows])
    return float(roc_auc_score(y, np.asarray(scores).reshape(len(y), -1)[:, 0]))


def compare_methods(
    experiment: str,
    model: keras.Model,
    sequences: ExperimentSequences,
    motifs: MotifCollection,
    *,
    fim_options: Mapping | None = None,
    oniv_mode: str = "released",
    n_sequences: int = 5000,
    deepmotif_options: Mapping | None = None,
    seed: int = 0,
) -> tuple[pd.DataFrame, np.ndarray]:
    """DeepResolve, Grad-CAM, gradient x input and enhanced DeepMotif on one model.

    The input-dependent methods sample ``n_sequences`` positives of the test part (all test
    positives when fewer). Every method's ranked filters (enhanced DeepMotif: its 5 PWMs, best
    first) are matched with the experiment's known motif(s) and with the whole JASPAR collection
    like DeepResolve's (:func:`deepresolve.tf_models.ranked_table`).

    Returns
    -------
    (ranked, edm_pwms)
        ``ranked``: the ranked tables of the four methods stacked, with a ``method`` column and
        the method's own ``score`` (DeepResolve: the ONIV); ``edm_pwms: (5, w, 4)``.
    """
    rows = (sequences.part == TEST) & (sequences.labels == 1)
    if not rows.any():
        raise ValueError(f"experiment {experiment}: no positive sequence in the test part")
    dr = analyse_models(
        {experiment: model}, motifs, fim_options=fim_options, oniv_mode=oniv_mode, seed=seed
    )[experiment]
    tf_matrices = motifs.tf_matrices(experiment)
    tables = [dr.ranked.assign(method=DEEPRESOLVE, score=dr.ranked["oniv"])]
    X = sequences.X[rows].astype(np.float32)
    gradients = gradient_filter_scores(model, X, n_sequences=n_sequences, seed=seed)
    for method, scores in gradients.items():
        ranked = ranked_table(
            experiment,
            scores.ranking,
            {"score": scores.scores},
            dr.known_hits,
            dr.jaspar_hits,
            tf_matrices,
        )
        tables.append(ranked.assign(method=method))
    edm = enhanced_deepmotif(model, seed=seed, **dict(deepmotif_options or {}))
    edm_known = known_motif_hits(edm.pwms, experiment, motifs)
    edm_jaspar = jaspar_hits({experiment: edm.pwms}, motifs).drop(columns="experiment")
    order = np.arange(len(edm.pwms))  # already best first, by class score
    ranked = ranked_table(
        experiment, order, {"score": edm.scores}, edm_known, edm_jaspar, tf_matrices
    )
    tables.append(ranked.assign(method=ENHANCED_DEEPMOTIF))
    stacked = pd.concat(tables, ignore_index=True)
    first = ["experiment", "method", "rank", "filter", "score"]
    stacked = stacked[first + [c for c in stacked.columns if c not in first]]
    for method, table in stacked.groupby("method", sort=False):
        top = table.iloc[0]
        log.info(
            "%s %s: top %d, known p %.2g, best JASPAR %s (E %.2g)",
            experiment,
            method,
            top["filter"],
            top["known_p"],
            top["jaspar_name"],
            top["jaspar_E"],
        )
    return stacked, edm.pwms
