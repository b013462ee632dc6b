"""The DeepSEA network (Zhou & Troyanskaya 2015) and its 919 class names (paper §5.2).

Architecture (:func:`build_deepsea`, Keras 3, ``padding="valid"`` as in the Torch original)::

    sequence   (n, 1000, 4)   one-hot, DeepSEA order A, G, C, T (see below)
    conv_1     (n, 993, 320)  320 x 8, ReLU
    pool_1     (n, 248, 320)  max-pool 4, stride 4
    dropout_1                 0.2
    conv_2     (n, 241, 480)  480 x 8, ReLU
    pool_2     (n, 60, 480)   max-pool 4, stride 4
    dropout_2  (n, 60, 480)   0.2; its output is what conv_3 reads: FIM_LAYER
    conv_3     (n, 53, 960)   960 x 8, ReLU
    dropout_3                 0.5
    flatten    (n, 50880)
    dense_1    (n, 925)       ReLU
    logits     (n, 919)       one score per class (the paper's S_c)
    sigmoid    (n, 919)       optional final layer; split_model takes the scores before it

The FIM layer
    The paper takes ``H`` at "the input layer to the 3rd convolutional layer", "480 x 51bp long
    local sequence features". With valid convolutions that input is ``(60, 480)``: 60 positions
    of 480 channels (:data:`FIM_LAYER` = ``"dropout_2"``, the identity at inference, whose
    output is exactly what ``conv_3`` reads). The "51 bp" is not a number of positions but the
    receptive field of one such neuron: 8 bp (conv_1) + 3 (pool_1) + 7 x 4 (conv_2) + 3 x 4
    (pool_2) = 51 bp (:func:`receptive_field`). The flattened conv_3 output, 53 x 960 = 50,880,
    is the input size of DeepSEA's 925-unit layer, which confirms the valid-convolution shapes.

Base order
    DeepSEA's one-hot columns are A, G, C, T; this package's are A, C, G, T
    (:mod:`deepresolve.datasets.sequences`). The two differ by swapping C and G. Converted DeepSEA
    weights expect A, G, C, T: either reorder the input (:func:`reorder_bases`) or permute the
    first kernel once so that the model reads A, C, G, T (:func:`use_acgt_input`). FIMs at
    ``FIM_LAYER`` do not depend on it (the first layer lies below ``H``).

Class names
    ``predictor.names`` holds one ``Cell|Assay|Treatment`` line per output, in output order:
    125 DNase, 690 TF ChIP-seq, 104 histone marks (:func:`read_class_names`).
"""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from deepresolve.datasets.sequences import ALPHABET

if TYPE_CHECKING:
    import keras

log = logging.getLogger(__name__)

SEQUENCE_LENGTH = 1000
N_CLASSES = 919
DEEPSEA_ALPHABET = "AGCT"
FIM_LAYER = "dropout_2"
CONV_FILTERS = (320, 480, 960)
CONV_WIDTH = 8
POOL_SIZE = 4
DENSE_UNITS = 925
DROPOUT = (0.2, 0.2, 0.5)

GROUPS = ("DNase", "TF", "histone")
# Histone marks and variants: H2A.Z written "H2AZ", acetylations / methylations of H2A, H2B,
# H3 and H4 ("H3K4me3", "H2BK120ac", "H4K20me1").
_HISTONE = re.compile(r"^H(2AZ|2A\.Z|2A|2B|3|4)(K\d+(ac|me\d?))?$")
_MISSING = "NA"


