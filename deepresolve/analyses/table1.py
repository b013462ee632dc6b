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
from scipy.special import comb

from deepresolve.core.files import read_tsv
from deepresolve.core.markdown import markdown_table
from deepresolve.method.importance import rank_filters

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
#: Methods whose paper row is another's: the authors' own eDM (deepresolve.method.attribution).
PAPER_ROW_OF = {"enhanced DeepMotif, authors' DM.py": "enhanced DeepMotif"}


def column_name(k: int, threshold: float) -> str:
    """``(1, 0.5)`` -> ``"top1_p<0.5"``: the column of one (k, threshold) cell."""
    return f"top{k}_p<{threshold:g}"


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


def random_order_success(hit: np.ndarray, k: int) -> float:
    """Chance that a random filter order puts a hit among its top ``k``.

    ``hit: (K,)`` bool, which filters count as a match. With ``m`` hits among ``K`` filters
    this is ``1 - C(K - m, k) / C(K, k)`` (hypergeometric: no hit among k drawn without
    replacement).
    """
    hit = np.asarray(hit, dtype=bool)
    n, m = hit.size, int(hit.sum())
    k = min(k, n)
    return float(1.0 - comb(n - m, k, exact=True) / comb(n, k, exact=True))


STRICT = "strict"
STRICT_E = 0.05
STATISTICS = {
    "known": "TOMTOM p against the TF's known motif only",
    STRICT: (
        f"E < {STRICT_E:g} against all JASPAR CORE vertebrates and the TF's own matrix is the "
        "filter's best match"
    ),
}


def strict_column(k: int) -> str:
    """``3`` -> ``"top3_strict"``."""
    return f"top{k}_{STRICT}"


def experiment_detail(ranked: pd.DataFrame, top_k: Sequence[int] = TOP_K) -> pd.DataFrame:
    """One row per experiment from the ranked-filter table of :mod:`deepresolve.analyses.tf_models`.

    ``ranked`` has one row per (experiment, filter) with ``rank``, ``filter``, ``known_p``,
    ``known_target``, ``jaspar_E``, ``jaspar_name``, ``tf_is_best_jaspar``. The result has, per
    experiment, the top filter and its matches, the best rank with ``known_p < 0.05``
    (-1: none), success columns ``top{k}_p<{t}`` and ``top{k}_strict`` (bool), and the random
    order's expected success in ``random_`` columns (float).
    """
    rows = []
    for experiment, group in ranked.groupby("experiment", sort=False):
        group = group.sort_values("rank")
        order = group["filter"].to_numpy()
        by_filter = group.sort_values("filter")
        known_p = by_filter["known_p"].to_numpy()
        strict = by_filter["tf_is_best_jaspar"].astype(bool) & (by_filter["jaspar_E"] < STRICT_E)
        strict = strict.to_numpy()
        top = group.iloc[0]
        significant = group.loc[group["known_p"] < 0.05, "rank"]
        row = {
            "experiment": experiment,
            "n_filters": len(group),
            "top_filter": int(top["filter"]),
            "top_known_target": top["known_target"],
            "top_known_p": float(top["known_p"]),
            "top_jaspar_name": top["jaspar_name"],
            "top_jaspar_E": float(top["jaspar_E"]),
            "best_rank_p<0.05": int(significant.min()) if len(significant) else -1,
            **top_k_success(order, known_p, top_k),
            **{strict_column(k): bool(strict[order[:k]].any()) for k in top_k},
        }
        for k in top_k:
            for t in THRESHOLDS:
                row[f"random_{column_name(k, t)}"] = random_order_success(known_p < t, k)
            row[f"random_{strict_column(k)}"] = random_order_success(strict, k)
        rows.append(row)
    return pd.DataFrame(rows)


def rerank(ranked: pd.DataFrame, importance: Mapping[str, np.ndarray]) -> pd.DataFrame:
    """A ranked-filter table ranked again by another importance.

    ``ranked``: one row per (experiment, filter) as :func:`experiment_detail` reads it;
    ``importance``: experiment -> ``(K,)`` values in filter order (e.g. the authors' ONIV).
    Returns the experiments of ``importance`` only, ``rank`` recomputed (1 = largest, ties by
    filter index); the per-filter matches are kept.
    """
    missing = [e for e in importance if e not in set(ranked["experiment"])]
    if missing:
        raise KeyError(f"no ranked filters for {len(missing)} experiments, e.g. {missing[:3]}")
    parts = []
    for experiment, values in importance.items():
        part = ranked[ranked["experiment"] == experiment].sort_values("filter")
        order = rank_filters(values)
        if len(order) != len(part):
            raise ValueError(f"{experiment}: {len(order)} importances for {len(part)} filters")
        ranks = np.empty(len(order), dtype=int)
        ranks[order] = np.arange(1, len(order) + 1)
        parts.append(part.assign(rank=ranks).sort_values("rank"))
    return pd.concat(parts, ignore_index=True)


def read_rankings(paths: Sequence[str]) -> pd.DataFrame:
    """The ranked-filter tables of several batches (``ranked_filters.tsv``) as one table."""
    return pd.concat([read_tsv(path, keep_default_na=False) for path in paths], ignore_index=True)


def importance_by_experiment(ranked: pd.DataFrame, column: str = "oniv") -> dict[str, np.ndarray]:
    """Experiment -> ``(K,)`` values of ``column`` in filter order, from a ranked-filter table."""
    return {
        experiment: group.sort_values("filter")[column].to_numpy(dtype=float)
        for experiment, group in ranked.groupby("experiment", sort=False)
    }


