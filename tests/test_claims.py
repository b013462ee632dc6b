import json

import numpy as np
import pytest

from deepresolve.analyses import claims

K = 32


def _xor_nivs(seed=0, n_runs=10, a=11, b=30):
    """NIVs where neurons a and b flip sign together with opposite signs, others are small."""
    rng = np.random.default_rng(seed)
    nivs = rng.normal(0, 0.1, (n_runs, K))
    signs = np.where(rng.random(n_runs) < 0.5, 1.0, -1.0)
    nivs[:, a] = 1.5 * signs
    nivs[:, b] = -1.2 * signs
    return nivs


def _assert_json(result):
    assert isinstance(result["passed"], bool) and isinstance(result["claim"], str)
    json.dumps(result)


def test_dataset_I_passes_and_fails():
    nivs = _xor_nivs()
    result = claims.claim_dataset_I(nivs, nivs.var(axis=0), 11, 30)
    _assert_json(result)
    assert result["passed"] and result["n_opposite_sign_runs"] == 10
    assert result["min_opposite"] == 8 and result["variance_rank"] == [1, 2]

    same_sign = nivs.copy()
    same_sign[:4, 30] *= -1  # 4 runs with equal signs: only 6 of 10 opposite
    result = claims.claim_dataset_I(same_sign, same_sign.var(axis=0), 11, 30)
    _assert_json(result)
    assert not result["passed"] and result["n_opposite_sign_runs"] == 6

    noisy = nivs.copy()
    noisy[:, 5] = np.linspace(-3, 3, len(noisy))  # a third neuron with larger variance
    result = claims.claim_dataset_I(noisy, noisy.var(axis=0), 11, 30)
    assert not result["passed"] and not result["top_two_variance"]
    assert claims.claim_dataset_I(nivs[:5], nivs[:5].var(axis=0), 11, 30)["min_opposite"] == 4


CLASS_PATTERNS = {
    "class 1": ["CAGGTC", "AGATT"],
    "class 2": ["AGATT", "GCTCAT"],
    "class 3": ["CAGGTC", "GCTCAT"],
    "class 4": ["CGCTTG", "CAAGCG"],
}
PATTERN_NEURONS = {"CAGGTC": 3, "AGATT": 7, "GCTCAT": 12, "CGCTTG": 20, "CAAGCG": 25}


def _linear_oniv(seed=1):
    rng = np.random.default_rng(seed)
    oniv = rng.normal(0, 0.1, (4, K))
    for c, patterns in enumerate(CLASS_PATTERNS.values()):
        for pattern in patterns:
            oniv[c, PATTERN_NEURONS[pattern]] = 1.0
        oniv[c, 28] = 1.2  # one spurious high neuron (the paper's #28) is tolerated
    return oniv


def test_dataset_II_passes_and_fails():
    names = list(CLASS_PATTERNS)
    oniv = _linear_oniv()
    result = claims.claim_dataset_II(oniv, CLASS_PATTERNS, PATTERN_NEURONS, names)
    _assert_json(result)
    assert result["passed"] and all(c["passed"] for c in result["classes"].values())
    assert result["classes"]["class 1"]["k"] == 3

    perturbed = oniv.copy()
    perturbed[2, 30] = 1.1  # a second spurious neuron pushes GCTCAT out of class 3's top 3
    result = claims.claim_dataset_II(perturbed, CLASS_PATTERNS, PATTERN_NEURONS, names)
    _assert_json(result)
    assert not result["passed"]
    assert [c["passed"] for c in result["classes"].values()] == [True, True, False, True]
    assert not result["classes"]["class 3"]["patterns"]["GCTCAT"]["in_top_k"]


def _dataset_III():
    rng = np.random.default_rng(2)
    oniv = rng.normal(0, 0.1, K)
    nonlinear = np.zeros(K, bool)
    neurons = {"CGCTTG": 4, "CAGGTC": 9, "GCTCAT": 17}
    oniv[[4, 9, 17]] = [1.3, 1.0, 1.5]
    nonlinear[[4, 17]] = True
    return oniv, nonlinear, neurons


def test_dataset_III_passes_and_fails():
    oniv, nonlinear, neurons = _dataset_III()
    result = claims.claim_dataset_III(oniv, nonlinear, neurons)
    _assert_json(result)
    assert result["passed"] and result["all_high_oniv"] and result["nonlinearity_as_expected"]

    linear_flagged = nonlinear.copy()
    linear_flagged[9] = True  # CAGGTC wrongly non-linear
    result = claims.claim_dataset_III(oniv, linear_flagged, neurons)
    assert not result["passed"] and result["all_high_oniv"]
    assert not result["patterns"]["CAGGTC"]["passed"]

    low = oniv.copy()
    low[9] = -0.5  # CAGGTC neuron no longer favoured
    result = claims.claim_dataset_III(low, nonlinear, neurons)
    assert not result["passed"] and not result["all_high_oniv"]
    assert result["patterns"]["CAGGTC"]["rank"] > 5


