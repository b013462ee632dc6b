"""Import of the published Keras 1.2 / Theano models (deepresolve.models.keras1).

The synthetic tests write tiny models in the Keras 1 file layout and always run; the others use
the real models and sequences in ../shared/data (or $DEEPRESOLVE_SHARED_DATA) and are skipped
with a reason when that folder is absent.
"""

from __future__ import annotations

import json
import shutil
import time

import h5py
import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from deepresolve.datasets.zeng import read_zeng
from deepresolve.models.keras1 import (
    ARCHITECTURE_FILE,
    WEIGHTS_FILE,
    convolution_kernel_from_keras1,
    load_keras1_model,
    predict_proba,
)

CTCF = "wgEncodeAwgTfbsBroadDnd41CtcfUniPk"


# --- an independent, literal Theano forward pass --------------------------------------------


def theano_forward(X, W, b, W1, b1, W2, b2):
    """Logits of the Keras 1 / Theano model, written out literally in float64.

    ``X: (n, L, 4)``; ``W: (F, 4, 1, K)`` (Theano 'th'); Theano ``conv2d`` in ``half`` mode is a
    true convolution with ``K // 2`` zeros on both sides, truncated to the first ``L`` outputs
    (Keras 1 ``border_mode="same"``); then relu, global max, Dense relu, Dense linear.
    """
    n, L, C = X.shape
    F, _, _, K = W.shape
    pad = K // 2
    logits = np.empty(n)
    for i in range(n):
        pooled = np.empty(F)
        for f in range(F):
            acc = np.zeros(L)
            for c in range(C):
                full = np.convolve(X[i, :, c].astype(np.float64), W[f, c, 0].astype(np.float64))
                acc += full[K - 1 - pad : K - 1 - pad + L]
            pooled[f] = np.max(np.maximum(acc + b[f], 0.0))
        hidden = np.maximum(pooled @ W1.astype(np.float64) + b1, 0.0)
        logits[i] = (hidden @ W2.astype(np.float64) + b2)[0]
    return logits


def read_theano_weights(h5_path):
    """The six weight arrays of a published model, read directly from the HDF5 file."""
    with h5py.File(h5_path, "r") as handle:
        group = handle["model_weights"]
        arrays = []
        for layer in group.attrs["layer_names"]:
            layer_group = group[layer.decode()]
            arrays += [
                np.asarray(layer_group[n.decode()]) for n in layer_group.attrs["weight_names"]
            ]
    return arrays


def write_keras1_model(folder, *, width, length=20, filters=3, hidden=5, dropout=0.5, seed=0):
    """Write a random model in the published Keras 1 layout; returns its weight arrays."""
    rng = np.random.default_rng(seed)
    weights = {
        "conv_a": [rng.normal(size=(filters, 4, 1, width)), rng.normal(size=filters)],
        "dense_a": [rng.normal(size=(filters, hidden)), rng.normal(size=hidden)],
        "dense_b": [rng.normal(size=(hidden, 1)), rng.normal(size=1)],
    }
    layers = [
        (
            "Convolution2D",
            {
                "name": "conv_a",
                "nb_filter": filters,
                "nb_row": 1,
                "nb_col": width,
                "dim_ordering": "th",
                "border_mode": "same",
                "subsample": [1, 1],
                "activation": "relu",
                "bias": True,
                "batch_input_shape": [None, 4, 1, length],
            },
        ),
        ("MaxPooling2D", {"name": "pool_a", "pool_size": [1, length], "dim_ordering": "th"}),
        ("Flatten", {"name": "flat_a"}),
        ("Dense", {"name": "dense_a", "output_dim": hidden, "activation": "relu"}),
        ("Dropout", {"name": "drop_a", "p": dropout}),
        ("Dense", {"name": "dense_b", "output_dim": 1, "activation": "linear"}),
        ("Activation", {"name": "act_a", "activation": "sigmoid"}),
    ]
    folder.mkdir(parents=True, exist_ok=True)
    spec = {"class_name": "Sequential", "keras_version": "1.2.0", "config": []}
    spec["config"] = [{"class_name": cls, "config": cfg} for cls, cfg in layers]
    (folder / ARCHITECTURE_FILE).write_text(json.dumps(spec))
    with h5py.File(folder / WEIGHTS_FILE, "w") as handle:
        group = handle.create_group("model_weights")
        group.attrs["layer_names"] = [cfg["name"].encode() for _, cfg in layers]
        for _, cfg in layers:
            layer = group.create_group(cfg["name"])
            arrays = weights.get(cfg["name"], [])
            names = [f"{cfg['name']}_{suffix}".encode() for suffix in "Wb"[: len(arrays)]]
            layer.attrs["weight_names"] = names if names else np.array([], dtype=np.float64)
            for n, array in zip(names, arrays, strict=True):
                layer.create_dataset(n.decode(), data=array.astype(np.float32))
    return [
        a.astype(np.float32) for name in ("conv_a", "dense_a", "dense_b") for a in weights[name]
    ]


