"""The paper's figures: neuron importance as circles on a neuron axis, and similarity heatmaps.

Every circle row puts one circle per neuron at ``x = neuron index`` (0-based, the filter index
of the convolutional layer): red for a positive value, blue for a negative one, circle area
proportional to ``|value|`` with one scale per kind of row in a figure (all NIV/ONIV rows
share one, variance rows another, grey), except Figure 3 (:func:`figure_class_nivs`), where
each class's rows have their own scale, written under the row's label. Neurons flagged
non-linear get a black edge. Logos of the filters (:func:`deepresolve.figures.logos.plot_logo`) sit
above the most important neurons, joined to their column by a thin line.

Each function returns a :class:`matplotlib.figure.Figure` built without pyplot (Agg canvas,
no display); save it with ``fig.savefig("figure.png", dpi=200)`` and ``fig.savefig(...pdf)``.
Each row's circles are one scatter collection whose ``gid`` is ``"signed:<row label>"`` or
``"variance:<row label>"``, so tests and callers can find them.

Shapes: ``K`` neurons, ``T`` gradient-ascent runs, ``C`` classes, ``w`` filter width.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle

from deepresolve.figures.logos import plot_logo
from deepresolve.method.importance import MODES, ONIV_RULE

POSITIVE = "#d62728"
NEGATIVE = "#1f77b4"
ZERO = "#bbbbbb"
VARIANCE = "#555555"

_PITCH = 0.32  # inches between neighbouring neurons
_ROW = 0.36  # inches per circle row
_LOGOS = 1.05  # inches for a strip of logos and their connectors
_LEFT, _RIGHT, _TOP, _BOTTOM = 1.25, 1.45, 0.55, 0.55  # figure margins, inches
_MAX_AREA = (0.9 * min(_PITCH, _ROW) * 72) ** 2  # points^2 of the largest circle


def _check(name: str, array, shape: tuple) -> np.ndarray:
    array = np.asarray(array)
    if array.shape != shape:
        raise ValueError(f"{name}: expected shape {shape}, got {array.shape}")
    return array


def _top_neurons(values: np.ndarray, n: int) -> np.ndarray:
    """Indices of the ``n`` largest ``|values|`` (ties by index), sorted by neuron index."""
    order = np.argsort(-np.abs(values), kind="stable")
    return np.sort(order[: min(n, len(values))])


def _scale(*arrays: np.ndarray) -> float:
    top = max(float(np.max(np.abs(a))) if np.size(a) else 0.0 for a in arrays)
    return top if top > 0 else 1.0


def _area(values: np.ndarray, scale: float) -> np.ndarray:
    return _MAX_AREA * np.abs(values) / scale


def _colors(values: np.ndarray) -> np.ndarray:
    return np.where(values > 0, POSITIVE, np.where(values < 0, NEGATIVE, ZERO))


class _Layout:
    """A vertical stack of panels of fixed heights (inches) sharing one neuron x-axis."""

    def __init__(
        self,
        n_neurons: int,
        title: str | None,
        legend: list[Line2D],
        legend_title: str = "largest circle",
    ):
        self.n_neurons = n_neurons
        self.title = title
        self.legend = legend
        self.legend_title = legend_title
        self.panels: list[tuple[float, Callable[[Axes], None] | None]] = []

    def add(self, height: float, draw: Callable[[Axes], None] | None = None) -> None:
        self.panels.append((height, draw))

    def render(self) -> Figure:
        width = _LEFT + max(_PITCH * self.n_neurons, 4.0) + _RIGHT
        height = _TOP + sum(h for h, _ in self.panels) + _BOTTOM
        fig = Figure(figsize=(width, height))
        top = height - _TOP
        for panel_height, draw in self.panels:
            top -= panel_height
            if draw is None:
                continue
            ax = fig.add_axes(
                (_LEFT / width, top / height, 1 - (_LEFT + _RIGHT) / width, panel_height / height)
            )
            ax.set_xlim(-0.5, self.n_neurons - 0.5)
            draw(ax)
        fig.legend(
            handles=self.legend,
            loc="upper left",
            frameon=False,
            fontsize=8,
            bbox_to_anchor=(1 - (_RIGHT - 0.1) / width, 1 - _TOP / height),
            labelspacing=1.0,
            handletextpad=0.4,
            title=self.legend_title,
            title_fontsize=8,
        )
        if self.title:
            fig.suptitle(
                self.title,
                x=(_LEFT + 0.5 * (width - _LEFT - _RIGHT)) / width,
                y=1 - 0.2 / height,
                va="top",
                fontsize=13,
            )
        return fig


def _logo_strip(neurons: np.ndarray, pwms: np.ndarray, n_neurons: int) -> Callable:
    """Logos of ``neurons`` spread over the strip, each joined to its neuron's column."""

    def draw(ax: Axes) -> None:
        ax.set_ylim(0, 1)
        ax.set_axis_off()
        if len(neurons) == 0:
            return
        logo_width = min(0.85 * n_neurons / len(neurons), 1.3 / _PITCH)
        lo, hi = -0.5 + logo_width / 2, n_neurons - 0.5 - logo_width / 2
        centers = np.clip(neurons.astype(float), lo, hi)
        for i in range(1, len(centers)):  # push right until logos no longer overlap ...
            centers[i] = max(centers[i], centers[i - 1] + logo_width * 1.12)
        centers[-1] = min(centers[-1], hi)
        for i in range(len(centers) - 2, -1, -1):  # ... then back left from the right edge
            centers[i] = min(centers[i], centers[i + 1] - logo_width * 1.12)
        for neuron, center in zip(neurons, centers, strict=True):
            inset = ax.inset_axes(
                (center - logo_width / 2, 0.3, logo_width, 0.52), transform=ax.transData
            )
            plot_logo(inset, pwms[neuron])
            inset.set_title(f"#{neuron}", fontsize=8, pad=1)
            ax.plot([center, neuron], [0.3, 0.0], color="0.55", lw=0.7, clip_on=False)

    return draw


