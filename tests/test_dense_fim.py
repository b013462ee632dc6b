"""The NumPy FIM engine (deepresolve.method.dense_fim) against the TensorFlow engine
(deepresolve.method.fim), and the published models' path through it without TensorFlow."""

import subprocess
import sys

import numpy as np
import pytest

from deepresolve.analyses.chipseq import PRESETS
from deepresolve.method.dense_fim import (
    dense_feature_importance_maps,
    dense_upper,
    keras_dense_layers,
)
from deepresolve.method.fim_settings import FIMDivergenceError
from deepresolve.method.network import split_model
from deepresolve.models.cnn import build_cnn
from deepresolve.models.keras1 import ARCHITECTURE_FILE, WEIGHTS_FILE

from .workflow_helpers import ROOT

CTCF = "wgEncodeAwgTfbsBroadDnd41CtcfUniPk"


@pytest.fixture(scope="module")
def published_shape_models():
    """Three networks of the published models' shape (16 pooled filters -> Dense 32 ReLU ->
    Dropout -> Dense 1), seeded random weights."""
    import keras

    models = []
    for seed in range(3):
        keras.utils.set_random_seed(seed)
        models.append(build_cnn(101, 1, **PRESETS["published"], name=f"m{seed}"))
    return models


SETTINGS = {"n_runs": 6, "l2": 0.5, "learning_rate": 0.1, "max_steps": 800, "lr_decay_start": 100}


def test_dense_engine_equals_tensorflow_engine_up_to_float32_rounding(published_shape_models):
    from deepresolve.method.fim import feature_importance_maps_many

    models = published_shape_models
    ours = dense_feature_importance_maps(
        [keras_dense_layers(split_model(m).upper) for m in models],
        names=["a", "b", "c"],
        layer_name="pool",
        seed=4,
        **SETTINGS,
    )
    theirs = feature_importance_maps_many(models, "pool", seed=4, **SETTINGS)
    for a, b in zip(ours, theirs, strict=True):
        assert a.fims.shape == b.fims.shape == (1, 6, 16) and a.fims.dtype == np.float32
        assert a.layer_name == b.layer_name == "pool"
        assert a.params == b.params
        # the stopping rule follows the same objectives: nearly every run stops at the same
        # step, and there the maps agree up to float32 rounding; a run that stops a step or a
        # few apart (a rounding tips its hold counter) ends on the same plateau: within 0.1%
        same = a.steps == b.steps
        assert same.mean() >= 0.8
        scale = np.abs(b.fims).max()
        assert np.abs(a.fims[same] - b.fims[same]).max() <= 1e-4 * scale
        np.testing.assert_allclose(a.objectives, b.objectives, rtol=1e-3, atol=1e-5)
        np.testing.assert_allclose(a.scores[same], b.scores[same], rtol=1e-4, atol=1e-5)
        assert (a.steps < SETTINGS["max_steps"]).any()  # patience ended some runs


def test_dense_engine_reaches_the_analytic_optimum_of_a_linear_score():
    """Above a linear layer, S = w . H + b: the objective's maximum is H* = w / (2 l2)."""
    rng = np.random.default_rng(1)
    w = rng.normal(size=(5, 2)).astype(np.float32)
    l2 = 0.5
    (result,) = dense_feature_importance_maps(
        [[(w, np.array([0.3, -0.2], np.float32), "linear")]],
        names=["linear"],
        layer_name="h",
        n_runs=3,
        l2=l2,
        learning_rate=0.5,
        max_steps=2000,
    )
    optimum = w.T / (2 * l2)
    np.testing.assert_allclose(result.fims, np.repeat(optimum[:, None], 3, axis=1), atol=1e-2)
    assert result.converged.all() and (result.steps < 200).all()


def test_dense_engine_names_the_diverging_run_and_refuses_other_activations():
    w = np.ones((4, 1), np.float32)
    with pytest.raises(FIMDivergenceError, match=r"model only, class 0, run 0, at step \d+"):
        dense_feature_importance_maps(
            [[(w, None, "linear")]],
            names=["only"],
            layer_name="h",
            l2=0.0,
            learning_rate=1e30,
            n_runs=2,
        )
    with pytest.raises(ValueError, match=r"activations \['tanh'\] are not supported"):
        dense_upper([[(np.ones((4, 3), np.float32), None, "tanh"), (w[:3], None, "linear")]])
    with pytest.raises(ValueError, match="differ in their layers"):
        dense_upper([[(w, None, "linear")], [(np.ones((5, 1), np.float32), None, "linear")]])


@pytest.mark.shared_data("published-422tf-models")
def test_published_models_agree_between_engines(shared_data):
    """Ten published models as arrays (NumPy engine) and as Keras models (TensorFlow engine),
    Table 1's settings: the same top-5 filters, ONIVs equal up to float32 rounding."""
    from deepresolve.analyses.tf_models import (
        model_onivs,
        read_published_models,
    )
    from deepresolve.method.importance import rank_filters

    root = shared_data / "published-422tf-models"
    names = sorted(p.name for p in root.iterdir() if p.is_dir())[::42][:10]
    sources = {e: (root / e / ARCHITECTURE_FILE, root / e / WEIGHTS_FILE) for e in names}
    networks, _ = read_published_models(sources, exclude_failures=False)
    options = {"n_runs": 10, "l2": 3.0, "learning_rate": 0.01}
    ours = model_onivs(networks, fim_options=options, seed=2018)
    keras_models = {e: network.to_keras() for e, network in networks.items()}
    theirs = model_onivs(keras_models, fim_options=options, seed=2018)
    for e in names:
        a, b = ours[e].summary.oniv[0], theirs[e].summary.oniv[0]
        assert (rank_filters(a)[:5] == rank_filters(b)[:5]).all(), e
        assert np.abs(a - b).max() <= 1e-3 * np.abs(b).max(), e
    # a feature map below the pooling takes the TensorFlow engine: (length, filters) maps
    conv = model_onivs(
        {names[0]: networks[names[0]]}, fim_options={**options, "layer": "conv", "n_runs": 2}
    )
    assert conv[names[0]].summary.oniv.shape[-1] == 16
    with pytest.raises(ValueError, match="valid layer names: conv, pool, dense_1"):
        model_onivs({names[0]: networks[names[0]]}, fim_options={"layer": "logits"})


@pytest.mark.shared_data("published-422tf-models")
def test_per_tf_analysis_imports_no_tensorflow(shared_data):
    """The per-TF rerun's work (read the model, FIM, ONIV, TOMTOM) in a fresh process leaves
    TensorFlow and Keras unimported: the job does not pay their import."""
    folder = shared_data / "published-422tf-models" / CTCF
    files = (str(folder / ARCHITECTURE_FILE), str(folder / WEIGHTS_FILE))
    code = f"""
import sys
from deepresolve.analyses import tf_models
models, _ = tf_models.read_published_models({{"{CTCF}": {files!r}}}, exclude_failures=False)
motifs = tf_models.tf_motif_collection("{ROOT / "config/tf_motifs.tsv"}", ["{CTCF}"], "primary")
options = {{"n_runs": 4, "l2": 3.0, "learning_rate": 0.01}}
result = tf_models.analyse_models(models, motifs, fim_options=options)
print("TOP", result["{CTCF}"].ranked["known_target"].iloc[0])
print("LOADED", sorted(m for m in ("tensorflow", "keras") if m in sys.modules))
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "LOADED []" in done.stdout, done.stdout
    assert "TOP MA0139" in done.stdout  # the CTCF model's first filter matches CTCF's motif