def random_one_hot(n, length, seed=1):
    rng = np.random.default_rng(seed)
    return np.eye(4, dtype=np.float32)[rng.integers(0, 4, size=(n, length))]


# --- synthetic models: always run ------------------------------------------------------------


@pytest.mark.parametrize("width", [5, 4])
def test_synthetic_model_matches_literal_theano_pass(tmp_path, width):
    arrays = write_keras1_model(tmp_path / "m", width=width)
    model = load_keras1_model(tmp_path / "m")
    X = random_one_hot(30, 20)
    got = model.predict(X, verbose=0)[:, 0]
    np.testing.assert_allclose(got, theano_forward(X, *arrays), rtol=1e-5, atol=1e-5)
    assert model.output_shape == (None, 1)
    assert [layer.name for layer in model.layers][-5:] == [
        "conv",
        "pool",
        "dense_1",
        "dropout_1",
        "logits",
    ]
    assert model.get_layer("dropout_1").rate == 0.5


def test_predict_proba_is_sigmoid_of_logit(tmp_path):
    write_keras1_model(tmp_path / "m", width=5)
    model = load_keras1_model((tmp_path / "m" / ARCHITECTURE_FILE, tmp_path / "m" / WEIGHTS_FILE))
    X = random_one_hot(10, 20)
    logits = model.predict(X, verbose=0)[:, 0]
    np.testing.assert_allclose(predict_proba(model, X), 1 / (1 + np.exp(-logits)), rtol=1e-6)


def test_kernel_is_reversed_and_transposed():
    W = np.arange(2 * 4 * 1 * 3, dtype=np.float32).reshape(2, 4, 1, 3)
    kernel = convolution_kernel_from_keras1(W)
    assert kernel.shape == (3, 4, 2)
    assert kernel[0, 1, 1] == W[1, 1, 0, 2]
    assert convolution_kernel_from_keras1(W, flip=False)[0, 1, 1] == W[1, 1, 0, 0]


def test_missing_file_is_named(tmp_path):
    write_keras1_model(tmp_path / "m", width=5)
    (tmp_path / "m" / WEIGHTS_FILE).unlink()
    with pytest.raises(ValueError, match=WEIGHTS_FILE):
        load_keras1_model(tmp_path / "m")
    with pytest.raises(ValueError, match="no such model folder"):
        load_keras1_model(tmp_path / "absent")


def test_corrupt_synthetic_h5_is_named(tmp_path):
    write_keras1_model(tmp_path / "m", width=5)
    h5 = tmp_path / "m" / WEIGHTS_FILE
    h5.write_bytes(h5.read_bytes()[:300])
    with pytest.raises(ValueError, match=rf"{WEIGHTS_FILE}.*corrupt"):
        load_keras1_model(tmp_path / "m")


