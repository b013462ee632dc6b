"""Grad-CAM, gradient x input and enhanced DeepMotif (deepresolve.method.attribution, paper
§5.1)."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from deepresolve.datasets.sequences import indices_to_one_hot, one_hot
from deepresolve.datasets.zeng import read_zeng
from deepresolve.method.attribution import (
    GRAD_CAM,
    GRADIENT_X_INPUT,
    authors_deepmotif_many,
    enhanced_deepmotif,
    enhanced_deepmotif_many,
    grad_cam,
    gradient_filter_scores,
    gradient_x_input,
    last_conv_layer,
    most_informative_window,
    sample_positives,
)
from deepresolve.method.importance import rank_filters
from deepresolve.models.keras1 import load_keras1_model
from deepresolve.models.weights import conv_kernel
from deepresolve.motifs import jaspar, tomtom
from deepresolve.motifs.pwm import filters_to_pwms

LENGTH, WIDTH, K, HIDDEN = 20, 5, 3, 2
CTCF = "wgEncodeAwgTfbsBroadDnd41CtcfUniPk"
CTCF_JASPAR = "MA0139.2"


def hand_model(pool: str, activation: str, n_classes: int = 1) -> tuple[keras.Model, dict]:
    """conv (K filters of width WIDTH, 'valid') -> global pool -> Dense(HIDDEN, linear) ->
    Dense(n_classes, sigmoid or softmax), with fixed weights.

    Above the convolution the pre-activation scores are linear in the pooled vector ``p``:
    ``S = (p @ W1 + b1) @ u + b2``, so ``dS_c/dp_k = (W1 @ u)_kc`` (the dense weight path).
    """
    rng = np.random.default_rng(7)
    weights = {
        "kernel": rng.normal(size=(WIDTH, 4, K)).astype("float32"),
        "bias": np.array([0.5, -0.3, 0.1], dtype="float32"),
        "W1": rng.normal(size=(K, HIDDEN)).astype("float32"),
        "b1": np.array([0.2, -0.1], dtype="float32"),
        "u": np.array([[1.5, 0.4], [-0.7, 0.9]], dtype="float32")[:, :n_classes],
        "b2": np.array([0.3, -0.2], dtype="float32")[:n_classes],
    }
    pooling = {"avg": keras.layers.GlobalAveragePooling1D, "max": keras.layers.GlobalMaxPooling1D}
    inputs = keras.Input((LENGTH, 4), name="sequence")
    h = keras.layers.Conv1D(K, WIDTH, activation=activation, name="conv")(inputs)
    h = pooling[pool](name="pool")(h)
    h = keras.layers.Dense(HIDDEN, name="dense_1")(h)
    final = "sigmoid" if n_classes == 1 else "softmax"
    outputs = keras.layers.Dense(n_classes, activation=final, name="logits")(h)
    model = keras.Model(inputs, outputs, name=f"hand_{pool}")
    model.get_layer("conv").set_weights([weights["kernel"], weights["bias"]])
    model.get_layer("dense_1").set_weights([weights["W1"], weights["b1"]])
    model.get_layer("logits").set_weights([weights["u"], weights["b2"]])
    return model, weights


def conv_by_hand(X: np.ndarray, kernel: np.ndarray, bias: np.ndarray) -> np.ndarray:
    """'valid' cross-correlation ``(n, L, 4)`` -> ``(n, L - w + 1, K)`` in float64."""
    width = kernel.shape[0]
    windows = np.stack([X[:, j : X.shape[1] - width + 1 + j] for j in range(width)], axis=2)
    return np.einsum("npjc,jck->npk", windows.astype(float), kernel.astype(float)) + bias


def random_sequences(n: int, seed: int = 0) -> np.ndarray:
    return indices_to_one_hot(np.random.default_rng(seed).integers(0, 4, (n, LENGTH)))


# --- exact values on hand-built models ----------------------------------------------------


def test_average_pooling_model_matches_the_analytic_gradients():
    model, w = hand_model("avg", "linear")
    X = random_sequences(30)
    labels = np.tile([1, 0, 1], 10)
    result = gradient_filter_scores(model, X, labels, batch_size=4)
    positions = LENGTH - WIDTH + 1
    path = (w["W1"] @ w["u"])[:, 0].astype(float)  # dS/dp_k, before the sigmoid
    # S = sum_k path_k * mean_i A_ik + const: dS/dA_ik = path_k / positions everywhere
    np.testing.assert_allclose(result[GRAD_CAM].scores, path / positions, rtol=1e-5)
    A = conv_by_hand(X[labels == 1], w["kernel"], w["bias"])
    expected = path / positions * A.mean(axis=(0, 1))
    np.testing.assert_allclose(result[GRADIENT_X_INPUT].scores, expected, rtol=1e-5, atol=1e-7)
    for method, scores in result.items():
        assert scores.method == method
        assert scores.layer_name == "conv"
        np.testing.assert_array_equal(scores.ranking, rank_filters(scores.scores))
        np.testing.assert_array_equal(scores.sequence_indices, np.flatnonzero(labels == 1))


def test_max_pooling_relu_model_matches_the_analytic_gradients():
    """The published architecture: ReLU convolution, global max-pooling, sigmoid output."""
    model, w = hand_model("max", "relu")
    X = random_sequences(25, seed=1)
    path = (w["W1"] @ w["u"])[:, 0].astype(float)
    positions = LENGTH - WIDTH + 1
    # the gradient reaches only the arg-max position (shared among ties), with weight path_k
    np.testing.assert_allclose(grad_cam(model, X).scores, path / positions, rtol=1e-5)
    peak = np.maximum(conv_by_hand(X, w["kernel"], w["bias"]), 0).max(axis=1)  # (n, K)
    expected = path / positions * peak.mean(axis=0)
    np.testing.assert_allclose(gradient_x_input(model, X).scores, expected, rtol=1e-5, atol=1e-7)


def test_class_index_selects_the_pre_softmax_score():
    model, w = hand_model("avg", "relu", n_classes=2)
    X = random_sequences(10, seed=3)
    path = (w["W1"] @ w["u"]).astype(float)  # (K, 2)
    positions = LENGTH - WIDTH + 1
    for c in (0, 1):
        np.testing.assert_allclose(
            grad_cam(model, X, class_index=c).scores, path[:, c] / positions, rtol=1e-5
        )
    with pytest.raises(ValueError, match="class_index 2 out of range .* 2 outputs"):
        grad_cam(model, X, class_index=2)


def test_sampling_is_seeded_and_batching_does_not_change_scores():
    model, _ = hand_model("max", "relu")
    X = random_sequences(200, seed=2)
    labels = (np.arange(200) % 4 != 0).astype(int)  # 150 positives
    first = gradient_filter_scores(model, X, labels, n_sequences=40, seed=5, batch_size=16)
    again = gradient_filter_scores(model, X, labels, n_sequences=40, seed=5, batch_size=16)
    for method in (GRAD_CAM, GRADIENT_X_INPUT):
        np.testing.assert_array_equal(first[method].scores, again[method].scores)
        np.testing.assert_array_equal(first[method].ranking, again[method].ranking)
    indices = first[GRAD_CAM].sequence_indices
    assert len(indices) == 40 and np.all(np.diff(indices) > 0) and labels[indices].all()
    other = sample_positives(X, labels, n_sequences=40, seed=6)
    assert not np.array_equal(indices, other)
    # the same sequences passed directly, in one batch: same scores up to float32 rounding
    direct = gradient_x_input(model, X[indices], n_sequences=40, batch_size=500)
    np.testing.assert_allclose(first[GRADIENT_X_INPUT].scores, direct.scores, rtol=1e-5)
    # fewer positives than asked for: all of them
    np.testing.assert_array_equal(sample_positives(X, labels), np.flatnonzero(labels))


def test_input_errors_name_the_problem():
    model, _ = hand_model("max", "relu")
    X = random_sequences(6)
    with pytest.raises(
        ValueError, match=r"shape \(6, 21, 4\) does not fit .*\(n_sequences, 20, 4\)"
    ):
        grad_cam(model, np.zeros((6, LENGTH + 1, 4)))
    with pytest.raises(ValueError, match=r"shape \(6, 20, 5\)"):
        grad_cam(model, np.zeros((6, LENGTH, 5)))
    with pytest.raises(ValueError, match=r"shape \(20, 4\)"):
        grad_cam(model, X[0])
    with pytest.raises(ValueError, match=r"no positive sequences .*labels \[0\]"):
        grad_cam(model, X, np.zeros(6, dtype=int))
    with pytest.raises(ValueError, match="no positive sequences"):
        grad_cam(model, X[:0])
    with pytest.raises(ValueError, match=r"labels: expected shape \(6,\)"):
        grad_cam(model, X, np.ones(5))
    bad = X.astype(np.float32)
    bad[3, 2] = [1, 1, 0, 0]
    with pytest.raises(ValueError, match="sequence 3 position 2 is not one-hot"):
        grad_cam(model, bad)
    uniform_n = X.astype(np.float32)
    uniform_n[0, 0] = 0.25  # an N encoded as uniform is accepted
    grad_cam(model, uniform_n)
    with pytest.raises(ValueError, match="unknown feature-map layer 'conv2'.*conv, pool, dense_1"):
        grad_cam(model, X, layer="conv2")
    with pytest.raises(ValueError, match="class_index 1 out of range .* 1 outputs"):
        grad_cam(model, X, class_index=1)
    with pytest.raises(ValueError, match="n_sequences must be at least 1"):
        grad_cam(model, X, n_sequences=0)
    dense_only = keras.Sequential([keras.Input((LENGTH, 4)), keras.layers.Flatten(),
                                   keras.layers.Dense(1)], name="flat")  # fmt: skip
    with pytest.raises(ValueError, match="no Conv1D layer.*flatten"):
        last_conv_layer(dense_only)


# --- enhanced DeepMotif -------------------------------------------------------------------


def motif_model(motif: str, length: int = 30) -> keras.Model:
    """One filter that counts the bases of ``motif`` (+1 each, bias -1), ReLU, max-pool, a
    positive dense weight: the class score is largest for a sequence holding ``motif``."""
    inputs = keras.Input((length, 4), name="sequence")
    h = keras.layers.Conv1D(1, len(motif), activation="relu", name="conv")(inputs)
    h = keras.layers.GlobalMaxPooling1D(name="pool")(h)
    outputs = keras.layers.Dense(1, activation="sigmoid", name="logits")(h)
    model = keras.Model(inputs, outputs, name="motif")
    kernel = one_hot(motif)[0].astype("float32")[:, :, None]
    model.get_layer("conv").set_weights([kernel, np.array([-1.0], dtype="float32")])
    model.get_layer("logits").set_weights(
        [np.array([[2.0]], "float32"), np.array([-1.0], "float32")]
    )
    return model


def test_most_informative_window():
    pwm = np.full((12, 4), 0.25)
    pwm[5:9] = np.eye(4)[[2, 0, 3, 1]]
    start, window = most_informative_window(pwm, 4)
    assert start == 5
    np.testing.assert_array_equal(window, pwm[5:9])
    assert most_informative_window(np.full((6, 4), 0.25), 3)[0] == 0  # ties: the leftmost
    with pytest.raises(ValueError, match="width 13 must be between 1 and the PWM length 12"):
        most_informative_window(pwm, 13)
    with pytest.raises(ValueError, match=r"expected shape \(length, 4\)"):
        most_informative_window(pwm[:, :3], 2)


def test_enhanced_deepmotif_recovers_the_planted_motif_deterministically():
    model = motif_model("GATTACA")
    settings = {"n_runs": 12, "n_best": 3, "max_steps": 600, "seed": 4}
    result = enhanced_deepmotif(model, **settings)
    assert result.pwms.shape == (3, 7, 4)  # width defaults to the filter width
    assert result.sequences.shape == (3, 30, 4)
    np.testing.assert_allclose(result.pwms.sum(axis=-1), 1, rtol=1e-5)
    assert result.consensus == ["GATTACA"] * 3
    assert np.all(np.diff(result.scores) <= 0)
    np.testing.assert_array_equal(result.scores, result.run_scores[result.runs])
    # the motif's maximum logit is 2 * (7 - 1) - 1 = 11; the penalty keeps the optimum below
    assert 9 < result.scores[0] < 11
    for sequence, start, pwm in zip(
        result.sequences, result.window_starts, result.pwms, strict=True
    ):
        np.testing.assert_array_equal(sequence[start : start + 7], pwm.astype(np.float32))
    again = enhanced_deepmotif(model, **settings)
    np.testing.assert_array_equal(result.pwms, again.pwms)
    np.testing.assert_array_equal(result.run_scores, again.run_scores)
    # every start reaches the same optimum; another seed reaches it elsewhere in the sequence
    other = enhanced_deepmotif(model, **{**settings, "seed": 5})
    assert other.consensus == result.consensus
    assert not np.array_equal(result.sequences, other.sequences)


def test_enhanced_deepmotif_settings_errors():
    model = motif_model("GATTACA")
    with pytest.raises(ValueError, match=r"n_best \(6\) must be between 1 and n_runs \(5\)"):
        enhanced_deepmotif(model, n_runs=5, n_best=6)
    with pytest.raises(ValueError, match="width 31 must be between 1 and the input length 30"):
        enhanced_deepmotif(model, width=31)
    with pytest.raises(ValueError, match="init_scale must be positive"):
        enhanced_deepmotif(model, init_scale=0)
    with pytest.raises(ValueError, match="unknown feature-map layer 'nope'.*valid layer names"):
        enhanced_deepmotif(model, layer="nope")


# --- the published Dnd41 CTCF model on its own test sequences -------------------------------


@pytest.fixture(scope="module")
def ctcf(shared_data):
    root = shared_data
    data_file = root / "zeng-motif-discovery" / CTCF / "test.data"
    model = load_keras1_model(root / "published-422tf-models" / CTCF)
    motifs = jaspar.fetch_motifs()
    targets, nsites = jaspar.motif_pwms(motifs), jaspar.motif_nsites(motifs)

    def ctcf_p(pwms: np.ndarray) -> np.ndarray:
        """TOMTOM p of each PWM against JASPAR CTCF, within the whole CORE vertebrates set."""
        queries = {f"q{i}": pwm for i, pwm in enumerate(pwms)}
        table = tomtom.run_tomtom(queries, targets, target_nsites=nsites)
        hits = table[table["target"] == CTCF_JASPAR].set_index("query")["p"]
        return hits.loc[list(queries)].to_numpy()

    filter_p = ctcf_p(filters_to_pwms(conv_kernel(model)))
    return model, read_zeng(data_file), filter_p, ctcf_p


@pytest.mark.shared_data("published-422tf-models", f"zeng-motif-discovery/{CTCF}")
def test_ctcf_gradient_methods_rank_a_ctcf_filter_first(ctcf):
    model, data, filter_p, _ = ctcf
    result = gradient_filter_scores(model, data.X, data.labels, n_sequences=500, seed=0)
    # measured: Grad-CAM ranks filter 10 first (p = 5.8e-5), gradient x input filter 0
    # (p = 2.9e-7); filters 0, 9, 10, 2, 3 and 14 match CTCF with p < 0.05
    for method in (GRAD_CAM, GRADIENT_X_INPUT):
        top = result[method].ranking[0]
        assert filter_p[top] < 0.05, (method, top, filter_p[top])
    assert len(result[GRAD_CAM].sequence_indices) == 500
    assert data.labels[result[GRAD_CAM].sequence_indices].all()


@pytest.mark.shared_data("published-422tf-models", f"zeng-motif-discovery/{CTCF}")
def test_ctcf_enhanced_deepmotif_best_pwm_is_ctcf(ctcf):
    model, _, _, ctcf_p = ctcf
    result = enhanced_deepmotif(model, seed=0)
    assert result.pwms.shape == (5, 25, 4)
    p = ctcf_p(result.pwms)
    # measured: best PWM ...GCGCCACCTAGTGGCC... (class score 23.5), p = 1.1e-5; three of five
    # match with p < 0.05, the other two runs stay in A/T-rich optima of score about 0
    assert p[0] < 1e-3, (result.consensus, p)
    assert (p < 0.05).sum() >= 2, (result.consensus, p)


def test_enhanced_deepmotif_many_equals_each_model_alone():
    # three models of one architecture share a batch (models leave it as their runs stop,
    # fim.ascend); a longer input makes a second architecture group
    motifs = ["GATTACA", "CCGGTAA", "TTTACGC"]
    models = [motif_model(m) for m in motifs] + [motif_model("GGCATTA", length=40)]
    names = [*motifs, "GGCATTA_40"]
    settings = {"n_runs": 4, "n_best": 2, "max_steps": 400, "seed": 3}
    many = enhanced_deepmotif_many(models, names=names, **settings)
    for name, model, result in zip(names, models, many, strict=True):
        alone = enhanced_deepmotif(model, **settings)
        assert result.consensus == alone.consensus == [name.split("_")[0]] * 2
        np.testing.assert_allclose(result.run_scores, alone.run_scores, rtol=1e-4, atol=1e-5)
        np.testing.assert_array_equal(result.steps, alone.steps)
        assert result.params["width"] == len(name.split("_")[0])
    with pytest.raises(ValueError, match="names: expected 4 names, got 1"):
        enhanced_deepmotif_many(models, names=["one"], **settings)


def test_authors_deepmotif_recovers_the_motif_on_the_raw_input():
    """DM.py's ascent (raw input clipped at 0): at lambda 0.5 each motif base settles at
    grad / (2 lambda) = 2, the score at 2 * (7 * 2 - 1) - 1 = 25 less what the stopping rule
    leaves; the PWMs are the windows' columns divided by their sums."""
    model = motif_model("GATTACA")
    settings = {"n_random": 6, "n_best": 3, "l2": 0.5, "learning_rate": 0.1, "seed": 2}
    (result,) = authors_deepmotif_many([model], **settings)
    assert result.run_scores.shape == (7,) and result.pwms.shape == (3, 7, 4)
    assert result.consensus == ["GATTACA"] * 3
    assert 24 < result.scores[0] <= 25
    assert np.all(result.sequences >= 0)  # clipped at 0
    np.testing.assert_allclose(result.pwms.sum(axis=-1), 1, rtol=1e-5)
    assert result.converged.all() and result.steps.max() < 5000
    # the motif filter fires at every start: no run starts with a zero gradient
    assert result.zero_gradient_starts.shape == (7,) and not result.zero_gradient_starts.any()
    again = authors_deepmotif_many([model], **settings)[0]
    np.testing.assert_array_equal(result.run_scores, again.run_scores)


