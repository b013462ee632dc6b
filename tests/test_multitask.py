import numpy as np
import pandas as pd
import pytest

from deepresolve.analyses.multitask import (
    MISSING,
    MultitaskData,
    assemble,
    build_multitask,
    experiment_parts,
    how_training_ended,
    masked_binary_crossentropy,
    train_multitask,
)
from deepresolve.datasets.chipseq_parts import TEST, TRAIN, VALIDATION
from deepresolve.datasets.sequences import decode
from deepresolve.datasets.shuffle import dinucleotide_counts
from deepresolve.method.fim import feature_importance_maps
from deepresolve.method.importance import niv, oniv
from deepresolve.method.similarity import class_similarity
from deepresolve.models.deepsea import FIM_LAYER
from tests.conftest import ROOT

PARTS = {"validation_fraction": 0.2, "test_fraction": 0.25, "n_shuffles": 1, "seed": 3}


def _random(rng, n, length=101, motif=None):
    sequences = ["".join(rng.choice(list("ACGT"), length)) for _ in range(n)]
    if motif:
        sequences = [s[:40] + motif + s[40 + len(motif) :] for s in sequences]
    return sequences


def _frame(sequences, label):
    return pd.DataFrame({"sequence": sequences, "label": label})


def test_training_negatives_are_shuffles_of_the_capped_peaks_and_test_is_given():
    rng = np.random.default_rng(0)
    train = pd.concat([_frame(_random(rng, 50), 1), _frame(_random(rng, 30), 0)])
    test = pd.concat([_frame(_random(rng, 10), 1), _frame(_random(rng, 10), 0)])
    table = experiment_parts(train, test, max_positives=40, **PARTS)
    fitting = table[table["part"] != TEST]
    peaks = fitting[fitting["label"] == 1]
    negatives = fitting[fitting["label"] == 0]
    assert len(peaks) == len(negatives) == 40  # capped; the file's own negatives unused
    assert set(peaks["sequence"]) <= set(train.loc[train["label"] == 1, "sequence"])
    assert not set(negatives["sequence"]) & set(train["sequence"])
    for peak, shuffle in zip(peaks["sequence"], negatives["sequence"], strict=True):
        assert dinucleotide_counts(peak) == dinucleotide_counts(shuffle)
    assert (peaks["part"].to_numpy() == negatives["part"].to_numpy()).all()
    assert (peaks["part"] == VALIDATION).sum() == 8
    held = table[table["part"] == TEST]
    assert held["sequence"].tolist() == test["sequence"].tolist()


def test_without_a_test_file_a_stratified_fraction_is_held_out_first():
    rng = np.random.default_rng(1)
    train = pd.concat([_frame(_random(rng, 80), 1), _frame(_random(rng, 40), 0)])
    table = experiment_parts(train, None, max_positives=None, **PARTS)
    held = table[table["part"] == TEST]
    assert (held["label"] == 1).sum() == 20 and (held["label"] == 0).sum() == 10
    fitting = table[table["part"] != TEST]
    assert not set(fitting["sequence"]) & set(held["sequence"])
    assert (fitting["label"] == 1).sum() == 60


def test_shared_peak_is_labelled_for_both_experiments_and_test_sequences_never_train():
    shared, leak = _random(np.random.default_rng(2), 2)
    rng = np.random.default_rng(3)
    a = pd.DataFrame(
        {
            "sequence": [shared, *_random(rng, 3), leak],
            "label": [1, 1, 0, 1, 1],
            "part": [TRAIN, TRAIN, TRAIN, TEST, TRAIN],
        }
    )
    b = pd.DataFrame(
        {
            "sequence": [shared, *_random(rng, 2), leak],
            "label": [1, 0, 1, 0],
            "part": [TRAIN, TRAIN, VALIDATION, TEST],
        }
    )
    data = assemble({"A": a, "B": b})
    rows = {s: i for i, s in enumerate(decode(data.X))}
    assert data.labels[rows[shared]].tolist() == [1, 1]  # one row, a peak for both
    assert data.labels[rows[leak]].tolist() == [MISSING, 0]  # only B's test row remains
    assert data.part[rows[leak]] == TEST
    assert (data.labels == MISSING).sum() == len(data.X) * 2 - 2 - 1 - 7 + 2
    counts = data.counts()
    assert counts.loc["A", "train_peaks"] == 2 and counts.loc["A", "test_peaks"] == 1
    assert counts.loc["B", "validation_peaks"] == 1


