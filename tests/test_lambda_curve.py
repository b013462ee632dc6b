"""Re-ranking a Table 1 run by another importance, and the lambda curve built on it."""

import numpy as np
import pandas as pd
import pytest

from deepresolve.analyses.lambda_curve import curve_table
from deepresolve.analyses.table1 import (
    experiment_detail,
    importance_by_experiment,
    rerank,
    summarise,
)
from deepresolve.figures.table1 import plot_curve

from .test_table1 import ranked_table


@pytest.fixture
def ranked():
    """Two experiments of 4 filters; filter 2 of e1 and filter 0 of e2 match at p < 0.05."""
    return pd.concat(
        [
            ranked_table("e1", [0, 1, 2, 3], [1, 1, 0.01, 0.3], [False, False, True, False]),
            ranked_table("e2", [3, 2, 1, 0], [0.001, 1, 1, 1], [True, False, False, False]),
        ],
        ignore_index=True,
    ).assign(oniv=[4.0, 3.0, 2.0, 1.0, 4.0, 3.0, 2.0, 1.0])


def test_rerank_puts_the_new_favourite_first_and_keeps_the_matches(ranked):
    importance = {"e1": np.array([0.0, 0.1, 0.9, 0.2]), "e2": np.array([5.0, 1.0, 2.0, 3.0])}
    again = rerank(ranked, importance)
    first = again[again["rank"] == 1].set_index("experiment")
    assert first.loc["e1", "filter"] == 2 and first.loc["e2", "filter"] == 0
    assert first.loc["e1", "known_p"] == 0.01  # the filter's own match travels with it
    before = experiment_detail(ranked).set_index("experiment")
    after = experiment_detail(again).set_index("experiment")
    assert not before["top1_p<0.05"].any() and after["top1_p<0.05"].all()
    table = summarise(experiment_detail(ranked), others={"authors' ONIV": experiment_detail(again)})
    rows = table[table["source"] == "authors' ONIV"].set_index(["statistic", "threshold"])
    assert rows.loc[("known", 0.05), "top1"] == 2 and rows.loc[("strict", 0.05), "top1"] == 2
    with pytest.raises(KeyError, match="no ranked filters"):
        rerank(ranked, {"e9": np.zeros(4)})
    with pytest.raises(ValueError, match="importances for 4 filters"):
        rerank(ranked, {"e1": np.zeros(3)})


def test_curve_table_counts_and_agreement_per_point(ranked):
    good = {"e1": np.array([0.0, 0.1, 0.9, 0.2]), "e2": np.array([5.0, 1.0, 2.0, 3.0])}
    current = importance_by_experiment(ranked)  # rank 1 = filter 0 (e1), filter 3 (e2)

    def oniv_frame(importance, steps):
        return pd.concat(
            [
                pd.DataFrame({"experiment": e, "filter": range(4), "oniv": v, "steps": steps})
                for e, v in importance.items()
            ]
        )

    points = [{"l2": 3.0, "learning_rate": 0.01}, {"l2": 0.01, "learning_rate": 0.1}]
    table = curve_table(points, [oniv_frame(good, 100), oniv_frame(current, 9000)], ranked, good)
    assert table["l2"].tolist() == [0.01, 3.0]  # sorted by lambda
    at3 = table.set_index("l2").loc[3.0]
    assert at3["median_pearson"] == pytest.approx(1.0) and at3["same_top1"] == 2
    assert at3["top1_p<0.05"] == 2 and at3["median_steps"] == 100
    at001 = table.set_index("l2").loc[0.01]
    assert at001["same_top1"] == 0 and at001["top1_p<0.05"] == 0
    figure = plot_curve(table)
    assert len(figure.axes) == 2