def _circle_panel(
    rows: np.ndarray,
    labels: Sequence[str],
    scale: float | np.ndarray,
    *,
    kind: str = "signed",
    edges: np.ndarray | None = None,
    guides: np.ndarray | None = None,
    xlabel: bool = False,
) -> Callable:
    """One circle per neuron per row; ``rows: shape=(n_rows, K)``, ``edges`` bool like rows;
    ``scale``: one value for every row or one per row."""
    rows = np.atleast_2d(rows)
    scales = np.broadcast_to(np.asarray(scale, dtype=float), (len(rows),))

    def draw(ax: Axes) -> None:
        n_rows, n_neurons = rows.shape
        x = np.arange(n_neurons)
        for neuron in [] if guides is None else guides:
            ax.axvline(neuron, color="0.88", lw=0.8, zorder=0)
        for i, (values, label, row_scale) in enumerate(zip(rows, labels, scales, strict=True)):
            ax.axhline(i, color="0.85", lw=0.8, zorder=0)
            edge = np.zeros(n_neurons, bool) if edges is None else np.atleast_2d(edges)[i]
            ax.scatter(
                x,
                np.full(n_neurons, i),
                s=_area(values, row_scale),
                c=_colors(values) if kind == "signed" else VARIANCE,
                edgecolors=np.where(edge, "black", "none"),
                linewidths=np.where(edge, 1.6, 0.0),
                zorder=2,
                gid=f"{kind}:{label}",
            )
        ax.set_ylim(n_rows - 0.5, -0.5)
        ax.set_yticks(range(n_rows), labels, fontsize=9)
        ax.tick_params(axis="y", length=0)
        ax.set_xticks(x)
        step = 1 if n_neurons <= 40 else 5
        ax.set_xticklabels([str(i) if i % step == 0 else "" for i in x], fontsize=7)
        ax.tick_params(axis="x", labelbottom=xlabel, length=2 if xlabel else 0)
        if xlabel:
            ax.set_xlabel("neuron (filter index)", fontsize=9)
        for side in ("top", "right", "left") if xlabel else ("top", "right", "left", "bottom"):
            ax.spines[side].set_visible(False)

    return draw


