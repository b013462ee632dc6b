import warnings

import numpy as np
import pytest

from deepresolve.method.similarity import (
    class_difference,
    class_similarity,
    figure6_matrices,
    pearson_rows,
)


def test_identical_classes_correlate_fully():
    oniv = np.array([[1.0, 2.0, 0.5, 3.0], [1.0, 2.0, 0.5, 3.0], [2.0, 4.0, 1.0, 6.0]])
    np.testing.assert_allclose(class_similarity(oniv), np.ones((3, 3)))


def test_anti_correlated_classes():
    oniv = np.array([[1.0, 2.0, 3.0, 4.0], [4.0, 3.0, 2.0, 1.0]])
    np.testing.assert_allclose(class_similarity(oniv), [[1.0, -1.0], [-1.0, 1.0]])


def test_negative_onivs_are_clipped():
    # Raw rows are anti-correlated only through their negative entries.
    oniv = np.array([[3.0, 1.0, -5.0, 0.0], [3.0, 1.0, 0.0, -5.0]])
    raw = pearson_rows(oniv)
    assert raw[0, 1] < 0.5
    np.testing.assert_allclose(class_similarity(oniv), np.ones((2, 2)))
    np.testing.assert_allclose(class_similarity(oniv), pearson_rows(np.maximum(oniv, 0)))


def test_matches_numpy_corrcoef():
    rng = np.random.default_rng(0)
    matrix = rng.normal(size=(5, 32))
    np.testing.assert_allclose(pearson_rows(matrix), np.corrcoef(matrix), atol=1e-12)


def test_constant_row_is_nan_off_diagonal_without_warnings():
    oniv = np.array([[-1.0, -2.0, -3.0], [1.0, 2.0, 3.0], [3.0, 1.0, 2.0]])  # row 0 -> all 0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        similarity = class_similarity(oniv)
    np.testing.assert_array_equal(np.diag(similarity), [1.0, 1.0, 1.0])
    assert np.isnan(similarity[0, 1:]).all() and np.isnan(similarity[1:, 0]).all()
    assert np.isfinite(similarity[1:, 1:]).all()


def test_class_difference():
    oniv = np.array([[1.0, 0.0, 2.0], [0.5, 1.0, -1.0]])
    diff = class_difference(oniv)
    assert diff.shape == (2, 2, 3)
    np.testing.assert_allclose(diff[0, 1], [0.5, -1.0, 3.0])
    np.testing.assert_allclose(diff[1, 0], -diff[0, 1])
    np.testing.assert_allclose(diff[0, 0], 0.0)


def test_figure6_matrices():
    rng = np.random.default_rng(1)
    oniv = rng.normal(size=(4, 32))
    kernel = rng.normal(size=(64, 4))
    matrices = figure6_matrices(oniv, kernel)
    assert list(matrices) == [
        "non-negative ONIV",
        "ONIV",
        "positive last-layer weights",
        "last-layer weights",
    ]
    np.testing.assert_allclose(matrices["non-negative ONIV"], class_similarity(oniv))
    np.testing.assert_allclose(matrices["ONIV"], np.corrcoef(oniv), atol=1e-12)
    np.testing.assert_allclose(
        matrices["positive last-layer weights"], np.corrcoef(np.maximum(kernel, 0).T), atol=1e-12
    )
    np.testing.assert_allclose(matrices["last-layer weights"], np.corrcoef(kernel.T), atol=1e-12)
    for matrix in matrices.values():
        assert matrix.shape == (4, 4)
    with pytest.raises(ValueError, match="output_kernel"):
        figure6_matrices(oniv, kernel.T)
