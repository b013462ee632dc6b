"""Figures of Table 1: a single-task TF model's top filters by ONIV as labelled logos, and the
lambda curve of :mod:`deepresolve.analyses.lambda_curve` (:func:`plot_curve`), and the four
methods beside the paper's Table 1 (:func:`plot_comparison`).

Filter numbers are 0-based, as ``filter_<i>`` in ``filters.meme`` and the ``filter`` column of
``ranked_filters.tsv``; ranks are 1-based (1 = largest ONIV).
"""

from __future__ import annotations

from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from deepresolve.analyses.table1 import (
    COVERAGE_ALL,
    COVERAGE_CHIPSEQ,
    COVERAGE_SHARED,
    PAPER_N_EXPERIMENTS,
    PAPER_TABLE1,
    THRESHOLDS,
    TOP_K,
    column_name,
    known_row,
)
from deepresolve.figures.logos import plot_logo

NONLINEAR = "#d62728"
OWN_MATCH = "#2a7d2e"
_PANEL_WIDTH = 5.2  # inches per logo panel
_PANEL_HEIGHT = 2.3  # inches per logo panel, its three title lines included
_COLUMNS = ("rank", "filter", "oniv", "nonlinear", "known_target", "known_p", "jaspar_name")


def _p_text(value: float) -> str:
    return f"{value:.1e}" if np.isfinite(value) else "no match"


def _panel_lines(row, tf: str, known_names: Mapping[str, str]) -> tuple[str, str, str]:
    """Three title lines of one filter: what it is, its p against the TF's motif, its best
    JASPAR match with E (each labelled, so that p and the match's name cannot be read together)."""
    kind = "non-linear" if row.nonlinear else "linear"
    first = f"rank {row.rank}: filter {row.filter}, ONIV {row.oniv:.3g}, {kind}"
    name = known_names.get(row.known_target, "")
    known = f"{name} {row.known_target}" if name else row.known_target or tf
    second = f"vs {tf}'s motif ({known}): p = {_p_text(row.known_p)}"
    if not row.jaspar_name:
        return first, second, "best JASPAR match: none"
    own = f", one of {tf}'s" if getattr(row, "tf_is_best_jaspar", False) else ""
    target = getattr(row, "jaspar_target", "")
    third = f"best JASPAR match: {row.jaspar_name} {target}{own}, E = {row.jaspar_E:.2g}"
    return first, second, third


