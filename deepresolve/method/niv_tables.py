"""Tidy tables (TSV) of NIVs and ONIVs, and their way back to arrays.

Long format, one row per value, so that a person can read them and pandas can pivot them:

- NIV table: ``class_index, class, run, neuron, niv, score`` (``score`` = S_c of the run's FIM).
- ONIV table: ``class_index, class, neuron, oniv, variance, nonlinear``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def _class_names(table: pd.DataFrame) -> list[str]:
    pairs = table[["class_index", "class"]].drop_duplicates().sort_values("class_index")
    return pairs["class"].astype(str).tolist()


def niv_table(nivs: np.ndarray, scores: np.ndarray, class_names: list[str]) -> pd.DataFrame:
    """``nivs: (n_classes, n_runs, n_neurons)``, ``scores: (n_classes, n_runs)`` -> DataFrame."""
    n_classes, n_runs, n_neurons = nivs.shape
    cls, run, neuron = np.meshgrid(
        np.arange(n_classes), np.arange(n_runs), np.arange(n_neurons), indexing="ij"
    )
    return pd.DataFrame(
        {
            "class_index": cls.ravel(),
            "class": np.asarray(class_names)[cls.ravel()],
            "run": run.ravel(),
            "neuron": neuron.ravel(),
            "niv": nivs.ravel(),
            "score": np.repeat(scores.ravel(), n_neurons),
        }
    )


def read_niv_table(table: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Inverse of :func:`niv_table`: ``(nivs (C, T, K), scores (C, T), class_names)``."""
    class_names = _class_names(table)
    n_runs = table["run"].max() + 1
    n_neurons = table["neuron"].max() + 1
    nivs = np.full((len(class_names), n_runs, n_neurons), np.nan)
    scores = np.full((len(class_names), n_runs), np.nan)
    c = table["class_index"].to_numpy()
    nivs[c, table["run"], table["neuron"]] = table["niv"]
    scores[c, table["run"]] = table["score"]
    return nivs, scores, class_names


def oniv_table(
    oniv: np.ndarray, variance: np.ndarray, nonlinear: np.ndarray, class_names: list[str]
) -> pd.DataFrame:
    """``oniv, variance, nonlinear: (n_classes, n_neurons)`` -> DataFrame."""
    n_classes, n_neurons = oniv.shape
    cls, neuron = np.meshgrid(np.arange(n_classes), np.arange(n_neurons), indexing="ij")
    return pd.DataFrame(
        {
            "class_index": cls.ravel(),
            "class": np.asarray(class_names)[cls.ravel()],
            "neuron": neuron.ravel(),
            "oniv": oniv.ravel(),
            "variance": variance.ravel(),
            "nonlinear": nonlinear.ravel().astype(bool),
        }
    )


def read_oniv_table(
    table: pd.DataFrame,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str]]:
    """Inverse of :func:`oniv_table`: ``(oniv, variance, nonlinear, class_names)``."""
    class_names = _class_names(table)
    shape = (len(class_names), table["neuron"].max() + 1)
    ordered = table.sort_values(["class_index", "neuron"])
    oniv = ordered["oniv"].to_numpy(float).reshape(shape)
    variance = ordered["variance"].to_numpy(float).reshape(shape)
    nonlinear = ordered["nonlinear"].to_numpy(bool).reshape(shape)
    return oniv, variance, nonlinear, class_names
