"""Figures of the synthetic replication study: the probe of every replicate network of a
dataset, and the claims x datasets summary (fraction of networks passing, AUC per network)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

_POSITIVE, _NEGATIVE = "#1b7837", "#b2abd2"


def _draw_cases(ax, constructed: Sequence[Mapping]) -> None:
    """Mean class score (+- s.d.) on every constructed combination, grouped by class."""
    labels, means, sds, colors, x, ticks, tick_labels = [], [], [], [], [], [], []
    position = 0.0
    for part in constructed:
        start = position
        for case in part["cases"]:
            labels.append(" + ".join(case["patterns"]) or "neither")
            means.append(case["mean_score"])
            sds.append(case["sd_score"])
            colors.append(_POSITIVE if case["label"] else _NEGATIVE)
            x.append(position)
            position += 1
        ticks.append((start + position - 1) / 2)
        tick_labels.append(part["class"])
        position += 0.8
    ax.bar(x, means, yerr=sds, color=colors, width=0.8, capsize=1.5, error_kw={"lw": 0.6})
    ax.axhline(0, color="black", lw=0.5)
    ax.set_xticks(x, labels, rotation=60, ha="right", fontsize=6)
    ax.set_ylabel("class score (logit)", fontsize=7)
    ax.tick_params(axis="y", labelsize=6)
    if len(constructed) > 1:
        for tick, label in zip(ticks, tick_labels, strict=True):
            ax.text(tick, 1.02, label, transform=ax.get_xaxis_transform(), ha="center", fontsize=6)


def _draw_landscape(fig: Figure, ax, landscape: Mapping) -> None:
    scale = np.asarray(landscape["scale"])
    score = np.asarray(landscape["score"])
    a, b = landscape["patterns"]
    fixed = " (with " + ", ".join(landscape["fixed"]) + ")" if landscape["fixed"] else ""
    image = ax.imshow(
        score.T,
        origin="lower",
        extent=(scale[0], scale[-1], scale[0], scale[-1]),
        cmap="RdBu_r",
        vmin=-np.abs(score).max(),
        vmax=np.abs(score).max(),
        aspect="equal",
    )
    ax.contour(scale, scale, score.T, levels=8, colors="black", linewidths=0.4)
    ax.plot([1, 1, 0], [0, 1, 1], ls=":", color="grey", lw=0.6)
    ax.set_xlabel(f"{a} filters (1 = planted copy)", fontsize=7)
    ax.set_ylabel(f"{b} filters{fixed}", fontsize=7)
    ax.tick_params(labelsize=6)
    ax.set_title(
        f"score depends on {landscape['depends_on']}: R² a-b {landscape['r2_difference']:.2f}, "
        f"a+b {landscape['r2_sum']:.2f}",
        fontsize=7,
    )
    colorbar = fig.colorbar(image, ax=ax, shrink=0.8)
    colorbar.ax.tick_params(labelsize=6)
    colorbar.set_label("class score (logit)", fontsize=6)


def figure_probe(records: Sequence[Mapping], *, title: str) -> Figure:
    """One row per replicate network: constructed-sequence scores and, for XOR datasets, the
    score landscape over the two XOR pattern neurons.

    Parameters
    ----------
    records: list of dicts
        ``claims.json`` records (with ``replicate``, ``passed``, ``probe``), one per network.
    title: str
    """
    has_landscape = records[0]["probe"]["landscape"] is not None
    n_cols = 2 if has_landscape else 1
    fig = Figure(figsize=(4.2 * n_cols, 2.9 * len(records)), layout="constrained")
    axes = fig.subplots(len(records), n_cols, squeeze=False)
    for row, record in zip(axes, records, strict=True):
        verdict = "passed" if record["passed"] else "failed"
        _draw_cases(row[0], record["probe"]["constructed"])
        row[0].set_title(
            f"replicate {record['replicate']}: claim {verdict}; rule followed: "
            f"{record['probe']['computes_logic']}",
            fontsize=7,
        )
        if has_landscape:
            _draw_landscape(fig, row[1], record["probe"]["landscape"])
    fig.suptitle(title, fontsize=9)
    return fig


def figure_claims_summary(claims: pd.DataFrame, replicates: pd.DataFrame, *, title: str) -> Figure:
    """Fraction of replicate networks passing each dataset's claim, and every network's test
    AUC per class beside the paper's.

    Parameters
    ----------
    claims: DataFrame
        ``claims.tsv`` (:func:`deepresolve.replication.claim_rates`).
    replicates: DataFrame
        ``replicates.tsv`` (:func:`deepresolve.replication.replicate_table`).
    title: str
    """
    fig = Figure(figsize=(10.5, 3.4), layout="constrained")
    left, right = fig.subplots(1, 2, width_ratios=[1, 2.2])
    x = np.arange(len(claims))
    left.bar(x, claims["rate"], color="#4d9221", width=0.6)
    for xi, row in zip(x, claims.itertuples(), strict=True):
        left.text(
            xi, row.rate + 0.02, f"{row.n_passed} of {row.n_replicates}", ha="center", fontsize=7
        )
    left.set_xticks(x, [f"claim {d}" for d in claims["dataset"]], fontsize=7)
    left.set_ylim(0, 1.12)
    left.set_ylabel("fraction of networks passing", fontsize=7)
    left.tick_params(axis="y", labelsize=6)
    left.set_title("paper's claims, paper's thresholds", fontsize=8)

    position, ticks, tick_labels = 0, [], []
    for row in claims.itertuples():
        part = replicates[replicates["dataset"] == row.dataset]
        aucs = np.array([[float(v) for v in s.split("/")] for s in part["test_auc"]])
        paper = [float(v) for v in row.paper_test_auc.split("/")]
        passed = part["passed"].to_numpy(bool)
        for c in range(aucs.shape[1]):
            jitter = np.linspace(-0.15, 0.15, len(aucs)) if len(aucs) > 1 else np.zeros(1)
            right.scatter(
                position + jitter[passed],
                aucs[passed, c],
                s=12,
                color="#4d9221",
                label="network, claim passed" if position == 0 else None,
            )
            right.scatter(
                position + jitter[~passed],
                aucs[~passed, c],
                s=12,
                facecolor="none",
                edgecolor="#c51b7d",
                label="network, claim failed" if position == 0 else None,
            )
            right.plot(
                [position - 0.3, position + 0.3],
                [paper[c]] * 2,
                color="black",
                lw=1,
                label="paper" if position == 0 else None,
            )
            ticks.append(position)
            tick_labels.append(f"{row.dataset}.{c + 1}")
            position += 1
    right.set_xticks(ticks, tick_labels, fontsize=7)
    right.set_xlabel("dataset.class", fontsize=7)
    right.set_ylabel("test AUC", fontsize=7)
    right.tick_params(axis="y", labelsize=6)
    right.legend(fontsize=6, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    right.set_title(f"test AUC per network ({claims['labels'].iloc[0]} labels)", fontsize=8)
    fig.suptitle(title, fontsize=9)
    return fig
