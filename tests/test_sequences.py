"""One-hot encoding: the package's single sequence convention and its errors."""

import numpy as np
import pytest

from deepresolve.datasets.sequences import decode, one_hot, validate_one_hot


def test_round_trip_and_order():
    x = one_hot(["ACGT", "ttga"])
    assert x.shape == (2, 4, 4) and x.dtype == np.uint8
    np.testing.assert_array_equal(x[0], np.eye(4, dtype=np.uint8))
    assert decode(x) == ["ACGT", "TTGA"]


def test_bad_letter_names_sequence_and_position():
    with pytest.raises(ValueError, match=r"sequence 2: letter 'N' at position 3"):
        one_hot(["ACGT", "ACNT"])


def test_unequal_lengths_rejected():
    with pytest.raises(ValueError, match="different lengths"):
        one_hot(["ACGT", "ACG"])


def test_validate_one_hot_names_first_bad_position():
    x = one_hot(["ACGT", "ACGT"]).astype(float)
    x[1, 2] = 0.25
    with pytest.raises(ValueError, match="sequence 1 position 2"):
        validate_one_hot(x)
    with pytest.raises(ValueError, match="length 5"):
        validate_one_hot(one_hot("ACGT"), length=5)
