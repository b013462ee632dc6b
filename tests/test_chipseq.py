"""ChIP-seq experiments (deepresolve.analyses.chipseq, deepresolve.datasets.chipseq_parts): parts,
storage."""

import numpy as np
import pytest

from deepresolve.analyses.chipseq import PRESETS, tf_motif_rows
from deepresolve.datasets.chipseq_parts import (
    TEST,
    TRAIN,
    VALIDATION,
    ExperimentSequences,
    assign_parts,
)
from deepresolve.datasets.zeng import ZengSequences
from deepresolve.models.cnn import build_cnn


def sequence_set(prefix, n, length=20, seed=0):
    rng = np.random.default_rng(seed)
    X = np.eye(4, dtype=np.uint8)[rng.integers(0, 4, (n, length))]
    return ZengSequences([f"{prefix}{i}" for i in range(n)], X, rng.integers(0, 2, n))


def test_given_test_set_stays_test_and_validation_comes_from_train():
    seqs = assign_parts(
        {"train": sequence_set("tr", 100), "test": sequence_set("te", 30, seed=1)},
        validation_fraction=0.1,
        test_fraction=0.2,
        seed=0,
    )
    assert len(seqs.ids) == 130 and seqs.X.shape == (130, 20, 4)
    assert (seqs.part[100:] == TEST).all()
    assert (seqs.part[:100] == VALIDATION).sum() == 10 and (seqs.part[:100] == TEST).sum() == 0
    split = seqs.split()
    assert len(split.train) == 90 and len(split.validation) == 10 and len(split.test) == 30


def test_missing_parts_are_drawn_from_train_seeded():
    sets = {"train": sequence_set("tr", 200)}
    a = assign_parts(sets, validation_fraction=0.1, test_fraction=0.2, seed=3)
    b = assign_parts(sets, validation_fraction=0.1, test_fraction=0.2, seed=3)
    c = assign_parts(sets, validation_fraction=0.1, test_fraction=0.2, seed=4)
    assert [(a.part == p).sum() for p in (TRAIN, VALIDATION, TEST)] == [140, 20, 40]
    np.testing.assert_array_equal(a.part, b.part)
    assert not np.array_equal(a.part, c.part)
    only_test = assign_parts(
        {"test": sequence_set("te", 10)}, validation_fraction=0.1, test_fraction=0.2, seed=0
    )
    assert (only_test.part == TEST).all()


def test_bad_sets_are_refused():
    with pytest.raises(ValueError, match="'tr0' occurs in more than one set"):
        assign_parts(
            {"train": sequence_set("tr", 5), "validation": sequence_set("tr", 5)},
            validation_fraction=0.1,
            test_fraction=0.2,
            seed=0,
        )
    with pytest.raises(ValueError, match="different lengths"):
        assign_parts(
            {"train": sequence_set("a", 5), "test": sequence_set("b", 5, length=30)},
            validation_fraction=0.1,
            test_fraction=0.2,
            seed=0,
        )
    with pytest.raises(ValueError, match="train/validation/test"):
        assign_parts(
            {"holdout": sequence_set("a", 5)}, validation_fraction=0.1, test_fraction=0.2, seed=0
        )


def test_sequences_round_trip(tmp_path):
    seqs = assign_parts(
        {"train": sequence_set("tr", 50)}, validation_fraction=0.1, test_fraction=0.2, seed=0
    )
    path = tmp_path / "x" / "sequences.npz"
    seqs.save(path)
    back = ExperimentSequences.load(path)
    assert back.ids == seqs.ids and back.X.dtype == np.uint8
    np.testing.assert_array_equal(back.part, seqs.part)
    assert [p.name for p in path.parent.iterdir()] == ["sequences.npz"]


def test_presets_build_the_published_and_the_paper_network():
    published = build_cnn(101, 1, **PRESETS["published"])
    assert published.get_layer("conv").kernel.shape == (25, 4, 16)
    assert [layer.name for layer in published.layers][-2:] == ["dropout_1", "logits"]
    paper = build_cnn(200, 1, **PRESETS["paper"])
    assert paper.get_layer("conv").kernel.shape == (24, 4, 128)
    assert paper.get_layer("dense_2").units == 32


def test_unknown_tf_is_named():
    from deepresolve.motifs.jaspar import fetch_motifs

    rows = tf_motif_rows({"x": "ctcf"}, fetch_motifs(), "JASPAR2026")
    assert rows.loc[0, "tf"] == "CTCF" and "MA0139.2" in rows.loc[0, "jaspar_ids"]
    with pytest.raises(ValueError, match="TF 'NOTATF' has no matrix"):
        tf_motif_rows({"x": "NOTATF"}, fetch_motifs(), "JASPAR2026")
