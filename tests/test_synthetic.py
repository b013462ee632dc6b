"""Synthetic datasets I-IV: labels agree with a scan of the stored sequences, and more."""

import numpy as np
import pytest
import yaml

from deepresolve.datasets.synthetic import (
    DATASETS,
    SyntheticDataset,
    find_occurrences,
    scan_presence,
    simulate,
)

from .conftest import ROOT

SETTINGS = yaml.safe_load((ROOT / "config/config.yaml").read_text())["synthetic"]


def small(name, n=3000, **changes):
    settings = dict(SETTINGS[name], n_sequences=n, **changes)
    if name == "III":
        settings["n_random"] = changes.get("n_random", 500)
    return simulate(name, settings, seed=7)


@pytest.fixture(scope="module", params=["I", "II", "III", "IV"])
def dataset(request):
    return request.param, small(request.param)


def test_every_label_agrees_with_a_scan_of_the_sequences(dataset):
    name, data = dataset
    present = scan_presence(data.x, data.patterns)
    np.testing.assert_array_equal(DATASETS[name].labels(present), data.y)
    # and both label values occur in every class
    assert (data.y.min(axis=0) == 0).all() and (data.y.max(axis=0) == 1).all()


def test_planted_copies_are_the_only_copies(dataset):
    _, data = dataset
    indices = np.argmax(data.x, axis=-1)
    for pattern in data.patterns:
        found = find_occurrences(indices, pattern)
        rows = data.planted[data.planted["pattern"] == pattern]
        expected = np.zeros_like(found)
        expected[rows["sequence"], rows["start"]] = True
        np.testing.assert_array_equal(found, expected, err_msg=pattern)
        assert found.sum(axis=1).max() <= 1


def test_planted_copies_do_not_overlap(dataset):
    _, data = dataset
    planted = data.planted.assign(end=data.planted["start"] + data.planted["pattern"].str.len())
    for _, rows in planted.groupby("sequence"):
        rows = rows.sort_values("start")
        assert (rows["start"].to_numpy()[1:] > rows["end"].to_numpy()[:-1]).all()


def test_one_hot_convention(dataset):
    _, data = dataset
    assert data.x.dtype == np.uint8 and data.x.shape[1:] == (200, 4)
    assert (data.x.sum(axis=-1) == 1).all()


def test_same_seed_same_dataset_other_seed_other_dataset():
    a, b = small("II", n=500), small("II", n=500)
    np.testing.assert_array_equal(a.x, b.x)
    np.testing.assert_array_equal(a.y, b.y)
    c = simulate("II", dict(SETTINGS["II"], n_sequences=500), seed=8)
    assert not np.array_equal(a.x, c.x)


def test_dataset_I_is_xor_with_expected_balance():
    data = small("I", n=4000)
    p = SETTINGS["I"]["pattern_probability"]
    assert abs(data.y.mean() - 2 * p * (1 - p)) < 0.03
    present = scan_presence(data.x, data.patterns)
    np.testing.assert_array_equal(data.y[:, 0], present[:, 0] ^ present[:, 1])


def test_dataset_III_adds_pattern_free_negatives():
    data = small("III", n=2000, n_random=700)
    assert len(data.x) == 2700
    empty = ~scan_presence(data.x, data.patterns).any(axis=1)
    # 700 pattern-free sequences plus the ones that drew no pattern by chance
    assert empty.sum() >= 700
    assert (data.y[empty] == 0).all()
    # shuffled in, not appended at the end
    assert empty[:1350].sum() > 100


def test_dataset_IV_classes_are_mutually_exclusive_with_negatives():
    data = small("IV", n=4000)
    assert data.y.sum(axis=1).max() == 1
    negative = data.y.sum(axis=1) == 0
    assert abs(negative.mean() - SETTINGS["IV"]["negative_fraction"]) < 0.01
    # negatives hold at most one pattern, so no single pattern decides a class
    present = scan_presence(data.x, data.patterns)
    assert present[negative].sum(axis=1).max() <= 1
    assert present[negative].any(axis=1).mean() > 0.6
    # GATA and TCAT never occur by chance in the background
    gata = data.patterns.index("GATA")
    assert not present[data.y[:, 1] == 1, gata].any()  # class 2 = TCAT + CAGATG


def test_save_and_load_round_trip(tmp_path):
    data = small("IV", n=300)
    data.save(tmp_path / "d.npz", tmp_path / "planted.tsv")
    back = SyntheticDataset.load(tmp_path / "d.npz", tmp_path / "planted.tsv")
    np.testing.assert_array_equal(back.x, data.x)
    np.testing.assert_array_equal(back.y, data.y)
    assert back.class_names == data.class_names and back.patterns == data.patterns
    assert back.planted.equals(data.planted)


def test_unknown_dataset_is_named():
    with pytest.raises(ValueError, match="'V'.*known"):
        simulate("V", {}, seed=0)


def test_no_pattern_contains_another():
    for spec in DATASETS.values():
        for a in spec.patterns:
            for b in spec.patterns:
                assert a == b or a not in b, (spec.name, a, b)


def test_planted_labels_keep_chance_copies_and_count_the_noise():
    """Paper-faithful labels: labels follow what was planted; chance 6-mer copies stay in the
    background (about 4.7 % of 200 bp sequences per 6-mer) and label_noise counts them."""
    from deepresolve.datasets.synthetic import label_noise

    settings = dict(SETTINGS["I"], n_sequences=4000)
    exact = simulate("I", settings, seed=7, labels="exact")
    planted = simulate("I", settings, seed=7, labels="planted")
    assert label_noise(exact, DATASETS["I"])["fraction"] == 0
    noise = label_noise(planted, DATASETS["I"])
    expected = 1 - (1 - 4.0**-6) ** 195
    for pattern in planted.patterns:
        assert 0.6 * expected < noise["chance_copies"][pattern] < 1.4 * expected
    assert 0.02 < noise["fraction"] < 0.08
    # same planting in both modes: the labels are identical, only the content differs
    np.testing.assert_array_equal(exact.y, planted.y)
    assert exact.planted.equals(planted.planted)
    # dataset IV's 4-mers GATA and TCAT are purged in both modes
    iv = simulate("IV", dict(SETTINGS["IV"], n_sequences=2000), seed=7, labels="planted")
    chance = label_noise(iv, DATASETS["IV"])["chance_copies"]
    assert chance["GATA"] == chance["TCAT"] == 0 and chance["CAGATG"] > 0


def test_unknown_label_mode_names_the_key():
    with pytest.raises(ValueError, match="synthetic.labels"):
        simulate("I", dict(SETTINGS["I"], n_sequences=10), seed=0, labels="noisy")


def test_replicate_seeds_are_distinct_and_keep_replicate_0():
    from deepresolve.datasets.synthetic import replicate_seed

    assert replicate_seed(2018, 0) == 2018
    assert len({replicate_seed(2018, r) for r in range(10)}) == 10
    with pytest.raises(ValueError):
        replicate_seed(2018, -1)
