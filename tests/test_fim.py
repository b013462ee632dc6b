import keras
import numpy as np
import pytest

from deepresolve.method.fim import (
    FIMDivergenceError,
    ascend,
    ascent_settings,
    feature_importance_maps,
)
from deepresolve.method.fim_result import FIMResult
from deepresolve.models.cnn import build_cnn


def linear_head_model(weights, bias):
    """Input -> ``h`` (Dense, K units) -> linear scores ``S = h @ W + b`` (``W: (K, C)``).

    Above layer ``h`` the score of class c is linear in H, so the FIM objective
    ``w_c . H + b_c - l2 ||H||^2`` has its maximum at ``H* = w_c / (2 l2)``.
    """
    n_hidden, n_classes = weights.shape
    inputs = keras.Input((3,))
    h = keras.layers.Dense(n_hidden, name="h")(inputs)
    outputs = keras.layers.Dense(n_classes, name="scores")(h)
    model = keras.Model(inputs, outputs)
    model.get_layer("scores").set_weights([weights, bias])
    return model


@pytest.fixture(scope="module")
def linear():
    rng = np.random.default_rng(3)
    weights = rng.normal(size=(5, 3)).astype("float32")
    bias = np.array([0.5, -1.0, 2.0], dtype="float32")
    return linear_head_model(weights, bias), weights, bias


def test_converges_to_the_analytic_optimum(linear):
    model, weights, bias = linear
    l2 = 0.5
    result = feature_importance_maps(
        model, "h", n_runs=4, l2=l2, learning_rate=0.5, patience=10, max_steps=2000
    )
    assert result.fims.shape == (3, 4, 5)
    assert result.fims.dtype == np.float32
    assert result.layer_name == "h"
    np.testing.assert_array_equal(result.class_indices, [0, 1, 2])
    optimum = weights.T / (2 * l2)  # (C, K)
    np.testing.assert_allclose(result.fims, np.repeat(optimum[:, None], 4, axis=1), atol=1e-2)
    best_objective = (weights**2).sum(axis=0) / (4 * l2) + bias
    np.testing.assert_allclose(result.objectives, best_objective[:, None] * np.ones(4), rtol=1e-4)
    expected_scores = np.einsum("ctk,kc->ct", result.fims, weights) + bias[:, None]
    np.testing.assert_allclose(result.scores, expected_scores, rtol=1e-4, atol=1e-4)
    # patience stops every run long before the cap
    assert result.converged.all()
    assert (result.steps < 200).all() and (result.steps > 10).all()


def test_max_steps_caps_runs_that_have_not_converged(linear):
    model, *_ = linear
    result = feature_importance_maps(model, "h", n_runs=2, l2=0.01, learning_rate=0.01, max_steps=7)
    np.testing.assert_array_equal(result.steps, 7)
    assert not result.converged.any()


def test_classes_subset_and_determinism(linear, tmp_path):
    model, weights, _ = linear
    kwargs = dict(n_runs=3, l2=0.5, learning_rate=0.3, seed=11, classes=[2, 0])
    first = feature_importance_maps(model, "h", **kwargs)
    second = feature_importance_maps(model, "h", **kwargs)
    assert first.fims.shape == (2, 3, 5)
    np.testing.assert_array_equal(first.class_indices, [2, 0])
    np.testing.assert_allclose(first.fims[0], np.tile(weights[:, 2], (3, 1)), atol=1e-2)
    for name in ["fims", "scores", "objectives", "steps", "converged"]:
        assert np.array_equal(getattr(first, name), getattr(second, name)), name

    path = tmp_path / "sub" / "fim.npz"
    first.save(path)
    assert [p.name for p in path.parent.iterdir()] == ["fim.npz"]  # no temporary file left
    loaded = FIMResult.load(path)
    for name in ["fims", "scores", "objectives", "steps", "converged", "class_indices"]:
        np.testing.assert_array_equal(getattr(loaded, name), getattr(first, name))
    assert loaded.layer_name == "h"
    assert loaded.params == first.params
    assert loaded.params["seed"] == 11