def _legend(
    scale: float | None, name: str, *, kind: str = "signed", nonlinear: bool = False
) -> list:
    """Legend entries for the largest circle of a scale (and the non-linear edge); with
    ``scale=None`` (one scale per row) the entries name the kind of value only."""

    def circle(color, label, edge="none", width=0.0):
        return Line2D(
            [],
            [],
            ls="",
            marker="o",
            ms=0.8 * np.sqrt(_MAX_AREA),
            mfc=color,
            mec=edge,
            mew=width,
            label=label,
        )

    if scale is None:
        signed = [circle(POSITIVE, f"{name} > 0"), circle(NEGATIVE, f"{name} < 0")]
        return signed if kind == "signed" else [circle(VARIANCE, name)]
    if kind != "signed":
        return [circle(VARIANCE, f"{name} {scale:.3g}")]
    handles = [circle(POSITIVE, f"{name} +{scale:.3g}"), circle(NEGATIVE, f"{name} −{scale:.3g}")]
    if nonlinear:
        handles.append(circle("white", "non-linear", edge="black", width=1.6))
    return handles


def _check_pwms(pwms, n_neurons: int) -> np.ndarray:
    pwms = np.asarray(pwms, dtype=float)
    if pwms.ndim != 3 or pwms.shape[0] != n_neurons or pwms.shape[2] != 4:
        raise ValueError(f"pwms: expected shape ({n_neurons}, width, 4), got {pwms.shape}")
    return pwms


def figure_niv_runs(
    nivs_c: np.ndarray,
    variance: np.ndarray,
    pwms: np.ndarray,
    title: str | None = None,
    *,
    n_logos: int = 4,
) -> Figure:
    """Figure 2: the NIV of every gradient-ascent run for one class, and their variance.

    Parameters
    ----------
    nivs_c: array, shape=(T, K)
        Neuron importance vectors of one class, one row per run.
    variance: array, shape=(K,)
        Variance of each neuron's NIV over the runs (circle area ∝ variance).
    pwms: array, shape=(K, w, 4)
        Filter PWMs (:func:`deepresolve.motifs.pwm.filters_to_pwms`), for the logos.
    title: str, optional
    n_logos: int
        Logos are drawn above the ``n_logos`` highest-variance neurons.
    """
    nivs_c = np.asarray(nivs_c, dtype=float)
    if nivs_c.ndim != 2:
        raise ValueError(f"nivs_c: expected shape (T, K), got {nivs_c.shape}")
    n_runs, n_neurons = nivs_c.shape
    variance = _check("variance", variance, (n_neurons,)).astype(float)
    pwms = _check_pwms(pwms, n_neurons)
    top = _top_neurons(variance, n_logos)

    legend = _legend(_scale(nivs_c), "NIV") + _legend(_scale(variance), "variance", kind="variance")
    layout = _Layout(n_neurons, title, legend)
    layout.add(_LOGOS, _logo_strip(top, pwms, n_neurons))
    layout.add(
        _ROW * n_runs,
        _circle_panel(nivs_c, [f"run {t + 1}" for t in range(n_runs)], _scale(nivs_c), guides=top),
    )
    layout.add(0.15)
    layout.add(
        _ROW,
        _circle_panel(
            variance[None], ["variance"], _scale(variance), kind="variance", guides=top, xlabel=True
        ),
    )
    return layout.render()


def figure_class_nivs(
    avg_nivs: np.ndarray,
    variance: np.ndarray,
    pwms: np.ndarray,
    class_names: Sequence[str],
    title: str | None = None,
    *,
    n_logos: int = 3,
) -> Figure:
    """Figure 3: the run-averaged NIV of each class, with the variance rows at the bottom.

    Each row has its own circle scale (its largest ``|value|`` is the largest circle, written
    under the row's label): the classes' NIVs can differ in size by orders of magnitude, so one
    shared scale shrinks all but the largest class to dots, and the figure compares neurons
    within a class.

    Parameters
    ----------
    avg_nivs: array, shape=(C, K)
        Mean NIV over the runs, one row per class.
    variance: array, shape=(C, K)
        Variance of each neuron's NIV over the runs, per class.
    pwms: array, shape=(K, w, 4)
        Filter PWMs, for the logos above each class's ``n_logos`` largest ``|NIV|`` neurons.
    class_names: list of C str
    title: str, optional
    """
    avg_nivs = np.asarray(avg_nivs, dtype=float)
    if avg_nivs.ndim != 2:
        raise ValueError(f"avg_nivs: expected shape (C, K), got {avg_nivs.shape}")
    n_classes, n_neurons = avg_nivs.shape
    variance = _check("variance", variance, avg_nivs.shape).astype(float)
    pwms = _check_pwms(pwms, n_neurons)
    class_names = _check("class_names", list(class_names), (n_classes,)).tolist()
    niv_scales = [_scale(row) for row in avg_nivs]
    variance_scales = np.array([_scale(row) for row in variance])

    legend = _legend(None, "NIV") + _legend(None, "variance", kind="variance")
    layout = _Layout(n_neurons, title, legend, legend_title="largest circle:\nthe row's max")
    for c, name in enumerate(class_names):
        top = _top_neurons(avg_nivs[c], n_logos)
        layout.add(_LOGOS, _logo_strip(top, pwms, n_neurons))
        label = f"{name}\nmax |NIV| {niv_scales[c]:.3g}"
        layout.add(_ROW, _circle_panel(avg_nivs[c], [label], niv_scales[c], guides=top))
    layout.add(0.3)
    layout.add(
        _ROW * n_classes,
        _circle_panel(
            variance,
            [
                f"var. {name}, max {v:.3g}"
                for name, v in zip(class_names, variance_scales, strict=True)
            ],
            variance_scales,
            kind="variance",
            xlabel=True,
        ),
    )
    return layout.render()