def test_masked_loss_is_the_mean_cross_entropy_of_the_labelled_entries_only():
    import tensorflow as tf

    rng = np.random.default_rng(4)
    logits = rng.normal(size=(6, 3)).astype(np.float32)
    labels = np.array(
        [[1, -1, -1], [0, -1, -1], [-1, 1, -1], [-1, 0, 1], [1, 1, 0], [-1, -1, -1]], np.float32
    )
    labelled = labels >= 0
    p = 1 / (1 + np.exp(-logits))
    expected = -(labels * np.log(p) + (1 - labels) * np.log(1 - p))[labelled].mean()
    assert float(masked_binary_crossentropy(labels, logits)) == pytest.approx(expected, rel=1e-5)
    x = tf.Variable(logits)
    with tf.GradientTape() as tape:
        loss = masked_binary_crossentropy(labels, x)
    gradient = tape.gradient(loss, x).numpy()
    assert (gradient[~labelled] == 0).all() and (gradient[labelled] != 0).all()
    assert float(masked_binary_crossentropy(np.full((2, 3), -1.0), logits[:2])) == 0.0


def _planted_experiment(rng, motif, n):
    peaks = _random(rng, n, motif=motif)
    test = pd.concat(
        [_frame(_random(rng, 60, motif=motif), 1), _frame(_random(rng, 60), 0)],
        ignore_index=True,
    )
    return experiment_parts(_frame(peaks, 1), test, max_positives=None, **PARTS)


def test_each_output_learns_its_own_planted_motif_and_the_chain_runs_on_the_fim_layer():
    rng = np.random.default_rng(5)
    data = assemble(
        {
            "CACGTG": _planted_experiment(rng, "CACGTGCACGTG", 200),
            "CCCTC": _planted_experiment(rng, "CCGCGAGGGCGC", 200),
        }
    )
    result = train_multitask(
        data, batch_size=32, learning_rate=0.003, max_epochs=4, patience=2, seed=1
    )
    aucs = result.metrics["test_auc"]
    assert min(aucs.values()) > 0.9, aucs
    assert result.metrics["test_peaks"] == {"CACGTG": 60, "CCCTC": 60}
    model = result.model
    assert model.get_layer(FIM_LAYER).output.shape[1:] == (9, 96)
    fims = feature_importance_maps(model, FIM_LAYER, n_runs=2, max_steps=20, seed=0)
    summary = oniv(niv(fims.fims), fims.scores)
    assert class_similarity(summary.oniv).shape == (2, 2)


@pytest.fixture(scope="module")
def small_planted():
    rng = np.random.default_rng(7)
    return assemble(
        {
            "CACGTG": _planted_experiment(rng, "CACGTGCACGTG", 40),
            "CCCTC": _planted_experiment(rng, "CCGCGAGGGCGC", 40),
        }
    )


def test_early_stopping_ends_a_training_whose_validation_loss_stops_falling(small_planted, caplog):
    """Learning rate 0: the validation loss of epoch 1 is never beaten, so patience 2 ends the
    training after epoch 3, well before the cap, and no cap warning is logged."""
    result = train_multitask(
        small_planted, batch_size=32, learning_rate=0.0, max_epochs=50, patience=2, seed=1
    )
    metrics = result.metrics
    assert (metrics["epochs"], metrics["best_epoch"], metrics["stopped_by"]) == (3, 1, "patience")
    assert len(result.history) == 3
    assert "multitask.training.max_epochs" not in caplog.text
    table = how_training_ended({1: metrics})
    assert table.loc[0, ["replicate", "epochs", "stopped_by"]].tolist() == [1, 3, "patience"]