def figure_top_filters(
    pwms: np.ndarray,
    ranked: pd.DataFrame,
    *,
    experiment: str,
    tf: str,
    known_names: Mapping[str, str] | None = None,
    n_top: int = 5,
    n_cols: int = 2,
) -> Figure:
    """The ``n_top`` filters of largest ONIV as information-content logos, one labelled panel each.

    Each panel has a bits axis (0-2) and a 1-based position axis; its title says the filter's
    rank, 0-based filter number, ONIV and non-linear flag (red when non-linear), then on a line of
    its own TOMTOM's p against the TF's known motif (the paper's statistic) and, labelled apart,
    the filter's best match among all JASPAR CORE vertebrates with its E (green when that match
    is one of the TF's own matrices).

    Parameters
    ----------
    pwms : array, shape=(K, w, 4)
        The model's filters as PWMs, filter order (A, C, G, T).
    ranked : DataFrame
        ``ranked_filters.tsv`` of this experiment
        (:data:`deepresolve.analyses.tf_models.RANKED_COLUMNS`).
    experiment : str
        Experiment name, for the title.
    tf : str
        The TF's symbol (e.g. ``"CTCF"``), for the title and the known-motif label.
    known_names : mapping of str -> str, optional
        JASPAR matrix ID -> name, to name the known motif beside its ID.
    n_top : int
        Panels (the best ``n_top`` ranks).
    n_cols : int
        Panels per row.

    Returns
    -------
    fig : matplotlib Figure (save it with ``fig.savefig``)
    """
    pwms = np.asarray(pwms, dtype=float)
    if pwms.ndim != 3 or pwms.shape[2] != 4:
        raise ValueError(f"pwms must have shape (filters, width, 4), got {pwms.shape}")
    missing = [c for c in (*_COLUMNS, "jaspar_E") if c not in ranked.columns]
    if missing:
        raise ValueError(f"ranked table lacks column(s) {missing}")
    top = ranked.sort_values("rank", kind="stable").head(n_top)
    if top.empty:
        raise ValueError(f"{experiment}: the ranked table has no filters")
    if top["filter"].max() >= len(pwms):
        raise ValueError(
            f"{experiment}: filter {top['filter'].max()} ranked, but only {len(pwms)} PWMs"
        )
    known_names = dict(known_names or {})
    n_cols = min(n_cols, len(top))
    n_rows = -(-len(top) // n_cols)
    width = pwms.shape[1]
    fig = Figure(
        figsize=(n_cols * _PANEL_WIDTH, n_rows * _PANEL_HEIGHT + 0.9), layout="constrained"
    )
    fig.get_layout_engine().set(hspace=0.06, wspace=0.04)
    axes = fig.subplots(n_rows, n_cols, squeeze=False)
    for ax in axes.flat[len(top) :]:
        ax.set_axis_off()
    for ax, row in zip(axes.flat, top.itertuples(index=False), strict=False):
        plot_logo(ax, pwms[row.filter])
        ax.set_yticks([0, 1, 2])
        ax.set_ylabel("bits")
        ticks = [t for t in range(0, width, 5)] + ([width - 1] if (width - 1) % 5 else [])
        ax.set_xticks(ticks, [str(t + 1) for t in ticks])
        ax.set_xlabel("position in filter (bp)", fontsize=9)
        ax.tick_params(labelsize=8)
        ax.spines["left"].set_visible(True)
        first, second, third = _panel_lines(row, tf, known_names)
        ax.set_title(
            first,
            loc="left",
            fontsize=10,
            fontweight="bold",
            color=NONLINEAR if row.nonlinear else "black",
            pad=27,
            gid="filter_title",
        )
        ax.text(0, 1.16, second, transform=ax.transAxes, fontsize=8.5, va="bottom")
        ax.text(
            0,
            1.03,
            third,
            transform=ax.transAxes,
            fontsize=8.5,
            va="bottom",
            color=OWN_MATCH if getattr(row, "tf_is_best_jaspar", False) else "black",
        )
    fig.suptitle(
        f"{experiment} ({tf} ChIP-seq model): top {len(top)} filters by ONIV\n"
        "filter numbers from 0, as filter_<i> in filters.meme",
        fontsize=12,
    )
    fig.supxlabel(
        f"p: TOMTOM p against {tf}'s known motif (Table 1's statistic).  E: TOMTOM E of the "
        "filter's best match among all JASPAR CORE vertebrates,\ngreen when that match is one "
        f"of {tf}'s own matrices.  Red title: a non-linear filter (high NIV variance).",
        fontsize=8.5,
    )
    return fig


def plot_curve(table: pd.DataFrame) -> Figure:
    """Top-1/3/5 counts (p < 0.05 solid, p < 0.5 dashed, strict dotted) and agreement with the
    authors' ONIVs (median Pearson r, fraction with the same top-1 filter) against lambda."""
    figure = Figure(figsize=(10, 4), layout="constrained")
    left, right = figure.subplots(1, 2)
    x = table["l2"].to_numpy()
    colors = dict(zip(TOP_K, ("#d62728", "#1f77b4", "#2ca02c"), strict=True))
    for k in TOP_K:
        for column, style in (
            (column_name(k, 0.05), "-"),
            (column_name(k, 0.5), "--"),
            (f"top{k}_strict", ":"),
        ):
            left.plot(x, table[column], style, marker="o", color=colors[k], label=column)
    left.set(xscale="log", xlabel="lambda (l2)", ylabel="experiments")
    left.set_title(f"Table 1, DeepResolve row ({int(table['n_experiments'].iloc[0])} models)")
    left.legend(fontsize=7, ncol=3, loc="center right", bbox_to_anchor=(1, 0.42))
    n = table["n_experiments"].to_numpy()
    right.plot(x, table["median_pearson"], "-o", color="black", label="median Pearson r")
    right.plot(
        x,
        table["same_top1"] / n,
        "--o",
        color="grey",
        label="same top-1 filter (fraction of models)",
    )
    right.set(xscale="log", xlabel="lambda (l2)", ylim=(0, 1.02))
    right.set_title("agreement with the authors' ONIVs")
    right.legend(fontsize=8, loc="lower right")
    return figure


def plot_comparison(table: pd.DataFrame):
    """Bars of ours beside the paper's, as % of experiments, per top-k and threshold.

    One panel per coverage the table holds: DeepResolve and enhanced DeepMotif on every
    published model they cover; the four methods on the experiments with sequences; the four
    methods on the ChIP-seq experiments. Open bars: the paper (out of 422).
    Returns the matplotlib Figure.
    """
    cells = [(k, t) for k in TOP_K for t in THRESHOLDS]
    labels = [f"top-{k}\np<{t:g}" for k, t in cells]
    # the method names with TensorFlow's import (attribution), only where this figure is drawn
    from deepresolve.analyses.method_comparison import DEEPRESOLVE, ENHANCED_DEEPMOTIF, METHODS

    colours = dict(zip(METHODS, ("#1b6ca8", "#e07b00", "#3a9d3a", "#b02a2a"), strict=True))
    known = table[table["statistic"] == "known"]
    panels = [
        (COVERAGE_ALL, [DEEPRESOLVE, ENHANCED_DEEPMOTIF], "every experiment the method ran on"),
        (COVERAGE_SHARED, list(METHODS), "experiments with sequences"),
        (COVERAGE_CHIPSEQ, list(METHODS), "ChIP-seq experiments"),
    ]
    panels = [p for p in panels if (known["coverage"] == p[0]).any()] or panels[:2]
    figure, axes = plt.subplots(
        1, len(panels), figsize=(6.5 * len(panels), 4.6), sharey=True, squeeze=False
    )
    axes = axes[0]
    for axis, (coverage, methods, title) in zip(axes, panels, strict=True):
        present = [
            m for m in methods if known_row(known, m, "ours", coverage, THRESHOLDS[0]) is not None
        ]
        width = 0.8 / max(len(present), 1)
        n_experiments = set()
        for i, method in enumerate(present):
            ours, paper = [], []
            for k, t in cells:
                mine = known_row(known, method, "ours", coverage, t)
                n_experiments.add(int(mine["n_experiments"]))
                ours.append(100 * mine[f"top{k}"] / mine["n_experiments"])
                paper.append(100 * PAPER_TABLE1[method][(k, t)] / PAPER_N_EXPERIMENTS)
            x = np.arange(len(cells)) + (i - (len(present) - 1) / 2) * width
            axis.bar(x, ours, width * 0.9, color=colours[method], label=f"{method} (ours)")
            axis.bar(
                x, paper, width * 0.9, fill=False, edgecolor="black", linewidth=0.8,
                label="paper (out of 422)" if i == 0 else None,
            )  # fmt: skip
        counts = ", ".join(str(n) for n in sorted(n_experiments)) or "0"
        axis.set_title(f"{title} (n = {counts})", fontsize=11)
        axis.set_xticks(np.arange(len(cells)), labels)
        axis.set_ylim(0, 105)
        axis.grid(axis="y", alpha=0.3)
    axes[0].set_ylabel("experiments with a match to the TF's motif (%)")
    handles = {}
    for axis in axes:
        for handle, label in zip(*axis.get_legend_handles_labels(), strict=True):
            handles.setdefault(label, handle)
    figure.legend(handles.values(), handles.keys(), loc="lower center", ncol=5, frameon=False)
    figure.suptitle(
        "Table 1: a top-k filter (eDM: PWM) matches the known motif by TOMTOM, ours vs. the paper",
        fontsize=12,
    )
    figure.tight_layout(rect=(0, 0.08, 1, 0.95))
    return figure