def figure_oniv_from_nivs(
    nivs_c: np.ndarray,
    oniv_c: np.ndarray,
    nonlinear_c: np.ndarray,
    variance_c: np.ndarray,
    pwms: np.ndarray,
    title: str | None = None,
    *,
    n_logos: int = 4,
    mode: str = "released",
) -> Figure:
    """Figure 4: the NIVs of all runs of one class, the ONIV built from them, and the variance.

    NIV and ONIV rows share one size scale; non-linear neurons get a black edge in the ONIV.
    The arrow between NIVs and ONIV says how ``mode`` built the ONIV
    (:data:`deepresolve.method.importance.ONIV_RULE`).

    Parameters
    ----------
    nivs_c: array, shape=(T, K)
    oniv_c: array, shape=(K,)
        Overall neuron importance vector of the class.
    nonlinear_c: bool array, shape=(K,)
        Neurons judged non-linear (large variance; their ONIV is built apart, see ``mode``).
    variance_c: array, shape=(K,)
    pwms: array, shape=(K, w, 4)
        Logos go above the ``n_logos`` largest ``|ONIV|`` neurons.
    title: str, optional
    mode: {"released", "paper"}
        The ONIV mode that made ``oniv_c`` (:func:`deepresolve.method.importance.oniv`).
    """
    if mode not in MODES:
        raise ValueError(f"mode: expected one of {MODES}, got {mode!r}")
    nivs_c = np.asarray(nivs_c, dtype=float)
    if nivs_c.ndim != 2:
        raise ValueError(f"nivs_c: expected shape (T, K), got {nivs_c.shape}")
    n_runs, n_neurons = nivs_c.shape
    oniv_c = _check("oniv_c", oniv_c, (n_neurons,)).astype(float)
    nonlinear_c = _check("nonlinear_c", nonlinear_c, (n_neurons,)).astype(bool)
    variance_c = _check("variance_c", variance_c, (n_neurons,)).astype(float)
    pwms = _check_pwms(pwms, n_neurons)
    top = _top_neurons(oniv_c, n_logos)
    scale = _scale(nivs_c, oniv_c)

    legend = _legend(scale, "NIV", nonlinear=True) + _legend(
        _scale(variance_c), "variance", kind="variance"
    )
    layout = _Layout(n_neurons, title, legend)
    layout.add(_LOGOS, _logo_strip(top, pwms, n_neurons))
    layout.add(
        _ROW * n_runs,
        _circle_panel(nivs_c, [f"NIV run {t + 1}" for t in range(n_runs)], scale, guides=top),
    )
    layout.add(0.3, _arrow(f"ONIV ({mode} mode): {ONIV_RULE[mode]}"))
    layout.add(
        _ROW,
        _circle_panel(oniv_c[None], ["ONIV"], scale, edges=nonlinear_c[None], guides=top),
    )
    layout.add(0.12)
    layout.add(
        _ROW,
        _circle_panel(
            variance_c[None],
            ["variance"],
            _scale(variance_c),
            kind="variance",
            guides=top,
            xlabel=True,
        ),
    )
    return layout.render()


def _arrow(text: str) -> Callable:
    def draw(ax: Axes) -> None:
        ax.set_axis_off()
        ax.annotate(
            "",
            xy=(-0.02, 0.0),
            xytext=(-0.02, 1.0),
            xycoords="axes fraction",
            arrowprops={"arrowstyle": "-|>", "color": "0.3", "lw": 1.2},
        )
        ax.text(0.0, 0.5, text, transform=ax.transAxes, va="center", fontsize=8, color="0.3")

    return draw