def test_the_epoch_cap_ending_a_training_is_recorded_and_warned(small_planted, caplog):
    result = train_multitask(
        small_planted, batch_size=32, learning_rate=0.003, max_epochs=2, patience=5, seed=1
    )
    assert (result.metrics["epochs"], result.metrics["stopped_by"]) == (2, "max_epochs")
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert any("HIT THE EPOCH CAP" in m and "multitask.training.max_epochs" in m for m in warnings)
    caplog.clear()
    # the check's summary warns again, also for a metrics.json written before the record
    table = how_training_ended({1: result.metrics, 2: {"test_auc": {}}})
    assert table["stopped_by"].iloc[0] == "max_epochs" and pd.isna(table["stopped_by"].iloc[1])
    assert "seeds [1, 2] were not ended by early stopping" in caplog.text


def test_architecture_is_deepsea_like_for_101_bp():
    model = build_multitask(12)
    names = [layer.name for layer in model.layers]
    assert names[1:] == [
        "conv_1", "pool_1", "dropout_1", "conv_2", "pool_2", "dropout_2",
        "conv_3", "dropout_3", "flatten", "dense_1", "logits",
    ]  # fmt: skip
    assert model.output.shape[1:] == (12,)
    assert model.get_layer("conv_3").output.shape[1:] == (4, 128)


@pytest.mark.shared_data("deepbind-encode")
def test_real_subset_from_the_shared_files(shared_data, tmp_path):
    """Three DeepBind sets (USF1, MYC, REST), 100 peaks each, one epoch: every output has a
    test AUC on its own 1,000-sequence B file."""
    from deepresolve.datasets.deepbind import read_deepbind

    folder = shared_data / "deepbind-encode"
    tables = {}
    for name in (
        "USF1_HepG2_USF-1_HudsonAlpha",
        "MYC_H1-hESC_c-Myc_Stanford",
        "REST_GM12878_NRSF_HudsonAlpha",
    ):
        train, test = (
            read_deepbind(folder / f"{name}_{part}.seq.gz").rename(columns={"bound": "label"})
            for part in ("AC", "B")
        )
        tables[name] = experiment_parts(train, test, max_positives=100, **PARTS)
    data = assemble(tables)
    data.save(tmp_path / "data.npz")
    data = MultitaskData.load(tmp_path / "data.npz")
    assert data.counts()["test_peaks"].tolist() == [500, 500, 500]
    result = train_multitask(
        data, batch_size=64, learning_rate=0.001, max_epochs=1, patience=1, seed=1
    )
    aucs = np.array(list(result.metrics["test_auc"].values()))
    assert np.isfinite(aucs).all() and ((aucs > 0) & (aucs < 1)).all()


def test_config_names_every_reachable_experiment():
    import yaml

    experiments = yaml.safe_load((ROOT / "config/multitask.yaml").read_text())["multitask"][
        "experiments"
    ]
    tfs = [spec["tf"] for spec in experiments.values()]
    assert len(experiments) == 12 and tfs.count("CTCF") == 3
    assert {"USF1", "MYC", "EZH2", "REST", "SP1", "FOXA1", "ZBTB7A", "ELK1", "ARID3A"} <= set(tfs)


def test_workflow_plans_the_whole_chain_for_every_seed(tmp_path):
    """`snakemake multitask` on config/multitask.yaml (dry run): data, one training and one
    many-class chain per seed (12 classes in two FIM chunks), the check."""
    from tests.workflow_helpers import run_workflow

    run = run_workflow(
        tmp_path, "config/multitask.yaml", "-n", "--quiet", "rules", targets=("multitask",)
    )
    assert run.returncode == 0, run.stderr[-3000:]
    jobs = dict(
        line.split()[:2]
        for line in run.stdout.splitlines()
        if len(line.split()) == 2 and line.split()[1].isdigit()
    )
    assert jobs["multitask_train"] == "3" and jobs["fim_chunk"] == "6"
    assert jobs["multiclass_oniv"] == "3" and jobs["multitask_check"] == "1"
    assert jobs["download_deepbind_file"] == "16"


def test_unknown_deepbind_set_fails_before_any_job(tmp_path):
    from tests.workflow_helpers import run_workflow

    (tmp_path / "bad.yaml").write_text(
        "multitask:\n  experiments:\n    X: {source: deepbind, deepbind_name: NOPE, tf: X, "
        "cell: C, lab: L}\n"
    )
    run = run_workflow(tmp_path, "bad.yaml", "-n", targets=("multitask",))
    assert run.returncode != 0
    assert "X: NOPE_AC.seq.gz is not among DeepBind's pinned files" in run.stderr


