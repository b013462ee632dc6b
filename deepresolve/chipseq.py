"""ChIP-seq experiments with sequences: train/validation/test parts, CNN presets, and the four
methods of Table 1 on one model (paper §5.1).

Shapes: ``X: (n, length, 4)`` one-hot A, C, G, T; ``labels: (n,)`` 1 = bound (peak), 0 =
unbound (shuffled); ``part: (n,)`` 0 = train, 1 = validation, 2 = test.
"""

from __future__ import annotations

import logging
import os
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import keras
import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score

from deepresolve.attribution import (
    ENHANCED_DEEPMOTIF,
    enhanced_deepmotif,
    gradient_filter_scores,
)
from deepresolve.files import atomic_write
from deepresolve.tf_models import (
    MotifCollection,
    analyse_models,
    jaspar_hits,
    known_motif_hits,
    ranked_table,
)
from deepresolve.training import Split
from deepresolve.zeng import ZengSequences

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
TRAIN, VALIDATION, TEST = 0, 1, 2
DEEPRESOLVE = "DeepResolve"


@dataclass
class ExperimentSequences:
    """Labelled sequences of one experiment and the part each belongs to.

    Attributes
    ----------
    ids : list of str
    X : ndarray, shape=(n, length, 4)
        One-hot (uint8), or float32 where N was encoded as 0.25.
    labels : ndarray, shape=(n,), int64
    part : ndarray, shape=(n,), int8
        :data:`TRAIN`, :data:`VALIDATION` or :data:`TEST`.
    """

    ids: list[str]
    X: np.ndarray
    labels: np.ndarray
    part: np.ndarray

    def split(self) -> Split:
        """Row indices of the three parts (:class:`deepresolve.training.Split`)."""
        return Split(*(np.flatnonzero(self.part == p) for p in (TRAIN, VALIDATION, TEST)))

    def save(self, path: str | os.PathLike) -> None:
        """Write ``.npz`` atomically (temporary file in the same folder, renamed)."""
        with atomic_write(path, "wb") as stream:
            np.savez_compressed(
                stream, ids=np.array(self.ids), X=self.X, labels=self.labels, part=self.part
            )

    @classmethod
    def load(cls, path: str | os.PathLike) -> ExperimentSequences:
        with np.load(path, allow_pickle=False) as data:
            return cls(
                ids=data["ids"].tolist(), X=data["X"], labels=data["labels"], part=data["part"]
            )


def assign_parts(
    sets: Mapping[str, ZengSequences],
    *,
    validation_fraction: float,
    test_fraction: float,
    seed: int,
) -> ExperimentSequences:
    """Join the given sequence sets and assign every sequence a part.

    ``sets`` holds ``train`` and optionally ``validation`` and ``test`` (e.g. the Zeng files
    ``train.data`` / ``test.data``). A set given as ``test`` alone (no ``train``) is all test:
    enough for a published model, not for training. Missing parts are drawn at random from
    ``train`` (``test_fraction`` first, then ``validation_fraction`` of all train rows), seeded.
    """
    unknown = set(sets) - {"train", "validation", "test"}
    if unknown or not sets:
        raise ValueError(f"sequence sets: expected train/validation/test, got {sorted(sets)}")
    lengths = {name: s.X.shape[1] for name, s in sets.items() if len(s.ids)}
    if len(set(lengths.values())) > 1:
        raise ValueError(f"sequence sets of different lengths: {lengths}")
    rng = np.random.default_rng(np.random.SeedSequence([seed, 2]))
    parts = []
    for name, code in (("train", TRAIN), ("validation", VALIDATION), ("test", TEST)):
        if name in sets:
            parts.append(np.full(len(sets[name].ids), code, dtype=np.int8))
    part = np.concatenate(parts)
    if "train" in sets:
        train_rows = np.flatnonzero(part == TRAIN)
        order = rng.permutation(train_rows)
        n_test = 0 if "test" in sets else int(round(len(order) * test_fraction))
        part[order[:n_test]] = TEST
        if "validation" not in sets:
            n_validation = int(round(len(order) * validation_fraction))
            part[order[n_test : n_test + n_validation]] = VALIDATION
    ordered = [sets[name] for name in ("train", "validation", "test") if name in sets]
    ids = [i for s in ordered for i in s.ids]
    repeated = [i for i, count in Counter(ids).items() if count > 1]
    if repeated:
        raise ValueError(f"sequence id {repeated[0]!r} occurs in more than one set (or twice)")
    X = np.concatenate([s.X for s in ordered])
    labels = np.concatenate([np.asarray(s.labels, dtype=np.int64) for s in ordered])
    return ExperimentSequences(ids=ids, X=X, labels=labels, part=part)


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
    scores = model.predict(sequences.X[rows].astype(np.float32), batch_size=1024, verbose=0)
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