def test_dataset_IV_passes_and_fails():
    good = np.array(
        [
            [1.0, 0.5, 0.4, -0.1],
            [0.5, 1.0, 0.45, 0.0],
            [0.4, 0.45, 1.0, 0.2],
            [-0.1, 0.0, 0.2, 1.0],
        ]
    )
    bad = good.copy()
    bad[1, 2] = bad[2, 1] = 0.1  # classes 2+3 below 3+4: the last-layer failure in the paper
    result = claims.claim_dataset_IV(good, baselines={"last-layer weight": bad})
    _assert_json(result)
    assert result["passed"] and result["margin"] == pytest.approx(0.2)
    assert set(result["shared"]) == {"1+2", "1+3", "2+3"}
    assert set(result["distinct"]) == {"1+4", "2+4", "3+4"}
    assert not result["baselines"]["last-layer weight"]["passed"]
    assert result["all_baselines_fail"]

    result = claims.claim_dataset_IV(bad)
    _assert_json(result)
    assert not result["passed"] and result["failing_pairs"] == ["2+3"]
    assert claims.similarity_ordering(bad)["margin"] < 0


def test_filter_sets_collapse_into_one_neuron_per_pattern():
    nivs = np.arange(2 * 3 * 5, dtype=float).reshape(2, 3, 5)
    collapsed, labels = claims.collapse_filter_sets(nivs, {"A": [0, 3], "B": [3, 4]})
    assert labels == ["A", "B", "filter 1", "filter 2"]
    np.testing.assert_allclose(collapsed[..., 0], nivs[..., 0] + nivs[..., 3])
    np.testing.assert_allclose(collapsed[..., 1], nivs[..., 3] + nivs[..., 4])
    np.testing.assert_allclose(collapsed[..., 2:], nivs[..., 1:3])
    with pytest.raises(ValueError, match="outside"):
        claims.collapse_filter_sets(nivs, {"A": [7]})


def test_dataset_I_claim_on_filter_sets():
    """CGCTTG split over filters 3 and 11 (each half the sign-flipping signal), CAGATG on 30:
    as sets the two pattern neurons have the largest variances and opposite signs."""
    nivs = _xor_nivs(seed=1)
    half = nivs[:, 11] / 2
    nivs[:, 11] = half
    nivs[:, 3] = half
    nivs[:, 5] = np.where(np.arange(10) % 2, 1.0, -1.0)  # a non-pattern neuron between them
    scores = np.ones((1, 10))
    on_sets = claims.claims_on_filter_sets(
        "I",
        nivs=nivs[None],
        scores=scores,
        filter_sets={"CGCTTG": [11, 3], "CAGATG": [30]},
        similarity_matrices={},
        class_names=["CGCTTG XOR CAGATG"],
    )
    _assert_json(on_sets)
    assert on_sets["passed"], on_sets
    assert set(on_sets["top_variance_neurons"]) == {"CGCTTG", "CAGATG"}
    assert on_sets["filter_sets"] == {"CGCTTG": [11, 3], "CAGATG": [30]}
    single = claims.claims_on_filter_sets(
        "I",
        nivs=nivs[None],
        scores=scores,
        filter_sets={"CGCTTG": [11], "CAGATG": [30]},
        similarity_matrices={},
        class_names=["CGCTTG XOR CAGATG"],
    )
    assert not single["passed"] and "filter 5" in single["top_variance_neurons"]


def _on_sets(nivs, filter_sets=None, dataset="I"):
    """The claim on one class's NIVs, shape (T, K) (repeated for every class of ``dataset``)."""
    from deepresolve.datasets.synthetic import DATASETS

    names = DATASETS[dataset].class_names
    return claims.claims_on_filter_sets(
        dataset,
        nivs=np.repeat(nivs[None], len(names), axis=0),
        scores=np.ones((len(names), len(nivs))),
        filter_sets=filter_sets or {"CGCTTG": [11], "CAGATG": [30]},
        similarity_matrices={"non-negative ONIV": np.eye(len(names))},
        class_names=names,
    )


def _category(nivs, filter_sets=None):
    result = _on_sets(nivs, filter_sets)
    _assert_json(result)
    return result["xor"]


