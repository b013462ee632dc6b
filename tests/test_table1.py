"""Table 1 counting: ranking filters, top-k success, the summary beside the paper's row."""

import numpy as np
import pandas as pd
import pytest

from deepresolve.analyses.table1 import (
    PAPER_TABLE1,
    experiment_detail,
    random_order_success,
    rank_filters,
    summarise,
    to_markdown,
    top_k_success,
)


def test_rank_filters_largest_first_ties_by_index():
    np.testing.assert_array_equal(rank_filters([0.1, 3.0, -2.0, 3.0]), [1, 3, 0, 2])


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


def ranked_table(experiment, order, known_p, strict_hit):
    """Ranked-filter rows of one experiment: ``order`` best first, per-filter values."""
    known_p, strict_hit = np.asarray(known_p), np.asarray(strict_hit)
    return pd.DataFrame(
        {
            "experiment": experiment,
            "rank": np.arange(1, len(order) + 1),
            "filter": order,
            "known_target": "MA1",
            "known_p": known_p[order],
            "jaspar_name": np.where(strict_hit[order], "TF", "OTHER"),
            "jaspar_E": np.where(strict_hit[order], 0.001, 0.01),
            "tf_is_best_jaspar": strict_hit[order],
        }
    )


def test_detail_and_summary_count_ours_paper_random_and_strict():
    ranked = pd.concat(
        [
            # e1: the top filter matches at p < 0.05 and is strict; 2 of 4 filters hit
            ranked_table("e1", [0, 1, 2, 3], [0.01, 1, 0.3, 1], [True, False, False, False]),
            # e2: only the 2nd ranked filter matches (p < 0.5), none is strict
            ranked_table("e2", [3, 2, 1, 0], [1, 1, 0.4, 1], [False] * 4),
        ],
        ignore_index=True,
    )
    detail = experiment_detail(ranked).set_index("experiment")
    assert detail.loc["e1", "top1_p<0.05"] and detail.loc["e1", "top1_strict"]
    assert not detail.loc["e2", "top1_p<0.5"] and detail.loc["e2", "top3_p<0.5"]
    assert not detail.loc["e2", "top5_strict"]
    assert detail.loc["e1", "best_rank_p<0.05"] == 1 and detail.loc["e2", "best_rank_p<0.05"] == -1
    # random order: e1 has 2 hits at p < 0.5 among 4 filters -> top-1 chance 1/2
    assert detail.loc["e1", "random_top1_p<0.5"] == pytest.approx(0.5)
    assert detail.loc["e2", "random_top3_p<0.5"] == pytest.approx(0.75)

    table = summarise(detail.reset_index())
    rows = table.set_index(["source", "statistic", "threshold"])
    ours = rows.loc[("ours", "known", 0.5)]
    assert (ours["top1"], ours["top3"], ours["n_experiments"]) == (1, 2, 2)
    assert rows.loc[("ours", "known", 0.05), "top5"] == 1
    assert rows.loc[("paper", "known", 0.05), "top5"] == PAPER_TABLE1["DeepResolve"][(5, 0.05)]
    assert rows.loc[("expected", "known", 0.5), "top1"] == pytest.approx(0.5 + 0.25)
    assert rows.loc[("ours", "strict", 0.05), "top1"] == 1
    assert rows.loc[("expected", "strict", 0.05), "top1"] == pytest.approx(0.25)
    markdown = to_markdown(table, {"engine": "memelite"})
    # the paper's row in its Table 1 order (tests/test_paper_numbers.py reads it from the paper)
    paper_row = [PAPER_TABLE1["DeepResolve"][(k, t)] for k in (1, 3, 5) for t in (0.5, 0.05)]
    assert f"| DeepResolve | paper | 422 | {' | '.join(map(str, paper_row))} |" in markdown
    assert "Strict statistic" in markdown and "engine: memelite" in markdown


@pytest.mark.parametrize(
    ("n", "m", "k"), [(16, 3, 1), (16, 3, 3), (16, 0, 5), (5, 2, 4), (4, 4, 1)]
)
def test_random_order_success_matches_shuffling(n, m, k):
    hit = np.zeros(n, dtype=bool)
    hit[:m] = True
    rng = np.random.default_rng(0)
    draws = [hit[rng.permutation(n)[:k]].any() for _ in range(20000)]
    assert random_order_success(hit, k) == pytest.approx(np.mean(draws), abs=0.015)
    assert random_order_success(hit, n) == (1.0 if m else 0.0)


@pytest.mark.parametrize("method", sorted(PAPER_TABLE1))
def test_paper_counts_are_monotone(method):
    row = PAPER_TABLE1[method]
    for t in (0.5, 0.05):
        assert row[(1, t)] <= row[(3, t)] <= row[(5, t)] <= 422
    for k in (1, 3, 5):
        assert row[(k, 0.05)] <= row[(k, 0.5)]
