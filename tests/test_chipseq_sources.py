"""Own ChIP-seq data without hand work (issue 14): negatives for positives-only sets, pairs
never split, positive caps, one-class parts and unusable AUCs, TF names, broken files."""

from __future__ import annotations

import collections
import json

import numpy as np
import pytest

from deepresolve.analyses.chipseq import check_test_auc
from deepresolve.analyses.method_comparison import split_excluded
from deepresolve.config.chipseq import experiment_inputs, experiment_problems
from deepresolve.datasets.chipseq_parts import (
    TEST,
    TRAIN,
    VALIDATION,
    ExperimentSequences,
    cap_positives,
    check_parts,
    pair_groups,
    prepare_sequences,
    with_shuffled_negatives,
)
from deepresolve.datasets.download import read_checksums
from deepresolve.datasets.sequences import decode
from deepresolve.datasets.shuffle import dinucleotide_counts
from deepresolve.datasets.zeng import ZengSequences, read_zeng
from deepresolve.motifs.tf_names import TF_ALIASES, jaspar_symbols, resolve_tf
from tests.conftest import ROOT

SETTINGS = {"zeng_unpinned": "error", "deepbind_unpinned": "error"}
REST = "REST_GM12878_NRSF_HudsonAlpha"


def positives(n, length=30, seed=0, prefix="p"):
    rng = np.random.default_rng(seed)
    X = np.eye(4, dtype=np.uint8)[rng.integers(0, 4, (n, length))]
    return ZengSequences([f"{prefix}{i}" for i in range(n)], X, np.ones(n, dtype=np.int64))


def test_positives_only_get_one_seeded_dinucleotide_shuffle_each():
    peaks = positives(40)
    made = with_shuffled_negatives(peaks, seed=5, source="peaks.fa")
    assert made.labels.tolist() == [1] * 40 + [0] * 40
    assert made.ids[40:] == [f"p{i}_shuf" for i in range(40)]
    originals, shuffles = decode(made.X[:40]), decode(made.X[40:])
    for original, shuffle in zip(originals, shuffles, strict=True):
        assert dinucleotide_counts(shuffle) == dinucleotide_counts(original)
    assert sum(a != b for a, b in zip(originals, shuffles, strict=True)) >= 38
    again = with_shuffled_negatives(peaks, seed=5, source="peaks.fa")
    assert np.array_equal(again.X, made.X)
    other = with_shuffled_negatives(peaks, seed=6, source="peaks.fa")
    assert not np.array_equal(other.X[40:], made.X[40:])
    mixed = ZengSequences(peaks.ids, peaks.X, np.arange(40) % 2)
    assert with_shuffled_negatives(mixed, seed=5, source="x") is mixed


def test_all_negative_set_is_refused_naming_the_file():
    peaks = positives(5)
    unbound = ZengSequences(peaks.ids, peaks.X, np.zeros(5, dtype=np.int64))
    with pytest.raises(ValueError, match=r"neg\.fa: all 5 sequences are labelled 0"):
        with_shuffled_negatives(unbound, seed=1, source="neg.fa")


def test_pairs_group_zeng_deepbind_and_own_shuffle_ids():
    ids = ["chr1:1-101", "chr1:1-101_shuf", "seq_7_peak", "seq_7_shuf", "q_peak", "q_peak_shuf"]
    groups, first = pair_groups(ids + ["lonely"])
    assert groups.tolist() == [0, 0, 1, 1, 2, 2, 3] and first.tolist() == [0, 2, 4, 6]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_drawn_parts_never_split_a_peak_from_its_shuffle(seed):
    sequences = prepare_sequences(
        {"train": positives(301, seed=seed)},
        origin={"train": "peaks.fa"},
        max_positives=None,
        validation_fraction=0.1,
        test_fraction=0.2,
        seed=seed,
    )
    parts = collections.defaultdict(set)
    for group, part in zip(pair_groups(sequences.ids)[0], sequences.part, strict=True):
        parts[group].add(int(part))
    assert len(parts) == 301 and all(len(p) == 1 for p in parts.values())
    counts = collections.Counter(int(p) for p in sequences.part)
    assert counts == {TEST: 2 * 60, VALIDATION: 2 * 30, TRAIN: 2 * 211}
    for code in (TRAIN, VALIDATION, TEST):
        assert sequences.labels[sequences.part == code].mean() == 0.5
    check_parts("x", sequences, [TRAIN, VALIDATION, TEST])


def test_given_test_file_is_the_test_part_and_gets_its_own_negatives():
    sequences = prepare_sequences(
        {"train": positives(100), "test": positives(20, seed=9, prefix="t")},
        origin={"train": "train.fa", "test": "test.fa"},
        max_positives=None,
        validation_fraction=0.1,
        test_fraction=0.2,
        seed=4,
    )
    test_ids = [i for i, p in zip(sequences.ids, sequences.part, strict=True) if p == TEST]
    assert test_ids == [f"t{i}" for i in range(20)] + [f"t{i}_shuf" for i in range(20)]
    assert (sequences.part == VALIDATION).sum() == 20  # 10 pairs drawn from train


