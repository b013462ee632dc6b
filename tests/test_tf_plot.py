"""The per-TF logo sheet (deepresolve.figures.table1): a labelled grid a reader can take in at a
glance."""

import matplotlib.colors as mcolors
import numpy as np
import pandas as pd
import pytest
from matplotlib.text import Text

from deepresolve.figures.table1 import NONLINEAR, OWN_MATCH, figure_top_filters

EXPERIMENT = "wgEncodeAwgTfbsBroadDnd41CtcfUniPk"


def ranked_table(n_filters: int = 8) -> pd.DataFrame:
    """Ranks 1.. over filters in a shuffled order; filter 5 (rank 2) non-linear, rank 1's best
    JASPAR match is the TF's own, rank 3's is another TF's with a small p against the TF."""
    order = [3, 5, 0, 7, 1, 2, 4, 6][:n_filters]
    rows = []
    for rank, f in enumerate(order, start=1):
        rows.append(
            {
                "experiment": EXPERIMENT,
                "rank": rank,
                "filter": f,
                "oniv": 1.0 / rank,
                "variance": 0.1,
                "nonlinear": f == 5,
                "known_target": "MA0139.2",
                "known_p": 10.0**-rank,
                "jaspar_target": "MA0139.2" if rank == 1 else f"MA9{rank}.1",
                "jaspar_name": "CTCF" if rank == 1 else f"Hmga{rank}",
                "jaspar_E": 0.5 * rank,
                "tf_is_best_jaspar": rank == 1,
            }
        )
    return pd.DataFrame(rows).sample(frac=1.0, random_state=0)  # file order need not be rank


def pwms(n_filters: int = 8, width: int = 24) -> np.ndarray:
    rng = np.random.default_rng(0)
    weights = rng.gamma(0.3, size=(n_filters, width, 4))
    return weights / weights.sum(axis=2, keepdims=True)


def filter_title(ax) -> Text:
    (text,) = [t for t in ax.findobj(Text) if t.get_gid() == "filter_title"]
    return text


def texts(ax) -> list:
    return [t for t in ax.texts if t.get_text()]


def test_grid_with_axes_titles_and_labelled_matches():
    fig = figure_top_filters(
        pwms(), ranked_table(), experiment=EXPERIMENT, tf="CTCF", known_names={"MA0139.2": "CTCF"}
    )
    width, height = fig.get_size_inches()
    assert width >= 10 and height >= 6  # a grid, not a 4123 x 145 px strip
    assert 0.5 < height / width < 1.2
    panels = [ax for ax in fig.axes if ax.get_visible() and ax.axison]
    assert len(panels) == 5  # 3 rows x 2 columns, the sixth cell empty
    suptitle = fig.get_suptitle()
    assert EXPERIMENT in suptitle and "CTCF" in suptitle and "from 0" in suptitle
    expected_filters = [3, 5, 0, 7, 1]  # ranks 1-5
    for rank, (ax, f) in enumerate(zip(panels, expected_filters, strict=True), start=1):
        title = ax.get_title(loc="left")
        assert title.startswith(f"rank {rank}: filter {f}, ONIV")
        assert ax.get_ylabel() == "bits"
        assert list(ax.get_yticks()) == [0, 1, 2]
        assert ax.get_xticklabels()[0].get_text() == "1"
        assert "position" in ax.get_xlabel()
        known, best = (t.get_text() for t in texts(ax))
        assert known.startswith("vs CTCF's motif (CTCF MA0139.2): p = ")
        assert f"{10.0**-rank:.1e}" in known  # the p sits with the TF's motif ...
        assert best.startswith("best JASPAR match: ")  # ... and the match's name apart, with E
        assert "E = " in best and "p" not in best.replace("JASPAR", "").replace("match", "")
    assert "Hmga3" in texts(panels[2])[1].get_text()
    assert "non-linear" in panels[1].get_title(loc="left")
    assert mcolors.same_color(filter_title(panels[1]).get_color(), NONLINEAR)
    assert mcolors.same_color(filter_title(panels[0]).get_color(), "black")
    assert "one of CTCF's" in texts(panels[0])[1].get_text()
    assert mcolors.same_color(texts(panels[0])[1].get_color(), OWN_MATCH)
    assert mcolors.same_color(texts(panels[2])[1].get_color(), "black")


def test_fewer_filters_and_bad_input():
    fig = figure_top_filters(
        pwms(3), ranked_table()[lambda t: t["filter"] < 3], experiment="x", tf="T"
    )
    assert len([ax for ax in fig.axes if ax.axison]) == 3  # filters 0, 1, 2: ranks 3, 5, 6
    with pytest.raises(ValueError, match="only 2 PWMs"):
        figure_top_filters(pwms(2), ranked_table(), experiment="x", tf="T")
    with pytest.raises(ValueError, match="lacks column"):
        figure_top_filters(pwms(), ranked_table().drop(columns="known_p"), experiment="x", tf="T")
