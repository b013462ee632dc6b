"""Table 1 counting: ranking filters, top-k success, the summary beside the paper's row."""

import numpy as np
import pandas as pd
import pytest

from deepresolve.table1 import (
    PAPER_TABLE1,
    best_match_per_filter,
    column_name,
    rank_filters,
    summarise,
    to_markdown,
    top_k_success,
)


def test_rank_filters_largest_first_ties_by_index():
    np.testing.assert_array_equal(rank_filters([0.1, 3.0, -2.0, 3.0]), [1, 3, 0, 2])


def test_best_match_per_filter_takes_smallest_p_and_fills_missing():
    hits = pd.DataFrame(
        {
            "query": ["filter_0", "filter_0", "filter_2"],
            "target": ["MA1", "MA2", "MA1"],
            "p": [0.3, 0.01, 0.2],
        }
    )
    best = best_match_per_filter(hits, 3)
    assert best["target"].tolist() == ["MA2", "", "MA1"]
    assert best["p"].tolist() == [0.01, 1.0, 0.2]


def test_top_k_success_counts_only_the_top_k():
    ranking = np.array([2, 0, 1, 3, 4, 5])
    p = np.array([0.3, 1.0, 0.9, 1.0, 1.0, 0.01])  # filter 5 matches well but ranks 6th
    success = top_k_success(ranking, p)
    assert success == {
        "top1_p<0.5": False,
        "top1_p<0.05": False,
        "top3_p<0.5": True,
        "top3_p<0.05": False,
        "top5_p<0.5": True,
        "top5_p<0.05": False,
    }


def test_summary_counts_and_paper_row():
    detail = pd.DataFrame(
        [top_k_success([0, 1, 2], [0.01, 1, 1]), top_k_success([1, 0, 2], [0.01, 0.4, 1])]
    )
    table = summarise(detail)
    ours = table.set_index("source").loc["ours"]
    assert ours["n_experiments"] == 2
    assert ours[column_name(1, 0.05)] == 1 and ours[column_name(1, 0.5)] == 2
    paper = table.set_index("source").loc["paper"]
    assert paper[column_name(5, 0.05)] == PAPER_TABLE1["DeepResolve"][(5, 0.05)] == 419
    markdown = to_markdown(table, {"engine": "memelite"})
    assert markdown.count("\n| DeepResolve |") == 2 and "engine: memelite" in markdown


@pytest.mark.parametrize("method", sorted(PAPER_TABLE1))
def test_paper_counts_are_monotone(method):
    row = PAPER_TABLE1[method]
    for t in (0.5, 0.05):
        assert row[(1, t)] <= row[(3, t)] <= row[(5, t)] <= 422
    for k in (1, 3, 5):
        assert row[(k, 0.05)] <= row[(k, 0.5)]
