"""Table 1 of the paper: does a method rank a filter matching the TF's known motif among its top k?

One experiment = one single-task ChIP-seq CNN. A method ranks the model's convolutional filters
(DeepResolve: by ONIV, largest first); each ranked filter, as a PWM, is compared with the known
motif(s) of the experiment's TF by TOMTOM; the experiment counts as a success for (k, threshold)
when one of the top k filters matches with p below the threshold. Table 1 counts successes over
experiments for k = 1, 3, 5 and thresholds 0.5, 0.05.

Shapes: ``K`` filters; a filter ranking is an int array of shape (K,), best first.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

TOP_K = (1, 3, 5)
THRESHOLDS = (0.5, 0.05)

# The paper's Table 1 (out of 422 experiments): method -> {(k, threshold): count}.
PAPER_TABLE1: dict[str, dict[tuple[int, float], int]] = {
    "DeepResolve": {(1, 0.5): 368, (1, 0.05): 345, (3, 0.5): 416, (3, 0.05): 405, (5, 0.5): 421,
                    (5, 0.05): 419},
    "Grad-CAM": {(1, 0.5): 353, (1, 0.05): 329, (3, 0.5): 407, (3, 0.05): 394, (5, 0.5): 421,
                 (5, 0.05): 417},
    "gradient x input": {(1, 0.5): 350, (1, 0.05): 338, (3, 0.5): 417, (3, 0.05): 412,
                         (5, 0.5): 421, (5, 0.05): 419},
    "enhanced DeepMotif": {(1, 0.5): 120, (1, 0.05): 42, (3, 0.5): 212, (3, 0.05): 62,
                           (5, 0.5): 249, (5, 0.05): 69},
}  # fmt: skip
PAPER_N_EXPERIMENTS = 422


def column_name(k: int, threshold: float) -> str:
    """``(1, 0.5)`` -> ``"top1_p<0.5"``: the column of one (k, threshold) cell."""
    return f"top{k}_p<{threshold:g}"


def rank_filters(importance: np.ndarray) -> np.ndarray:
    """Filter indices by decreasing importance (ties by index): ``(K,)`` -> ``(K,)`` int."""
    return np.argsort(-np.asarray(importance, dtype=float), kind="stable")


def best_match_per_filter(hits: pd.DataFrame, n_filters: int) -> pd.DataFrame:
    """Best known-motif match of every filter from a TOMTOM table.

    ``hits`` has the columns of :mod:`deepresolve.tomtom` with queries named ``filter_<i>``.
    Returns one row per filter 0..K-1: ``filter, target, p`` (p = 1 where a filter has no row).
    """
    best = hits.sort_values("p").drop_duplicates("query").set_index("query")
    rows = []
    for i in range(n_filters):
        name = f"filter_{i}"
        if name in best.index:
            rows.append((i, best.loc[name, "target"], float(best.loc[name, "p"])))
        else:
            rows.append((i, "", 1.0))
    return pd.DataFrame(rows, columns=["filter", "target", "p"])


def top_k_success(
    ranking: np.ndarray,
    filter_p: np.ndarray,
    top_k: Sequence[int] = TOP_K,
    thresholds: Sequence[float] = THRESHOLDS,
) -> dict[str, bool]:
    """Whether one of the top-k ranked filters matches with p < threshold.

    ``ranking: (K,)`` filter indices best first; ``filter_p: (K,)`` best TOMTOM p of each filter.
    Returns ``{column_name(k, t): bool}`` for every k and threshold.
    """
    filter_p = np.asarray(filter_p, dtype=float)
    return {
        column_name(k, t): bool((filter_p[np.asarray(ranking)[:k]] < t).any())
        for k in top_k
        for t in thresholds
    }


def summarise(
    detail: pd.DataFrame,
    method: str = "DeepResolve",
    top_k: Sequence[int] = TOP_K,
    thresholds: Sequence[float] = THRESHOLDS,
) -> pd.DataFrame:
    """Table 1 from the per-experiment detail table (one row per experiment, bool columns).

    Returns two rows, ``ours`` and ``paper``, with the count of successes in every (k, threshold)
    column and ``n_experiments`` (the paper's counts are out of 422).
    """
    columns = [column_name(k, t) for k in top_k for t in thresholds]
    ours = {c: int(detail[c].sum()) for c in columns}
    paper = {column_name(k, t): PAPER_TABLE1[method][(k, t)] for k in top_k for t in thresholds}
    return pd.DataFrame(
        [
            {"method": method, "source": "ours", "n_experiments": len(detail), **ours},
            {
                "method": method,
                "source": "paper",
                "n_experiments": PAPER_N_EXPERIMENTS,
                **paper,
            },
        ]
    )


def to_markdown(table: pd.DataFrame, notes: Mapping[str, str] | None = None) -> str:
    """Table 1 as a Markdown table (no extra dependency), with optional notes below."""
    header = "| " + " | ".join(table.columns) + " |"
    rule = "| " + " | ".join("---" for _ in table.columns) + " |"
    body = ["| " + " | ".join(str(v) for v in row) + " |" for row in table.itertuples(index=False)]
    lines = [header, rule, *body]
    for key, text in (notes or {}).items():
        lines += ["", f"{key}: {text}"]
    return "\n".join(lines) + "\n"
