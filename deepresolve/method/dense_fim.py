"""FIMs of networks whose part above the feature map is Dense layers only, in NumPy.

The 422 published TF models (:class:`deepresolve.models.keras1.Keras1Network`) are
``conv -> pool -> Dense(32, relu) -> Dropout -> Dense(1)``: above the pooled filters (their FIM
layer, ``H: (16,)``) the class score is two small matrix products. This engine runs the gradient
ascent of :mod:`deepresolve.method.fim` on them with NumPy: the same settings
(:class:`~deepresolve.method.fim_settings.FimSettings`), the same starts, the same objective
``S_c(H) - l2 * ||H||^2`` with its gradient written out (back-propagation through ReLU and linear
Dense layers), the same stopping rule, step-size schedule and divergence check, each step in
float32 as the TensorFlow engine computes it. It needs no TensorFlow, so a per-TF rerun does not
import it (a few seconds of a job that computes for a fraction of a second).

The two engines agree up to float32 rounding (matrix products summed in another order), as the
TensorFlow engine's batched and single-model paths do; ``tests/test_dense_fim.py`` compares
them on published models.

Shapes: ``M`` models of one architecture, ``R = C x T`` rows per model (classes x runs), ``F``
feature-map values; Dense kernel ``(n_in, n_out)``.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from deepresolve.method.fim_result import FIMResult
from deepresolve.method.fim_settings import (
    FimSettings,
    class_indices,
    raise_divergence,
    starts,
    step_size,
)

log = logging.getLogger(__name__)

#: activations this engine differentiates (the published models' hidden layers are ReLU)
ACTIVATIONS = ("relu", "linear")
#: activations of the output layer that the class score is taken before (paper §2)
SQUASHING = ("sigmoid", "softmax")
_LOG_EVERY = 500  # steps between progress lines, as the TensorFlow engine's chunks


@dataclass(frozen=True)
class DenseUpper:
    """The Dense layers above the feature map of ``M`` networks of one architecture, stacked.

    ``kernels[i]: (M, n_in, n_out)`` and ``biases[i]: (M, n_out)`` float32, ``activations[i]``
    one of :data:`ACTIVATIONS` (the last layer's is the class score's: linear).
    """

    kernels: tuple[np.ndarray, ...]
    biases: tuple[np.ndarray, ...]
    activations: tuple[str, ...]

    @property
    def n_classes(self) -> int:
        return int(self.kernels[-1].shape[-1])

    @property
    def n_features(self) -> int:
        return int(self.kernels[0].shape[1])

    def take(self, models: np.ndarray) -> DenseUpper:
        """The networks at positions ``models`` (int array) only."""
        return replace(
            self,
            kernels=tuple(k[models] for k in self.kernels),
            biases=tuple(b[models] for b in self.biases),
        )

    def gradient_function(self, class_of_row: np.ndarray):
        """``f(h: (M, R, F)) -> (score (M, R), dS/dH (M, R, F))``, float32: each row's score
        of its class ``class_of_row: (R,)`` and the score's gradient (back-propagation through
        the Dense layers, ReLU masks of the forward pass)."""
        kernels_t = [np.ascontiguousarray(np.swapaxes(k, 1, 2)) for k in self.kernels]
        biases = [b[:, None, :] for b in self.biases]
        relu = [a == "relu" for a in self.activations]
        rows = np.arange(len(class_of_row))
        onehot = np.zeros((1, len(class_of_row), self.n_classes), np.float32)
        onehot[0, rows, class_of_row] = 1
        zero = np.float32(0)
        single = self.n_classes == 1  # one output: the score is a view, no gather

        def scores_and_gradients(h):
            x, masks = h, []
            for kernel, bias, is_relu in zip(self.kernels, biases, relu, strict=True):
                z = np.matmul(x, kernel)
                z += bias
                masks.append(z > 0 if is_relu else None)
                x = np.maximum(z, zero) if is_relu else z
            upstream = onehot
            for kernel_t, mask in zip(reversed(kernels_t), reversed(masks), strict=True):
                if mask is not None:
                    upstream = upstream * mask
                upstream = np.matmul(upstream, kernel_t)
            return (x[..., 0] if single else x[:, rows, class_of_row]), upstream

        return scores_and_gradients


#: one network's Dense layers above the feature map, bottom first: (kernel, bias or None,
#: activation)
DenseLayers = Sequence[tuple[np.ndarray, np.ndarray | None, str]]


def keras_dense_layers(upper) -> list[tuple[np.ndarray, np.ndarray | None, str]]:
    """The Dense layers of a Keras model, as this engine takes them: e.g. the upper network of
    :func:`deepresolve.method.network.split_model` of a global-pooling CNN (its other layers,
    dropout and input, compute nothing at inference)."""
    return [
        (
            layer.kernel.numpy(),
            layer.bias.numpy() if layer.use_bias else None,
            layer.activation.__name__,
        )
        for layer in upper.layers
        if hasattr(layer, "kernel")
    ]


def dense_upper(layers: Sequence[DenseLayers]) -> DenseUpper:
    """Stack ``M`` networks given as ``[(kernel (n_in, n_out), bias (n_out,) or None,
    activation), ...]`` each, bottom layer first; the last layer's activation is dropped when
    it is a sigmoid or softmax (the score before it). Raises ``ValueError`` for networks of
    different shapes or an activation other than :data:`ACTIVATIONS`."""
    first = layers[0]
    shapes = [[np.shape(kernel) for kernel, _, _ in network] for network in layers]
    names = [[activation for _, _, activation in network] for network in layers]
    if any(shape != shapes[0] for shape in shapes) or any(n != names[0] for n in names):
        raise ValueError("the dense networks differ in their layers: stack one architecture only")
    activations = list(names[0])
    if activations[-1] in SQUASHING:
        activations[-1] = "linear"
    unsupported = sorted(set(activations) - set(ACTIVATIONS))
    if unsupported:
        raise ValueError(
            f"dense FIM engine: activations {unsupported} are not supported ({ACTIVATIONS}); "
            "use the TensorFlow engine (deepresolve.method.fim)"
        )
    kernels, biases = [], []
    for index, (kernel, _, _) in enumerate(first):
        kernels.append(np.stack([np.asarray(n[index][0], np.float32) for n in layers]))
        biases.append(
            np.stack(
                [
                    np.zeros(np.shape(kernel)[1], np.float32)
                    if n[index][1] is None
                    else np.asarray(n[index][1], np.float32)
                    for n in layers
                ]
            )
        )
    return DenseUpper(tuple(kernels), tuple(biases), tuple(activations))


def ascend_dense(
    upper: DenseUpper, class_of_row: np.ndarray, start: np.ndarray, params: dict, describe_row
) -> dict[str, np.ndarray]:
    """Gradient ascent of every row of every network from ``start: (R, F)`` (the same starts
    for each network), until every row stops; the rule of :func:`deepresolve.method.fim.ascend`
    (a row's hold counter resets on a better objective; it stops at ``patience`` or
    ``max_steps``; the best-objective map is kept).

    The state of the networks with a row still running is kept compact; a network whose rows
    have all stopped leaves it (its results are written out), as groups leave the TensorFlow
    engine's batch. Returns ``best_h (M, R, F)``, ``best_score``, ``best_obj``, ``steps``,
    ``converged`` ``(M, R)``; ``describe_row(model, row)`` names a row in a divergence error.
    """
    l2, patience, max_steps = np.float32(params["l2"]), params["patience"], params["max_steps"]
    two_l2, max_abs = np.float32(2) * l2, params["max_abs"]
    n_models, n_rows = upper.kernels[0].shape[0], len(class_of_row)
    h = np.broadcast_to(start.astype(np.float32), (n_models, *start.shape)).copy()
    state = {
        "best_h": h.copy(),
        "best_obj": np.full((n_models, n_rows), -np.inf, np.float32),
        "best_score": np.full((n_models, n_rows), np.nan, np.float32),
        "steps": np.full((n_models, n_rows), max_steps, np.int32),
        "converged": np.zeros((n_models, n_rows), bool),
    }
    found = {name: np.empty_like(value) for name, value in state.items()}
    hold = np.zeros((n_models, n_rows), np.int32)
    on = np.ones((n_models, n_rows), bool)
    live = np.arange(n_models)  # the networks in the compact state, by position
    gradient = upper.gradient_function(class_of_row)
    for step in range(max_steps + 1):
        with np.errstate(over="ignore", invalid="ignore"):  # a run away is checked just below
            score, grad = gradient(h)
            objective = score - l2 * np.square(h).sum(axis=-1)
            grad -= two_l2 * h
            total = objective.sum() + grad.sum()  # not finite when a value is not (or huge)
        if not np.isfinite(total) or h.max() > max_abs or h.min() < -max_abs:
            finite = np.isfinite(objective) & np.isfinite(grad).all(axis=-1)
            bad = on & (~finite | (np.abs(h).max(axis=-1) > max_abs))
            if bad.any():  # stopped rows keep their finite maps: only a running row is bad
                model, row = np.argwhere(bad)[0]
                raise_divergence(
                    (row, step, 2 if finite[model, row] else 1),
                    lambda row, model=live[model]: describe_row(model, row),
                    params,
                )
        improved = on & (objective > state["best_obj"])
        np.copyto(state["best_obj"], objective, where=improved)
        np.copyto(state["best_score"], score, where=improved)
        np.copyto(state["best_h"], h, where=improved[..., None])
        hold = np.where(improved, 0, hold + on)
        patient = on & (hold >= patience)
        stop = on if step >= max_steps else patient
        state["converged"] |= patient
        np.copyto(state["steps"], step, where=stop)
        on &= ~stop
        lr = step_size(step, params["learning_rate"], params["lr_decay_start"])
        grad *= lr
        h += np.where(on[..., None], grad, np.float32(0))
        if step % _LOG_EVERY == _LOG_EVERY - 1:
            log.info("step %d: %d of %d runs active", step + 1, on.sum(), n_models * n_rows)
        if step < max_steps and not patient.any():
            continue  # no run stopped: the same networks go on
        still = on.any(axis=1)
        if not still.all():
            done = ~still
            for name, value in state.items():
                found[name][live[done]] = value[done]
            if not still.any():
                break
            live, keep = live[still], np.flatnonzero(still)
            state = {name: value[keep] for name, value in state.items()}
            h, hold, on = h[keep], hold[keep], on[keep]
            gradient = upper.take(live).gradient_function(class_of_row)
    log.info(
        "all %d runs stopped by step %d, mean best objective %.6g",
        n_models * n_rows,
        step,
        float(np.mean(found["best_obj"])),
    )
    return found


def dense_feature_importance_maps(
    networks: Sequence[DenseLayers],
    *,
    names: Sequence[str],
    layer_name: str,
    classes=None,
    settings: FimSettings | None = None,
    **overrides,
) -> list[FIMResult]:
    """FIMs of ``M`` dense upper networks of one architecture, in one NumPy ascent.

    Parameters
    ----------
    networks : sequence of layer lists
        Each network's Dense layers above the feature map, bottom first:
        ``[(kernel (n_in, n_out), bias (n_out,) or None, activation), ...]`` (:func:`dense_upper`).
    names : sequence of str
        A name per network, for log lines and errors.
    layer_name : str
        The feature-map layer, recorded in each :class:`FIMResult`.
    classes, settings, overrides
        As :func:`deepresolve.method.fim.feature_importance_maps`; every network's starts are
        drawn from ``seed`` as that function draws them for one model.

    Returns
    -------
    list of FIMResult
        One per network, ``fims (C, T, F)``.
    """
    chosen = replace(settings or FimSettings(), **overrides)
    params, n_runs = chosen.params(), chosen.n_runs
    upper = dense_upper(networks)
    if len(names) != len(networks):
        raise ValueError(f"names: expected {len(networks)} names, got {len(names)}")
    indices = class_indices(classes, upper.n_classes)
    log.info(
        "FIMs of %d dense networks (NumPy) at layer %s, %d values: %d classes x %d runs, %s",
        len(networks),
        layer_name,
        upper.n_features,
        len(indices),
        n_runs,
        params,
    )
    class_of_row = np.repeat(indices, n_runs)
    start = starts(chosen.seed, len(class_of_row), (upper.n_features,))

    def describe(model, row):
        return f"model {names[model]}, class {int(indices[row // n_runs])}, run {row % n_runs}"

    found = ascend_dense(upper, class_of_row, start, params, describe)
    results = []
    for model, name in enumerate(names):
        result = FIMResult.from_ascent(
            found, model, (upper.n_features,), layer_name, indices, params
        )
        log.debug("%s done: %s", name, result.describe())
        results.append(result)
    return results
