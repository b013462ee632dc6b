"""Sequence logos of PWMs (:mod:`deepresolve.motifs.pwm`): one logo on an Axes, or a sheet of them.

Letter heights are information content (logomaker, "classic" colours), 0-2 bits per position.
"""

from __future__ import annotations

from collections.abc import Sequence

import logomaker
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from deepresolve.datasets.sequences import ALPHABET
from deepresolve.motifs.pwm import information_content, validate_pwms


def plot_logo(ax: Axes, pwm: np.ndarray, *, title: str | None = None) -> logomaker.Logo:
    """Draw an information-content sequence logo of one PWM on ``ax`` (logomaker).

    Letter heights are ``p_b * IC`` of their position, so the stack height is the position's
    information content (0-2 bits).

    Parameters
    ----------
    ax: matplotlib Axes
    pwm: array, shape=(width, 4)
    title: str, optional

    Returns
    -------
    logo: logomaker.Logo
    """
    pwm = validate_pwms(pwm)[0]
    heights = pd.DataFrame(pwm * information_content(pwm)[:, None], columns=list(ALPHABET))
    logo = logomaker.Logo(heights, ax=ax, color_scheme="classic", font_name="DejaVu Sans Mono")
    logo.style_spines(visible=False)
    logo.style_spines(spines=["bottom"], visible=True, linewidth=0.6)
    ax.set_ylim(0, 2)
    ax.set_xticks([])
    ax.set_yticks([])
    if title is not None:
        ax.set_title(title, fontsize=9, pad=2)
    return logo


def plot_logo_sheet(
    pwms: np.ndarray, names: Sequence[str] | None = None, *, n_cols: int = 4
) -> Figure:
    """A grid of information-content logos, one per filter.

    Parameters
    ----------
    pwms: array, shape=(n_filters, width, 4)
    names: list of n_filters str, optional
        Panel titles; default ``filter 0``, ``filter 1``, ...
    n_cols: int
        Logos per row.

    Returns
    -------
    fig: matplotlib Figure (save it with ``fig.savefig``)
    """
    pwms = validate_pwms(pwms)
    if names is None:
        names = [f"filter {i}" for i in range(len(pwms))]
    n_rows = -(-len(pwms) // n_cols)
    width = pwms.shape[1]
    fig = Figure(figsize=(n_cols * (0.25 * width + 0.6), n_rows * 1.1), layout="constrained")
    fig.get_layout_engine().set(wspace=0.08, hspace=0.08)
    axes = fig.subplots(n_rows, n_cols, squeeze=False)
    for ax in axes.flat[len(pwms) :]:
        ax.set_axis_off()
    for ax, pwm, name in zip(axes.flat, pwms, names, strict=False):
        plot_logo(ax, pwm, title=name)
    return fig