def build_deepsea(
    sequence_length: int = SEQUENCE_LENGTH,
    n_classes: int = N_CLASSES,
    *,
    sigmoid: bool = True,
    name: str = "deepsea",
    conv_filters: tuple[int, int, int] = CONV_FILTERS,
    conv_width: int = CONV_WIDTH,
    pool_size: int = POOL_SIZE,
    dense_units: int = DENSE_UNITS,
    dropout: tuple[float, float, float] = DROPOUT,
) -> keras.Model:
    """The DeepSEA architecture with fresh (Glorot-uniform) weights.

    Parameters
    ----------
    sequence_length : int
        Input length; 1000 for DeepSEA. Shorter inputs (at least 163 bp, so that conv_3 has one
        position) give the same layers with a smaller dense_1 input, e.g. for fast tests.
    n_classes : int
        Outputs; 919 for DeepSEA.
    sigmoid : bool
        End in a ``sigmoid`` Activation layer (probabilities, as DeepSEA); ``False`` ends at
        ``logits``. Either way :func:`deepresolve.method.network.split_model` scores the logits.
    name : str
    conv_filters, conv_width, pool_size, dense_units, dropout
        Sizes of the three convolutions (filters each, one kernel width), of the two max-pools
        (size = stride), of dense_1 and the three dropout rates; DeepSEA's by default. Other
        values give a DeepSEA-like network with the same layer names, e.g. for 101 bp
        (:mod:`deepresolve.analyses.multitask`).

    Returns
    -------
    keras.Model
        Input ``X: (n, sequence_length, 4)`` in DeepSEA base order, output ``(n, n_classes)``;
        layer names as in the module docstring.
    """
    import keras  # here, so that reading class names needs no TensorFlow

    positions = conv_3_positions(sequence_length, conv_width=conv_width, pool_size=pool_size)
    if positions < 1:
        raise ValueError(
            f"sequence_length {sequence_length} is too short for three convolutions of width "
            f"{conv_width} with max-pools of {pool_size}; use a longer input or smaller sizes "
            "(DeepSEA's need at least 163)"
        )
    inputs = keras.Input(shape=(sequence_length, 4), name="sequence")
    h = inputs
    for i, filters in enumerate(conv_filters, start=1):
        h = keras.layers.Conv1D(filters, conv_width, activation="relu", name=f"conv_{i}")(h)
        if i < len(conv_filters):
            h = keras.layers.MaxPooling1D(pool_size, strides=pool_size, name=f"pool_{i}")(h)
        h = keras.layers.Dropout(dropout[i - 1], name=f"dropout_{i}")(h)
    h = keras.layers.Flatten(name="flatten")(h)
    h = keras.layers.Dense(dense_units, activation="relu", name="dense_1")(h)
    outputs = keras.layers.Dense(n_classes, name="logits")(h)
    if sigmoid:
        outputs = keras.layers.Activation("sigmoid", name="sigmoid")(outputs)
    return keras.Model(inputs, outputs, name=name)


def fim_shape(
    sequence_length: int = SEQUENCE_LENGTH,
    *,
    conv_width: int = CONV_WIDTH,
    pool_size: int = POOL_SIZE,
    conv_filters: tuple[int, ...] = CONV_FILTERS,
) -> tuple[int, int]:
    """Shape of ``H`` at :data:`FIM_LAYER` (the input of conv_3): ``(60, 480)`` for 1000 bp.

    The keyword arguments are those of :func:`build_deepsea` (DeepSEA's by default).
    """
    return deepsea_feature_shape(
        sequence_length,
        FIM_LAYER,
        conv_width=conv_width,
        pool_size=pool_size,
        conv_filters=conv_filters,
    )


def conv_3_positions(
    sequence_length: int = SEQUENCE_LENGTH,
    *,
    conv_width: int = CONV_WIDTH,
    pool_size: int = POOL_SIZE,
) -> int:
    """Positions of conv_3's output: 53 for 1000 bp (53 x 960 = 50,880 inputs of dense_1)."""
    shape = deepsea_feature_shape(
        sequence_length, "conv_3", conv_width=conv_width, pool_size=pool_size
    )
    return shape[0]


