"""The paper's claims about synthetic datasets I-IV, checked on computed NIVs, ONIVs and
similarity matrices.

Each ``claim_*`` function returns a JSON-serialisable dict with at least ``claim`` (the
sentence checked), ``passed`` (bool) and the numbers behind the verdict; a failed claim is
reported, never dropped. Neurons are 0-based filter indices (as in
:func:`deepresolve.motifs.pwm.assign_patterns`); classes are 0-based row indices, and pair labels
such as ``"1+2"`` use the paper's 1-based class numbers.

Shapes: ``T`` gradient-ascent runs, ``K`` neurons, ``C`` classes.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np

DATASET_III_LINEAR = ("CAGGTC",)
DATASET_III_NONLINEAR = ("GCTCAT", "CGCTTG")
# The two XOR patterns of class 0, per dataset with an XOR claim.
XOR_PAIRS = {"I": ("CGCTTG", "CAGATG"), "III": DATASET_III_NONLINEAR}
# What the NIV signs of the two XOR pattern neurons show (:func:`xor_category`), in the order
# a table lists them.
XOR_CATEGORIES = (
    "passed",
    "failed: signs flip",
    "failed: opposite, no flip",
    "failed: same signs",
    "not testable: shared filter",
)
DATASET_IV_SHARED_PAIRS = ((0, 1), (0, 2), (1, 2))
DATASET_IV_DISTINCT_CLASS = 3


def _ranks(values: np.ndarray) -> np.ndarray:
    """1-based rank of each entry when sorted in decreasing order (ties by index)."""
    order = np.argsort(-values, kind="stable")
    ranks = np.empty(len(values), dtype=int)
    ranks[order] = np.arange(1, len(values) + 1)
    return ranks


def claim_dataset_I(
    nivs_c: np.ndarray,
    variance_c: np.ndarray,
    neuron_a: int,
    neuron_b: int,
    min_opposite: int | None = None,
) -> dict:
    """Dataset I (XOR, §3.1, Figure 2): the two pattern neurons are the two highest-variance
    neurons and their NIVs take opposite signs in (almost) every run.

    Parameters
    ----------
    nivs_c: array, shape=(T, K)
        NIVs of the positive class, one row per run.
    variance_c: array, shape=(K,)
        Variance of each neuron's NIV over the runs.
    neuron_a, neuron_b: int
        Neurons capturing CGCTTG and CAGATG.
    min_opposite: int, optional
        Runs in which the signs must be opposite; default ``ceil(0.8 T)`` (8 of 10 runs).
    """
    nivs_c = np.asarray(nivs_c, dtype=float)
    variance_c = np.asarray(variance_c, dtype=float)
    n_runs, n_neurons = nivs_c.shape
    if variance_c.shape != (n_neurons,):
        raise ValueError(f"variance_c: expected shape ({n_neurons},), got {variance_c.shape}")
    if min_opposite is None:
        min_opposite = math.ceil(0.8 * n_runs)
    ranks = _ranks(variance_c)
    top_two = [int(n) for n in np.argsort(-variance_c, kind="stable")[:2]]
    opposite = np.sign(nivs_c[:, neuron_a]) * np.sign(nivs_c[:, neuron_b]) < 0
    top_variance = {neuron_a, neuron_b} == set(top_two)
    n_opposite = int(opposite.sum())
    return {
        "claim": "Dataset I: the two pattern neurons have the two largest NIV variances and "
        f"opposite NIV signs in at least {min_opposite} of {n_runs} runs",
        "passed": bool(top_variance and n_opposite >= min_opposite),
        "neurons": [int(neuron_a), int(neuron_b)],
        "top_variance_neurons": top_two,
        "variance": [float(variance_c[neuron_a]), float(variance_c[neuron_b])],
        "variance_rank": [int(ranks[neuron_a]), int(ranks[neuron_b])],
        "median_variance": float(np.median(variance_c)),
        "top_two_variance": top_variance,
        "n_opposite_sign_runs": n_opposite,
        "n_runs": int(n_runs),
        "min_opposite": int(min_opposite),
        "opposite_per_run": [bool(o) for o in opposite],
    }


def claim_dataset_II(
    oniv: np.ndarray,
    class_patterns: Mapping[str, Sequence[str]],
    pattern_neurons: Mapping[str, int],
    class_names: Sequence[str],
) -> dict:
    """Dataset II (AND/OR, §3.2, Figure 3): every planted pattern of a class is among that
    class's most important positive neurons.

    For a class with ``m`` patterns, each pattern's neuron must be among the ``m + 1`` neurons
    with the largest ONIV, and its ONIV must be > 0 (one slot of slack for a spurious neuron
    such as the paper's filter #28).

    Parameters
    ----------
    oniv: array, shape=(C, K)
        ONIV (or run-averaged NIV) per class, rows in the order of ``class_names``.
    class_patterns: dict of str -> list of str
        Class name -> planted patterns.
    pattern_neurons: dict of str -> int
        Pattern -> neuron capturing it (:func:`deepresolve.motifs.pwm.assign_patterns`).
    class_names: list of C str
    """
    oniv = np.asarray(oniv, dtype=float)
    if oniv.ndim != 2 or oniv.shape[0] != len(class_names):
        raise ValueError(f"oniv: expected shape ({len(class_names)}, K), got {oniv.shape}")
    per_class = {}
    for c, name in enumerate(class_names):
        patterns = list(class_patterns[name])
        k = len(patterns) + 1
        ranks = _ranks(oniv[c])
        top = [int(n) for n in np.argsort(-oniv[c], kind="stable")[:k]]
        found = {
            pattern: bool(
                ranks[pattern_neurons[pattern]] <= k and oniv[c, pattern_neurons[pattern]] > 0
            )
            for pattern in patterns
        }
        per_class[str(name)] = {
            "passed": all(found.values()),
            "k": k,
            "top_k_neurons": top,
            "top_k_oniv": [float(oniv[c, n]) for n in top],
            "patterns": {
                pattern: {
                    "neuron": int(pattern_neurons[pattern]),
                    "oniv": float(oniv[c, pattern_neurons[pattern]]),
                    "rank": int(ranks[pattern_neurons[pattern]]),
                    "in_top_k": found[pattern],
                }
                for pattern in patterns
            },
        }
    return {
        "claim": "Dataset II: in every class, each planted pattern's neuron is among the "
        "(number of patterns + 1) largest positive ONIV neurons",
        "passed": all(result["passed"] for result in per_class.values()),
        "classes": per_class,
    }


def claim_dataset_III(
    oniv_c: np.ndarray,
    nonlinear_c: np.ndarray,
    pattern_neurons: Mapping[str, int],
    *,
    top: int = 5,
    linear_patterns: Sequence[str] = DATASET_III_LINEAR,
    nonlinear_patterns: Sequence[str] = DATASET_III_NONLINEAR,
) -> dict:
    """Dataset III (AND + XOR, §3.3, Figure 4): the three pattern neurons have high ONIV,
    GCTCAT and CGCTTG are flagged non-linear and CAGGTC is not.

    "High" means: ONIV > 0 and among the ``top`` (default 5) largest ONIV values of the class.

    Parameters
    ----------
    oniv_c: array, shape=(K,)
        ONIV of the positive class.
    nonlinear_c: bool array, shape=(K,)
        Neurons flagged non-linear (large NIV variance).
    pattern_neurons: dict of str -> int
        Must hold every pattern of ``linear_patterns`` and ``nonlinear_patterns``.
    top: int
    linear_patterns, nonlinear_patterns: list of str
        Patterns expected to act linearly (AND) and non-linearly (XOR).
    """
    oniv_c = np.asarray(oniv_c, dtype=float)
    nonlinear_c = np.asarray(nonlinear_c, dtype=bool)
    if nonlinear_c.shape != oniv_c.shape:
        raise ValueError(f"nonlinear_c: expected shape {oniv_c.shape}, got {nonlinear_c.shape}")
    ranks = _ranks(oniv_c)
    patterns = {}
    for pattern in [*linear_patterns, *nonlinear_patterns]:
        neuron = int(pattern_neurons[pattern])
        expected = pattern in nonlinear_patterns
        high = bool(oniv_c[neuron] > 0 and ranks[neuron] <= top)
        patterns[pattern] = {
            "neuron": neuron,
            "oniv": float(oniv_c[neuron]),
            "rank": int(ranks[neuron]),
            "high_oniv": high,
            "nonlinear": bool(nonlinear_c[neuron]),
            "expected_nonlinear": expected,
            "passed": high and bool(nonlinear_c[neuron]) == expected,
        }
    return {
        "claim": f"Dataset III: the neurons of {', '.join(patterns)} are each among the top "
        f"{top} positive ONIV neurons; {', '.join(nonlinear_patterns)} are flagged non-linear "
        f"and {', '.join(linear_patterns)} is not",
        "passed": all(p["passed"] for p in patterns.values()),
        "all_high_oniv": all(p["high_oniv"] for p in patterns.values()),
        "nonlinearity_as_expected": all(
            p["nonlinear"] == p["expected_nonlinear"] for p in patterns.values()
        ),
        "top": int(top),
        "n_nonlinear_neurons": int(nonlinear_c.sum()),
        "patterns": patterns,
    }


def similarity_ordering(
    similarity: np.ndarray,
    shared_pairs: Sequence[tuple[int, int]] = DATASET_IV_SHARED_PAIRS,
    distinct_class: int = DATASET_IV_DISTINCT_CLASS,
) -> dict:
    """Whether every pair of classes that share patterns is more similar than every pair
    involving the class that shares none (the ordering asked of Figure 6's matrices).

    Parameters
    ----------
    similarity: array, shape=(C, C)
        A class similarity (correlation) matrix.
    shared_pairs: list of (int, int)
        0-based class pairs that share patterns; default (1,2), (1,3), (2,3) in paper numbers.
    distinct_class: int
        0-based index of the class sharing nothing; default class 4.

    Returns
    -------
    dict with ``passed``, ``shared`` and ``distinct`` (pair label -> similarity), ``margin``
    (smallest shared minus largest distinct; > 0 when passed) and ``failing_pairs``
    (shared pairs not above every distinct pair).
    """
    similarity = np.asarray(similarity, dtype=float)
    n = similarity.shape[0]
    if similarity.shape != (n, n):
        raise ValueError(f"similarity: expected a square matrix, got {similarity.shape}")

    def label(i: int, j: int) -> str:
        return f"{i + 1}+{j + 1}"

    shared = {label(i, j): float(similarity[i, j]) for i, j in shared_pairs}
    distinct = {
        label(*sorted((i, distinct_class))): float(similarity[i, distinct_class])
        for i in range(n)
        if i != distinct_class
    }
    highest_distinct = max(distinct.values())
    failing = [pair for pair, value in shared.items() if not value > highest_distinct]
    return {
        "passed": not failing,
        "shared": shared,
        "distinct": distinct,
        "margin": float(min(shared.values()) - highest_distinct),
        "failing_pairs": failing,
    }


def claim_dataset_IV(
    similarity: np.ndarray, baselines: Mapping[str, np.ndarray] | None = None
) -> dict:
    """Dataset IV (§4, Figure 6): the class similarity matrix (Pearson correlation of
    non-negative ONIVs) ranks classes 1+2, 1+3 and 2+3 above every pair with class 4.

    ``passed`` depends on ``similarity`` alone. The paper also says the baselines (ONIV with
    negatives, last-layer weights) fail this ordering; each baseline's ordering is reported
    under ``baselines`` with ``all_baselines_fail`` as information, not as part of ``passed``.

    Parameters
    ----------
    similarity: array, shape=(4, 4)
        Class similarity matrix from non-negative ONIVs.
    baselines: dict of str -> array, shape=(4, 4), optional
        Other similarity matrices (Figure 6's other panels).
    """
    result = similarity_ordering(similarity)
    report = {
        "claim": "Dataset IV: non-negative ONIV similarity of classes 1+2, 1+3 and 2+3 each "
        "exceeds every similarity with class 4",
        **result,
    }
    if baselines:
        report["baselines"] = {name: similarity_ordering(m) for name, m in baselines.items()}
        report["all_baselines_fail"] = not any(b["passed"] for b in report["baselines"].values())
    return report


def claims_for_dataset(
    dataset: str,
    *,
    nivs: np.ndarray,
    variance: np.ndarray,
    oniv: np.ndarray,
    nonlinear: np.ndarray,
    similarity_matrices: Mapping[str, np.ndarray],
    pattern_neurons: Mapping[str, int],
    class_patterns: Mapping[str, Sequence[str]],
    class_names: Sequence[str],
) -> dict:
    """The paper's claim for synthetic ``dataset`` ("I", "II", "III" or "IV").

    Parameters
    ----------
    nivs: array, shape=(C, T, K)
    variance, oniv: array, shape=(C, K)
    nonlinear: bool array, shape=(C, K)
    similarity_matrices: dict of str -> array, shape=(C, C)
        Figure 6's matrices; the first is the class similarity matrix (non-negative ONIV), the
        others are reported as baselines.
    pattern_neurons: dict of str -> int
        Planted pattern -> neuron capturing it.
    class_patterns: dict of str -> list of str
    class_names: list of C str
    """
    if dataset == "I":
        a, b = (pattern_neurons[p] for p in class_patterns[class_names[0]])
        return claim_dataset_I(nivs[0], variance[0], a, b)
    if dataset == "II":
        return claim_dataset_II(oniv, class_patterns, pattern_neurons, class_names)
    if dataset == "III":
        return claim_dataset_III(oniv[0], nonlinear[0], pattern_neurons)
    if dataset == "IV":
        (proposed, matrix), *others = similarity_matrices.items()
        return claim_dataset_IV(matrix, baselines=dict(others)) | {"matrix": proposed}
    raise ValueError(f"no claim is defined for dataset {dataset!r}; known: I, II, III, IV")


def xor_signs(niv_a: np.ndarray, niv_b: np.ndarray) -> dict:
    """The sign pattern of two neurons' NIVs over the gradient-ascent runs.

    Parameters
    ----------
    niv_a, niv_b: array, shape=(T,)
        NIV of neuron A and of neuron B in each run.

    Returns
    -------
    dict with ``n_runs``; ``n_a_up`` (runs with A > 0 > B), ``n_b_up`` (B > 0 > A),
    ``n_opposite`` (their sum), ``n_same_sign`` (both > 0 or both < 0), ``n_zero`` (a NIV exactly
    0); ``flips``: both ``n_a_up`` and ``n_b_up`` are > 0, i.e. which neuron is up swaps between
    runs (the two lobes of XOR, "A only" and "B only"). A pair that is opposite in every run but
    always with A up does not flip: one pattern counts for the class and the other against it.
    """
    a = np.sign(np.asarray(niv_a, dtype=float))
    b = np.sign(np.asarray(niv_b, dtype=float))
    if a.ndim != 1 or a.shape != b.shape:
        raise ValueError(f"niv_a, niv_b: expected two shape (T,) arrays, got {a.shape}, {b.shape}")
    n_a_up = int(((a > 0) & (b < 0)).sum())
    n_b_up = int(((a < 0) & (b > 0)).sum())
    return {
        "n_runs": len(a),
        "n_a_up": n_a_up,
        "n_b_up": n_b_up,
        "n_opposite": n_a_up + n_b_up,
        "n_same_sign": int((a * b > 0).sum()),
        "n_zero": int((a * b == 0).sum()),
        "flips": n_a_up > 0 and n_b_up > 0,
    }


def xor_category(
    filters_a: Sequence[int],
    filters_b: Sequence[int],
    niv_a: np.ndarray,
    niv_b: np.ndarray,
    passed: bool,
) -> dict:
    """What an XOR claim's network shows about its two pattern neurons (one of
    :data:`XOR_CATEGORIES`).

    - ``not testable: shared filter``: the two patterns' filter sets are identical or overlap,
      so the network has no two distinct neurons for the claim to compare;
    - otherwise ``passed`` when the claim passed, else by the signs (:func:`xor_signs`):
      ``failed: signs flip`` (which neuron is up swaps between runs, yet the claim fails: too
      few opposite runs, or the variance criterion), ``failed: opposite, no flip`` (opposite
      in some or all runs, always the same neuron up), ``failed: same signs`` (never opposite).

    Parameters
    ----------
    filters_a, filters_b: list of int
        The filters capturing pattern A and pattern B.
    niv_a, niv_b: array, shape=(T,)
        NIV of each pattern's neuron (its filters' NIVs summed) in each run.
    passed: bool
        The claim's verdict on this network.

    Returns
    -------
    dict with ``category``, ``testable``, ``shared_filters`` (filters in both sets) and the
    numbers of :func:`xor_signs`.
    """
    shared = sorted({int(f) for f in filters_a} & {int(f) for f in filters_b})
    signs = xor_signs(niv_a, niv_b)
    if shared:
        category = "not testable: shared filter"
    elif passed:
        category = "passed"
    elif signs["flips"]:
        category = "failed: signs flip"
    elif signs["n_opposite"]:
        category = "failed: opposite, no flip"
    else:
        category = "failed: same signs"
    return {"category": category, "testable": not shared, "shared_filters": shared, **signs}


def collapse_filter_sets(
    nivs: np.ndarray, filter_sets: Mapping[str, Sequence[int]]
) -> tuple[np.ndarray, list[str]]:
    """One neuron per pattern: the NIVs of a pattern's filters summed, the other filters kept.

    A NIV is the FIM averaged over positions (:func:`deepresolve.method.importance.niv`), so the sum
    over a filter set is the NIV of the summed channels: the importance of the pattern as the
    network represents it, however many filters share it.

    Parameters
    ----------
    nivs: array, shape=(C, T, K)
    filter_sets: dict of str -> list of int
        Pattern -> the filters capturing it (:func:`deepresolve.motifs.pwm.pattern_filter_sets`).

    Returns
    -------
    (collapsed, labels)
        ``collapsed: array, shape=(C, T, P + K')``, the P pattern neurons first, then the K'
        filters in no set; ``labels``: P pattern names and ``"filter <k>"`` for the others.
    """
    nivs = np.asarray(nivs, dtype=float)
    if nivs.ndim != 3:
        raise ValueError(f"nivs: expected shape (C, T, K), got {nivs.shape}")
    members = sorted({int(f) for filters in filter_sets.values() for f in filters})
    if any(not 0 <= f < nivs.shape[2] for f in members):
        raise ValueError(f"filter_sets: filters {members} outside 0..{nivs.shape[2] - 1}")
    others = [k for k in range(nivs.shape[2]) if k not in set(members)]
    columns = [nivs[:, :, list(filters)].sum(axis=2) for filters in filter_sets.values()]
    collapsed = np.concatenate([np.stack(columns, axis=2), nivs[:, :, others]], axis=2)
    return collapsed, [*filter_sets, *(f"filter {k}" for k in others)]


def _label_neurons(result: dict, labels: Sequence[str]) -> dict:
    """Replace the column indices of a claim's report by pattern / filter names."""
    if "top_variance_neurons" in result:
        result["top_variance_neurons"] = [labels[n] for n in result["top_variance_neurons"]]
        result["neurons"] = [labels[n] for n in result["neurons"]]
    for part in result.get("classes", {}).values():
        part["top_k_neurons"] = [labels[n] for n in part["top_k_neurons"]]
    for part in [*result.get("classes", {}).values(), result]:
        for pattern in part.get("patterns", {}).values():
            pattern["neuron"] = labels[pattern["neuron"]]
    return result


def claims_on_filter_sets(
    dataset: str,
    *,
    nivs: np.ndarray,
    scores: np.ndarray,
    filter_sets: Mapping[str, Sequence[int]],
    similarity_matrices: Mapping[str, np.ndarray],
    class_names: Sequence[str],
    mode: str = "released",
) -> dict:
    """The paper's claim for ``dataset`` with every pattern's filters as its neuron.

    The NIVs are collapsed by :func:`collapse_filter_sets` and the variance, non-linear flag
    and ONIV recomputed on the collapsed neurons (:func:`deepresolve.method.importance.oniv`,
    ``mode``); the claims and their thresholds are those of :func:`claims_for_dataset`. Dataset
    IV's claim is about classes, not neurons, and reads ``similarity_matrices`` only.

    Besides the claim's numbers the result holds ``filter_sets``, ``shared_filters`` (filters
    in more than one set), ``testable`` and, for the XOR claims (datasets I and III, the two
    patterns of :data:`XOR_PAIRS`), ``xor``: :func:`xor_category` of the two pattern neurons
    with their ``patterns``. ``testable`` is false when the two XOR patterns share a filter:
    ``passed`` then still applies the thresholds, but the claim is not tested and is counted
    apart (:func:`deepresolve.analyses.replication.claim_rates`).

    Parameters
    ----------
    nivs: array, shape=(C, T, K)
    scores: array, shape=(C, T)
        Class score of each run (ONIV weights in ``released`` mode).
    filter_sets: dict of str -> list of int
        Every planted pattern -> the filters capturing it.
    similarity_matrices: dict of str -> array, shape=(C, C)
    class_names: list of C str
    mode: {"released", "paper"}
    """
    from deepresolve.datasets.synthetic import DATASETS
    from deepresolve.method.importance import oniv as overall

    collapsed, labels = collapse_filter_sets(nivs, filter_sets)
    summary = overall(collapsed, scores, mode=mode)
    result = claims_for_dataset(
        dataset,
        nivs=collapsed,
        variance=summary.variance,
        oniv=summary.oniv,
        nonlinear=summary.nonlinear,
        similarity_matrices=similarity_matrices,
        pattern_neurons={pattern: j for j, pattern in enumerate(filter_sets)},
        class_patterns=DATASETS[dataset].class_patterns,
        class_names=class_names,
    )
    result = _label_neurons(result, labels)
    if dataset != "IV":
        result["claim"] += " (a pattern's neuron: every filter that captures it, NIVs summed)"
    result["filter_sets"] = {p: [int(f) for f in fs] for p, fs in filter_sets.items()}
    counts = np.bincount([f for filters in filter_sets.values() for f in filters])
    result["shared_filters"] = [int(f) for f in np.flatnonzero(counts > 1)]
    result["testable"] = True
    if dataset in XOR_PAIRS:
        a, b = XOR_PAIRS[dataset]
        columns = list(filter_sets)
        xor = xor_category(
            filter_sets[a],
            filter_sets[b],
            collapsed[0, :, columns.index(a)],
            collapsed[0, :, columns.index(b)],
            result["passed"],
        )
        result["xor"] = {"patterns": [a, b], **xor}
        result["testable"] = xor["testable"]
    return result