def test_truncated_dataset_file_is_named(tmp_path):
    """The rule and --forcerun are added by the scripts (tests/test_files.py)."""
    path = tmp_path / "dataset.npz"
    rng = np.random.default_rng(0)
    MultitaskData(
        names=["a", "b"],
        X=np.eye(4, dtype=np.uint8)[rng.integers(0, 4, (40, 101))],
        labels=rng.integers(-1, 2, (40, 2)).astype(np.int8),
        part=np.zeros(40, np.int8),
    ).save(path)
    assert MultitaskData.load(path).names == ["a", "b"]
    path.write_bytes(path.read_bytes()[:300])
    with pytest.raises(ValueError, match="is not a readable NumPy .npz file") as err:
        MultitaskData.load(path)
    assert str(path) in str(err.value)


ZENG_CTCF = "wgEncodeAwgTfbsBroadDnd41CtcfUniPk"


@pytest.mark.shared_data("deepbind-encode", "zeng-motif-discovery")
@pytest.mark.workflow
def test_multitask_chain_runs_end_to_end_on_four_experiments(shared_data, tmp_path):
    """`snakemake multitask` for real, on config/test.yaml's small settings (150 peaks per
    experiment, one epoch, FIMs of 2 runs x 200 steps) and four experiments: a Zeng CTCF set
    with only a test file (the data step holds out its test part) and three DeepBind sets,
    USF1 and MYC being the check's E-box family pair. Every job of the documented chain runs:
    data, training, FIMs in two chunks of 2 classes, merge, ONIVs, tables, figures, the check."""
    import yaml

    from tests.workflow_helpers import run_workflow

    data = shared_data
    settings = tmp_path / "multitask.yaml"
    settings.write_text(
        f"""
chipseq:
  zeng_mirror: {data / "zeng-motif-discovery"}
  deepbind_mirror: {data / "deepbind-encode"}
  experiments:
    {ZENG_CTCF}: {{source: zeng, parts: [test], model: published}}
multitask:
  experiments:
    CTCF_Dnd41: {{source: chipseq, chip: {ZENG_CTCF}, tf: CTCF, cell: Dnd41, lab: Broad}}
    USF1_HepG2:
      {{source: deepbind, deepbind_name: USF1_HepG2_USF-1_HudsonAlpha, tf: USF1, cell: HepG2,
       lab: HudsonAlpha}}
    MYC_H1-hESC:
      {{source: deepbind, deepbind_name: MYC_H1-hESC_c-Myc_Stanford, tf: MYC, cell: H1-hESC,
       lab: Stanford}}
    REST_GM12878:
      {{source: deepbind, deepbind_name: REST_GM12878_NRSF_HudsonAlpha, tf: REST,
       cell: GM12878, lab: HudsonAlpha}}
"""
    )
    workdir = tmp_path / "run"
    done = run_workflow(workdir, str(settings), targets=("multitask",))
    assert done.returncode == 0, done.stderr[-5000:]
    results = workdir / "results/multitask"
    counts = pd.read_csv(results / "dataset.tsv", sep="\t")
    assert len(counts) == 4
    chain = workdir / "results/multiclass/multitask_seed1"
    assert len(list((chain / "fim_chunks").glob("*.npz"))) == 2
    similarity = pd.read_csv(chain / "similarity.tsv", sep="\t", index_col=0)
    assert similarity.shape == (4, 4)
    np.testing.assert_allclose(np.diag(similarity), 1.0)
    settings = yaml.safe_load((ROOT / "config/test.yaml").read_text())["multitask"]
    claims = pd.read_csv(results / "claims.tsv", sep="\t")
    assert claims["method"].tolist() == settings["check"]["methods"]
    assert (claims["replicate"] == 1).all() and (claims["n_designated"] == 1).all()
    assert ((claims["p_value"] > 0) & (claims["p_value"] <= 1)).all()
    aucs = pd.read_csv(results / "auc.tsv", sep="\t")
    assert len(aucs) == 4 and aucs["1"].between(0, 1, inclusive="neither").all()
    training = pd.read_csv(results / "training.tsv", sep="\t")
    assert len(training) == 1  # one seed, stopped by the epoch cap of config/test.yaml
    assert (results / "figures/pairs.png").stat().st_size > 10_000
