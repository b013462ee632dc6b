"""ChIP-seq experiments with sequences: CNN presets, the test-AUC policy, and the TF motif
rows of user-named experiments (paper §5.1). The sequences and their parts live in
:mod:`deepresolve.datasets.chipseq_parts` (no TensorFlow); the four methods of Table 1 on one model
in :func:`deepresolve.analyses.method_comparison.compare_methods`.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable, Mapping

import pandas as pd

log = logging.getLogger(__name__)

#: CNN shapes for single-task ChIP-seq models (keyword arguments of
#: :func:`deepresolve.models.cnn.build_cnn`): the authors' published 422 models, and the network the
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


def tf_motif_rows(tfs: Mapping[str, str], motifs: Iterable, release: str) -> pd.DataFrame:
    """Rows of ``config/tf_motifs.tsv``'s shape for experiments named by the user.

    ``tfs``: experiment -> TF symbol (e.g. ``CTCF``); the JASPAR IDs are every matrix of the TF
    (:func:`deepresolve.motifs.jaspar.matrices_for_tf`). An unknown TF raises, naming it.
    """
    from deepresolve.motifs.jaspar import matrices_for_tf

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