def deepsea_feature_shape(
    sequence_length: int = SEQUENCE_LENGTH,
    layer: str | None = None,
    *,
    conv_filters: tuple[int, ...] = CONV_FILTERS,
    conv_width: int = CONV_WIDTH,
    pool_size: int = POOL_SIZE,
    dense_units: int = DENSE_UNITS,
    **_other_settings,
) -> tuple[int, ...] | None:
    """Shape of one sequence's output of ``layer`` in :func:`build_deepsea`'s network, without
    building it (the workflow's memory estimates): ``None`` = the layer
    :func:`deepresolve.method.network.split_model` picks by default, ``conv_3`` (Flatten and
    Dropout are stepped over), ``(53, 960)`` for DeepSEA; :data:`FIM_LAYER` gives
    :func:`fim_shape`. The keyword arguments are those of :func:`build_deepsea` (other keys, such
    as ``dropout``, are ignored). Returns ``None`` for a name the network has not.
    """
    after_conv_1 = sequence_length - conv_width + 1
    after_pool_1 = after_conv_1 // pool_size
    after_conv_2 = after_pool_1 - conv_width + 1
    after_pool_2 = after_conv_2 // pool_size
    after_conv_3 = after_pool_2 - conv_width + 1
    f1, f2, f3 = conv_filters
    shapes = {
        "conv_1": (after_conv_1, f1),
        "pool_1": (after_pool_1, f1),
        "dropout_1": (after_pool_1, f1),
        "conv_2": (after_conv_2, f2),
        "pool_2": (after_pool_2, f2),
        "dropout_2": (after_pool_2, f2),
        "conv_3": (after_conv_3, f3),
        "dropout_3": (after_conv_3, f3),
        "flatten": (after_conv_3 * f3,),
        "dense_1": (dense_units,),
    }
    return shapes.get("conv_3" if layer is None else layer)


def receptive_field(*, conv_width: int = CONV_WIDTH, pool_size: int = POOL_SIZE) -> int:
    """Input bases seen by one neuron of :data:`FIM_LAYER`: 51 (the paper's "51bp")."""
    after_conv_1 = conv_width
    after_pool_1 = after_conv_1 + (pool_size - 1)
    after_conv_2 = after_pool_1 + (conv_width - 1) * pool_size
    return after_conv_2 + (pool_size - 1) * pool_size


def _permutation(source: str, target: str) -> np.ndarray:
    if sorted(source) != sorted(target) or len(set(source)) != len(source):
        raise ValueError(
            f"source {source!r} and target {target!r} must order the same distinct letters"
        )
    return np.array([source.index(base) for base in target])


def reorder_bases(
    array: np.ndarray, source: str = ALPHABET, target: str = DEEPSEA_ALPHABET, *, axis: int = -1
) -> np.ndarray:
    """Reorder the base axis of one-hot sequences, PWMs or kernels from ``source`` to ``target``.

    Parameters
    ----------
    array : array, shape=(..., 4, ...)
        E.g. ``X: (n, length, 4)`` (``axis=-1``) or a first-layer kernel ``(width, 4, filters)``
        (``axis=1``).
    source, target : str
        Base order of ``array`` and of the result; default A,C,G,T (this package) -> A,G,C,T
        (DeepSEA). Swapping C and G is its own inverse, so the same call converts back.
    axis : int
        The base axis.

    Returns
    -------
    ndarray
        A copy with ``result[..., j, ...] = array[..., source.index(target[j]), ...]``.
    """
    array = np.asarray(array)
    if array.ndim == 0 or array.shape[axis] != len(source):
        raise ValueError(
            f"array: expected {len(source)} entries on axis {axis}, got shape {array.shape}"
        )
    return np.take(array, _permutation(source, target), axis=axis)


def use_acgt_input(model: keras.Model, layer: str = "conv_1") -> keras.Model:
    """Make a model with DeepSEA-order weights read this package's A,C,G,T input, in place.

    Permutes the base axis of ``layer``'s kernel, so that ``model(X_acgt)`` equals the original
    model applied to ``reorder_bases(X_acgt)``. Returns ``model``.
    """

    conv = model.get_layer(layer)
    kernel, *rest = conv.get_weights()
    if kernel.ndim != 3 or kernel.shape[1] != 4:
        raise ValueError(
            f"layer {layer!r}: expected a kernel (width, 4, filters), got {kernel.shape}"
        )
    conv.set_weights([reorder_bases(kernel, DEEPSEA_ALPHABET, ALPHABET, axis=1), *rest])
    return model


def class_group(assay: str) -> str | None:
    """``"DNase"``, ``"histone"`` or ``"TF"`` for an assay name; ``None`` for ``"NA"``."""
    if assay == _MISSING:
        return None
    if assay == "DNase":
        return "DNase"
    return "histone" if _HISTONE.match(assay) else "TF"


