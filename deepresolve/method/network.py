"""Split a trained Keras model at an intermediate layer into a lower and an upper network.

DeepResolve (paper §2) optimises a feature map ``H`` of an intermediate layer, so it needs the
network cut in two at that layer:

- ``lower``: input sequences ``(n, length, 4)`` -> feature map ``H: (n, *feature_shape)``;
- ``upper``: ``H`` -> class scores ``S: (n, n_classes)``, taken *before* any final sigmoid or
  softmax (the paper's ``S_c``).

``upper(lower(x))`` equals the model's output (or its pre-activation, when the model ends in a
sigmoid or softmax). Call both with ``training=False`` so that dropout is off.

The default layer is the border between the convolutional and the dense layers: the layer that
feeds the first ``Dense`` layer, stepping back over ``Flatten``, ``Reshape`` and ``Dropout``. With
local max-pooling ``H`` is then 2-D (positions x filters, e.g. ``(48, 32)`` for 200 bp, an 8 bp
convolution and pooling by 4); with global pooling ``H`` is 1-D (filters).
"""

from __future__ import annotations

from dataclasses import dataclass

import keras

# Layers that only reshape or regularise: the default split point steps back over them.
_PASS_THROUGH = (keras.layers.Flatten, keras.layers.Reshape, keras.layers.Dropout)
# Final activations that the class score S_c is taken before (paper §2).
_SQUASHING = ("sigmoid", "softmax")


@dataclass(frozen=True)
class SplitModel:
    """A model cut at one layer.

    Attributes
    ----------
    lower : keras.Model
        Input sequences ``(n, length, 4)`` -> feature map ``(n, *feature_shape)``.
    upper : keras.Model
        Feature map ``(n, *feature_shape)`` -> class scores ``(n, n_classes)`` before any final
        sigmoid/softmax. Call it with ``training=False``.
    layer_name : str
        Name of the layer whose output is the feature map.
    feature_shape : tuple of int
        Shape of one feature map, without the batch axis.
    """

    lower: keras.Model
    upper: keras.Model
    layer_name: str
    feature_shape: tuple[int, ...]

    @property
    def n_classes(self) -> int:
        """Number of class scores the upper network outputs."""
        return int(self.upper.outputs[0].shape[-1])


def _tensors(model: keras.Model):
    """Input tensor, and the input and output tensor of every layer, by layer name.

    A Sequential model is re-applied layer by layer to a fresh ``keras.Input`` (the layers, and
    so the weights, are shared); a functional model's own graph is used as it is.

    Returns
    -------
    (model_input, layers, inputs_of, outputs_of)
        ``layers`` in topological order without input layers; ``inputs_of`` / ``outputs_of`` map
        a layer name to its input / output KerasTensor.
    """
    if len(model.inputs or []) != 1 or len(model.outputs or []) != 1:
        raise ValueError(
            f"model {model.name!r}: expected one input and one output, got "
            f"{len(model.inputs or [])} and {len(model.outputs or [])}"
        )
    layers = [m for m in model.layers if not isinstance(m, keras.layers.InputLayer)]
    inputs_of, outputs_of = {}, {}
    if isinstance(model, keras.Sequential):
        model_input = keras.Input(shape=tuple(model.inputs[0].shape[1:]), name="sequence")
        tensor = model_input
        for member in layers:
            inputs_of[member.name] = tensor
            tensor = member(tensor)
            outputs_of[member.name] = tensor
        return model_input, layers, inputs_of, outputs_of
    for member in layers:
        try:
            inputs_of[member.name] = member.input
            outputs_of[member.name] = member.output
        except (AttributeError, ValueError) as error:
            raise ValueError(
                f"layer {member.name!r} of model {model.name!r} is used more than once or has no "
                f"single input/output; shared layers are not supported ({error})"
            ) from error
    return model.inputs[0], layers, inputs_of, outputs_of


def _default_layer(layers, inputs_of, outputs_of) -> str:
    """Name of the layer at the border of the convolutional and dense layers."""
    dense = [m for m in layers if isinstance(m, keras.layers.Dense)]
    if not dense:
        raise ValueError("the model has no Dense layer; name the feature-map layer explicitly")
    producer = {id(tensor): name for name, tensor in outputs_of.items()}
    name = producer.get(id(inputs_of[dense[0].name]))
    by_name = {m.name: m for m in layers}
    while name is not None and isinstance(by_name[name], _PASS_THROUGH):
        name = producer.get(id(inputs_of[name]))
    if name is None:
        raise ValueError(
            f"the first Dense layer {dense[0].name!r} reads the model input directly; "
            "name the feature-map layer explicitly"
        )
    return name


def _activation_name(layer: keras.layers.Layer) -> str:
    activation = getattr(layer, "activation", None)
    return getattr(activation, "__name__", str(activation)) if activation is not None else ""


def _pre_activation(final: keras.layers.Layer, inputs_of, outputs_of) -> keras.KerasTensor:
    """Tensor of the class scores before a final sigmoid/softmax (the model output otherwise)."""
    if _activation_name(final) not in _SQUASHING:
        return outputs_of[final.name]
    if isinstance(final, keras.layers.Activation):
        return inputs_of[final.name]
    # Same layer with a linear activation and the same weights: e.g. x @ W + b for a Dense.
    config = final.get_config()
    config.update(activation="linear", name=f"{final.name}_pre_activation")
    linear = type(final).from_config(config)
    scores = linear(inputs_of[final.name])
    linear.set_weights(final.get_weights())
    return scores


def split_model(model: keras.Model, layer: str | None = None) -> SplitModel:
    """Cut ``model`` at ``layer`` into a lower (input -> H) and an upper (H -> S) network.

    Parameters
    ----------
    model : keras.Model
        A built Sequential or functional Keras 3 model with one input and one output
        ``(n, n_classes)``.
    layer : str, optional
        Name of the layer whose output is the feature map ``H``. ``None``: the layer feeding the
        first Dense layer, stepping back over Flatten/Reshape/Dropout.

    Returns
    -------
    SplitModel
        ``lower``, ``upper`` (pre-sigmoid/softmax scores), ``layer_name`` and ``feature_shape``.

    Raises
    ------
    ValueError
        If ``layer`` is not a layer below the output layer (the message lists the valid names),
        or the model has several inputs/outputs or shared layers.
    """
    model_input, layers, inputs_of, outputs_of = _tensors(model)
    final = layers[-1]
    valid = [m.name for m in layers[:-1]]
    if layer is None:
        layer = _default_layer(layers, inputs_of, outputs_of)
    elif layer not in valid:
        raise ValueError(
            f"unknown feature-map layer {layer!r} for model {model.name!r}; "
            f"valid layer names: {', '.join(valid)}"
        )
    features = outputs_of[layer]
    scores = _pre_activation(final, inputs_of, outputs_of)
    if scores is features:
        raise ValueError(f"layer {layer!r} directly feeds the class scores; pick a lower layer")
    lower = keras.Model(model_input, features, name=f"{model.name}_lower")
    upper = keras.Model(features, scores, name=f"{model.name}_upper")
    return SplitModel(
        lower=lower,
        upper=upper,
        layer_name=layer,
        feature_shape=tuple(int(d) for d in features.shape[1:]),
    )