def test_cap_keeps_a_seeded_sample_of_positives_with_their_shuffles():
    full = with_shuffled_negatives(positives(500), seed=1, source="x")
    capped = cap_positives(full, 120, seed=7)
    assert capped.labels.sum() == 120 and len(capped.ids) == 240
    kept = {i for i in capped.ids if not i.endswith("_shuf")}
    assert {i.removesuffix("_shuf") for i in capped.ids} == kept
    assert capped.ids == cap_positives(full, 120, seed=7).ids
    assert cap_positives(full, 500, seed=7) is full and cap_positives(full, None, seed=7) is full


def test_one_class_part_is_named_with_what_to_do():
    peaks = positives(10)
    sequences = ExperimentSequences(
        peaks.ids, peaks.X, peaks.labels, np.full(10, TEST, dtype=np.int8)
    )
    with pytest.raises(ValueError) as err:
        check_parts("mine", sequences, [TEST])
    assert "experiment mine: the test part holds 10 bound and 0 unbound" in str(err.value)
    assert "positives only" in str(err.value)


@pytest.mark.parametrize(("auc", "words"), [(float("nan"), "NaN"), (0.31, "0.310 is below 0.5")])
def test_unusable_auc_stops_or_is_excluded(auc, words):
    with pytest.raises(ValueError) as err:
        check_test_auc("mine", auc, "error")
    assert words in str(err.value) and "chipseq.auc_failure: exclude" in str(err.value)
    assert words in check_test_auc("mine", auc, "exclude")
    assert check_test_auc("mine", 0.5, "error") is None


def test_excluded_experiments_are_counted_nowhere_and_named():
    good = {"experiment": "a", "test_auc": 0.9}
    bad = {"experiment": "b", "test_auc": None, "excluded": "test AUC 0.310 is below 0.5"}
    counted, note = split_excluded([good, bad])
    assert counted == [good] and note == "b (test AUC 0.310 is below 0.5)"
    assert split_excluded([good]) == ([good], None)
    with pytest.raises(ValueError, match="every experiment .* is excluded: b"):
        split_excluded([bad])


def test_truncated_sequences_file_is_named(tmp_path):
    """The rule and --forcerun are added by the scripts (tests/test_files.py)."""
    path = tmp_path / "sequences.npz"
    peaks = positives(50)
    ExperimentSequences(peaks.ids, peaks.X, peaks.labels, np.zeros(50, np.int8)).save(path)
    path.write_bytes(path.read_bytes()[:300])
    with pytest.raises(ValueError, match="is not a readable NumPy .npz file") as err:
        ExperimentSequences.load(path)
    assert str(path) in str(err.value)


def test_truncated_keras_file_is_not_called_missing(tmp_path):
    import keras

    from deepresolve.analyses.chipseq import PRESETS
    from deepresolve.models.cnn import build_cnn, load_model

    path = tmp_path / "model.keras"
    build_cnn(30, 1, **PRESETS["published"]).save(path)
    keras.models.load_model(path)  # the whole file loads
    path.write_bytes(path.read_bytes()[:2000])
    with pytest.raises(ValueError) as err:
        load_model(path)
    message = str(err.value)
    assert str(path) in message and "is not a readable Keras 3 file" in message
    assert "not found" not in message


def test_n_in_a_sequence_names_the_config_key(tmp_path):
    path = tmp_path / "test.data"
    path.write_text(">a ACGTN 1\n>b ACGTA 0\n")
    with pytest.raises(ValueError, match=r"line 1: letter 'N'.*chipseq\.n_policy: uniform"):
        read_zeng(path)


@pytest.mark.parametrize(
    ("name", "symbol"),
    [
        ("REST", "REST"),
        ("NRSF", "REST"),
        ("USF-1", "USF1"),
        ("c-Myc", "MYC"),
        ("PU.1", "SPI1"),
        ("Gabp", "GABPA"),
        ("ERalpha", "ESR1"),
        ("foxa1", "FOXA1"),
        ("ZBTB7A", "ZBTB7A"),
    ],
)
def test_tf_spellings_resolve_to_jaspar_symbols(name, symbol):
    assert resolve_tf(name) == symbol


def test_every_alias_points_at_a_symbol_or_a_known_motifless_factor():
    from deepresolve.motifs.tf_names import NON_SEQUENCE_SPECIFIC

    symbols = jaspar_symbols()
    assert {"REST", "CTCF", "MYC", "FOXA1", "USF1"} <= symbols
    stray = {s for s in TF_ALIASES.values() if s not in symbols | NON_SEQUENCE_SPECIFIC}
    assert not stray, stray


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("RESTT", "did you mean REST"),
        ("CTFC", "CTCF"),
        ("EZH2", "does not bind DNA by sequence"),
        ("QQQQQQ", "give the gene symbol"),
    ],
)
def test_unknown_tf_gets_a_suggestion(name, words):
    with pytest.raises(ValueError, match=words):
        resolve_tf(name)


