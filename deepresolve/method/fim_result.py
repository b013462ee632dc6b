"""The result of :func:`deepresolve.method.fim.feature_importance_maps`: FIMs of every class and
run, with
their scores and steps, and its ``.npz`` file. Without TensorFlow, so that the jobs that read FIMs
(NIVs, ONIVs, merging chunks) do not import it."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field

import numpy as np

from deepresolve.core.files import atomic_write, read_npz

# the arrays of a file of FIMResult.save
FIM_KEYS = (
    "fims",
    "scores",
    "objectives",
    "steps",
    "converged",
    "layer_name",
    "class_indices",
    "params",
)


@dataclass
class FIMResult:
    """Feature importance maps of every class and run.

    Attributes
    ----------
    fims : ndarray, shape=(C, T, *feature_shape), float32
        Best feature map (by objective) of each class and run.
    scores : ndarray, shape=(C, T)
        Class score ``S_c`` (before sigmoid/softmax) of each FIM.
    objectives : ndarray, shape=(C, T)
        ``S_c(H) - l2 * ||H||^2`` of each FIM.
    steps : ndarray, shape=(C, T), int
        Gradient steps taken by each run before it stopped.
    converged : ndarray, shape=(C, T), bool
        ``True`` where the run stopped by ``patience`` rather than by ``max_steps``.
    layer_name : str
        Layer whose output is the feature map.
    class_indices : ndarray, shape=(C,), int
        Output index of each class row.
    params : dict
        Optimisation settings (``n_runs``, ``l2``, ``learning_rate``, ...).
    """

    fims: np.ndarray
    scores: np.ndarray
    objectives: np.ndarray
    steps: np.ndarray
    converged: np.ndarray
    layer_name: str
    class_indices: np.ndarray
    params: dict = field(default_factory=dict)

    def save(self, path: str | os.PathLike) -> None:
        """Write to ``path`` (``.npz``) atomically: a temporary file in the same folder, renamed."""
        with atomic_write(path, "wb") as stream:
            np.savez_compressed(
                stream,
                fims=self.fims,
                scores=self.scores,
                objectives=self.objectives,
                steps=self.steps,
                converged=self.converged,
                layer_name=np.array(self.layer_name),
                class_indices=self.class_indices,
                params=np.array(json.dumps(self.params, sort_keys=True)),
            )

    def describe(self) -> str:
        """One line for logs: layer, shape, steps taken, runs stopped by patience."""
        return (
            f"layer {self.layer_name}, FIMs {self.fims.shape}, steps {self.steps.min()}-"
            f"{self.steps.max()}, {self.converged.sum()} of {self.converged.size} runs stopped "
            "by patience"
        )

    @classmethod
    def from_ascent(
        cls,
        found: dict[str, np.ndarray],
        rows,
        feature_shape: tuple[int, ...],
        layer_name: str,
        class_indices: np.ndarray,
        params: dict,
    ) -> FIMResult:
        """One model's result from an ascent's output (either engine: ``best_h``,
        ``best_score``, ``best_obj``, ``steps``, ``converged``), its ``C x T`` rows selected by
        ``rows`` (a slice of the rows, or the model's index)."""
        per_run = (len(class_indices), params["n_runs"])
        return cls(
            fims=found["best_h"][rows].reshape(*per_run, *feature_shape).astype(np.float32),
            scores=found["best_score"][rows].reshape(per_run).astype(np.float64),
            objectives=found["best_obj"][rows].reshape(per_run).astype(np.float64),
            steps=found["steps"][rows].reshape(per_run).astype(np.int64),
            converged=found["converged"][rows].reshape(per_run),
            layer_name=layer_name,
            class_indices=class_indices.astype(np.int64),
            params=dict(params),
        )

    @classmethod
    def load(cls, path: str | os.PathLike) -> FIMResult:
        """Read a result written by :meth:`save`; a truncated or corrupt file raises
        :class:`deepresolve.core.files.UnreadableFileError`."""
        data = read_npz(path, FIM_KEYS)
        return cls(
            fims=data["fims"],
            scores=data["scores"],
            objectives=data["objectives"],
            steps=data["steps"],
            converged=data["converged"],
            layer_name=str(data["layer_name"]),
            class_indices=data["class_indices"],
            params=json.loads(str(data["params"])),
        )