def test_different_seeds_give_different_starts(linear):
    model, *_ = linear
    kwargs = dict(n_runs=2, l2=0.01, learning_rate=0.01, max_steps=3)
    a = feature_importance_maps(model, "h", seed=0, **kwargs)
    b = feature_importance_maps(model, "h", seed=1, **kwargs)
    assert not np.array_equal(a.fims, b.fims)


def test_unbounded_objective_raises_divergence(linear):
    model, *_ = linear
    with pytest.raises(FIMDivergenceError, match=r"class \d, run \d, at step \d+.*Raise l2"):
        feature_importance_maps(model, "h", n_runs=2, l2=0.0, learning_rate=1.0, max_abs=100.0)


def test_oscillating_steps_raise_divergence(linear):
    model, *_ = linear
    # lr * 2 * l2 = 4: each step multiplies H by -3, up to non-finite values
    with pytest.raises(FIMDivergenceError, match="lower learning_rate") as error:
        feature_importance_maps(
            model, "h", n_runs=2, l2=1.0, learning_rate=2.0, patience=10_000, max_abs=np.inf
        )
    assert "non-finite" in str(error.value)
    assert isinstance(error.value, ValueError)


def test_cnn_feature_maps_batch_shape():
    model = build_cnn(60, 2, conv_filters=4, conv_width=5, dense_units=[6])
    result = feature_importance_maps(model, n_runs=3, max_steps=50)
    assert result.layer_name == "pool"
    assert result.fims.shape == (2, 3, 14, 4)
    assert result.scores.shape == result.objectives.shape == result.steps.shape == (2, 3)
    assert result.converged.dtype == bool
    assert np.all(np.isfinite(result.scores))
    assert (result.steps <= 50).all()
    penalty = 0.01 * (result.fims.astype(np.float64) ** 2).sum(axis=(2, 3))
    np.testing.assert_allclose(result.objectives, result.scores - penalty, rtol=1e-4, atol=1e-3)


def test_fim_options_picks_only_gradient_ascent_settings():
    from deepresolve.method.fim import fim_options

    settings = {"layer": None, "n_runs": 3, "l2": 0.5, "oniv_mode": "paper", "max_steps": 7}
    assert fim_options(settings) == {"layer": None, "n_runs": 3, "l2": 0.5, "max_steps": 7}


def test_many_models_of_one_architecture_match_each_alone():
    """Stacked models (one batch) give each model's own optimum and its single-model result;
    a model of another architecture forms its own group."""
    rng = np.random.default_rng(5)
    l2 = 0.5
    heads = [rng.normal(size=(5, 2)).astype("float32") for _ in range(3)]
    models = [linear_head_model(w, np.zeros(2, "float32")) for w in heads]
    other = build_cnn(30, 2, conv_filters=3, conv_width=4, dense_units=[4])
    kwargs = dict(n_runs=3, l2=l2, learning_rate=0.5, max_steps=2000, seed=4)
    split_layers = [m.get_layer("h").name for m in models]
    assert len(set(split_layers)) == 1

    from deepresolve.method.fim import feature_importance_maps_many
    from deepresolve.method.network import split_model

    splits = [split_model(m, "h") for m in models] + [split_model(other)]
    many = feature_importance_maps_many(splits, names=["a", "b", "c", "cnn"], **kwargs)
    assert [r.fims.shape for r in many] == [(2, 3, 5)] * 3 + [(2, 3, 6, 3)]
    for result, weights, split in zip(many, heads, splits, strict=False):
        optimum = np.repeat((weights.T / (2 * l2))[:, None], 3, axis=1)
        np.testing.assert_allclose(result.fims, optimum, atol=1e-2)
        alone = feature_importance_maps(split, **kwargs)
        # float32 rounding differs between the stacked and the single matmuls, so the stopping
        # rule can end a run a step earlier or later near the optimum: measured up to 4.3e-4 on
        # AMD EPYC with TensorFlow 2.21 (the code of ae4e6b5 too; 1e-5 held elsewhere), against
        # FIM values of about 1 that both land within 1e-2 of the known optimum (above)
        np.testing.assert_allclose(result.fims, alone.fims, atol=1e-3)
        np.testing.assert_allclose(result.scores, alone.scores, rtol=1e-3)
    alone = feature_importance_maps(splits[-1], **kwargs)
    np.testing.assert_array_equal(many[-1].fims, alone.fims)  # a group of one: same code path