def read_class_names(
    path: str | os.PathLike, *, n_classes: int | None = N_CLASSES, warn_placeholders: bool = True
) -> pd.DataFrame:
    """Read a ``Cell|Assay|Treatment`` class-names table (DeepSEA's ``predictor.names``).

    Parameters
    ----------
    path : path
        One line per model output, in output order.
    n_classes : int, optional
        Expected number of lines (919 for DeepSEA); ``None`` = any.
    warn_placeholders : bool
        Log each placeholder line as a warning (default), or at debug level: the workflow's jobs
        pass ``False``, since the table's read at DAG time has warned once for the whole run.

    Returns
    -------
    DataFrame
        One row per class, index ``class_index`` (0-based output), columns ``cell``, ``assay``,
        ``treatment`` (strings as written), ``name`` (the line), ``label`` (the name, with
        `` (2)``, `` (3)`` ... appended to repeats so that labels are unique: 54 names occur more
        than once in ``predictor.names``, e.g. the same TF and cell line from two labs),
        ``group`` (one of :data:`GROUPS`) and ``placeholder`` (``True`` for an ``NA|NA|NA``
        line).

    Groups come from the assay: ``DNase``; a histone mark (``H3K4me3``, ``H2AZ``, ...); anything
    else is a TF. A placeholder line (line 577 of the shared copy) takes the group of its
    neighbours (TF there) and is logged.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    ValueError
        Naming the file and line of a line without exactly three ``|``-separated fields or with an
        empty field, of a placeholder whose neighbours disagree, or when the number of lines is
        not ``n_classes``.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"class names table {path} not found")
    return class_names_table(
        path.read_text().splitlines(),
        n_classes=n_classes,
        source=path,
        warn_placeholders=warn_placeholders,
    )


def class_names_table(
    lines: list[str],
    *,
    n_classes: int | None = None,
    source: str | os.PathLike = "class names",
    warn_placeholders: bool = True,
) -> pd.DataFrame:
    """The table of :func:`read_class_names` from ``Cell|Assay|Treatment`` lines in memory.

    ``source`` names them in error messages (the file, or where the lines come from).
    """
    path = source
    lines = list(lines)
    while lines and not lines[-1].strip():
        lines.pop()
    rows = []
    for number, line in enumerate(lines, start=1):
        fields = line.strip().split("|")
        if len(fields) != 3 or not all(f.strip() for f in fields):
            raise ValueError(
                f"{path} line {number}: expected Cell|Assay|Treatment (three non-empty fields), "
                f"got {line!r}"
            )
        rows.append([f.strip() for f in fields])
    if n_classes is not None and len(rows) != n_classes:
        raise ValueError(f"{path}: expected {n_classes} class names, got {len(rows)} lines")
    table = pd.DataFrame(rows, columns=["cell", "assay", "treatment"])
    table.index.name = "class_index"
    table["name"] = table["cell"] + "|" + table["assay"] + "|" + table["treatment"]
    repeat = table.groupby("name").cumcount()
    table["label"] = table["name"].where(
        repeat == 0, table["name"] + " (" + (repeat + 1).astype(str) + ")"
    )
    table["placeholder"] = (table[["cell", "assay", "treatment"]] == _MISSING).all(axis=1)
    groups = [class_group(a) for a in table["assay"]]
    for i in np.flatnonzero([g is None for g in groups]):
        neighbours = {groups[j] for j in (i - 1, i + 1) if 0 <= j < len(groups)} - {None}
        if len(neighbours) != 1:
            raise ValueError(
                f"{path} line {i + 1}: assay {table['assay'][i]!r} has no group and its "
                f"neighbours' groups {sorted(neighbours)} do not name one"
            )
        groups[i] = neighbours.pop()
        log.log(
            logging.WARNING if warn_placeholders else logging.DEBUG,
            "%s line %d %r: group %s from its neighbours",
            path,
            i + 1,
            lines[i],
            groups[i],
        )
    table["group"] = pd.Categorical(groups, categories=GROUPS)
    return table
