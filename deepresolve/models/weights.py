"""Weights of a trained Keras model that DeepResolve's outputs are read against.

- :func:`conv_kernel`: the first convolutional layer's kernel, ``shape=(width, 4, n_filters)``
  (A, C, G, T), from which filters become PWMs and planted k-mers find their neuron.
- :func:`output_kernel`: the last Dense layer's kernel, ``shape=(n_hidden, n_classes)``, the
  baseline of the paper's Figure 6.
"""

from __future__ import annotations

import keras
import numpy as np


def conv_kernel(model: keras.Model, layer: str | None = None) -> np.ndarray:
    """Kernel ``(width, 4, n_filters)`` of ``layer`` or of the first Conv1D on the one-hot input."""
    if layer is not None:
        return np.asarray(model.get_layer(layer).get_weights()[0])
    for candidate in model.layers:
        if isinstance(candidate, keras.layers.Conv1D):
            kernel = np.asarray(candidate.get_weights()[0])
            if kernel.shape[1] == 4:
                return kernel
    names = [f"{m.name} ({type(m).__name__})" for m in model.layers]
    raise ValueError(
        f"model {model.name!r} has no Conv1D layer on a 4-letter input; layers: {names}"
    )


def output_kernel(model: keras.Model) -> np.ndarray:
    """Kernel ``(n_hidden, n_classes)`` of the last Dense layer (the class scores)."""
    dense = [m for m in model.layers if isinstance(m, keras.layers.Dense)]
    if not dense:
        raise ValueError(f"model {model.name!r} has no Dense layer")
    return np.asarray(dense[-1].get_weights()[0])
