"""The probe on hand-built networks whose logic is known: two networks that both compute
CGCTTG XOR CAGATG on real sequences, one as |a - b| (the paper's picture) and one as a bump in
a + b (what this project's trained networks do)."""

import keras
import numpy as np
import pytest

from deepresolve.analyses.probe import constructed_sequences, landscape_dependence, probe_network
from deepresolve.datasets.sequences import encode_indices
from deepresolve.datasets.synthetic import scan_presence
from deepresolve.method.network import split_model

LENGTH = 60


def _xor_network(kind):
    """Filter 0 fires 1 on CGCTTG, filter 1 on CAGATG (0 on anything with a mismatch); global
    max-pooling; then |a - b| - 0.5 ("difference") or relu(a+b) - 2 relu(a+b-1) - 0.5 ("sum")."""
    kernel = np.zeros((8, 4, 2), np.float32)
    for j, pattern in enumerate(["CGCTTG", "CAGATG"]):
        kernel[:6, :, j] = -1.0
        kernel[np.arange(6), encode_indices(pattern), j] = 1.0
    model = keras.Sequential(
        [
            keras.Input((LENGTH, 4)),
            keras.layers.Conv1D(2, 8, padding="same", activation="relu", name="conv"),
            keras.layers.GlobalMaxPooling1D(),
            keras.layers.Dense(2, activation="relu"),
            keras.layers.Dense(1),
        ]
    )
    model.layers[0].set_weights([kernel, np.full(2, -5.0, np.float32)])
    if kind == "difference":
        hidden = [np.array([[1, -1], [-1, 1]], np.float32), np.zeros(2, np.float32)]
        out = [np.array([[1], [1]], np.float32), np.array([-0.5], np.float32)]
    else:
        hidden = [np.ones((2, 2), np.float32), np.array([0, -1], np.float32)]
        out = [np.array([[1], [-2]], np.float32), np.array([-0.5], np.float32)]
    model.layers[2].set_weights(hidden)
    model.layers[3].set_weights(out)
    return model


def test_constructed_sequences_hold_exactly_their_combination():
    combinations, x = constructed_sequences(
        ("CGCTTG", "CAGATG"), ("CGCTTG", "CAGATG"), n_sequences=50, length=LENGTH, seed=3
    )
    assert combinations == [(), ("CGCTTG",), ("CAGATG",), ("CGCTTG", "CAGATG")]
    for combination, xs in zip(combinations, x, strict=True):
        present = scan_presence(xs, ["CGCTTG", "CAGATG"])
        expected = [p in combination for p in ["CGCTTG", "CAGATG"]]
        assert (present == expected).all()
    # same backgrounds: the cases differ only at the planted bases
    assert (x[0] != x[3]).any(axis=-1).sum(axis=1).max() <= 12


@pytest.mark.parametrize(
    ("kind", "layer"), [("difference", None), ("sum", None), ("difference", "conv")]
)
def test_probe_tells_the_two_xor_networks_apart(kind, layer):
    """Feature maps after global pooling (1-D) or the convolution's output (positions x
    filters, as with the paper's local pooling) give the same answer."""
    probe = probe_network(
        _xor_network(kind),
        "I",
        {"CGCTTG": [0], "CAGATG": [1]},
        n_sequences=16,
        grid_size=16,
        max_scale=1.5,
        seed=0,
        layer=layer,
    )
    cases = {tuple(c["patterns"]): c for c in probe["constructed"][0]["cases"]}
    # both networks compute XOR on real sequences: +0.5 for one pattern, -0.5 otherwise
    assert probe["computes_logic"]
    np.testing.assert_allclose(cases[()]["mean_score"], -0.5, atol=1e-5)
    np.testing.assert_allclose(cases[("CGCTTG",)]["mean_score"], 0.5, atol=1e-5)
    np.testing.assert_allclose(cases[("CGCTTG", "CAGATG")]["mean_score"], -0.5, atol=1e-5)
    landscape = probe["landscape"]
    expected = "a - b" if kind == "difference" else "a + b"
    assert landscape["depends_on"] == expected
    assert "predicts_pass" not in landscape  # a description of the network, not a verdict
    best = max(landscape["r2_sum"], landscape["r2_difference"])
    worst = min(landscape["r2_sum"], landscape["r2_difference"])
    assert best > 0.999 and worst < 0.6
    score = np.array(landscape["score"])
    assert score.shape == (16, 16)
    scale = np.array(landscape["scale"])
    i = int(np.argmin(abs(scale - 1.0)))  # a = 1, b = 0: one planted copy
    np.testing.assert_allclose(score[i, 0], 0.5, atol=1e-5)


def test_landscape_dependence_on_ideal_grids():
    a, b = np.meshgrid(np.arange(9.0), np.arange(9.0), indexing="ij")
    assert landscape_dependence(np.abs(a - b))["depends_on"] == "a - b"
    assert landscape_dependence(np.exp(-((a + b - 8) ** 2)))["depends_on"] == "a + b"
    flat = landscape_dependence(np.zeros((9, 9)))
    assert flat["r2_sum"] == flat["r2_difference"] == 0
    with pytest.raises(ValueError, match="square"):
        landscape_dependence(np.zeros((3, 4)))


def test_split_model_of_the_hand_built_network_gives_pooled_features():
    split = split_model(_xor_network("sum"))
    assert split.feature_shape == (2,)
