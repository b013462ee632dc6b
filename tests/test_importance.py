import numpy as np
import pytest

from deepresolve.method.importance import (
    averaged_niv,
    high_variance_neurons,
    niv,
    niv_variance,
    oniv,
)

XOR_NEURONS = [11, 30]


def test_niv_averages_all_axes_but_the_neurons():
    rng = np.random.default_rng(0)
    fims = rng.normal(size=(2, 3, 48, 32)).astype("float32")
    nivs = niv(fims)
    assert nivs.shape == (2, 3, 32)
    np.testing.assert_allclose(nivs[1, 2, 5], fims[1, 2, :, 5].mean(), rtol=1e-6)
    images = rng.normal(size=(2, 3, 4, 5, 6))
    np.testing.assert_allclose(niv(images), images.mean(axis=(2, 3)))
    flat = rng.normal(size=(2, 3, 7))
    np.testing.assert_array_equal(niv(flat), flat)


def test_averaged_niv_and_variance():
    nivs = np.array([[[1.0, 2.0], [3.0, 2.0]], [[0.0, -1.0], [0.0, 1.0]]])
    np.testing.assert_allclose(averaged_niv(nivs), [[2.0, 2.0], [0.0, 0.0]])
    np.testing.assert_allclose(niv_variance(nivs), [[1.0, 0.0], [0.0, 1.0]])


def xor_like(n_runs=10, n_neurons=32, seed=0):
    """NIVs of one class: stable neurons, and two neurons of opposite signs that flip per run."""
    rng = np.random.default_rng(seed)
    base = rng.normal(scale=0.5, size=n_neurons)
    nivs = base + rng.normal(scale=0.05, size=(n_runs, n_neurons))
    sign = np.where(np.arange(n_runs) % 2 == 0, 1.0, -1.0)
    nivs[:, XOR_NEURONS[0]] = 2.0 * sign + rng.normal(scale=0.1, size=n_runs)
    nivs[:, XOR_NEURONS[1]] = -2.0 * sign + rng.normal(scale=0.1, size=n_runs)
    scores = rng.uniform(5, 10, size=n_runs)
    return nivs[None], scores[None]


def test_released_flags_exactly_the_high_variance_neurons():
    nivs, scores = xor_like()
    result = oniv(nivs, scores)
    assert result.mode == "released"
    assert result.oniv.shape == result.variance.shape == result.nonlinear.shape == (1, 32)
    assert np.flatnonzero(result.nonlinear[0]).tolist() == XOR_NEURONS
    assert result.n_components[0] > 1


def test_released_weighted_mean_and_positive_runs():
    nivs, scores = xor_like()
    result = oniv(nivs, scores)
    w = scores[0] / scores[0].sum()
    mean = w @ nivs[0]
    np.testing.assert_allclose(result.variance[0], w @ (nivs[0] - mean) ** 2)
    linear = np.setdiff1d(np.arange(32), XOR_NEURONS)
    np.testing.assert_allclose(result.oniv[0, linear], mean[linear])
    for k in XOR_NEURONS:
        values = nivs[0, :, k]
        positive = values > 0
        expected = (w[positive] * values[positive]).sum() / w[positive].sum()
        np.testing.assert_allclose(result.oniv[0, k], expected)
        assert result.oniv[0, k] > 1.5


def test_released_shifts_negative_scores_by_their_minimum():
    nivs, scores = xor_like(seed=2)
    shifted = scores - 7.0  # some scores < 0
    result = oniv(nivs, shifted)
    w = (shifted[0] - shifted[0].min()) / (shifted[0] - shifted[0].min()).sum()
    linear = np.setdiff1d(np.arange(32), XOR_NEURONS)
    np.testing.assert_allclose(result.oniv[0, linear], (w @ nivs[0])[linear])


