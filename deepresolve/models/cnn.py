"""The paper's CNN architectures, built as Keras 3 functional models.

Input ``X: shape=(n_sequences, length, 4)`` (A, C, G, T; see :mod:`deepresolve.datasets.sequences`);
output one linear score (logit) per class, trained with sigmoid cross-entropy on the logits.
"""

from __future__ import annotations

import os
import zipfile
from typing import TYPE_CHECKING

from deepresolve.core.files import reading

if TYPE_CHECKING:  # Keras (TensorFlow) where models are built or read, not for their layer names
    import keras


def cnn_layer_names(
    *,
    dense_units: tuple[int, ...] | list[int] = (64, 64),
    dropout: float = 0.0,
    global_pooling: bool = False,
    **_other_settings,
) -> list[str]:
    """The names :func:`build_cnn` gives its layers, input to output, without building it (no
    TensorFlow: the workflow checks ``deepresolve.layer`` against them before any job). Takes a
    ``model`` config block (:func:`deepresolve.config.validate.model_config`); other keys are
    ignored."""
    names = ["sequence", "conv", "pool"] + ([] if global_pooling else ["flatten"])
    for i in range(1, len(dense_units) + 1):
        names += [f"dense_{i}"] + ([f"dropout_{i}"] if dropout > 0 else [])
    return names + ["logits"]


def cnn_feature_shape(
    sequence_length: int | None,
    layer: str | None = None,
    *,
    conv_filters: int = 32,
    conv_width: int = 8,
    pool_size: int = 4,
    dense_units: tuple[int, ...] | list[int] = (64, 64),
    global_pooling: bool = False,
    **_other_settings,
) -> tuple[int, ...] | None:
    """Shape of one sequence's output of ``layer`` in :func:`build_cnn`'s network, without
    building it (the workflow's memory estimates); ``None`` = the layer
    :func:`deepresolve.method.network.split_model` picks by default, ``pool`` (the pooled map
    feeding the first Dense layer). Takes a ``model`` config block like
    :func:`cnn_layer_names`. Returns ``None`` for a name the network has not, or when the shape
    depends on an unknown ``sequence_length`` (``None``): every layer but the global-pooled
    ones and those above them.
    """
    shapes = {}
    for i, units in enumerate(dense_units, start=1):
        shapes[f"dense_{i}"] = shapes[f"dropout_{i}"] = (units,)
    if global_pooling:
        shapes["pool"] = (conv_filters,)
    if sequence_length is not None:
        after_conv = sequence_length - conv_width + 1
        shapes["conv"] = (after_conv, conv_filters)
        if not global_pooling:
            shapes["pool"] = (after_conv // pool_size, conv_filters)
            shapes["flatten"] = (after_conv // pool_size * conv_filters,)
    return shapes.get("pool" if layer is None else layer)


def build_cnn(
    sequence_length: int,
    n_classes: int,
    *,
    conv_filters: int = 32,
    conv_width: int = 8,
    pool_size: int = 4,
    dense_units: tuple[int, ...] | list[int] = (64, 64),
    dropout: float = 0.0,
    global_pooling: bool = False,
    name: str = "deepresolve_cnn",
) -> keras.Model:
    """One convolutional layer, max-pooling, dense layers, one linear output per class.

    Layer names are stable so that later steps can address them: ``conv``, ``pool``,
    (``flatten``), ``dense_1`` ... ``dense_n``, (``dropout_i``), ``logits``.

    ``global_pooling=True`` pools over the whole sequence (the 422-TF design, 1-D feature map);
    otherwise local max-pooling with ``pool_size`` and stride ``pool_size`` (2-D feature map of
    positions x filters).
    """
    import keras

    inputs = keras.Input(shape=(sequence_length, 4), name="sequence")
    h = keras.layers.Conv1D(conv_filters, conv_width, activation="relu", name="conv")(inputs)
    if global_pooling:
        h = keras.layers.GlobalMaxPooling1D(name="pool")(h)
    else:
        h = keras.layers.MaxPooling1D(pool_size, strides=pool_size, name="pool")(h)
        h = keras.layers.Flatten(name="flatten")(h)
    for i, units in enumerate(dense_units, start=1):
        h = keras.layers.Dense(units, activation="relu", name=f"dense_{i}")(h)
        if dropout > 0:
            h = keras.layers.Dropout(dropout, name=f"dropout_{i}")(h)
    outputs = keras.layers.Dense(n_classes, name="logits")(h)
    return keras.Model(inputs, outputs, name=name)


def load_model(path: str | os.PathLike, **options) -> keras.Model:
    """``keras.models.load_model(path, **options)``, a ``.keras`` archive checked first.

    Keras says "File not found" for a ``.keras`` file that is cut short; here a truncated or
    corrupt archive (bad zip, a member whose CRC does not match, no ``config.json`` or
    ``model.weights.h5``) raises :class:`deepresolve.core.files.UnreadableFileError` ("not a
    readable Keras 3 file"), a missing file ``FileNotFoundError``, and whatever Keras raises
    for an intact archive stays Keras's own error.
    """
    if str(path).endswith(".keras"):
        with reading(path, "Keras 3"), zipfile.ZipFile(path) as archive:
            bad = archive.testzip()
            if bad is not None:
                raise zipfile.BadZipFile(f"member {bad} does not match its CRC-32")
            missing = {"config.json", "model.weights.h5"} - set(archive.namelist())
            if missing:
                raise zipfile.BadZipFile(f"the archive lacks {sorted(missing)}")
    import keras

    return keras.models.load_model(path, **options)


def check_outputs(model: keras.Model, path: str | os.PathLike, classes: list[str], where: str):
    """Raise ``ValueError`` unless ``model`` (read from ``path``) has one output per class.

    Checked before any gradient ascent, so a model swapped in from another dataset stops here,
    naming both counts, rather than later with a shape error.

    Parameters
    ----------
    model : keras.Model
    path : path
        The model's file (named in the message).
    classes : list of str
        The class names, one per expected output.
    where : str
        Where the classes come from, e.g. ``"dataset I"`` or a class-names file.
    """
    n_outputs = int(model.outputs[0].shape[-1])
    if n_outputs != len(classes):
        raise ValueError(
            f"{path} has {n_outputs} outputs but {where} names {len(classes)} classes "
            f"({classes[:4]}{' ...' if len(classes) > 4 else ''}); it was not made for them: "
            "rebuild it (snakemake --forcerun <the rule that makes it>) or point the config at "
            "the right model"
        )