def test_xor_signs_count_orientations_and_flips():
    a = np.array([1.0, 2.0, -1.0, 0.5, 0.0, -3.0])
    b = np.array([-1.0, -0.5, 2.0, 0.5, 1.0, -1.0])
    signs = claims.xor_signs(a, b)
    assert (signs["n_a_up"], signs["n_b_up"], signs["n_same_sign"], signs["n_zero"]) == (2, 1, 2, 1)
    assert signs["n_opposite"] == 3 and signs["n_runs"] == 6 and signs["flips"]
    assert not claims.xor_signs(a[:2], b[:2])["flips"]  # opposite twice, A up both times
    with pytest.raises(ValueError, match="niv_a, niv_b"):
        claims.xor_signs(a, b[:3])


def test_xor_category_of_each_kind_of_network():
    """Planted per-run NIVs of the two pattern neurons (11: CGCTTG, 30: CAGATG) among 30 small
    ones, judged with the claim's real thresholds (top-two variance, opposite in 8 of 10 runs)."""
    rng = np.random.default_rng(5)
    noise = rng.normal(0, 0.1, (10, K))
    flip = np.where(np.arange(10) % 3 == 0, 1.0, -1.0)  # A up in 4 runs, B up in 6

    passed = _category(_xor_nivs())
    assert passed["category"] == "passed" and passed["flips"] and passed["n_opposite"] == 10

    # the signs flip in every run, but two other neurons vary more: variance ranks fail
    nivs = noise.copy()
    nivs[:, 11], nivs[:, 30] = 0.3 * flip, -0.3 * flip
    nivs[:, 2], nivs[:, 7] = 2 * flip, -2 * flip[::-1]
    flips = _category(nivs)
    assert flips["category"] == "failed: signs flip"
    assert (flips["n_a_up"], flips["n_b_up"], flips["n_opposite"]) == (4, 6, 10)

    # opposite in all 10 runs, always CGCTTG up: the count is met, the variance is not
    nivs = noise.copy()
    nivs[:, 11], nivs[:, 30] = 1.5 + noise[:, 0], -1.2 + noise[:, 1]
    nivs[:, 2] = 2 * flip
    steady = _on_sets(nivs)
    assert steady["n_opposite_sign_runs"] == 10 and not steady["top_two_variance"]
    assert steady["xor"]["category"] == "failed: opposite, no flip"
    assert (steady["xor"]["n_a_up"], steady["xor"]["n_b_up"]) == (10, 0)
    # opposite in 8 of 10 runs (CAGATG turns positive in 2), still no flip
    nivs[[3, 7], 30] = 0.4
    eight = _category(nivs)
    assert eight["category"] == "failed: opposite, no flip"
    assert (eight["n_opposite"], eight["n_same_sign"], eight["flips"]) == (8, 2, False)

    nivs = noise.copy()
    nivs[:, 11], nivs[:, 30] = 1.5 + flip, 1.2 + flip  # both up, large variance
    same = _category(nivs)
    assert same["category"] == "failed: same signs" and same["n_same_sign"] == 10

    for sets in ({"CGCTTG": [11], "CAGATG": [11]}, {"CGCTTG": [11, 4], "CAGATG": [30, 4]}):
        shared = _on_sets(_xor_nivs(), sets)
        assert shared["xor"]["category"] == "not testable: shared filter"
        assert not shared["testable"] and not shared["xor"]["testable"]
        assert shared["xor"]["shared_filters"] == sorted(set(sets["CGCTTG"]) & set(sets["CAGATG"]))
    assert set(claims.XOR_CATEGORIES) == {
        r["category"] for r in (passed, flips, eight, same, shared["xor"])
    }


def test_dataset_III_xor_part_is_classified():
    """Dataset III's XOR part (GCTCAT, CGCTTG): testable with distinct filters, not testable
    when they share one; datasets without XOR carry no record."""
    nivs = _xor_nivs(a=3, b=9)
    sets = {"CAGGTC": [20], "GCTCAT": [3], "CGCTTG": [9]}
    result = _on_sets(nivs, sets, dataset="III")
    assert result["testable"] and result["xor"]["patterns"] == ["GCTCAT", "CGCTTG"]
    assert result["xor"]["flips"] and result["xor"]["n_opposite"] == 10
    sets["CGCTTG"] = [9, 3]
    assert not _on_sets(nivs, sets, dataset="III")["testable"]
    assert "xor" not in _on_sets(nivs, {"AGATT": [1]}, dataset="IV")
