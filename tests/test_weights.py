import keras
import numpy as np
import pytest

from deepresolve.models.cnn import build_cnn
from deepresolve.models.weights import conv_kernel, output_kernel


def test_kernels_of_the_paper_cnn():
    model = build_cnn(50, 3, conv_filters=5, conv_width=6, dense_units=[7])
    kernel = conv_kernel(model)
    assert kernel.shape == (6, 4, 5)
    np.testing.assert_array_equal(kernel, model.get_layer("conv").get_weights()[0])
    assert output_kernel(model).shape == (7, 3)


def test_model_without_convolution_is_refused():
    model = keras.Sequential([keras.Input((10, 4)), keras.layers.Flatten(), keras.layers.Dense(2)])
    with pytest.raises(ValueError, match="no Conv1D layer"):
        conv_kernel(model)
