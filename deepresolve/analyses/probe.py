"""How a trained network computes its logic: a probe beside the paper's claims (beyond the
paper).

Two views of one network trained on a synthetic dataset:

- :func:`constructed_scores`: the class score on constructed sequences, pattern-free uniform
  backgrounds into which every combination of a class's patterns is planted (neither / A only /
  B only / both; 8 cases for dataset III), the same backgrounds and positions in every case.
  ``computes_logic`` says whether every combination the class's rule labels 1 scores above
  every combination labelled 0.
- :func:`score_landscape`: the upper network's score over the two XOR pattern neurons. From
  the feature maps ``H`` of the backgrounds with nothing, A only and B only planted (plus any
  fixed patterns, CAGGTC for dataset III), ``H(a, b) = H_0 + a dA + b dB``, where ``dA`` is
  the change that planting A makes in the channels of A's filters (every other channel stays
  at background), and likewise ``dB``. ``a = 1`` is the value a planted copy gives.
  :func:`landscape_dependence` then says whether, on the grid ``0 <= a, b <= max_scale``, the
  score is better described as a function of ``a + b`` (a bump in the summed evidence,
  "exactly one pattern present") or of ``a - b`` (the two neurons pull against each other):
  the share of the landscape's variance each one-variable function explains.

What the landscape does not say: it looks at ``a, b >= 0`` only (from background to a planted
copy, every other channel held at background), while the gradient ascent behind the NIVs moves
every channel, can drive a neuron below background, and ends where its start and the upper
network take it. So the landscape summarises how the upper network combines the two patterns'
evidence; it does not predict where the ascent ends, the NIV signs or the claim's verdict
(those are measured: :func:`deepresolve.analyses.claims.xor_category`).

Shapes: ``x: (n, L, 4)`` one-hot sequences; ``H: (n, *feature_shape)``; scores are the
model's class logits ``S_c``.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence

import numpy as np

from deepresolve.analyses.claims import DATASET_III_LINEAR, XOR_PAIRS
from deepresolve.datasets.sequences import indices_to_one_hot
from deepresolve.datasets.synthetic import DATASETS, background, place_patterns, write_patterns
from deepresolve.method.network import SplitModel, split_model

# Dataset -> (the two XOR patterns, patterns present throughout), class 0 of the dataset.
XOR_PATTERNS: dict[str, tuple[tuple[str, str], tuple[str, ...]]] = {
    "I": (XOR_PAIRS["I"], ()),
    "III": (XOR_PAIRS["III"], DATASET_III_LINEAR),
}


def constructed_sequences(
    patterns: Sequence[str],
    all_patterns: Sequence[str],
    *,
    n_sequences: int,
    length: int,
    seed: int,
) -> tuple[list[tuple[str, ...]], np.ndarray]:
    """Every combination of ``patterns`` planted into the same pattern-free backgrounds.

    Backgrounds are uniform and free of every pattern of ``all_patterns``; each pattern has one
    random position per background (non-overlapping, the same in every combination).

    Returns
    -------
    (combinations, x)
        ``combinations``: the ``2^m`` subsets of ``patterns`` (tuples, by size, then in the
        order of ``patterns``);
        ``x: uint8 array, shape=(2^m, n_sequences, length, 4)``.
    """
    rng = np.random.default_rng(np.random.SeedSequence([seed, 12]))
    base = background(n_sequences, length, list(all_patterns), rng)
    starts = place_patterns(np.ones((n_sequences, len(patterns)), bool), patterns, length, rng)
    flags = sorted(
        itertools.product([False, True], repeat=len(patterns)),
        key=lambda flag: (sum(flag), [not f for f in flag]),
    )
    combinations, x = [], []
    for flag in flags:
        indices = base.copy()
        write_patterns(indices, np.where(np.array(flag)[None], starts, -1), patterns)
        combinations.append(tuple(p for p, f in zip(patterns, flag, strict=True) if f))
        x.append(indices_to_one_hot(indices))
    return combinations, np.stack(x)


def _batched(network, values: np.ndarray, batch_size: int = 4096) -> np.ndarray:
    """``network(values)`` in batches; a direct call (``predict`` costs more per call here)."""
    values = values.astype(np.float32)
    return np.concatenate(
        [
            np.asarray(network(values[start : start + batch_size], training=False))
            for start in range(0, len(values), batch_size)
        ]
    )


def _feature_maps(split: SplitModel, x: np.ndarray) -> np.ndarray:
    return _batched(split.lower, x)


def _scores(split: SplitModel, h: np.ndarray, class_index: int) -> np.ndarray:
    return _batched(split.upper, h)[:, class_index]


def constructed_scores(
    split: SplitModel, dataset: str, class_index: int, *, n_sequences: int, seed: int
) -> dict:
    """Mean and s.d. of one class's score on every combination of the class's patterns.

    Returns
    -------
    dict with ``cases`` (one dict per combination: ``patterns``, ``label`` by the dataset's
    rule, ``mean_score``, ``sd_score``) and ``computes_logic`` (every label-1 case scores
    above every label-0 case; ``None`` when one label value is missing).
    """
    spec = DATASETS[dataset]
    class_name = spec.class_names[class_index]
    patterns = spec.class_patterns[class_name]
    length = int(split.lower.inputs[0].shape[1])
    combinations, x = constructed_sequences(
        patterns, spec.patterns, n_sequences=n_sequences, length=length, seed=seed
    )
    cases = []
    for combination, xs in zip(combinations, x, strict=True):
        present = np.array([[p in combination for p in spec.patterns]])
        scores = _scores(split, _feature_maps(split, xs), class_index)
        cases.append(
            {
                "patterns": list(combination),
                "label": int(spec.labels(present)[0, class_index]),
                "mean_score": float(scores.mean()),
                "sd_score": float(scores.std()),
            }
        )
    positive = [c["mean_score"] for c in cases if c["label"] == 1]
    negative = [c["mean_score"] for c in cases if c["label"] == 0]
    logic = bool(min(positive) > max(negative)) if positive and negative else None
    return {"class": class_name, "cases": cases, "computes_logic": logic}


def score_landscape(
    split: SplitModel,
    dataset: str,
    filter_sets: Mapping[str, Sequence[int]],
    *,
    n_sequences: int,
    grid_size: int,
    max_scale: float,
    seed: int,
) -> dict:
    """Class 0's score over the two XOR pattern neurons of ``dataset`` (see the module doc).

    Parameters
    ----------
    split: SplitModel
        The network cut at the FIM layer.
    dataset: str
        "I" or "III" (:data:`XOR_PATTERNS`).
    filter_sets: dict of str -> list of int
        Pattern -> its filters (the channels ``dA``, ``dB`` act on).
    n_sequences: int
        Backgrounds the score is averaged over.
    grid_size, max_scale:
        ``a`` and ``b`` take ``grid_size`` values from 0 to ``max_scale``.

    Returns
    -------
    dict with ``patterns`` (A, B), ``fixed`` (patterns present throughout), ``scale`` (grid
    values), ``score`` (``grid_size x grid_size`` list, ``score[i][j]`` at ``a = scale[i]``,
    ``b = scale[j]``) and the numbers of :func:`landscape_dependence`.
    """
    (a, b), fixed = XOR_PATTERNS[dataset]
    spec = DATASETS[dataset]
    length = int(split.lower.inputs[0].shape[1])
    combinations, x = constructed_sequences(
        (*fixed, a, b), spec.patterns, n_sequences=n_sequences, length=length, seed=seed
    )
    by_name = dict(zip(combinations, x, strict=True))
    h0 = _feature_maps(split, by_name[tuple(fixed)])
    deltas = []
    for pattern in (a, b):
        mask = np.zeros(h0.shape[-1], dtype=np.float32)
        mask[list(filter_sets[pattern])] = 1.0
        deltas.append((_feature_maps(split, by_name[(*fixed, pattern)]) - h0) * mask)
    scale = np.linspace(0.0, max_scale, grid_size)
    score = np.empty((grid_size, grid_size))
    for i, ta in enumerate(scale):
        tb = scale.reshape(-1, *[1] * h0.ndim)  # (grid_size, 1, ...) against (n, *features)
        h = h0[None] + ta * deltas[0][None] + tb * deltas[1][None]
        flat = h.reshape(-1, *h0.shape[1:])
        score[i] = _scores(split, flat, 0).reshape(grid_size, -1).mean(axis=1)
    return {
        "patterns": [a, b],
        "fixed": list(fixed),
        "scale": scale.tolist(),
        "score": score.tolist(),
        **landscape_dependence(score),
    }


def _explained(values: np.ndarray, groups: np.ndarray) -> float:
    """Share of the variance of ``values`` explained by their group means (R^2 of a one-way
    fit); 0 for a constant landscape."""
    total = ((values - values.mean()) ** 2).sum()
    if total == 0:
        return 0.0
    means = np.zeros(groups.max() + 1)
    np.add.at(means, groups, values)
    means /= np.bincount(groups)
    return float(1 - ((values - means[groups]) ** 2).sum() / total)


def landscape_dependence(score: np.ndarray) -> dict:
    """Whether a landscape on a square grid is a function of ``a + b`` or of ``a - b``.

    ``score: array, shape=(G, G)``, ``score[i, j]`` at ``a = i``, ``b = j`` grid steps.

    Returns
    -------
    dict with ``r2_sum`` (share of the variance explained by the best function of
    ``a + b``), ``r2_difference`` (of ``a - b``), ``depends_on`` ("a + b" or "a - b", the
    larger) and ``difference_minus_sum``.
    """
    score = np.asarray(score, dtype=float)
    g = score.shape[0]
    if score.shape != (g, g):
        raise ValueError(f"score: expected a square grid, got {score.shape}")
    i, j = np.meshgrid(np.arange(g), np.arange(g), indexing="ij")
    r2_sum = _explained(score.ravel(), (i + j).ravel())
    r2_difference = _explained(score.ravel(), (i - j + g - 1).ravel())
    return {
        "r2_sum": r2_sum,
        "r2_difference": r2_difference,
        "difference_minus_sum": r2_difference - r2_sum,
        "depends_on": "a - b" if r2_difference > r2_sum else "a + b",
    }


def probe_network(
    model,
    dataset: str,
    filter_sets: Mapping[str, Sequence[int]],
    *,
    n_sequences: int,
    grid_size: int,
    max_scale: float,
    seed: int,
    layer: str | None = None,
) -> dict:
    """Constructed-sequence scores of every class, and the XOR landscape (datasets I, III).

    ``model``: a trained Keras model (split at ``layer``, default the conv/dense border, as the
    FIMs). Returns ``constructed`` (one :func:`constructed_scores` dict per class),
    ``computes_logic`` (all classes) and ``landscape`` (:func:`score_landscape`, or ``None``
    for datasets without XOR).
    """
    split = split_model(model, layer)
    constructed = [
        constructed_scores(split, dataset, c, n_sequences=n_sequences, seed=seed)
        for c in range(len(DATASETS[dataset].class_names))
    ]
    landscape = None
    if dataset in XOR_PATTERNS:
        landscape = score_landscape(
            split,
            dataset,
            filter_sets,
            n_sequences=n_sequences,
            grid_size=grid_size,
            max_scale=max_scale,
            seed=seed,
        )
    return {
        "constructed": constructed,
        "computes_logic": all(c["computes_logic"] is not False for c in constructed),
        "landscape": landscape,
    }
