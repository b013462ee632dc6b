"""deepresolve.models.cnn: a model swapped in for another dataset is refused before any ascent; the
layer names the workflow checks before any job are those of the built CNN."""

import keras
import pytest

from deepresolve.models.cnn import build_cnn, check_outputs, cnn_layer_names


def test_a_model_with_another_output_count_is_named():
    inputs = keras.Input((20, 4))
    model = keras.Model(inputs, keras.layers.Dense(4)(keras.layers.Flatten()(inputs)))
    check_outputs(model, "m.keras", ["a", "b", "c", "d"], "dataset IV")
    with pytest.raises(ValueError) as error:
        check_outputs(model, "m.keras", ["XOR"], "dataset I")
    assert str(error.value).startswith(
        "m.keras has 4 outputs but dataset I names 1 classes (['XOR']); it was not made for them"
    )


@pytest.mark.parametrize(
    "settings",
    [
        {},
        {"global_pooling": True, "dense_units": [64]},
        {"dense_units": [16, 8, 4], "dropout": 0.2},
    ],
)
def test_layer_names_without_building_are_the_built_ones(settings):
    """The workflow checks deepresolve.layer against cnn_layer_names before any job."""
    model = build_cnn(60, 2, **settings)
    assert cnn_layer_names(**settings) == [layer.name for layer in model.layers]