def test_many_models_divergence_names_the_model(linear):
    from deepresolve.method.fim import feature_importance_maps_many

    model, *_ = linear
    with pytest.raises(FIMDivergenceError, match=r"model first, class \d, run \d.*Raise l2"):
        feature_importance_maps_many(
            [model, model], "h", names=["first", "second"], n_runs=2, l2=0.0, max_abs=100.0
        )


def test_ascend_drops_finished_groups_without_changing_any_row(caplog):
    # S(h) = -a_g ||h - 1||^2 per row: groups with a = 2 converge in tens of steps, the group
    # with a = 0.1 in hundreds; dropping the finished groups must not change any row
    import tensorflow as tf

    a = np.array([2.0, 0.1, 2.0, 2.0], dtype=np.float32)
    starts = np.random.default_rng(0).standard_normal((8, 3)).astype(np.float32)
    params = ascent_settings(1, 0.0, 0.1, 3, 3000, 10000, 0, 1e6)

    def grouped(h, groups):
        rows_a = tf.repeat(tf.gather(tf.constant(a), groups), 2)
        return -rows_a * tf.reduce_sum(tf.square(h - 1.0), axis=1)

    def whole(h, groups):
        return -tf.constant(np.repeat(a, 2)) * tf.reduce_sum(tf.square(h - 1.0), axis=1)

    with caplog.at_level("INFO", logger="deepresolve.method.fim"):
        dropped = ascend(grouped, starts, params, str, group_size=2, chunk=100)
    together = ascend(whole, starts, params, str)
    for key in ("best_h", "best_score", "best_obj", "steps", "converged"):
        np.testing.assert_array_equal(dropped[key], together[key], err_msg=key)
    slow = np.array([False, False, True, True, False, False, False, False])  # group 1
    assert together["steps"][~slow].max() < 200 < together["steps"][slow].min()
    assert "(2 rows in the batch)" in caplog.text  # only the slow group was left
    np.testing.assert_allclose(dropped["best_h"], 1.0, atol=1e-2)
    with pytest.raises(ValueError, match="group_size 3 does not divide the 8 rows"):
        ascend(grouped, starts, params, str, group_size=3)


def test_single_and_batched_entry_points_share_one_settings_object(linear):
    """FimSettings states the defaults once: neither entry point has its own, a settings
    object with overrides is what both run with, and an unknown setting is refused by name."""
    import inspect

    from deepresolve.method.fim import FimSettings, feature_importance_maps_many

    for entry in (feature_importance_maps, feature_importance_maps_many):
        names = set(inspect.signature(entry).parameters)
        assert not names & {"n_runs", "l2", "learning_rate", "patience", "max_steps", "seed"}
    model, _, _ = linear
    settings = FimSettings(n_runs=2, l2=0.5, max_steps=40, seed=4)
    alone = feature_importance_maps(model, "h", settings=settings, learning_rate=0.2)
    (batched,) = feature_importance_maps_many([model], "h", settings=settings, learning_rate=0.2)
    assert alone.params == batched.params == {**settings.params(), "learning_rate": 0.2}
    np.testing.assert_allclose(alone.fims, batched.fims, atol=1e-6)
    with pytest.raises(TypeError, match="n_run"):
        feature_importance_maps(model, "h", n_run=3)