def counts(detail: pd.DataFrame) -> dict[str, int]:
    """Successes per Table 1 cell of :func:`experiment_detail`: ``{"top1_p<0.5": n, ...,
    "top1_strict": n, ...}``."""
    columns = [column_name(k, t) for k in TOP_K for t in THRESHOLDS]
    columns += [strict_column(k) for k in TOP_K]
    return {c: int(detail[c].sum()) for c in columns}


def summarise(
    detail: pd.DataFrame,
    method: str = "DeepResolve",
    random_label: str = "random filter order",
    others: Mapping[str, pd.DataFrame] | None = None,
) -> pd.DataFrame:
    """Table 1 in long form from :func:`experiment_detail`.

    Columns ``method, source, statistic, threshold, n_experiments, top1, top3, top5``. Rows:
    ours, the paper's (out of 422) and the expected count of a random filter order, at p < 0.5
    and p < 0.05 for the paper's statistic (``known``); ours and the random order's for the
    strict statistic (threshold = its E cut-off). ``random_label`` names the random rows
    (e.g. "random PWM order" for a method that ranks PWMs, not filters). ``others``: source
    label -> the detail of the same method ranked otherwise (e.g. by the authors' ONIV), one
    more row per statistic and threshold after ours.
    """
    n = len(detail)

    def row(method_name, source, statistic, threshold, n_experiments, counts):
        return {
            "method": method_name,
            "source": source,
            "statistic": statistic,
            "threshold": threshold,
            "n_experiments": n_experiments,
            **{f"top{k}": count for k, count in zip(TOP_K, counts, strict=True)},
        }

    def ours(columns, frame=detail):
        return [int(frame[c].sum()) for c in columns]

    def expected(columns):
        return [round(float(detail[f"random_{c}"].sum()), 2) for c in columns]

    rows = []
    for t in THRESHOLDS:
        columns = [column_name(k, t) for k in TOP_K]
        paper = [PAPER_TABLE1[PAPER_ROW_OF.get(method, method)][(k, t)] for k in TOP_K]
        rows.append(row(method, "ours", "known", t, n, ours(columns)))
        for label, other in (others or {}).items():
            rows.append(row(method, label, "known", t, len(other), ours(columns, other)))
        rows.append(row(method, "paper", "known", t, PAPER_N_EXPERIMENTS, paper))
        rows.append(row(random_label, "expected", "known", t, n, expected(columns)))
    columns = [strict_column(k) for k in TOP_K]
    rows.append(row(method, "ours", STRICT, STRICT_E, n, ours(columns)))
    for label, other in (others or {}).items():
        rows.append(row(method, label, STRICT, STRICT_E, len(other), ours(columns, other)))
    rows.append(row(random_label, "expected", STRICT, STRICT_E, n, expected(columns)))
    return pd.DataFrame(rows)


def to_markdown(table: pd.DataFrame, notes: Mapping[str, str] | None = None) -> str:
    """Table 1 from :func:`summarise` as Markdown: the paper's layout, then the strict table."""
    known = table[table["statistic"] == "known"]
    wide = known.pivot_table(
        index=["method", "source", "n_experiments"],
        columns="threshold",
        values=[f"top{k}" for k in TOP_K],
        aggfunc="first",
        sort=False,
    )
    wide.columns = [f"top{k[3:]} p<{t:g}" for k, t in wide.columns]
    order = [f"top{k} p<{t:g}" for k in TOP_K for t in THRESHOLDS]
    wide = wide[order].reset_index()
    strict = table[table["statistic"] == STRICT][
        ["method", "source", "n_experiments", *[f"top{k}" for k in TOP_K]]
    ]
    lines = [f"The paper's statistic: {STATISTICS['known']}.", "", *markdown_table(wide), ""]
    lines += [f"Strict statistic: {STATISTICS[STRICT]}.", "", *markdown_table(strict)]
    for key, text in (notes or {}).items():
        lines += ["", f"{key}: {text}"]
    return "\n".join(lines) + "\n"


#: coverages of the four-method table (deepresolve.analyses.method_comparison.comparison_table)
COVERAGE_ALL = "all"  # every experiment the method ran on
COVERAGE_SHARED = "with sequences"  # the experiments all four methods ran on
COVERAGE_CHIPSEQ = "chipseq"  # the ChIP-seq experiments (chipseq.experiments)


def known_row(known: pd.DataFrame, method: str, source: str, coverage: str, threshold: float):
    """The row of ``known`` (the known-motif rows of
    :func:`deepresolve.analyses.method_comparison.comparison_table`) for one method, source
    (``ours`` / ``paper``), coverage and threshold, or None."""
    rows = known[
        (known["method"] == method)
        & (known["source"] == source)
        & (known["coverage"] == coverage)
        & np.isclose(known["threshold"], threshold)
    ]
    return None if rows.empty else rows.iloc[0]


def methods_markdown(table: pd.DataFrame, notes: Mapping[str, str] | None = None) -> str:
    """The four-method table (:func:`deepresolve.analyses.method_comparison.comparison_table`) as
    Markdown: per coverage, the paper's layout and the strict statistic (:func:`to_markdown`)."""
    titles = {
        COVERAGE_ALL: "every experiment a method ran on",
        COVERAGE_SHARED: "the experiments with sequences",
        COVERAGE_CHIPSEQ: "the ChIP-seq experiments (chipseq.experiments, their own sequences)",
    }
    lines = []
    for coverage, title in titles.items():
        part = table[table["coverage"] == coverage].drop(columns="coverage")
        if len(part):
            lines += [f"## Coverage: {title}", "", to_markdown(part)]
    for key, text in (notes or {}).items():
        lines += [f"{key}: {text}", ""]
    return "\n".join(lines).rstrip("\n") + "\n"