def test_authors_deepmotif_collapses_when_no_filter_fires():
    """A filter whose bias no start overcomes (bias -9 > 7 probabilities) gets no gradient:
    the penalty shrinks every run towards the empty input and the class score stays the dense
    bias, -1 (a collapsed ascent). No step beats the start's score, so each run keeps its
    start: the best-ranked is the all-0.25 run, whose PWM is uniform."""
    model = motif_model("GATTACA")
    kernel, _ = model.get_layer("conv").get_weights()
    model.get_layer("conv").set_weights([kernel, np.array([-9.0], dtype="float32")])
    (result,) = authors_deepmotif_many([model], n_random=4, n_best=2, l2=3.0, seed=0)
    np.testing.assert_allclose(result.run_scores, -1.0, atol=1e-6)
    assert result.runs[0] == 0
    np.testing.assert_allclose(result.sequences[0], 0.25)
    np.testing.assert_allclose(result.pwms[0], 0.25)
    assert result.converged.all() and result.steps.max() < 5000
    assert result.zero_gradient_starts.all()  # dS/dX is exactly 0 at each of the 5 starts
    # our eDM does not record it
    assert enhanced_deepmotif(model, n_runs=2, n_best=1, max_steps=5).zero_gradient_starts is None


def test_authors_deepmotif_many_equals_each_model_alone():
    motifs = ["GATTACA", "CCGGTAA", "TTTACGC"]
    models = [motif_model(m) for m in motifs]
    settings = {"n_random": 3, "n_best": 2, "l2": 0.5, "learning_rate": 0.1, "seed": 1}
    many = authors_deepmotif_many(models, names=motifs, **settings)
    for motif, model, result in zip(motifs, models, many, strict=True):
        alone = authors_deepmotif_many([model], **settings)[0]
        assert result.consensus == alone.consensus == [motif] * 2
        np.testing.assert_allclose(result.run_scores, alone.run_scores, rtol=1e-4, atol=1e-5)
        np.testing.assert_array_equal(result.steps, alone.steps)
    with pytest.raises(ValueError, match=r"n_best \(5\) must be between 1 and n_random \+ 1 \(4\)"):
        authors_deepmotif_many(models, n_random=3, n_best=5)


def test_deepmotif_entry_points_share_one_settings_object():
    """DeepMotifSettings states eDM's defaults once: neither entry point has its own, both run
    with a settings object plus overrides, and an unknown setting is refused by name."""
    import inspect

    from deepresolve.method.attribution import DeepMotifSettings

    for entry in (enhanced_deepmotif, enhanced_deepmotif_many):
        names = set(inspect.signature(entry).parameters)
        assert not names & {"n_runs", "n_best", "l2", "init_scale", "max_steps", "seed"}
    model = motif_model("GATTACA")
    settings = DeepMotifSettings(n_runs=4, n_best=2, max_steps=60, seed=1)
    alone = enhanced_deepmotif(model, settings=settings, learning_rate=0.5)
    (batched,) = enhanced_deepmotif_many([model], settings=settings, learning_rate=0.5)
    assert alone.params == batched.params and alone.params["learning_rate"] == 0.5
    assert alone.params["n_runs"] == 4 and alone.pwms.shape[0] == 2
    np.testing.assert_array_equal(alone.pwms, batched.pwms)
    with pytest.raises(TypeError, match="n_run"):
        enhanced_deepmotif(model, n_run=3)
