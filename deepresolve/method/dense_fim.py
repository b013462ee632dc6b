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

    def scores_and_gradients(
        self, h: np.ndarray, class_of_row: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """``h: (M, R, F)`` -> the score of each row's class ``(M, R)`` and its gradient
        ``dS/dH (M, R, F)``, float32; ``class_of_row: (R,)``."""
        x, masks = h, []
        for kernel, bias, activation in zip(
            self.kernels, self.biases, self.activations, strict=True
        ):
            z = np.matmul(x, kernel) + bias[:, None, :]
            if activation == "relu":
                masks.append(z > 0)
                x = np.where(masks[-1], z, np.float32(0))
            else:
                masks.append(None)
                x = z
        rows = np.arange(len(class_of_row))
        score = x[:, rows, class_of_row]
        upstream = np.zeros_like(x)
        upstream[:, rows, class_of_row] = 1
        for kernel, mask in zip(reversed(self.kernels), reversed(masks), strict=True):
            if mask is not None:
                upstream = np.where(mask, upstream, np.float32(0))
            upstream = np.matmul(upstream, np.swapaxes(kernel, 1, 2))
        return score, upstream


#: one network's Dense layers above the feature map, bottom first: (kernel, bias or None,
#: activation)
DenseLayers = Sequence[tuple[np.ndarray, np.ndarray | None, str]]


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

    Returns ``best_h (M, R, F)``, ``best_score``, ``best_obj``, ``steps``, ``converged``
    ``(M, R)``; ``describe_row(model, row)`` names a row in a divergence error.
    """
    l2, patience, max_steps = np.float32(params["l2"]), params["patience"], params["max_steps"]
    n_models, n_rows = upper.kernels[0].shape[0], len(class_of_row)
    h = np.broadcast_to(start.astype(np.float32), (n_models, *start.shape)).copy()
    found = {
        "best_h": h.copy(),
        "best_obj": np.full((n_models, n_rows), -np.inf, np.float32),
        "best_score": np.full((n_models, n_rows), np.nan, np.float32),
        "steps": np.full((n_models, n_rows), max_steps, np.int32),
        "converged": np.zeros((n_models, n_rows), bool),
    }
    hold = np.zeros((n_models, n_rows), np.int32)
    active = np.ones((n_models, n_rows), bool)
    live = np.arange(n_models)  # networks with a row still active
    live_upper = upper
    for step in range(max_steps + 1):
        x = h[live]
        with np.errstate(over="ignore", invalid="ignore"):  # a run away is checked just below
            score, grad = live_upper.scores_and_gradients(x, class_of_row)
            objective = score - l2 * np.sum(np.square(x), axis=-1)
            grad = grad - (l2 * np.float32(2)) * x
        on = active[live]
        finite = np.isfinite(objective) & np.isfinite(grad).all(axis=-1)
        bad = on & (~finite | (np.abs(x).max(axis=-1) > params["max_abs"]))
        if bad.any():
            model, row = np.argwhere(bad)[0]
            reason = 2 if finite[model, row] else 1
            raise_divergence(
                (row, step, reason),
                lambda row, model=live[model]: describe_row(model, row),
                params,
            )
        improved = on & (objective > found["best_obj"][live])
        for name, value in (("best_obj", objective), ("best_score", score)):
            found[name][live] = np.where(improved, value, found[name][live])
        found["best_h"][live] = np.where(improved[..., None], x, found["best_h"][live])
        held = np.where(improved, 0, np.where(on, hold[live] + 1, hold[live]))
        hold[live] = held
        patient = on & (held >= patience)
        stop = patient | (on & (step >= max_steps))
        found["converged"][live] |= patient
        found["steps"][live] = np.where(stop, step, found["steps"][live])
        on &= ~stop
        active[live] = on
        lr = step_size(step, params["learning_rate"], params["lr_decay_start"])
        h[live] = x + np.where(on[..., None], lr * grad, np.float32(0))
        if step % _LOG_EVERY == _LOG_EVERY - 1 or not on.any():
            log.info(
                "step %d: %d of %d runs active, mean best objective %.6g",
                step + 1,
                on.sum(),
                active.size,
                float(np.mean(found["best_obj"])),
            )
        still = on.any(axis=1)
        if not still.all():
            if not still.any():
                break
            live, live_upper = live[still], live_upper.take(np.flatnonzero(still))
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
    per_run = (len(indices), n_runs)
    results = []
    for model, name in enumerate(names):
        result = FIMResult(
            fims=found["best_h"][model].reshape(*per_run, upper.n_features),
            scores=found["best_score"][model].reshape(per_run).astype(np.float64),
            objectives=found["best_obj"][model].reshape(per_run).astype(np.float64),
            steps=found["steps"][model].reshape(per_run).astype(np.int64),
            converged=found["converged"][model].reshape(per_run),
            layer_name=layer_name,
            class_indices=indices.astype(np.int64),
            params=dict(params),
        )
        log.debug("%s done: %s", name, result.describe())
        results.append(result)
    return results
