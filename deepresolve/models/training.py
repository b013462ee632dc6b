"""Deterministic training of the paper's CNNs on one-hot sequences.

Shapes: ``x: (N, L, 4)`` one-hot (A, C, G, T), ``y: (N, C)`` 0/1 labels, one sigmoid
cross-entropy task per class on the model's linear outputs (logits).

Determinism: :func:`train_classifier` seeds Python, NumPy and TensorFlow from ``seed`` and turns
on TensorFlow's deterministic ops, so that the same data, config and seed give the same weights
and the same test AUCs on CPU.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

import keras
import numpy as np
import pandas as pd
import tensorflow as tf
from sklearn.metrics import roc_auc_score

from deepresolve.datasets.splits import Split, split_indices
from deepresolve.models.cnn import build_cnn

log = logging.getLogger(__name__)


def batches(x: np.ndarray, y: np.ndarray | None = None, batch_size: int = 1024) -> tf.data.Dataset:
    """Consecutive batches of ``x (N, L, 4)`` (and ``y (N, C)``) in row order, as a dataset
    (the batches Keras cuts from arrays for evaluation and prediction; see
    :func:`shuffled_batches` for why not Keras's own pipeline)."""
    data = (x,) if y is None else (x, y)
    return tf.data.Dataset.from_tensor_slices(data).batch(batch_size)


def shuffled_batches(x: np.ndarray, y: np.ndarray, batch_size: int) -> tf.data.Dataset:
    """Training batches of ``x (N, L, 4)``, ``y (N, C)``, a new permutation every epoch.

    The same batches, in the same order, as Keras 3 cuts from arrays with ``shuffle=True``
    (its ``ArrayDataAdapter``: one ``tf.random.shuffle`` of the row indices per epoch, seeded
    by :func:`seed_everything`), but gathered by a sequential map. Keras gathers them by a
    parallel map; under ``enable_op_determinism`` TensorFlow's ``make_deterministic``
    rewrite turns that into a sequential ``MapDataset`` and keeps the parallel op's
    ``use_unbounded_threadpool`` attribute, which ``MapDataset`` lacks, so TensorFlow 2.18 and
    later log ``E0000 ... NodeDef mentions attribute use_unbounded_threadpool which is not in
    the op definition`` on every training (a bug of that rewrite, not a version mismatch).
    Building the sequential pipeline here gives the same numbers without the rewrite.
    """
    n = len(x)
    n_full = n // batch_size
    n_rest = n - n_full * batch_size

    def permutation(_):
        return tf.random.shuffle(tf.range(n, dtype=tf.int64))

    def batch_indices(indices):
        full = tf.reshape(tf.slice(indices, [0], [n_full * batch_size]), [n_full, batch_size])
        flat = tf.data.Dataset.from_tensor_slices(full)
        if n_rest:
            rest = tf.data.Dataset.from_tensors(tf.slice(indices, [n_full * batch_size], [n_rest]))
            flat = flat.concatenate(rest)
        return flat

    indices = tf.data.Dataset.range(1).map(permutation).prefetch(1).flat_map(batch_indices)
    data = tf.data.Dataset.from_tensors((tf.convert_to_tensor(x), tf.convert_to_tensor(y)))
    dataset = tf.data.Dataset.zip((indices, data.repeat())).map(
        lambda rows, arrays: tuple(tf.gather(a, rows, axis=0) for a in arrays)
    )
    options = tf.data.Options()
    options.experimental_optimization.apply_default_optimizations = False
    options.experimental_external_state_policy = tf.data.experimental.ExternalStatePolicy.IGNORE
    # a known length makes Keras start a new pass (a new permutation) every epoch, as for arrays
    n_batches = n_full + (1 if n_rest else 0)
    return (
        dataset.with_options(options)
        .prefetch(tf.data.AUTOTUNE)
        .apply(tf.data.experimental.assert_cardinality(n_batches))
    )


def predict(model: keras.Model, x: np.ndarray, batch_size: int = 1024) -> np.ndarray:
    """``model``'s outputs for ``x (N, L, 4)`` as float32, batch by batch (:func:`batches`)."""
    return model.predict(batches(np.asarray(x, dtype=np.float32), batch_size=batch_size), verbose=0)


#: Label of an entry that was not measured (the multi-task model: one experiment's sequences
#: are unlabelled for the other experiments); left out of every AUC and of the loss.
MISSING = -1
#: Why an AUC is undefined: the ``null_reason`` JSON writers give its null
#: (:func:`deepresolve.core.files.write_json`).
AUC_UNDEFINED = "AUC undefined: the class's labelled rows hold one label value only"


def per_class_auc(labels: np.ndarray, scores: np.ndarray) -> list[float]:
    """ROC AUC of every class over its labelled rows: the package's one AUC.

    Parameters
    ----------
    labels : array, shape=(N, C) or (N,)
        1 = positive, 0 = negative, :data:`MISSING` (-1) = not measured, left out of that
        class's AUC. A 1-D array is one class.
    scores : array, shape=(N, C) or (N,)
        The model's outputs (logits or probabilities: the AUC depends on their order only).

    Returns
    -------
    list of C float
        One rule for a class whose labelled rows hold one label value only (all bound, all
        unbound, or none labelled): its AUC is undefined and given as NaN, never an error, so a
        run with such a class still reports the others; JSON writers turn it into ``null`` with
        :data:`AUC_UNDEFINED` as the reason (:func:`deepresolve.core.files.write_json`, as issue 21
        decided: bare NaN is not JSON).
    """
    labels = np.asarray(labels).reshape(len(labels), -1)
    scores = np.asarray(scores).reshape(len(labels), -1)
    aucs = []
    for c in range(labels.shape[1]):
        labelled = labels[:, c] != MISSING
        y = labels[labelled, c]
        if len(np.unique(y)) < 2:
            aucs.append(float("nan"))
        else:
            aucs.append(float(roc_auc_score(y, scores[labelled, c])))
    return aucs


def model_auc(model: keras.Model, x: np.ndarray, labels: np.ndarray) -> float:
    """ROC AUC of a one-output model on ``x: (N, L, 4)`` against ``labels: (N,)`` (the rule of
    :func:`per_class_auc`: NaN when ``labels`` hold one value only); the model runs through
    :func:`predict`."""
    return per_class_auc(np.asarray(labels)[:, None], predict(model, x)[:, :1])[0]


class EpochLog(keras.callbacks.Callback):
    """One log line per epoch with the losses and the validation AUC of every class.

    The AUCs are :func:`per_class_auc`'s (which leaves out :data:`MISSING` labels).
    """

    def __init__(
        self,
        x_validation: np.ndarray,
        y_validation: np.ndarray,
        max_epochs: int,
    ):
        super().__init__()
        self.x_validation = x_validation
        self.y_validation = y_validation
        self.max_epochs = max_epochs
        self.started = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        logs = logs if logs is not None else {}
        aucs = per_class_auc(self.y_validation, predict(self.model, self.x_validation))
        logs["val_mean_auc"] = float(np.nanmean(aucs))
        log.info(
            "epoch %d/%d: loss %.4f, val_loss %.4f, val AUC %s (%.0f s)",
            epoch + 1,
            self.max_epochs,
            logs.get("loss", float("nan")),
            logs.get("val_loss", float("nan")),
            " ".join(f"{a:.3f}" for a in aucs),
            time.perf_counter() - self.started,
        )


def stopping_record(
    history: pd.DataFrame,
    early_stopping: keras.callbacks.EarlyStopping,
    max_epochs: int,
    patience: int,
    cap_key: str,
) -> dict:
    """How a finished :meth:`keras.Model.fit` ended.

    Returns ``epochs``, ``best_epoch``, ``best_val_loss``, ``stopped_by`` (``"patience"`` or
    ``"max_epochs"``), ``max_epochs`` and ``patience``, and logs the outcome: a warning naming
    the config key ``cap_key`` (e.g. ``chipseq.training.max_epochs``) when the cap, not early
    stopping, ended training, since the model may then be under-trained.
    """
    best = int(history["val_loss"].idxmin())
    ended = {
        "epochs": len(history),
        "best_epoch": best + 1,
        "best_val_loss": float(history["val_loss"].iloc[best]),
        # Keras sets stopped_epoch only when patience ends training
        "stopped_by": "patience" if early_stopping.stopped_epoch > 0 else "max_epochs",
        "max_epochs": max_epochs,
        "patience": patience,
    }
    if ended["stopped_by"] == "patience":
        log.info(
            "early stopping after %d epochs: no lower validation loss in the last %d; "
            "weights of the best epoch %d (validation loss %.4f) restored",
            ended["epochs"],
            patience,
            ended["best_epoch"],
            ended["best_val_loss"],
        )
    else:
        log.warning(
            "TRAINING HIT THE EPOCH CAP: %d epochs = %s ran without early stopping "
            "(patience %d); best epoch %d (validation loss %.4f). The model may be "
            "under-trained: raise %s",
            ended["epochs"],
            cap_key,
            patience,
            ended["best_epoch"],
            ended["best_val_loss"],
            cap_key,
        )
    return ended


@dataclass
class TrainingResult:
    """A trained model and its record.

    Attributes
    ----------
    model: keras.Model
        Weights of the epoch with the lowest validation loss.
    history: DataFrame
        One row per epoch: ``epoch, loss, val_loss, val_mean_auc``.
    metrics: dict
        ``test_auc`` (class -> AUC), how training ended (:func:`stopping_record`: ``epochs``,
        ``best_epoch``, ``best_val_loss``, ``stopped_by``, ``max_epochs``, ``patience``), sizes,
        ``seed``.
    """

    model: keras.Model
    history: pd.DataFrame
    metrics: dict


def seed_everything(seed: int) -> None:
    """Seed Python, NumPy and TensorFlow and make TensorFlow's ops deterministic."""
    keras.utils.set_random_seed(seed)
    tf.config.experimental.enable_op_determinism()


def train_classifier(
    x: np.ndarray,
    y: np.ndarray,
    class_names: list[str],
    *,
    model_params: dict,
    test_fraction: float,
    validation_fraction: float,
    batch_size: int,
    learning_rate: float,
    max_epochs: int,
    patience: int,
    seed: int,
    split: Split | None = None,
    cap_key: str = "training.max_epochs",
) -> TrainingResult:
    """Train :func:`deepresolve.models.cnn.build_cnn` on ``x (N, L, 4)``, ``y (N, C)``.

    Adam on sigmoid cross-entropy, early stopping on the validation loss (best weights kept),
    test AUC per class on the held-out ``test_fraction``. A given ``split`` (e.g. the published
    train/test files of an experiment) replaces the random one, and the fractions are unused.
    ``metrics`` records how training ended (:func:`stopping_record`; ``cap_key`` is the config
    key of ``max_epochs`` that its warning names).
    """
    if y.ndim != 2 or y.shape[0] != x.shape[0] or y.shape[1] != len(class_names):
        raise ValueError(
            f"labels of shape {y.shape} do not match {x.shape[0]} sequences x "
            f"{len(class_names)} classes"
        )
    seed_everything(seed)
    if split is None:
        split = split_indices(len(x), test_fraction, validation_fraction, seed)
    elif not all(len(part) for part in (split.train, split.validation, split.test)):
        raise ValueError("split: train, validation and test must each hold sequences")
    x = x.astype(np.float32)
    y = y.astype(np.float32)
    model = build_cnn(x.shape[1], y.shape[1], **model_params)
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate),
        loss=keras.losses.BinaryCrossentropy(from_logits=True),
    )
    x_val, y_val = x[split.validation], y[split.validation]
    log.info(
        "training on %d sequences (%d validation, %d test), %d classes",
        len(split.train),
        len(split.validation),
        len(split.test),
        y.shape[1],
    )
    # restore_best_weights also restores them when the cap, not patience, ends training
    early_stopping = keras.callbacks.EarlyStopping(
        monitor="val_loss", patience=patience, restore_best_weights=True
    )
    fitted = model.fit(
        shuffled_batches(x[split.train], y[split.train], batch_size),
        validation_data=batches(x_val, y_val, batch_size),
        epochs=max_epochs,
        shuffle=False,  # shuffled_batches draws a new permutation every epoch
        verbose=0,
        callbacks=[EpochLog(x_val, y_val, max_epochs), early_stopping],
    )
    history = pd.DataFrame(fitted.history)
    history.insert(0, "epoch", np.arange(1, len(history) + 1))
    stopping = stopping_record(history, early_stopping, max_epochs, patience, cap_key)
    test_scores = predict(model, x[split.test])
    aucs = per_class_auc(y[split.test], test_scores)
    metrics = {
        "test_auc": dict(zip(class_names, aucs, strict=True)),
        **stopping,
        "n_train": len(split.train),
        "n_validation": len(split.validation),
        "n_test": len(split.test),
        "seed": seed,
    }
    log.info("test AUC: %s (best epoch %d)", metrics["test_auc"], stopping["best_epoch"])
    return TrainingResult(model=model, history=history, metrics=metrics)