def test_released_never_positive_nonlinear_neuron_is_zero():
    nivs, scores = xor_like()
    nivs[0, :, 11] = np.where(np.arange(10) % 2 == 0, -0.1, -4.0)
    result = oniv(nivs, scores)
    assert result.nonlinear[0, 11]
    assert result.oniv[0, 11] == 0.0


def test_paper_mode_takes_the_maximum_of_flagged_neurons():
    nivs, scores = xor_like()
    result = oniv(nivs, scores, mode="paper")
    assert result.mode == "paper"
    assert np.flatnonzero(result.nonlinear[0]).tolist() == XOR_NEURONS
    np.testing.assert_allclose(result.variance[0], nivs[0].var(axis=0))
    linear = np.setdiff1d(np.arange(32), XOR_NEURONS)
    np.testing.assert_allclose(result.oniv[0, linear], nivs[0, :, linear].mean(axis=1))
    np.testing.assert_allclose(result.oniv[0, XOR_NEURONS], nivs[0, :, XOR_NEURONS].max(axis=1))


def test_linear_classes_have_no_nonlinear_neurons():
    rng = np.random.default_rng(4)
    nivs = rng.normal(size=(3, 1, 20)) + rng.normal(scale=0.05, size=(3, 10, 20))
    scores = rng.uniform(1, 2, size=(3, 10))
    result = oniv(nivs, scores)
    assert not result.nonlinear.any()
    np.testing.assert_allclose(
        result.oniv, np.einsum("ct,ctk->ck", scores, nivs) / scores.sum(1)[:, None]
    )


@pytest.mark.parametrize("mode", ["released", "paper"])
def test_degenerate_cases_do_not_crash(mode):
    one_run = np.arange(12.0).reshape(2, 1, 6)
    result = oniv(one_run, np.ones((2, 1)), mode=mode)
    assert not result.nonlinear.any()
    np.testing.assert_allclose(result.oniv, one_run[:, 0])

    identical = np.ones((1, 5, 4))  # all variances 0
    result = oniv(identical, np.full((1, 5), -3.0), mode=mode)  # equal negative scores
    np.testing.assert_allclose(result.oniv, 1.0)
    assert not result.nonlinear.any()

    two_neurons = np.array([[[1.0, 5.0], [1.1, -5.0], [0.9, 5.0]]])
    result = oniv(two_neurons, np.ones((1, 3)), mode=mode)
    assert result.oniv.shape == (1, 2)
    assert np.all(np.isfinite(result.oniv))


def test_high_variance_neurons_is_scale_invariant():
    variance = np.r_[np.full(20, 0.01), np.linspace(0.009, 0.011, 10), [3.0, 3.1]]
    for scale in [1e-9, 1.0, 1e6]:
        mask, n = high_variance_neurons(variance * scale, reference=1.0 * scale)
        assert np.flatnonzero(mask).tolist() == [30, 31]
        assert n > 1
    mask, n = high_variance_neurons(np.full(5, 0.3), reference=1.0)
    assert not mask.any() and n == 1
    mask, n = high_variance_neurons(np.array([0.1, 2.0]), reference=0.0)
    assert not mask.any() and n == 1


def test_many_random_classes():
    """XOR neurons are found and linear classes left alone, whatever the NIV scale."""
    rng = np.random.default_rng(7)
    for trial in range(20):
        scale = 10.0 ** rng.uniform(-3, 3)
        nivs, scores = xor_like(seed=100 + trial)
        result = oniv(nivs * scale, scores)
        assert np.flatnonzero(result.nonlinear[0]).tolist() == XOR_NEURONS, trial
        linear = np.delete(nivs, XOR_NEURONS, axis=2) * scale
        assert not oniv(linear, scores).nonlinear.any(), trial


def test_invalid_input():
    nivs, scores = xor_like()
    with pytest.raises(ValueError, match="mode"):
        oniv(nivs, scores, mode="average")
    with pytest.raises(ValueError, match="scores"):
        oniv(nivs, scores[:, :3])
