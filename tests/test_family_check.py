import numpy as np
import pandas as pd
import pytest

from deepresolve.analyses.family_check import (
    SAME_TF,
    UNRELATED,
    check_similarity,
    pair_kinds,
    pair_table,
    permutation_p_value,
)
from deepresolve.figures.multiclass import figure_pair_similarities

TFS = ["CTCF", "CTCF", "CTCF", "USF1", "MYC", "REST", "SP1", "FOXA1"]
LABELS = [f"{tf}_{i}" for i, tf in enumerate(TFS)]
FAMILIES = {"E-box": ["USF1", "MYC"]}


def test_pair_kinds_names_same_tf_same_family_and_unrelated_pairs():
    kinds = pair_kinds(TFS, FAMILIES).set_index(["i", "j"])["kind"]
    assert len(kinds) == 8 * 7 // 2
    assert {(0, 1), (0, 2), (1, 2)} == set(kinds[kinds == SAME_TF].index)
    assert kinds[(3, 4)] == "same family (E-box)"
    assert (kinds == UNRELATED).sum() == 28 - 4
    with pytest.raises(ValueError, match="two families"):
        pair_kinds(TFS, {"a": ["USF1", "MYC"], "b": ["MYC", "REST"]})


def _planted(rng, high):
    """Random similarities in [-0.2, 0.2], the designated pairs set to ``high``."""
    values = rng.uniform(-0.2, 0.2, (8, 8))
    similarity = (values + values.T) / 2
    for i, j in [(0, 1), (0, 2), (1, 2), (3, 4)]:
        similarity[i, j] = similarity[j, i] = high
    np.fill_diagonal(similarity, 1.0)
    return similarity


def test_planted_family_structure_passes_with_top_ranks():
    similarity = _planted(np.random.default_rng(1), 0.9)
    summary, table = check_similarity(
        similarity, LABELS, TFS, families=FAMILIES, n_permutations=2000, alpha=0.05, seed=0
    )
    assert summary["passed"] and summary["p_value"] < 0.01
    assert sorted(summary["designated_ranks"].values()) == [1, 2, 3, 4]
    assert summary["designated_mean"] == pytest.approx(0.9)
    assert abs(summary["unrelated_mean"]) < 0.2
    assert sorted(table["rank"]) == list(range(1, 29))


def test_designated_pairs_no_more_similar_than_others_fail():
    similarity = _planted(np.random.default_rng(2), -0.1)
    summary, _ = check_similarity(
        similarity, LABELS, TFS, families=FAMILIES, n_permutations=2000, alpha=0.05, seed=0
    )
    assert not summary["passed"] and summary["p_value"] > 0.5


def test_p_value_is_one_for_a_constant_matrix_and_never_zero():
    similarity = np.full((8, 8), 0.3)
    observed, p = permutation_p_value(similarity, [[0, 1]], n_permutations=99, seed=0)
    assert observed == pytest.approx(0.3) and p == 1.0
    _, p = permutation_p_value(
        _planted(np.random.default_rng(3), 1.0), [[0, 1], [3, 4]], n_permutations=99, seed=0
    )
    assert 0.01 <= p < 0.1  # (1 + a few exact hits) / 100, never 0


def test_undefined_similarity_counts_as_no_correlation():
    similarity = _planted(np.random.default_rng(4), 0.9)
    similarity[5, :] = similarity[:, 5] = np.nan
    summary, table = check_similarity(
        similarity, LABELS, TFS, families=FAMILIES, n_permutations=500, alpha=0.05, seed=0
    )
    assert summary["n_undefined"] == 7
    assert (table.loc[(table["i"] == 5) | (table["j"] == 5), "similarity"] == 0).all()


def test_figure_has_one_panel_per_method_and_p_values_on_the_axis():
    rng = np.random.default_rng(5)
    kinds = pair_kinds(TFS, FAMILIES)
    pairs, claims = [], []
    for method in ("non-negative ONIV", "last-layer weights"):
        for replicate in (1, 2):
            pairs.append(
                pair_table(_planted(rng, 0.5), kinds, LABELS).assign(
                    replicate=replicate, method=method
                )
            )
            claims.append({"replicate": replicate, "method": method, "p_value": 0.001})
    fig = figure_pair_similarities(pd.concat(pairs), pd.DataFrame(claims))
    axes = [ax for ax in fig.axes if ax.get_title()]
    assert [ax.get_title() for ax in axes] == ["non-negative ONIV", "last-layer weights"]
    assert "p = 0.001" in axes[0].get_xticklabels()[0].get_text()
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert "unrelated pairs" in legend and any("E-box" in t for t in legend)
