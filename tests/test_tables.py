import numpy as np

from deepresolve.method.niv_tables import niv_table, oniv_table, read_niv_table, read_oniv_table


def test_niv_table_round_trip():
    rng = np.random.default_rng(0)
    nivs = rng.normal(size=(3, 4, 5))
    scores = rng.normal(size=(3, 4))
    table = niv_table(nivs, scores, ["a", "b", "c"])
    assert len(table) == 3 * 4 * 5
    row = table[(table["class"] == "b") & (table["run"] == 2) & (table["neuron"] == 3)]
    assert row["niv"].item() == nivs[1, 2, 3] and row["score"].item() == scores[1, 2]
    back, back_scores, names = read_niv_table(table.sample(frac=1, random_state=1))
    np.testing.assert_array_equal(back, nivs)
    np.testing.assert_array_equal(back_scores, scores)
    assert names == ["a", "b", "c"]


def test_oniv_table_round_trip():
    rng = np.random.default_rng(1)
    oniv, variance = rng.normal(size=(2, 6)), rng.random((2, 6))
    nonlinear = variance > 0.5
    table = oniv_table(oniv, variance, nonlinear, ["x", "y"])
    back = read_oniv_table(table.iloc[::-1])
    np.testing.assert_array_equal(back[0], oniv)
    np.testing.assert_array_equal(back[1], variance)
    np.testing.assert_array_equal(back[2], nonlinear)
    assert back[3] == ["x", "y"]
