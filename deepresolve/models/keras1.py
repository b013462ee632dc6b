"""Import the published Keras 1.2 / Theano CNNs (the paper's 422 TF models) into Keras 3.

Each published model is a folder with ``16_G_best_archit.json`` (Keras 1.2 ``Sequential``
architecture, ``dim_ordering: th``) and ``16_G_bestmodel_weights.h5`` (Keras 1 HDF5 layout:
``model_weights/<layer>/<weight name>``, the names listed in the layer group's ``weight_names``
attribute). :func:`load_keras1_model` reads both generically and returns a Keras 3 functional
model with the package's layer names (see :func:`deepresolve.models.cnn.build_cnn`):

``sequence`` (input, ``shape=(length, 4)``, A, C, G, T) -> ``conv`` (Conv1D, ``padding="same"``)
-> ``pool`` (GlobalMaxPooling1D) -> ``dense_1`` ... -> (``dropout_i``) -> ``logits``.

The model's output is the **logit** ``z, shape=(n_sequences, 1)``; the published model applied a
sigmoid on top, which :func:`predict_proba` applies.

Theano's ``conv2d`` is a true convolution (the kernel is flipped along the sequence axis), while
Keras 3's ``Conv1D`` is a cross-correlation, so the kernel is reversed along the sequence axis on
import (:func:`convolution_kernel_from_keras1`); without the flip the published CTCF models score
a test AUC of about 0.57 instead of about 0.88. Keras 1's ``border_mode="same"`` on Theano pads
``width // 2`` zeros on both sides and keeps the first ``length`` outputs; for an odd width (25 in
all published models) that is Keras 3's ``padding="same"``; for an even width the import pads
explicitly (layer ``conv_pad``) and uses ``padding="valid"`` to keep Theano's alignment.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import h5py
import numpy as np
from scipy.special import expit

if TYPE_CHECKING:  # Keras (and TensorFlow) load only when a Keras model is built
    import keras

ARCHITECTURE_FILE = "16_G_best_archit.json"
WEIGHTS_FILE = "16_G_bestmodel_weights.h5"

_ADVICE = (
    "this importer supports the published DeepResolve/Zeng 422-TF family: Convolution2D "
    "(dim_ordering 'th', nb_row 1) -> global MaxPooling2D -> Flatten -> Dense/Dropout ... -> "
    "Dense(1) (-> Activation sigmoid)"
)
_SKIPPED = {"Flatten"}


@dataclass
class Keras1Layer:
    """One layer of the Keras 1 architecture, as needed to rebuild it.

    ``kind`` is one of ``"conv"``, ``"pool"``, ``"dense"``, ``"dropout"``; ``name`` is the
    original Keras 1 name (the HDF5 group); ``config`` holds the parsed hyper-parameters.
    """

    kind: str
    name: str
    config: dict = field(default_factory=dict)


@dataclass
class Keras1Architecture:
    """The parsed Keras 1 architecture.

    ``length`` and ``channels`` give the input ``shape=(length, channels)`` (channels = 4,
    A, C, G, T); ``layers`` the layers to rebuild in order; ``output_activation`` the activation
    applied to the logit by the published model (``"sigmoid"`` or ``"linear"``).
    """

    length: int
    channels: int
    layers: list[Keras1Layer]
    output_activation: str


def _resolve_paths(source: str | Path | tuple[str | Path, str | Path]) -> tuple[Path, Path]:
    if isinstance(source, tuple | list):
        if len(source) != 2:
            raise ValueError(f"expected a folder or (json_path, h5_path), got {source!r}")
        json_path, h5_path = Path(source[0]), Path(source[1])
    else:
        folder = Path(source)
        if not folder.is_dir():
            raise ValueError(
                f"{folder}: no such model folder; pass the folder holding {ARCHITECTURE_FILE} "
                f"and {WEIGHTS_FILE}, or a (json_path, h5_path) pair"
            )
        json_path, h5_path = folder / ARCHITECTURE_FILE, folder / WEIGHTS_FILE
    for path in (json_path, h5_path):
        if not path.is_file():
            raise ValueError(
                f"{path}: file not found; each published model folder needs {ARCHITECTURE_FILE} "
                f"and {WEIGHTS_FILE} (re-fetch the folder from the published repository)"
            )
    return json_path, h5_path


def _unsupported(path: Path, index: int, class_name: str, why: str) -> ValueError:
    return ValueError(
        f"{path}: unsupported layer {index + 1} ({class_name}): {why}; {_ADVICE}. "
        "Convert other architectures with their own loader."
    )


def read_keras1_architecture(json_path: str | Path) -> Keras1Architecture:
    """Parse a Keras 1.2 ``Sequential`` JSON architecture of the supported family.

    Raises ``ValueError`` naming the file, and the layer class for an unsupported layer.
    """
    path = Path(json_path)
    try:
        spec = json.loads(path.read_text())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise ValueError(f"{path}: cannot read the Keras 1 JSON architecture ({err})") from err
    if not isinstance(spec, dict) or spec.get("class_name") != "Sequential":
        found = spec.get("class_name") if isinstance(spec, dict) else type(spec).__name__
        raise ValueError(
            f"{path}: expected a Keras 1 'Sequential' architecture, found {found!r}; {_ADVICE}"
        )
    entries = spec.get("config")
    if not isinstance(entries, list) or not entries:
        raise ValueError(f"{path}: the architecture lists no layers")

    layers: list[Keras1Layer] = []
    length = channels = None
    output_activation = "linear"
    for index, entry in enumerate(entries):
        class_name = entry.get("class_name")
        cfg = entry.get("config", {})
        name = cfg.get("name", f"layer_{index + 1}")
        last_dense = index == len(entries) - 1 or (
            index == len(entries) - 2 and entries[-1].get("class_name") == "Activation"
        )
        if class_name == "Convolution2D":
            if layers:
                raise _unsupported(path, index, class_name, "only one, first convolution")
            if cfg.get("dim_ordering") != "th" or cfg.get("nb_row") != 1:
                raise _unsupported(
                    path, index, class_name, "needs dim_ordering 'th' and nb_row 1 (1-D filters)"
                )
            if tuple(cfg.get("subsample", (1, 1))) != (1, 1):
                raise _unsupported(path, index, class_name, "needs subsample (1, 1)")
            if cfg.get("border_mode") not in ("same", "valid"):
                raise _unsupported(path, index, class_name, "needs border_mode same or valid")
            shape = cfg.get("batch_input_shape")
            if not shape or len(shape) != 4 or shape[2] != 1:
                raise _unsupported(path, index, class_name, f"input shape {shape} is not (4, 1, L)")
            channels, length = int(shape[1]), int(shape[3])
            layers.append(
                Keras1Layer(
                    "conv",
                    name,
                    {
                        "filters": int(cfg["nb_filter"]),
                        "width": int(cfg["nb_col"]),
                        "padding": cfg["border_mode"],
                        "activation": cfg.get("activation", "linear"),
                        "use_bias": bool(cfg.get("bias", True)),
                    },
                )
            )
        elif class_name == "MaxPooling2D":
            if [layer.kind for layer in layers] != ["conv"]:
                raise _unsupported(path, index, class_name, "must follow the convolution")
            conv = layers[0].config
            out_len = length if conv["padding"] == "same" else length - conv["width"] + 1
            if tuple(cfg.get("pool_size", ())) != (1, out_len):
                raise _unsupported(
                    path,
                    index,
                    class_name,
                    f"pool_size {cfg.get('pool_size')} is not global (1, {out_len})",
                )
            layers.append(Keras1Layer("pool", name))
        elif class_name in _SKIPPED:
            continue
        elif class_name == "Dense":
            if not layers or layers[-1].kind not in ("pool", "dense", "dropout"):
                raise _unsupported(path, index, class_name, "must follow the pooling")
            activation = cfg.get("activation", "linear")
            use_bias = bool(cfg.get("bias", True))
            units = int(cfg["output_dim"])
            if last_dense:
                if units != 1 or activation not in ("linear", "sigmoid"):
                    raise _unsupported(
                        path, index, class_name, "the output must be Dense(1) linear or sigmoid"
                    )
                output_activation = activation
                activation = "linear"
            layers.append(
                Keras1Layer(
                    "dense", name, {"units": units, "activation": activation, "use_bias": use_bias}
                )
            )
        elif class_name == "Dropout":
            layers.append(Keras1Layer("dropout", name, {"rate": float(cfg.get("p", 0.0))}))
        elif class_name == "Activation" and index == len(entries) - 1:
            activation = cfg.get("activation")
            if activation not in ("linear", "sigmoid") or output_activation != "linear":
                raise _unsupported(
                    path, index, class_name, f"final activation {activation!r} is not sigmoid"
                )
            output_activation = activation
        else:
            raise _unsupported(path, index, class_name, "layer class or position not supported")
    kinds = [layer.kind for layer in layers]
    if kinds[:2] != ["conv", "pool"] or kinds[-1] != "dense":
        raise ValueError(
            f"{path}: layers {kinds} do not start with convolution and global pooling and end "
            f"with a Dense output; {_ADVICE}"
        )
    return Keras1Architecture(length, channels, layers, output_activation)


def read_keras1_weights(h5_path: str | Path) -> dict[str, list[np.ndarray]]:
    """Read Keras 1 HDF5 weights: ``{layer name: [arrays in weight_names order]}``.

    Layers without weights map to ``[]``. Raises ``ValueError`` naming the file when it is not
    readable HDF5 or lacks the Keras 1 layout.
    """
    path = Path(h5_path)
    try:
        with h5py.File(path, "r") as handle:
            group = handle["model_weights"] if "model_weights" in handle else handle
            if "layer_names" not in group.attrs:
                raise ValueError(
                    f"{path}: not a Keras 1 weights file (no 'layer_names' attribute); "
                    "re-fetch the published model folder"
                )
            weights = {}
            for raw in group.attrs["layer_names"]:
                layer = raw.decode() if isinstance(raw, bytes) else str(raw)
                names = group[layer].attrs.get("weight_names", [])
                weights[layer] = [
                    np.asarray(group[layer][n.decode() if isinstance(n, bytes) else str(n)])
                    for n in names
                ]
    except ValueError as err:
        if str(err).startswith(str(path)):
            raise
        raise ValueError(f"{path}: unreadable Keras 1 HDF5 weights ({err})") from err
    except (OSError, KeyError) as err:
        raise ValueError(
            f"{path}: unreadable or corrupt Keras 1 HDF5 weights ({err}); "
            "re-fetch the file (compare its checksum with the published copy)"
        ) from err
    return weights


def convolution_kernel_from_keras1(W: np.ndarray, *, flip: bool = True) -> np.ndarray:
    """Theano Convolution2D kernel -> Keras 3 ``Conv1D`` kernel.

    Parameters
    ----------
    W : array, shape=(n_filters, channels, 1, width)
        Keras 1 ``dim_ordering="th"`` kernel; channels in the input's order (A, C, G, T).
    flip : bool
        Reverse along the sequence axis (default), turning Theano's true convolution into the
        cross-correlation Keras 3 computes. ``False`` only to show the effect of omitting it.

    Returns
    -------
    kernel : array, shape=(width, channels, n_filters), float32
        ``kernel[j, c, f]`` multiplies input position ``t + j - offset`` of channel ``c``.
    """
    W = np.asarray(W)
    if W.ndim != 4 or W.shape[2] != 1:
        raise ValueError(
            f"expected a Theano kernel shape (n_filters, channels, 1, width), {W.shape}"
        )
    kernel = np.transpose(W[:, :, 0, :], (2, 1, 0))
    if flip:
        kernel = kernel[::-1]
    return np.ascontiguousarray(kernel, dtype=np.float32)


def _check_shapes(path: Path, layer: str, arrays: list[np.ndarray], expected: list[tuple]) -> None:
    got = [tuple(a.shape) for a in arrays]
    if got != expected:
        raise ValueError(
            f"{path}: weights of layer {layer!r} have shapes {got}, the architecture needs "
            f"{expected}; the JSON and HDF5 files do not belong together"
        )


@dataclass(frozen=True)
class Keras1Network:
    """A published model read and checked as arrays, without Keras or TensorFlow.

    ``arrays`` maps the package's layer names (``conv``, ``dense_1``, ..., ``logits``) to their
    weights as Keras 3 holds them: the convolution kernel ``(width, channels, n_filters)``
    (flipped, :func:`convolution_kernel_from_keras1`) and bias ``(n_filters,)``, each Dense
    kernel ``(n_in, n_out)`` and bias ``(n_out,)``, float32. :meth:`to_keras` builds the Keras 3
    model; :mod:`deepresolve.method.dense_fim` computes FIMs above the pooled filters from the
    arrays alone.
    """

    name: str
    architecture: Keras1Architecture
    arrays: dict[str, list[np.ndarray]]

    @property
    def conv_kernel(self) -> np.ndarray:
        """The convolution kernel, ``shape=(width, 4, n_filters)`` (A, C, G, T)."""
        return self.arrays["conv"][0]

    def layer_names(self) -> list[str]:
        """The Keras 3 model's layer names in order, the input left out: ``conv``, ``pool``,
        ``dense_1``, (``dropout_1``), ..., ``logits``."""
        names, dense_index = [], 0
        n_dense = sum(layer.kind == "dense" for layer in self.architecture.layers)
        for layer in self.architecture.layers:
            if layer.kind == "dense":
                dense_index += 1
                names.append("logits" if dense_index == n_dense else f"dense_{dense_index}")
            elif layer.kind == "dropout":
                names.append(f"dropout_{dense_index}")
            else:
                names.append(layer.kind)
        return names

    def dense_above(self, layer: str | None) -> list[tuple[np.ndarray, np.ndarray | None, str]]:
        """The Dense layers above the feature-map ``layer`` (``None``: ``pool``, the layer the
        workflow's FIMs use), bottom first, as ``(kernel, bias or None, activation)`` for
        :func:`deepresolve.method.dense_fim.dense_feature_importance_maps` (the last,
        ``logits``, linear: the published sigmoid is
        :attr:`Keras1Architecture.output_activation`); ``[]`` for a layer
        below the pooling (``conv``: its FIMs need the TensorFlow engine). Raises
        ``ValueError`` for a name the model lacks, listing the valid ones."""
        names = self.layer_names()
        layer = "pool" if layer is None else layer
        if layer not in names[:-1]:
            raise ValueError(
                f"unknown feature-map layer {layer!r} for model {self.name!r}; "
                f"valid layer names: {', '.join(names[:-1])}"
            )
        if layer == "conv":
            return []
        first = names.index(layer) + 1
        return [
            (self.arrays[name][0], (self.arrays[name][1:] or [None])[0], spec.config["activation"])
            for name, spec in zip(names[first:], self.architecture.layers[first:], strict=True)
            if spec.kind == "dense"
        ]

    def to_keras(self) -> keras.Model:
        """The Keras 3 functional model (:func:`load_keras1_model`)."""
        import keras

        arch = self.architecture
        inputs = keras.Input(shape=(arch.length, arch.channels), name="sequence")
        h = inputs
        for layer, name in zip(arch.layers, self.layer_names(), strict=True):
            cfg = layer.config
            if layer.kind == "conv":
                width, padding = cfg["width"], cfg["padding"]
                if padding == "same" and width % 2 == 0:
                    left = width // 2
                    h = keras.layers.ZeroPadding1D((left, width - 1 - left), name="conv_pad")(h)
                    padding = "valid"
                h = keras.layers.Conv1D(
                    cfg["filters"],
                    width,
                    padding=padding,
                    activation=cfg["activation"],
                    use_bias=cfg["use_bias"],
                    name=name,
                )(h)
            elif layer.kind == "pool":
                h = keras.layers.GlobalMaxPooling1D(name=name)(h)
            elif layer.kind == "dense":
                h = keras.layers.Dense(
                    cfg["units"], activation=cfg["activation"], use_bias=cfg["use_bias"], name=name
                )(h)
            else:
                h = keras.layers.Dropout(cfg["rate"], name=name)(h)
        model = keras.Model(inputs, h, name=self.name)
        for layer_name, arrays in self.arrays.items():
            model.get_layer(layer_name).set_weights(arrays)
        return model


def read_keras1_network(
    source: str | Path | tuple[str | Path, str | Path],
    *,
    flip_kernel: bool = True,
    name: str | None = None,
) -> Keras1Network:
    """Read a published Keras 1.2 / Theano model's two files into a :class:`Keras1Network`.

    Parameters as :func:`load_keras1_model`. Raises ``ValueError`` for a missing file, an
    unreadable or corrupt HDF5 file, an unsupported architecture (naming the layer class and
    file), or weights that do not fit the architecture.
    """
    json_path, h5_path = _resolve_paths(source)
    arch = read_keras1_architecture(json_path)
    weights = read_keras1_weights(h5_path)
    network = Keras1Network(name or h5_path.parent.name or "keras1_model", arch, {})
    previous_units = None
    for layer, layer_name in zip(arch.layers, network.layer_names(), strict=True):
        if layer.kind in ("pool", "dropout"):
            continue
        if layer.name not in weights:
            raise ValueError(f"{h5_path}: no weights for layer {layer.name!r} of {json_path}")
        arrays, cfg = weights[layer.name], layer.config
        if layer.kind == "conv":
            filters = cfg["filters"]
            expected = [(filters, arch.channels, 1, cfg["width"])] + [(filters,)] * cfg["use_bias"]
            _check_shapes(h5_path, layer.name, arrays, expected)
            arrays = [convolution_kernel_from_keras1(arrays[0], flip=flip_kernel), *arrays[1:]]
            previous_units = filters
        else:
            units = cfg["units"]
            expected = [(previous_units, units)] + [(units,)] * cfg["use_bias"]
            _check_shapes(h5_path, layer.name, arrays, expected)
            previous_units = units
        network.arrays[layer_name] = [np.asarray(a, dtype=np.float32) for a in arrays]
    return network


def load_keras1_model(
    source: str | Path | tuple[str | Path, str | Path],
    *,
    flip_kernel: bool = True,
    name: str | None = None,
) -> keras.Model:
    """Rebuild a published Keras 1.2 / Theano model as a Keras 3 functional model.

    Parameters
    ----------
    source : path or (json_path, h5_path)
        A model folder holding ``16_G_best_archit.json`` and ``16_G_bestmodel_weights.h5``,
        or the two files.
    flip_kernel : bool
        Reverse the convolution kernels (Theano's true convolution); keep the default.
    name : str, optional
        Model name; default the folder name of the weights file.

    Returns
    -------
    model : keras.Model
        Input ``X: shape=(n_sequences, length, 4)`` one-hot (A, C, G, T), float; output the
        logit ``z: shape=(n_sequences, 1)``. Layers ``conv``, ``pool``, ``dense_i``,
        ``dropout_i``, ``logits``; :func:`predict_proba` applies the published sigmoid.

    Raises
    ------
    ValueError
        As :func:`read_keras1_network`.
    """
    return read_keras1_network(source, flip_kernel=flip_kernel, name=name).to_keras()


def predict_proba(model: keras.Model, X: np.ndarray, *, batch_size: int = 1024) -> np.ndarray:
    """Sigmoid of the model's logit: ``X: shape=(n, length, 4)`` -> ``p: shape=(n,)`` in [0, 1]."""
    logits = model.predict(np.asarray(X, dtype=np.float32), batch_size=batch_size, verbose=0)
    return expit(np.asarray(logits, dtype=np.float64).reshape(len(X), -1)[:, 0])