def figure_class_onivs(
    oniv: np.ndarray,
    nonlinear: np.ndarray,
    pwms: np.ndarray,
    class_names: Sequence[str],
    title: str | None = None,
    *,
    n_logos: int = 3,
) -> Figure:
    """Figure 5: the ONIV of each class, logos above its largest ``|ONIV|`` neurons.

    Parameters
    ----------
    oniv: array, shape=(C, K)
    nonlinear: bool array, shape=(C, K)
        Non-linear neurons per class, drawn with a black edge.
    pwms: array, shape=(K, w, 4)
    class_names: list of C str
    title: str, optional
    """
    oniv = np.asarray(oniv, dtype=float)
    if oniv.ndim != 2:
        raise ValueError(f"oniv: expected shape (C, K), got {oniv.shape}")
    n_classes, n_neurons = oniv.shape
    nonlinear = _check("nonlinear", nonlinear, oniv.shape).astype(bool)
    pwms = _check_pwms(pwms, n_neurons)
    class_names = _check("class_names", list(class_names), (n_classes,)).tolist()
    scale = _scale(oniv)

    layout = _Layout(n_neurons, title, _legend(scale, "ONIV", nonlinear=True))
    for c, name in enumerate(class_names):
        top = _top_neurons(oniv[c], n_logos)
        layout.add(_LOGOS, _logo_strip(top, pwms, n_neurons))
        layout.add(
            _ROW,
            _circle_panel(
                oniv[c],
                [str(name)],
                scale,
                edges=nonlinear[c][None],
                guides=top,
                xlabel=c == n_classes - 1,
            ),
        )
    return layout.render()


def figure_similarity_matrices(
    matrices: Mapping[str, np.ndarray],
    class_names: Sequence[str],
    highlight: int | None = None,
    title: str | None = None,
) -> Figure:
    """Figure 6: class similarity matrices side by side (two per row), one shared colour bar.

    Parameters
    ----------
    matrices: dict of str -> array, shape=(C, C)
        Panel title -> correlation matrix in [-1, 1] (e.g. non-negative ONIV, ONIV, last-layer
        positive weights, last-layer weights).
    class_names: list of C str
        Row and column labels (class 1 left / top).
    highlight: int, optional
        Draw a box around the top-left ``highlight x highlight`` block (the paper's box around
        classes 1-3, which share patterns).
    title: str, optional
    """
    if not matrices:
        raise ValueError("matrices: expected at least one matrix")
    class_names = [str(name) for name in class_names]
    n = len(class_names)
    n_cols = 1 if len(matrices) == 1 else 2
    n_rows = -(-len(matrices) // n_cols)
    side = 0.75 * n + 1.2
    fig = Figure(
        figsize=(n_cols * side + 1.0, n_rows * side + (0.5 if title else 0.1)), layout="constrained"
    )
    axes = fig.subplots(n_rows, n_cols, squeeze=False)
    mesh = None
    for ax, (name, matrix) in zip(axes.flat, matrices.items(), strict=False):
        matrix = _check(f"matrices[{name!r}]", matrix, (n, n)).astype(float)
        sns.heatmap(
            matrix,
            ax=ax,
            cmap="RdBu_r",
            center=0,
            vmin=-1,
            vmax=1,
            annot=True,
            fmt=".2f",
            annot_kws={"fontsize": 10},
            square=True,
            cbar=False,
            linewidths=0.5,
            linecolor="white",
            xticklabels=class_names,
            yticklabels=class_names,
        )
        mesh = ax.collections[0]
        ax.set_title(name, fontsize=11)
        ax.tick_params(labelsize=9, length=0)
        ax.tick_params(axis="y", labelrotation=0)
        if highlight:
            ax.add_patch(
                Rectangle(
                    (0, 0),
                    highlight,
                    highlight,
                    fill=False,
                    edgecolor="black",
                    lw=2.5,
                    clip_on=False,
                    gid="highlight",
                )
            )
    for ax in axes.flat[len(matrices) :]:
        ax.set_axis_off()
    fig.colorbar(mesh, ax=axes, shrink=0.6, label="Pearson correlation")
    if title:
        fig.suptitle(title, fontsize=13)
    return fig