def problems_of(experiments):
    return experiment_problems(
        experiments,
        SETTINGS,
        published_tfs={"wgEncodeAwgTfbsHaibGm12878NrsfPcr1xUniPk": "REST"},
        zeng_pinned={},
        deepbind_pinned=read_checksums(ROOT / "config" / "deepbind_encode.sha256"),
        deepbind_models={REST: "wgEncodeAwgTfbsHaibGm12878NrsfPcr1xUniPk"},
    )


def test_config_check_resolves_tfs_and_names_every_mistake():
    problems, tfs = problems_of(
        {
            "rest": {"source": "deepbind", "deepbind": REST, "model": "trained"},
            "nrsf": {
                "source": "fasta",
                "train": {"fasta": "a.fa"},
                "tf": "NRSF",
                "model": "trained",
            },
            "typo": {
                "source": "fasta",
                "train": {"fasta": "a.fa"},
                "tf": "RESTT",
                "model": "trained",
            },
            "pub": {"source": "deepbind", "deepbind": REST, "model": "published"},
            "nope": {"source": "deepbind", "deepbind": "REST_K562", "model": "trained"},
            "twice": {
                "source": "deepbind",
                "deepbind": REST,
                "model": "trained",
                "test": {"fasta": "t.fa"},
            },
        }
    )
    assert tfs == {"rest": "REST", "nrsf": "REST", "pub": "REST", "twice": "REST", "nope": "REST"}
    text = "\n".join(problems)
    assert "typo: TF 'RESTT' is not a JASPAR CORE vertebrates name" in text
    assert "did you mean REST" in text and "key tf:" in text
    assert "nope: REST_K562_AC.seq.gz has no checksum in config/deepbind_encode.sha256" in text
    assert "twice: the test part comes from source deepbind and from the experiment's test:" in text
    assert len(problems) == 4, problems  # nope has both its files unpinned


def test_inputs_of_every_source_with_given_parts():
    spec = {
        "source": "deepbind",
        "deepbind": REST,
        "model": "trained",
        "validation": {"fasta": "https://x/v.fa", "targets": "v.target"},
    }
    assert experiment_inputs("rest", spec) == {
        "deepbind_train": f"resources/deepbind/{REST}_AC.seq.gz",
        "deepbind_test": f"resources/deepbind/{REST}_B.seq.gz",
        "validation_fasta": "resources/chipseq/rest/validation.fasta",
        "validation_targets": "v.target",
    }
    published = {"source": "deepbind", "deepbind": REST, "model": "published"}
    assert experiment_inputs("p", published) == {
        "deepbind_test": f"resources/deepbind/{REST}_B.seq.gz"
    }
    peaks = {
        "source": "peaks",
        "peaks": "p",
        "genome": "g",
        "model": "trained",
        "test": {"seq": "mine_B.seq"},
    }
    assert experiment_inputs("k", peaks)["test_seq"] == "mine_B.seq"
    assert json.dumps(experiment_inputs("k", peaks))  # plain strings for Snakemake


def test_published_model_of_a_deepbind_set_without_one_names_the_table():
    problems, _ = problems_of(
        {"own": {"source": "deepbind", "deepbind": "MYSET", "model": "published", "tf": "REST"}}
    )
    assert problems[0] == (
        f"own: model: published needs a DeepBind set with a published model "
        f"(config/deepbind_encode.tsv lists them: {[REST]!r}), not 'MYSET'; or use model: trained"
    )
    assert "zeng_experiment" not in problems[0]


def test_local_file_checksum_and_user_files(tmp_path):
    from deepresolve.config.chipseq import check_local_checksums, user_files
    from deepresolve.datasets.download import sha256sum

    fasta = tmp_path / "mine.fa"
    fasta.write_text(">a\nACGT\n")
    spec = {"source": "fasta", "train": {"fasta": str(fasta), "fasta_sha256": sha256sum(fasta)}}
    check_local_checksums("mine", spec)
    fasta.write_text(">a\nACGA\n")
    with pytest.raises(
        ValueError,
        match=r"mine.fa: SHA-256 \w+ differs from chipseq.experiments.mine.train.fasta_sha256",
    ):
        check_local_checksums("mine", spec)
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    (mirror / f"{REST}_AC.seq.gz").write_text("x")
    settings = {"deepbind_url": "https://example.org/encode", "deepbind_mirror": str(mirror)}
    deepbind = {"source": "deepbind", "deepbind": REST, "model": "trained"}
    assert user_files("d", deepbind, settings) == {
        "deepbind_train": str(mirror / f"{REST}_AC.seq.gz"),
        "deepbind_test": f"https://example.org/encode/{REST}_B.seq.gz",
    }
