"""Training: split, AUC, determinism, and that the paper's CNN learns a small dataset."""

import json

import numpy as np
import pytest

from deepresolve.datasets.splits import split_indices
from deepresolve.datasets.synthetic import simulate
from deepresolve.models.training import per_class_auc, train_classifier

TRAINING = dict(
    test_fraction=0.2,
    validation_fraction=0.1,
    batch_size=64,
    learning_rate=0.002,
    max_epochs=12,
    patience=4,
)
MODEL = dict(
    conv_filters=16, conv_width=8, pool_size=4, dense_units=[32], dropout=0.0, global_pooling=True
)


def test_split_is_disjoint_complete_and_seeded():
    split = split_indices(1000, 0.2, 0.1, seed=3)
    parts = [split.train, split.validation, split.test]
    assert [len(p) for p in parts] == [700, 100, 200]
    assert len(np.unique(np.concatenate(parts))) == 1000
    again = split_indices(1000, 0.2, 0.1, seed=3)
    np.testing.assert_array_equal(split.test, again.test)
    assert not np.array_equal(split.test, split_indices(1000, 0.2, 0.1, seed=4).test)
    with pytest.raises(ValueError, match="must be below 1"):
        split_indices(10, 0.6, 0.4, seed=0)


def test_per_class_auc_one_label_class_is_nan_and_missing_labels_left_out():
    y = np.array([[0, 1], [1, 1], [0, 1], [1, 1]])
    scores = np.array([[0.1, 0.5], [0.9, 0.2], [0.2, 0.3], [0.8, 0.1]])
    aucs = per_class_auc(y, scores)
    assert aucs[0] == 1.0 and np.isnan(aucs[1])
    # MISSING (-1) labels are left out of their class's AUC (the multi-task model's rows of
    # other experiments): class 0 over rows 0, 2, 3 is 1.0 (0.5 if row 1's high score counted
    # as a negative); class 1 has one labelled row only
    labels = np.array([[1, -1], [-1, -1], [1, 1], [0, -1]])
    scores = np.array([[0.9, 5.0], [0.95, 9.0], [0.8, 0.3], [0.1, 0.1]])
    aucs = per_class_auc(labels, scores)
    assert aucs[0] == 1.0 and np.isnan(aucs[1])
    # one class given as 1-D arrays
    assert per_class_auc(np.array([0, 1, 1]), np.array([0.2, 0.1, 0.9])) == [0.5]


def test_undefined_auc_is_written_as_null_with_the_reason(tmp_path):
    from deepresolve.core.files import write_json
    from deepresolve.models.training import AUC_UNDEFINED

    path = tmp_path / "metrics.json"
    write_json(
        path,
        {"auc": per_class_auc(np.ones((3, 1)), np.zeros((3, 1)))[0]},
        null_reason=AUC_UNDEFINED,
    )
    document = json.loads(path.read_text())
    assert document["auc"] is None and AUC_UNDEFINED in document["null_reasons"]["auc"]


@pytest.fixture(scope="module")
def trained_twice():
    data = simulate("IV", {"n_sequences": 6000, "negative_fraction": 0.34}, seed=1)
    runs = [
        train_classifier(data.x, data.y, data.class_names, model_params=MODEL, seed=11, **TRAINING)
        for _ in range(2)
    ]
    return data, runs


def test_small_cnn_learns_dataset_IV(trained_twice):
    _, (run, _) = trained_twice
    aucs = run.metrics["test_auc"]
    assert len(aucs) == 4
    # the single-pattern class is easy even for 16 filters and 12 epochs
    assert aucs["CGCTTG"] > 0.9, aucs
    assert np.mean(list(aucs.values())) > 0.75, aucs
    assert run.metrics["n_test"] == 1200 and 1 <= run.metrics["best_epoch"] <= 12
    assert list(run.history.columns[:3]) == ["epoch", "loss", "val_loss"]


def test_same_seed_same_weights_and_auc(trained_twice):
    _, (first, second) = trained_twice
    assert first.metrics["test_auc"] == second.metrics["test_auc"]
    for a, b in zip(first.model.get_weights(), second.model.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)


def test_label_shape_mismatch_is_rejected():
    x = np.zeros((10, 20, 4), np.uint8)
    with pytest.raises(ValueError, match="do not match 10 sequences x 2 classes"):
        train_classifier(x, np.zeros((10, 3)), ["a", "b"], model_params=MODEL, seed=0, **TRAINING)


def test_how_training_ended_is_recorded(trained_twice, caplog):
    """Patience or the cap: recorded in the metrics, and the cap warns naming the config key."""
    data, (run, _) = trained_twice
    ended = run.metrics
    assert ended["stopped_by"] in ("patience", "max_epochs")
    assert ended["epochs"] == len(run.history) and ended["best_epoch"] <= ended["epochs"]
    assert ended["best_val_loss"] == pytest.approx(run.history["val_loss"].min())
    if ended["stopped_by"] == "patience":
        assert ended["epochs"] - ended["best_epoch"] == TRAINING["patience"]
    small = {**TRAINING, "max_epochs": 1, "patience": 5}
    subset = slice(0, 1500)
    with caplog.at_level("WARNING", logger="deepresolve.models.training"):
        capped = train_classifier(
            data.x[subset],
            data.y[subset],
            data.class_names,
            model_params=MODEL,
            seed=11,
            cap_key="chipseq.training.max_epochs",
            **small,
        )
    assert (capped.metrics["epochs"], capped.metrics["stopped_by"]) == (1, "max_epochs")
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert any(
        "HIT THE EPOCH CAP" in m and "raise chipseq.training.max_epochs" in m for m in warnings
    ), warnings
