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
    fixed = ", with " + ", ".join(landscape["fixed"]) if landscape["fixed"] else ""
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
    ax.set_xlabel(f"a: {a} filters\n(0 = background, 1 = planted copy)", fontsize=7)
    ax.set_ylabel(f"b: {b} filters", fontsize=7)
    ax.tick_params(labelsize=6)
    ax.set_title(
        f"score over a, b ≥ 0{fixed}\nvariance explained by a − b "
        f"{landscape['r2_difference']:.2f}, by a + b {landscape['r2_sum']:.2f}",
        fontsize=7,
    )
    colorbar = fig.colorbar(image, ax=ax, shrink=0.8)
    colorbar.ax.tick_params(labelsize=6)
    colorbar.set_label("class score (logit)", fontsize=6)


def _verdict(record: Mapping) -> str:
    """ "passed", "failed" or "not testable" (the two XOR patterns share a filter)."""
    if not record["testable"]:
        return "not testable"
    return "passed" if record["passed"] else "failed"


def figure_probe(records: Sequence[Mapping], *, title: str) -> Figure:
    """One row per replicate network: constructed-sequence scores and, for XOR datasets, the
    score landscape over the two XOR pattern neurons (a, b >= 0; a description of the upper
    network, not a prediction of the NIV signs or of the verdict).

    Parameters
    ----------
    records: list of dicts
        ``claims.json`` records (with ``replicate``, ``passed``, ``testable``, ``probe`` and,
        for XOR datasets, ``xor``), one per network.
    title: str

    Returns
    -------
    Figure with one row of axes per record (left: scores, right: landscape and its colour bar);
    each left panel's title gives the network's verdict and, for XOR datasets, its category.
    """
    has_landscape = records[0]["probe"]["landscape"] is not None
    n_cols = 2 if has_landscape else 1
    fig = Figure(figsize=(3.9 * n_cols, 3.0 * len(records)), layout="constrained")
    axes = fig.subplots(
        len(records), n_cols, squeeze=False, width_ratios=[1.25, 1] if has_landscape else None
    )
    for row, record in zip(axes, records, strict=True):
        _draw_cases(row[0], record["probe"]["constructed"])
        xor = f"\nXOR neurons: {record['xor']['category']}" if "xor" in record else ""
        row[0].set_title(
            f"network {record['replicate']}: claim {_verdict(record)}; rule followed on "
            f"constructed sequences: {record['probe']['computes_logic']}{xor}",
            fontsize=7,
        )
        if has_landscape:
            _draw_landscape(fig, row[1], record["probe"]["landscape"])
    fig.suptitle(title, fontsize=9)
    return fig


def figure_claims_summary(claims: pd.DataFrame, replicates: pd.DataFrame, *, title: str) -> Figure:
    """Fraction of the testable replicate networks passing each dataset's claim, and every
    network's test AUC per class beside the paper's (networks whose two XOR patterns share a
    filter drawn apart as not testable).

    Parameters
    ----------
    claims: DataFrame
        ``claims.tsv`` (:func:`deepresolve.analyses.replication.claim_rates`).
    replicates: DataFrame
        ``replicates.tsv`` (:func:`deepresolve.analyses.replication.replicate_table`).
    title: str

    Returns
    -------
    Figure with two axes: left one bar per claim (``claims.tsv`` order), right the AUCs.
    """
    fig = Figure(figsize=(10.5, 3.4), layout="constrained")
    left, right = fig.subplots(1, 2, width_ratios=[1, 2.2])
    x = np.arange(len(claims))
    left.bar(x, claims["rate"], color="#4d9221", width=0.6)
    for xi, row in zip(x, claims.itertuples(), strict=True):
        untested = f"\n+{row.n_not_testable} not testable" if row.n_not_testable else ""
        left.text(
            xi,
            np.nan_to_num(row.rate) + 0.02,
            f"{row.n_passed} of {row.n_testable}{untested}",
            ha="center",
            fontsize=7,
        )
    left.set_xticks(x, [f"claim {d}" for d in claims["dataset"]], fontsize=7)
    left.set_ylim(0, 1.2)
    left.set_ylabel("fraction of testable networks passing", fontsize=7)
    left.tick_params(axis="y", labelsize=6)
    left.set_title("paper's claims, paper's thresholds", fontsize=8)

    position, ticks, tick_labels, labelled = 0, [], [], set()
    for row in claims.itertuples():
        part = replicates[replicates["dataset"] == row.dataset]
        aucs = np.array([[float(v) for v in s.split("/")] for s in part["test_auc"]])
        paper = [float(v) for v in row.paper_test_auc.split("/")]
        testable = part["testable"].to_numpy(bool)
        passed = part["passed"].to_numpy(bool) & testable
        failed = ~part["passed"].to_numpy(bool) & testable
        for c in range(aucs.shape[1]):
            jitter = np.linspace(-0.15, 0.15, len(aucs)) if len(aucs) > 1 else np.zeros(1)
            for rows, style, label in [
                (passed, {"color": "#4d9221"}, "claim passed"),
                (failed, {"facecolor": "none", "edgecolor": "#c51b7d"}, "claim failed"),
                (~testable, {"marker": "x", "color": "0.45"}, "not testable (shared filter)"),
            ]:
                right.scatter(
                    position + jitter[rows],
                    aucs[rows, c],
                    s=12,
                    label=f"network, {label}" if rows.any() and label not in labelled else None,
                    **style,
                )
                labelled |= {label} if rows.any() else set()
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
