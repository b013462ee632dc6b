"""Figures of a many-class model (paper §5.2, Figures 7-8), from the tables of
:mod:`deepresolve.analyses.multiclass` (matplotlib :class:`~matplotlib.figure.Figure`, not left
open in pyplot):

- :func:`figure_similarity_matrix`: Figure 7, the class similarity matrix in output order, the
  DNase x TF/histone block boxed;
- :func:`figure_class_clustering`: the matrix clustered;
- :func:`figure_dnase_bicluster`: Figure 8A;
- :func:`figure_strong_correlation_counts`: Figure 8B;
- :func:`figure_class_differences`: class difference maps of chosen pairs;
- :func:`figure_pair_similarities`: the family check's pairs
(:mod:`deepresolve.analyses.family_check`).

Class tables as in :mod:`deepresolve.analyses.multiclass` (columns ``label``, ``assay``, ``group``).
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle
from matplotlib.ticker import FuncFormatter, MaxNLocator
from scipy.cluster import hierarchy

from deepresolve.analyses.multiclass import Biclustering, check_class_table, check_similarity
from deepresolve.figures.synthetic import NEGATIVE, POSITIVE

GROUP_COLORS = {"DNase": "#2ca02c", "TF": "#9467bd", "histone": "#ff7f0e"}
_COLOR_GROUPS = {color: group for group, color in GROUP_COLORS.items()}


def _detached(grid) -> Figure:
    """The figure of a seaborn grid, closed in pyplot (still drawable and savable)."""
    plt.close(grid.figure)
    return grid.figure


def _group_colors(table: pd.DataFrame, labels) -> pd.Series:
    colors = table.set_index("label")["group"].astype(str).map(GROUP_COLORS).fillna("#bbbbbb")
    return colors.loc[list(labels)].rename("group")


def _group_legend(fig: Figure, groups, **where) -> None:
    handles = [Patch(color=GROUP_COLORS[g], label=g) for g in GROUP_COLORS if g in set(groups)]
    where = where or {"loc": "upper right"}
    fig.legend(handles=handles, frameon=False, fontsize=8, title="class group", **where)


def _clustermap_margins(grid, groups, title: str | None) -> None:
    """Title and group legend of a seaborn clustermap in margins of their own: the grid shrinks
    to leave the top 10% for the title and the right 15% for the legend, so neither is drawn over
    the column dendrogram; the row labels (drawn right of the heatmap) get their width on top."""
    renderer = grid.figure.canvas.get_renderer()
    widths = [t.get_window_extent(renderer).width for t in grid.ax_heatmap.get_yticklabels()]
    labels = (max(widths, default=0) + 10) / grid.figure.bbox.width if widths else 0.0
    right = max(0.5, 0.85 - labels)
    grid.gs.update(top=0.9, right=right)
    # the colour bar is not on the grid: back into the top-left corner, clear of the dendrograms
    grid.ax_cbar.set_position((0.03, 0.75, 0.02, 0.14))
    _group_legend(
        grid.figure, groups, loc="upper left", bbox_to_anchor=(right + labels + 0.01, 0.9)
    )
    if title:
        grid.figure.suptitle(title, y=0.97)


_HEATMAP = {"cmap": "RdBu_r", "vmin": -1.0, "vmax": 1.0}  # symmetric: centred at 0
_MAX_TICK_LABELS = 60


def figure_similarity_matrix(similarity, table: pd.DataFrame, title: str | None = None) -> Figure:
    """Figure 7: the class similarity matrix in output order, the DNase x TF/histone block boxed.

    Classes are drawn in table order (DeepSEA: DNase, TF, histone) with a colour strip per group;
    the box marks the rows of the DNase classes and the columns of the TF/histone classes when
    each of the two is one contiguous range.
    """
    table = check_class_table(table)
    similarity = check_similarity(similarity, len(table))
    n = len(table)
    fig = Figure(figsize=(9, 8.4), layout="constrained")
    grid = fig.add_gridspec(2, 2, width_ratios=(1, 30), height_ratios=(1, 30))
    ax = fig.add_subplot(grid[1, 1])
    image = ax.imshow(
        np.ma.masked_invalid(similarity),
        cmap=sns.color_palette("RdBu_r", as_cmap=True).with_extremes(bad="#dddddd"),
        vmin=-1,
        vmax=1,
        interpolation="nearest",
        aspect="auto",
    )
    colors = _group_colors(table, table["label"])
    strip = np.array([[to_rgb(c) for c in colors]])
    for position, data in ((grid[0, 1], strip), (grid[1, 0], strip.transpose(1, 0, 2))):
        side = fig.add_subplot(position)
        side.imshow(data, aspect="auto", interpolation="nearest")
        side.set_axis_off()
    group = np.asarray(table["group"].astype(str))
    rows, cols = np.flatnonzero(group == "DNase"), np.flatnonzero(group != "DNase")
    if rows.size and cols.size and np.ptp(rows) == rows.size - 1 and np.ptp(cols) == cols.size - 1:
        ax.add_patch(
            Rectangle(
                (cols[0] - 0.5, rows[0] - 0.5),
                cols.size,
                rows.size,
                fill=False,
                edgecolor="red",
                lw=2,
                gid="dnase_block",
            )
        )
    if n <= _MAX_TICK_LABELS:
        size = 9 if n <= 20 else 6  # e.g. 12 experiments of a multi-task TF model
        ax.set_xticks(range(n), table["label"], rotation=90, fontsize=size)
        ax.set_yticks(range(n), table["label"], fontsize=size)
    else:
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_xlabel(f"{n} classes (output order)")
        ax.set_ylabel(f"{n} classes (output order)")
    fig.colorbar(image, ax=ax, shrink=0.6, label="class similarity (Pearson, non-negative ONIV)")
    _group_legend(fig, group)
    if title:
        fig.suptitle(title)
    return fig


def figure_class_clustering(
    similarity, table: pd.DataFrame, linkage: np.ndarray, title: str | None = None
) -> Figure:
    """The class similarity matrix ordered by :func:`cluster_classes` (seaborn clustermap)."""
    table = check_class_table(table)
    similarity = check_similarity(similarity, len(table))
    labels = table["label"].tolist()
    frame = pd.DataFrame(similarity, index=labels, columns=labels)
    show = len(labels) <= _MAX_TICK_LABELS
    colors = _group_colors(table, labels)
    grid = sns.clustermap(
        frame,
        row_linkage=linkage,
        col_linkage=linkage,
        row_colors=colors,
        col_colors=colors,
        mask=frame.isna(),
        xticklabels=show,
        yticklabels=show,
        figsize=(10, 10),
        cbar_kws={"label": "class similarity"},
        rasterized=True,
        **_HEATMAP,
    )
    _clustermap_margins(grid, table["group"].astype(str), title)
    return _detached(grid)


def figure_dnase_bicluster(
    clustering: Biclustering, table: pd.DataFrame | None = None, title: str | None = None
) -> Figure:
    """Figure 8A: the DNase (rows) x TF/histone (columns) block, bi-clustered.

    With ``table``, colour strips mark the rows (DNase) and columns (TF or histone) by group.
    """
    block = clustering.block
    # clustermap reorders the block itself from the linkages, so give it the input order.
    rows = block.index[np.argsort(hierarchy.leaves_list(clustering.row_linkage))]
    cols = block.columns[np.argsort(hierarchy.leaves_list(clustering.col_linkage))]
    frame = block.loc[rows, cols]
    options = {}
    if table is not None:
        options["row_colors"] = _group_colors(check_class_table(table), frame.index)
        options["col_colors"] = _group_colors(check_class_table(table), frame.columns)
    grid = sns.clustermap(
        frame,
        row_linkage=clustering.row_linkage,
        col_linkage=clustering.col_linkage,
        mask=frame.isna(),
        xticklabels=frame.shape[1] <= _MAX_TICK_LABELS,
        yticklabels=frame.shape[0] <= _MAX_TICK_LABELS,
        figsize=(12, 6.5),
        cbar_kws={"label": "class similarity"},
        rasterized=True,
        **_HEATMAP,
        **options,
    )
    grid.ax_heatmap.set_xlabel(f"TF / histone mark experiments ({frame.shape[1]})")
    grid.ax_heatmap.set_ylabel(f"DNase experiments ({frame.shape[0]})")
    groups = []
    if table is not None:  # the groups of the two colour strips: rows DNase, columns TF/histone
        groups = ["DNase", *options["col_colors"].map(_COLOR_GROUPS)]
    _clustermap_margins(grid, groups, title)
    return _detached(grid)


def figure_strong_correlation_counts(
    counts: pd.DataFrame, threshold: float, order=None, title: str | None = None
) -> Figure:
    """Figure 8B: strong positive (red, up) and negative (blue, down) correlation counts.

    Parameters
    ----------
    counts : DataFrame
        :func:`strong_correlation_counts` (or :func:`factor_counts`).
    threshold : float
        The threshold used, for the axis label.
    order : sequence of labels, optional
        Bar order, e.g. the bi-clustered columns; default: the order of ``counts``.
    """
    if order is not None:
        counts = counts.loc[list(order)]
    n = len(counts)
    x = np.arange(n)
    fig = Figure(figsize=(max(6.0, min(0.18 * n, 16.0)), 4.0), layout="constrained")
    ax = fig.add_subplot()
    ax.bar(x, counts["n_positive"], width=1.0, color=POSITIVE, label=f"A >= {threshold:g}")
    ax.bar(x, -counts["n_negative"], width=1.0, color=NEGATIVE, label=f"A <= -{threshold:g}")
    ax.axhline(0, color="black", lw=0.6)
    ax.set_xlim(-0.5, n - 0.5)
    if n <= 80:
        ax.set_xticks(x, counts.index.astype(str), rotation=90, fontsize=6)
    else:
        ax.set_xticks([])
        ax.set_xlabel(f"TF / histone mark experiments ({n})")
    if not (counts["n_positive"].any() or counts["n_negative"].any()):
        ax.set_ylim(-1, 1)  # integer ticks -1, 0, 1 rather than matplotlib's +-0.05 default
        ax.text(
            0.5,
            0.75,
            f"none at A >= {threshold:g} or A <= -{threshold:g}",
            transform=ax.transAxes,
            ha="center",
            fontsize=11,
            gid="no_strong_correlations",
        )
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{abs(value):g}"))
    ax.set_ylabel("strongly correlated DNase experiments\n(negative: downwards)")
    ax.legend(frameon=False, fontsize=8)
    if title:
        ax.set_title(title)
    return fig


def figure_class_differences(differences: pd.DataFrame, title: str | None = None) -> Figure:
    """Class difference maps (:func:`deepresolve.method.similarity.class_difference_maps`): one
    heatmap row per pair."""
    matrix = differences.pivot(index="pair", columns="neuron", values="difference")
    matrix = matrix.loc[differences["pair"].drop_duplicates()]
    scale = float(np.nanmax(np.abs(matrix.to_numpy()))) or 1.0
    fig = Figure(
        figsize=(max(8.0, min(0.03 * matrix.shape[1], 16.0)), max(3.0, 1.6 + 0.35 * len(matrix))),
        layout="constrained",
    )
    ax = fig.add_subplot()
    sns.heatmap(
        matrix,
        ax=ax,
        cmap="RdBu_r",
        vmin=-scale,
        vmax=scale,
        xticklabels=matrix.shape[1] <= _MAX_TICK_LABELS,
        cbar_kws={"label": "ONIV difference (a - b)"},
    )
    if matrix.shape[1] > _MAX_TICK_LABELS:
        steps = [s for s in (10, 20, 50, 100, 200, 500, 1000) if matrix.shape[1] / s <= 16]
        step = steps[0] if steps else matrix.shape[1] // 10
        ticks = np.arange(0, matrix.shape[1], step)
        ax.set_xticks(ticks + 0.5, matrix.columns[ticks].astype(str), rotation=0)
    ax.set_xlabel(f"feature (neuron index, 0-based; {matrix.shape[1]} features)")
    ax.set_ylabel("")
    if title:
        ax.set_title(title)
    return fig


def figure_pair_similarities(pairs: pd.DataFrame, claims: pd.DataFrame) -> Figure:
    """Every pair's similarity per replicate and method: unrelated pairs grey, each designated
    pair in its own colour (legend), the permutation p-value under each replicate.

    Parameters
    ----------
    pairs : DataFrame
        :func:`pair_table` rows with columns ``replicate`` and ``method`` added.
    claims : DataFrame
        One row per replicate and method with ``replicate``, ``method``, ``p_value``.
    """
    methods = list(dict.fromkeys(claims["method"]))
    replicates = list(dict.fromkeys(claims["replicate"]))
    designated = pairs.loc[pairs["designated"], ["class_a", "class_b", "kind"]].drop_duplicates()
    names = [f"{r.class_a} ~ {r.class_b} ({r.kind})" for r in designated.itertuples()]
    colors = dict(zip(names, plt.get_cmap("tab10").colors, strict=False))
    fig = Figure(figsize=(4.2 * len(methods) + 1, 5.2), layout="constrained")
    axes = fig.subplots(1, len(methods), sharey=True, squeeze=False)[0]
    rng = np.random.default_rng(0)  # jitter only
    for ax, method in zip(axes, methods, strict=True):
        for x, replicate in enumerate(replicates):
            rows = pairs[(pairs["method"] == method) & (pairs["replicate"] == replicate)]
            other = rows[~rows["designated"]]
            ax.scatter(
                x + rng.uniform(-0.15, 0.15, len(other)),
                other["similarity"],
                s=12,
                color="#aaaaaa",
                label="unrelated pairs" if x == 0 else None,
            )
            for row in rows[rows["designated"]].itertuples():
                name = f"{row.class_a} ~ {row.class_b} ({row.kind})"
                ax.scatter(
                    x + 0.3,
                    row.similarity,
                    s=40,
                    marker="D",
                    color=colors[name],
                    edgecolor="black",
                    linewidth=0.5,
                    label=name if x == 0 else None,
                )
        p_values = claims[claims["method"] == method].set_index("replicate")["p_value"]
        ax.set_xticks(
            range(len(replicates)),
            [f"seed {r}\np = {p_values[r]:.3g}" for r in replicates],
        )
        ax.set_xlim(-0.6, len(replicates) - 0.3)
        ax.axhline(0, color="black", lw=0.5)
        ax.set_title(method)
        ax.set_xlabel("training replicate (permutation p-value)")
    axes[0].set_ylabel("class similarity of a pair (Pearson r)")
    handles, texts = axes[0].get_legend_handles_labels()
    fig.legend(handles, texts, loc="outside lower center", ncol=2, fontsize=8, frameon=False)
    fig.suptitle("Same-TF and same-family pairs among all pairs of experiments")
    return fig
