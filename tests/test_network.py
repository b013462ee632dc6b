import keras
import numpy as np
import pytest

from deepresolve.method.network import split_model
from deepresolve.models.cnn import build_cnn


def one_hot(n, length, seed=0):
    letters = np.random.default_rng(seed).integers(0, 4, size=(n, length))
    return np.eye(4, dtype="float32")[letters]


def compose(split, x):
    return np.asarray(split.upper(split.lower(x, training=False), training=False))


def test_default_layer_local_pooling_is_2d_pool_output():
    model = build_cnn(200, 3, dropout=0.3)
    split = split_model(model)
    assert split.layer_name == "pool"
    assert split.feature_shape == (48, 32)
    x = one_hot(6, 200)
    np.testing.assert_allclose(compose(split, x), model(x, training=False), atol=1e-5)
    # dropout is off: the same feature map gives the same scores
    h = split.lower(x, training=False)
    np.testing.assert_array_equal(split.upper(h, training=False), split.upper(h, training=False))


def test_default_layer_global_pooling_is_1d():
    model = build_cnn(200, 2, global_pooling=True, dense_units=[16])
    split = split_model(model)
    assert split.layer_name == "pool"
    assert split.feature_shape == (32,)
    x = one_hot(4, 200, seed=1)
    np.testing.assert_allclose(compose(split, x), model(x), atol=1e-5)


def test_named_layer():
    model = build_cnn(100, 2, dense_units=[8, 8])
    split = split_model(model, "dense_1")
    assert split.feature_shape == (8,)
    x = one_hot(3, 100)
    np.testing.assert_allclose(compose(split, x), model(x), atol=1e-5)


def _sigmoid_head_model():
    inputs = keras.Input((60, 4))
    h = keras.layers.Conv1D(6, 5, activation="relu", name="conv")(inputs)
    h = keras.layers.MaxPooling1D(4, name="pool")(h)
    h = keras.layers.Flatten()(h)
    h = keras.layers.Dense(10, activation="relu", name="hidden")(h)
    outputs = keras.layers.Dense(3, activation="sigmoid", name="out")(h)
    return keras.Model(inputs, outputs)


def test_sigmoid_output_gives_pre_activation_scores():
    model = _sigmoid_head_model()
    # large weights so that the logits leave (0, 1)
    out = model.get_layer("out")
    out.set_weights([w * 20 for w in out.get_weights()])
    split = split_model(model)
    assert split.layer_name == "pool"
    x = one_hot(8, 60)
    scores = compose(split, x)
    hidden = keras.Model(model.input, model.get_layer("hidden").output)(x)
    kernel, bias = out.get_weights()
    np.testing.assert_allclose(scores, np.asarray(hidden) @ kernel + bias, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(1 / (1 + np.exp(-scores)), model(x), atol=1e-5)
    assert scores.min() < 0 or scores.max() > 1


def test_activation_layer_head_gives_its_input():
    inputs = keras.Input((40, 4))
    h = keras.layers.Conv1D(4, 5, name="conv")(inputs)
    h = keras.layers.GlobalMaxPooling1D(name="pool")(h)
    h = keras.layers.Dense(3, name="logits")(h)
    outputs = keras.layers.Activation("softmax", name="prob")(h)
    model = keras.Model(inputs, outputs)
    split = split_model(model)
    x = one_hot(5, 40)
    logits = keras.Model(model.input, model.get_layer("logits").output)(x)
    np.testing.assert_allclose(compose(split, x), logits, atol=1e-5)


def test_sequential_model():
    model = keras.Sequential(
        [
            keras.Input((80, 4)),
            keras.layers.Conv1D(5, 6, activation="relu", name="conv"),
            keras.layers.MaxPooling1D(4, name="pool"),
            keras.layers.Dropout(0.5, name="drop"),
            keras.layers.Flatten(name="flatten"),
            keras.layers.Dense(7, activation="relu", name="dense"),
            keras.layers.Dense(2, activation="sigmoid", name="out"),
        ]
    )
    split = split_model(model)
    assert split.layer_name == "pool"  # steps back over Flatten and Dropout
    assert split.feature_shape == (18, 5)
    x = one_hot(5, 80)
    expected = np.asarray(model(x, training=False))
    np.testing.assert_allclose(1 / (1 + np.exp(-compose(split, x))), expected, atol=1e-5)


def test_unknown_layer_lists_valid_names():
    model = build_cnn(50, 2, dense_units=[4])
    with pytest.raises(ValueError, match="valid layer names: conv, pool, flatten, dense_1"):
        split_model(model, "nope")


@pytest.mark.parametrize("global_pooling", [True, False])
def test_feature_shapes_known_without_a_model_are_those_split_model_gives(global_pooling):
    """The memory estimates made before any job (deepresolve.config.validate) take the feature
    map of a layer from the settings alone; each shape is the one split_model cuts."""
    from deepresolve.analyses.multitask import ARCHITECTURE, build_multitask
    from deepresolve.models.cnn import cnn_feature_shape
    from deepresolve.models.deepsea import build_deepsea, deepsea_feature_shape

    params = {
        "conv_filters": 16,
        "conv_width": 25,
        "pool_size": 4,
        "dense_units": [32, 8],
        "dropout": 0.5,
        "global_pooling": global_pooling,
    }
    model = build_cnn(101, 2, **params)
    layers = [None, "conv", "pool", "dense_1", "dropout_1", "dense_2"]
    for layer in layers + ([] if global_pooling else ["flatten"]):
        assert cnn_feature_shape(101, layer, **params) == split_model(model, layer).feature_shape
    # without the length, only the global-pooled map and the dense layers are known
    assert cnn_feature_shape(None, "conv", **params) is None
    assert cnn_feature_shape(None, None, **params) == ((16,) if global_pooling else None)
    if global_pooling:
        return
    deepsea = build_deepsea(1000, 3)
    deepsea_layers = ["conv_1", "pool_1", "dropout_1", "conv_2", "dropout_2", "conv_3"]
    for layer in [None, *deepsea_layers, "dropout_3", "flatten", "dense_1"]:
        assert deepsea_feature_shape(layer=layer) == split_model(deepsea, layer).feature_shape
    # DeepSEA's default layer is conv_3's output, not the paper's FIM layer (dropout_2)
    assert deepsea_feature_shape() == (53, 960)
    assert deepsea_feature_shape(layer="dropout_2") == (60, 480)
    multitask = build_multitask(4, 101)
    for layer in [None, "dropout_2"]:
        expected = split_model(multitask, layer).feature_shape
        assert deepsea_feature_shape(101, layer, **ARCHITECTURE) == expected