def test_unsupported_layer_names_class_and_file(tmp_path):
    write_keras1_model(tmp_path / "m", width=5)
    json_path = tmp_path / "m" / ARCHITECTURE_FILE
    spec = json.loads(json_path.read_text())
    spec["config"].insert(3, {"class_name": "LSTM", "config": {"name": "lstm_1"}})
    json_path.write_text(json.dumps(spec))
    with pytest.raises(ValueError, match=rf"{ARCHITECTURE_FILE}.*LSTM"):
        load_keras1_model(tmp_path / "m")


def test_local_pooling_is_unsupported(tmp_path):
    write_keras1_model(tmp_path / "m", width=5)
    json_path = tmp_path / "m" / ARCHITECTURE_FILE
    spec = json.loads(json_path.read_text())
    spec["config"][1]["config"]["pool_size"] = [1, 4]
    json_path.write_text(json.dumps(spec))
    with pytest.raises(ValueError, match=r"MaxPooling2D.*not global"):
        load_keras1_model(tmp_path / "m")


def test_mismatched_weights_are_reported(tmp_path):
    write_keras1_model(tmp_path / "a", width=5)
    write_keras1_model(tmp_path / "b", width=7)
    with pytest.raises(ValueError, match="do not belong together"):
        load_keras1_model((tmp_path / "a" / ARCHITECTURE_FILE, tmp_path / "b" / WEIGHTS_FILE))


# --- the published models --------------------------------------------------------------------


@pytest.mark.shared_data("published-422tf-models", "zeng-motif-discovery")
def test_ctcf_model_separates_real_ctcf_sequences(shared_data):
    root = shared_data
    data = read_zeng(root / "zeng-motif-discovery" / CTCF / "test.data")
    folder = root / "published-422tf-models" / CTCF
    auc = roc_auc_score(data.labels, predict_proba(load_keras1_model(folder), data.X))
    auc_unflipped = roc_auc_score(
        data.labels, predict_proba(load_keras1_model(folder, flip_kernel=False), data.X)
    )
    assert auc >= 0.85, auc
    assert auc - auc_unflipped > 0.2, (auc, auc_unflipped)


@pytest.mark.shared_data("published-422tf-models", "zeng-motif-discovery")
def test_ctcf_model_matches_literal_theano_pass_on_real_sequences(shared_data):
    root = shared_data
    data = read_zeng(root / "zeng-motif-discovery" / CTCF / "test.data")
    X = data.X[:: len(data.X) // 50][:50].astype(np.float32)
    folder = root / "published-422tf-models" / CTCF
    expected = theano_forward(X, *read_theano_weights(folder / WEIGHTS_FILE))
    got = load_keras1_model(folder).predict(X, verbose=0)[:, 0]
    # float32 (Keras) against float64 (literal): measured max |diff| 5.7e-6 on logits up to ~10
    np.testing.assert_allclose(got, expected, rtol=2e-6, atol=1e-5)


@pytest.mark.shared_data("published-422tf-models")
def test_all_published_models_import(shared_data):
    folders = sorted(p for p in (shared_data / "published-422tf-models").iterdir() if p.is_dir())
    assert len(folders) == 422
    start = time.perf_counter()
    for folder in folders:
        model = load_keras1_model(folder)
        conv = model.get_layer("conv")
        assert (conv.filters, conv.kernel_size) == (16, (25,)), folder.name
        assert model.input_shape == (None, 101, 4), folder.name
    assert time.perf_counter() - start < 300


@pytest.mark.shared_data("published-422tf-models")
def test_corrupt_real_h5_is_named(shared_data, tmp_path):
    source = shared_data / "published-422tf-models" / CTCF
    folder = tmp_path / CTCF
    shutil.copytree(source, folder)
    h5 = folder / WEIGHTS_FILE
    h5.chmod(0o644)
    h5.write_bytes(h5.read_bytes()[:4096])
    with pytest.raises(ValueError, match=rf"{CTCF}/{WEIGHTS_FILE}"):
        load_keras1_model(folder)
