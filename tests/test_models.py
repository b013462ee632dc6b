"""deepresolve.models: a model swapped in for another dataset is refused before any ascent."""

import keras
import pytest

from deepresolve.models import check_outputs


def test_a_model_with_another_output_count_is_named():
    inputs = keras.Input((20, 4))
    model = keras.Model(inputs, keras.layers.Dense(4)(keras.layers.Flatten()(inputs)))
    check_outputs(model, "m.keras", ["a", "b", "c", "d"], "dataset IV")
    with pytest.raises(ValueError) as error:
        check_outputs(model, "m.keras", ["XOR"], "dataset I")
    assert str(error.value).startswith(
        "m.keras has 4 outputs but dataset I names 1 classes (['XOR']); it was not made for them"
    )
