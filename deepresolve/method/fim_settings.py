"""The settings of the FIMs' gradient ascent and what both of its engines share, without
TensorFlow: :class:`FimSettings` and their checks, the random starts (:func:`starts`), the step
size schedule (:func:`step_size`) and the divergence error.

The engines: :mod:`deepresolve.method.fim` (TensorFlow, any Keras model) and
:mod:`deepresolve.method.dense_fim` (NumPy, an upper network of Dense layers, as the 422
published TF models have). Jobs that only read settings import this module, not TensorFlow.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass

import numpy as np

#: the smallest step size of the decaying schedule (the authors' ``FIM_generation.py``)
MIN_LR = 1e-6

OPTION_NAMES = ("layer", "n_runs", "l2", "learning_rate", "patience", "max_steps", "lr_decay_start")


@dataclass(frozen=True)
class FimSettings:
    """Gradient-ascent settings of the FIMs, stated once for :func:`feature_importance_maps` and
    :func:`feature_importance_maps_many` (both take them as keyword arguments, or as
    ``settings=`` plus overrides). The workflow's values come from one config block per analysis
    (:func:`deepresolve.config.validate.fim_settings`, config/README.md says why each has its
    values); these defaults are the library's.
    """

    #: random standard-normal starts per class (paper §2: "multiple runs with different random
    #: initializations", no number given; 10 is config/config.yaml's ``deepresolve.n_runs``)
    n_runs: int = 10
    #: ``lambda`` of the ``||H||_2^2`` penalty (paper §2 gives none; the synthetic analysis's
    #: value, docs/synthetic.md)
    l2: float = 0.01
    #: step size up to ``lr_decay_start`` (paper: none; the synthetic analysis's value)
    learning_rate: float = 0.1
    #: steps without a better objective that end a run (the authors' ``FIM_generation.py``)
    patience: int = 10
    #: hard cap on the steps of a run (this workflow's; the released script has no cap)
    max_steps: int = 10000
    #: step after which the step size decays as ``(i - lr_decay_start) ** -0.2`` (the authors'
    #: ``FIM_generation.py``)
    lr_decay_start: int = 500
    #: seed of ``numpy.random.default_rng`` drawing the starts
    seed: int = 0
    #: ``|H|`` above this counts as diverged (:class:`FIMDivergenceError`)
    max_abs: float = 1e6

    def params(self) -> dict:
        """The settings as the ascent's ``params`` dict, checked (:func:`ascent_settings`)."""
        return ascent_settings(**asdict(self))


def fim_options(settings: Mapping) -> dict:
    """The keyword arguments of :func:`feature_importance_maps` found in ``settings``: one
    analysis's block of the workflow config (:func:`deepresolve.config.validate.fim_settings`),
    which also holds keys for later steps such as ``oniv_mode``."""
    return {name: settings[name] for name in OPTION_NAMES if name in settings}


class FIMDivergenceError(ValueError):
    """Gradient ascent ran away: a non-finite objective/gradient or ``|H| > max_abs``."""


def class_indices(classes, n_outputs: int) -> np.ndarray:
    """``classes`` (``None``: all ``n_outputs``) as int indices, checked against the outputs."""
    if classes is None:
        return np.arange(n_outputs)
    indices = np.atleast_1d(np.asarray(classes))
    if indices.ndim != 1 or indices.size == 0 or not np.issubdtype(indices.dtype, np.integer):
        raise ValueError(f"classes: expected a non-empty list of class indices, got {classes!r}")
    bad = indices[(indices < 0) | (indices >= n_outputs)]
    if bad.size:
        raise ValueError(f"classes {bad.tolist()} out of range for {n_outputs} model outputs")
    return indices


def check_params(n_runs, l2, learning_rate, patience, max_steps, lr_decay_start, max_abs):
    checks = {
        "n_runs": n_runs >= 1,
        "l2": l2 >= 0,
        "learning_rate": learning_rate > 0,
        "patience": patience >= 1,
        "max_steps": max_steps >= 0,
        "lr_decay_start": lr_decay_start >= 0,
        "max_abs": max_abs > 0,
    }
    bad = [name for name, ok in checks.items() if not ok]
    if bad:
        raise ValueError(f"invalid FIM settings: {', '.join(bad)}")


def ascent_settings(n_runs, l2, learning_rate, patience, max_steps, lr_decay_start, seed, max_abs):
    """The ascent's ``params`` dict, each value checked (``ValueError`` naming the bad ones)."""
    check_params(n_runs, l2, learning_rate, patience, max_steps, lr_decay_start, max_abs)
    return {
        "n_runs": n_runs,
        "l2": l2,
        "learning_rate": learning_rate,
        "patience": patience,
        "max_steps": max_steps,
        "lr_decay_start": lr_decay_start,
        "seed": seed,
        "max_abs": max_abs,
    }


_SKIP_BLOCK = 256  # rows of normals drawn at a time while skipping to a chunk's first start


def starts(seed: int, n_rows: int, shape: tuple[int, ...], first_row: int = 0) -> np.ndarray:
    """Standard-normal starts: rows ``first_row .. first_row + n_rows - 1`` of
    ``default_rng(seed).standard_normal((*, *shape))``, float32.

    The rows before ``first_row`` are drawn in blocks and dropped (the generator's normals come
    one after another), so a chunk of classes gets exactly the starts that one call over all
    classes gives it, with at most ``max(256, n_rows)`` rows in memory.
    """
    if first_row < 0 or n_rows < 1:
        raise ValueError(f"first_row ({first_row}) must be >= 0 and n_rows ({n_rows}) >= 1")
    rng = np.random.default_rng(seed)
    shape = tuple(int(d) for d in shape)
    for skipped in range(0, first_row, _SKIP_BLOCK):
        rng.standard_normal((min(_SKIP_BLOCK, first_row - skipped), *shape))
    return rng.standard_normal((n_rows, *shape)).astype(np.float32)


def step_size(step: int, learning_rate: float, lr_decay_start: int) -> np.float32:
    """The step size at ``step``: ``learning_rate`` up to ``lr_decay_start``, then
    ``max(learning_rate * (step - lr_decay_start) ** -0.2, MIN_LR)``, in float32 as the
    TensorFlow engine computes it."""
    if step <= lr_decay_start:
        return np.float32(learning_rate)
    decayed = np.float32(learning_rate) * np.power(
        np.float32(max(step - lr_decay_start, 1)), np.float32(-0.2)
    )
    return np.float32(max(decayed, np.float32(MIN_LR)))


def raise_divergence(failure, describe_row, params) -> None:
    """Raise :class:`FIMDivergenceError` for ``failure = (row, step, reason)`` (reason 1: not
    finite, 2: ``|H| > max_abs``), naming the row with ``describe_row`` and the
    settings to change."""
    row, step, reason = (int(v) for v in failure)
    what = (
        "a non-finite objective or gradient"
        if reason == 1
        else f"|H| above max_abs={params['max_abs']:g}"
    )
    raise FIMDivergenceError(
        f"gradient ascent diverged for {describe_row(row)}, at step {step}: {what}. "
        f"Raise l2 (now {params['l2']:g}) or lower learning_rate (now "
        f"{params['learning_rate']:g})."
    )
