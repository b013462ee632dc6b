"""A multi-task TF model trained on several ChIP-seq experiments with missing labels (§5.2).

Each experiment gives one sigmoid output. A sequence is labelled only for the experiment it
comes from (its peak = 1, the peak's dinucleotide shuffles = 0); every other output of that row
is *missing* (:data:`MISSING`, -1) and left out of the loss (:func:`masked_binary_crossentropy`),
as multi-task genomics models treat experiments that did not measure a sequence. An identical
sequence in two experiments (e.g. the same CTCF site in two cell lines) becomes one row labelled
for both, never a negative for either.

Data, per experiment (:func:`experiment_parts`):
    - *training peaks*: the positives of the experiment's training file (DeepBind ``_AC``, the
      Zeng ``train.data``, the FASTA of the CTCF example), at most ``max_positives`` of them
      (drawn at random, seeded); ``n_shuffles`` dinucleotide shuffles of each
      (:func:`deepresolve.datasets.shuffle.dinucleotide_shuffle`) are its negatives and share its
      part; ``validation_fraction`` of the peaks (with their shuffles) are kept for early stopping;
    - *test*: the experiment's own test file as given (DeepBind ``_B``: 500 peaks and their
      500 shuffles; Zeng ``test.data``), or, for an experiment without one,
      ``test_fraction`` of its file's sequences (stratified by label) held out first.

Across experiments (:func:`assemble`): a sequence in any experiment's test part is dropped
from the training and validation parts of all the others (no test sequence is trained on);
one in a validation part is validation for every experiment.

Architecture (:func:`build_multitask`): DeepSEA's layers and names
(:func:`deepresolve.models.deepsea.build_deepsea`) sized for 101 bp and two CPU cores
(:data:`ARCHITECTURE`)::

    sequence   (n, 101, 4)
    conv_1     (n, 96, 64)    64 x 6, ReLU
    pool_1     (n, 32, 64)    max-pool 3
    conv_2     (n, 27, 96)    96 x 6, ReLU
    pool_2     (n, 9, 96)     max-pool 3
    dropout_2  (n, 9, 96)     the input of conv_3: the FIM layer, as the paper takes
                              DeepSEA's (deepresolve.models.deepsea.FIM_LAYER); a neuron sees 29 bp
    conv_3     (n, 4, 128)    128 x 6, ReLU
    dense_1    (n, 64)        ReLU
    logits     (n, E)         one score per experiment

Shapes: ``X: (N, L, 4)`` one-hot A, C, G, T; ``labels: (N, E)`` int8 in {-1, 0, 1};
``part: (N,)`` :data:`TRAIN`, :data:`VALIDATION` or :data:`TEST`; ``E`` experiments.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass

import keras
import numpy as np
import pandas as pd

from deepresolve.datasets.chipseq_parts import PART_NAMES, TEST, TRAIN, VALIDATION, PartStore
from deepresolve.datasets.sequences import one_hot
from deepresolve.datasets.shuffle import dinucleotide_shuffle
from deepresolve.models.deepsea import build_deepsea
from deepresolve.models.training import (
    MISSING,
    EpochLog,
    TrainingResult,
    batches,
    per_class_auc,
    predict,
    seed_everything,
    shuffled_batches,
    stopping_record,
)

log = logging.getLogger(__name__)

#: Keyword arguments of :func:`deepresolve.models.deepsea.build_deepsea` for 101 bp inputs.
ARCHITECTURE = {
    "conv_filters": (64, 96, 128),
    "conv_width": 6,
    "pool_size": 3,
    "dense_units": 64,
    "dropout": (0.2, 0.2, 0.5),
}


def class_name(cell: str, tf: str, source: str) -> str:
    """The ``Cell|Assay|Treatment`` class name of one experiment, e.g. ``GM12878|CTCF|zeng``."""
    for field, value in (("cell", cell), ("tf", tf), ("source", source)):
        if not value or "|" in str(value):
            raise ValueError(f"{field} {value!r}: expected a non-empty name without '|'")
    return f"{cell}|{tf}|{source}"


# --------------------------------------------------------------------------- data


def _unique_sequences(frame: pd.DataFrame, label: int) -> np.ndarray:
    return frame.loc[frame["label"] == label, "sequence"].drop_duplicates().to_numpy(dtype=object)


def _stratified_holdout(frame: pd.DataFrame, fraction: float, rng) -> np.ndarray:
    """Boolean mask of ``fraction`` of the rows of each label, drawn at random."""
    held = np.zeros(len(frame), dtype=bool)
    for label in (0, 1):
        rows = np.flatnonzero(frame["label"].to_numpy() == label)
        held[rng.permutation(rows)[: int(round(len(rows) * fraction))]] = True
    return held


def experiment_parts(
    train: pd.DataFrame,
    test: pd.DataFrame | None = None,
    *,
    max_positives: int | None,
    n_shuffles: int,
    validation_fraction: float,
    test_fraction: float,
    seed: int,
) -> pd.DataFrame:
    """One experiment's labelled sequences and their parts (module docstring).

    Parameters
    ----------
    train : DataFrame
        Columns ``sequence`` (str, A/C/G/T) and ``label`` (0/1): the training file. Its
        negatives are not used: the negatives of the training part are shuffles of its peaks.
    test : DataFrame, optional
        The experiment's own test file (same columns), used as given; ``None`` = hold out
        ``test_fraction`` of ``train`` (peaks and negatives alike) as test.
    max_positives : int or None
        Cap on the training + validation peaks (drawn at random); ``None`` = all.
    n_shuffles : int
        Dinucleotide shuffles per peak, the negatives.
    validation_fraction, test_fraction : float
    seed : int

    Returns
    -------
    DataFrame
        Columns ``sequence``, ``label`` (0/1) and ``part`` (int8).
    """
    for name, frame in (("train", train), ("test", test)):
        if frame is not None and not {"sequence", "label"} <= set(frame.columns):
            raise ValueError(f"{name}: expected columns sequence and label, got {list(frame)}")
    if n_shuffles < 1:
        raise ValueError(f"n_shuffles {n_shuffles}: expected at least 1")
    rng = np.random.default_rng(np.random.SeedSequence([seed, 16]))
    train = train.reset_index(drop=True)
    if test is None:
        held = _stratified_holdout(train, test_fraction, rng)
        test, train = train[held], train[~held]
    positives = _unique_sequences(train, 1)
    positives = positives[~np.isin(positives, test["sequence"].to_numpy(dtype=object))]
    if not len(positives):
        raise ValueError("no training peaks (label 1) outside the test part")
    positives = rng.permutation(positives)
    if max_positives is not None:
        positives = positives[:max_positives]
    n_validation = int(round(len(positives) * validation_fraction))
    parts = np.where(np.arange(len(positives)) < n_validation, VALIDATION, TRAIN)
    shuffles = [
        dinucleotide_shuffle(list(positives), seed=int(rng.integers(2**31)))
        for _ in range(n_shuffles)
    ]
    training = pd.DataFrame(
        {
            "sequence": np.concatenate(
                [positives, *(np.asarray(s, dtype=object) for s in shuffles)]
            ),
            "label": np.repeat([1] + [0] * n_shuffles, len(positives)),
            "part": np.tile(parts, 1 + n_shuffles),
        }
    )
    held_out = pd.DataFrame(
        {"sequence": test["sequence"].to_numpy(dtype=object), "label": test["label"], "part": TEST}
    )
    return pd.concat([training, held_out], ignore_index=True).astype(
        {"label": "int8", "part": "int8"}
    )


@dataclass
class MultitaskData(PartStore):
    """Sequences of several experiments with per-experiment labels (module docstring).

    Attributes
    ----------
    names : list of str
        One per experiment (output), in output order.
    X : ndarray, shape=(N, L, 4), uint8
    labels : ndarray, shape=(N, E), int8
        1 = peak, 0 = shuffle, :data:`MISSING` = not labelled for that experiment.
    part : ndarray, shape=(N,), int8
    """

    names: list[str]
    X: np.ndarray
    labels: np.ndarray
    part: np.ndarray

    def rows(self, part: int) -> np.ndarray:
        return np.flatnonzero(self.part == part)

    def counts(self) -> pd.DataFrame:
        """Per experiment and part: peaks and negatives (one row per experiment)."""
        table = {}
        for code, part in PART_NAMES.items():
            labels = self.labels[self.part == code]
            table[f"{part}_peaks"] = (labels == 1).sum(axis=0)
            table[f"{part}_negatives"] = (labels == 0).sum(axis=0)
        return pd.DataFrame(table, index=pd.Index(self.names, name="experiment"))


def assemble(tables: Mapping[str, pd.DataFrame]) -> MultitaskData:
    """Join the experiments' tables (:func:`experiment_parts`) into one labelled set.

    One row per distinct (sequence, part); a sequence labelled by several experiments carries
    each one's label (a peak in one and a shuffle in another keeps both: each output is trained
    only on its own labels). A sequence in the test part of any experiment is dropped from the
    training and validation parts of all of them; one in a validation part is validation for
    all. Within one experiment a sequence that is both peak and shuffle counts as a peak.
    """
    if not tables:
        raise ValueError("no experiments")
    names = list(tables)
    frame = pd.concat(
        [t.assign(experiment=e) for e, t in enumerate(tables.values())], ignore_index=True
    )
    test_sequences = set(frame.loc[frame["part"] == TEST, "sequence"])
    leaked = (frame["part"] != TEST) & frame["sequence"].isin(test_sequences)
    for e in np.unique(frame.loc[leaked, "experiment"]):
        log.info(
            "%s: %d training/validation sequences are another experiment's test sequences; dropped",
            names[e],
            (leaked & (frame["experiment"] == e)).sum(),
        )
    frame = frame[~leaked]
    frame["part"] = frame.groupby("sequence")["part"].transform("max")
    labels = frame.groupby(["sequence", "part", "experiment"], sort=True)["label"].max()
    wide = labels.unstack("experiment").reindex(columns=range(len(names)))
    shared = (wide.notna().sum(axis=1) > 1).sum()
    log.info("%d sequences, %d of them labelled by more than one experiment", len(wide), shared)
    sequences = wide.index.get_level_values("sequence").tolist()
    return MultitaskData(
        names=names,
        X=one_hot(sequences),
        labels=wide.fillna(MISSING).to_numpy(dtype=np.int8),
        part=wide.index.get_level_values("part").to_numpy(dtype=np.int8),
    )


# --------------------------------------------------------------------------- model and training


def build_multitask(
    n_outputs: int, sequence_length: int = 101, *, architecture: Mapping | None = None
) -> keras.Model:
    """The DeepSEA-like network of the module docstring, ending in ``n_outputs`` logits."""
    settings = {**ARCHITECTURE, **(architecture or {})}
    settings = {k: tuple(v) if isinstance(v, list) else v for k, v in settings.items()}
    return build_deepsea(sequence_length, n_outputs, sigmoid=False, name="multitask", **settings)


def masked_binary_crossentropy(y_true, logits):
    """Sigmoid cross-entropy averaged over the labelled entries only.

    ``y_true: (n, E)`` in {0, 1} or :data:`MISSING`; ``logits: (n, E)``. Returns a scalar (0 for
    a batch without labels).
    """
    ops = keras.ops
    y_true = ops.cast(y_true, logits.dtype)
    labelled = ops.cast(ops.greater_equal(y_true, 0.0), logits.dtype)
    target = ops.maximum(y_true, 0.0)
    # the stable form of -y log s(x) - (1 - y) log(1 - s(x))
    loss = ops.maximum(logits, 0.0) - logits * target + ops.log1p(ops.exp(-ops.abs(logits)))
    return ops.sum(loss * labelled) / ops.maximum(ops.sum(labelled), 1.0)


#: Keys of a training's ``metrics`` that tell how it ended (:func:`train_multitask`).
TRAINING_RECORD = (
    "epochs",
    "best_epoch",
    "stopped_by",
    "best_val_loss",
    "max_epochs",
    "patience",
    "n_train",
    "n_validation",
)


def how_training_ended(runs: Mapping[int, Mapping]) -> pd.DataFrame:
    """One row per training seed: ``replicate`` and the :data:`TRAINING_RECORD` of its
    ``metrics`` (seed -> the metrics of :func:`train_multitask`; a key missing from an older
    file is left empty). Logs a warning naming ``multitask.training.max_epochs`` for the seeds
    that early stopping did not end."""
    table = pd.DataFrame(
        [
            {"replicate": seed, **{key: m.get(key) for key in TRAINING_RECORD}}
            for seed, m in runs.items()
        ]
    )
    capped = table.loc[table["stopped_by"] != "patience", "replicate"].tolist()
    if capped:
        log.warning(
            "seeds %s were not ended by early stopping (the multitask.training.max_epochs cap "
            "ended them, or their metrics.json predates this record): the models may be "
            "under-trained; raise multitask.training.max_epochs",
            capped,
        )
    return table


def train_multitask(
    data: MultitaskData,
    *,
    architecture: Mapping | None = None,
    batch_size: int,
    learning_rate: float,
    max_epochs: int,
    patience: int,
    seed: int,
) -> TrainingResult:
    """Train :func:`build_multitask` on ``data``'s train part with the masked loss.

    Adam, early stopping on the validation part's masked loss (best weights kept); per-output
    test AUC on each experiment's own test part (its labelled test rows). The returned model is
    uncompiled (no custom loss to register when it is loaded).

    ``metrics`` records how training ended: ``epochs`` run, ``best_epoch`` (lowest validation
    loss, whose weights the model holds), ``stopped_by`` = ``"patience"`` (``patience`` epochs
    without a lower validation loss) or ``"max_epochs"`` (the cap ended training: a warning
    naming ``multitask.training.max_epochs`` is logged, since the model may be under-trained).
    """
    seed_everything(seed)
    train, validation, test = (data.rows(p) for p in (TRAIN, VALIDATION, TEST))
    if not (len(train) and len(validation) and len(test)):
        raise ValueError(
            f"train ({len(train)}), validation ({len(validation)}) and test ({len(test)}) rows: "
            "each part needs sequences"
        )
    x = data.X.astype(np.float32)
    y = data.labels.astype(np.float32)
    model = build_multitask(len(data.names), data.X.shape[1], architecture=architecture)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss=masked_binary_crossentropy)
    log.info(
        "training %d outputs on %d sequences (%d validation, %d test)",
        len(data.names),
        len(train),
        len(validation),
        len(test),
    )
    # restore_best_weights also restores them when the cap, not patience, ends training
    early_stopping = keras.callbacks.EarlyStopping(
        monitor="val_loss", patience=patience, restore_best_weights=True
    )
    fitted = model.fit(
        shuffled_batches(x[train], y[train], batch_size),
        validation_data=batches(x[validation], y[validation], batch_size),
        epochs=max_epochs,
        shuffle=False,  # shuffled_batches draws a new permutation every epoch
        verbose=0,
        callbacks=[
            EpochLog(x[validation], data.labels[validation], max_epochs),
            early_stopping,
        ],
    )
    history = pd.DataFrame(fitted.history)
    history.insert(0, "epoch", np.arange(1, len(history) + 1))
    stopping = stopping_record(
        history, early_stopping, max_epochs, patience, "multitask.training.max_epochs"
    )
    scores = predict(model, x[test])
    labels = data.labels[test]
    aucs = per_class_auc(labels, scores)
    metrics = {
        "test_auc": dict(zip(data.names, aucs, strict=True)),
        "test_peaks": dict(zip(data.names, (labels == 1).sum(axis=0).tolist(), strict=True)),
        "test_negatives": dict(zip(data.names, (labels == 0).sum(axis=0).tolist(), strict=True)),
        **stopping,
        "n_train": len(train),
        "n_validation": len(validation),
        "n_test": len(test),
        "seed": seed,
    }
    log.info("test AUC: %s", {k: round(v, 4) for k, v in metrics["test_auc"].items()})
    plain = build_multitask(len(data.names), data.X.shape[1], architecture=architecture)
    plain.set_weights(model.get_weights())
    return TrainingResult(model=plain, history=history, metrics=metrics)
