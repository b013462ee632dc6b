"""End to end: the workflow on config/test.yaml, twice, gives the same numbers.

Runs the real Snakefile in a scratch copy of the workflow files, so the repository's own
``results/`` is never touched.
"""

import json
import re

import numpy as np
import pandas as pd
import pytest
import yaml

from deepresolve.analyses.claims import XOR_CATEGORIES
from deepresolve.datasets.synthetic import DATASETS

from .png_checks import assert_png_drawn
from .workflow_helpers import ROOT, run_workflow

pytestmark = pytest.mark.workflow


def test_every_target_and_log_exists(finished_run):
    results = finished_run / "results/synthetic"
    config_datasets = ["I", "II", "III", "IV"]
    settings = yaml.safe_load((ROOT / "config/test.yaml").read_text())["synthetic"]
    for dataset in config_datasets:
        assert (results / dataset / "dataset.npz").stat().st_size > 0
        noise = json.loads((results / dataset / "label_noise.json").read_text())
        assert noise["labels"] == settings["labels"]
        for replicate in range(settings[dataset]["replicates"]):
            folder = results / dataset / f"rep{replicate}"
            for name in ["model.keras", "metrics.json", "fim.npz", "oniv.tsv", "claims.json"]:
                assert (folder / name).stat().st_size > 0, f"{dataset}/rep{replicate}/{name}"
            log = f"logs/synthetic/{dataset}/rep{replicate}/fim.log"
            assert (finished_run / log).exists()
            assert list((folder / "figures").glob("*.png"))
        assert_png_drawn(results / dataset / "figures/probe.png", min_size=(400, 300))
    assert_png_drawn(results / "figures/claims_summary.png", min_size=(1000, 300))


def test_exact_label_mode_is_one_config_switch(tmp_path):
    """config/exact_labels.yaml turns the paper's planted labels into exact ones: the
    simulation purges chance copies, so no label disagrees with its sequence."""
    workdir = tmp_path / "exact"
    target = "results/synthetic/I/label_noise.json"
    done = run_workflow(workdir, "config/exact_labels.yaml", targets=(target,))
    assert done.returncode == 0, done.stderr[-3000:]
    noise = json.loads((workdir / target).read_text())
    assert noise["labels"] == "exact" and noise["fraction"] == 0


def test_claims_as_replicate_rates_with_the_probe(finished_run):
    """claims.tsv gives each claim as k of n replicate networks; replicates.tsv one row per
    network with the probe; the probe's landscape of datasets I and III is in claims.json."""
    results = finished_run / "results/synthetic"
    settings = yaml.safe_load((ROOT / "config/test.yaml").read_text())["synthetic"]
    claims = pd.read_csv(results / "claims.tsv", sep="\t").set_index("dataset")
    replicates = pd.read_csv(results / "replicates.tsv", sep="\t")
    for dataset, row in claims.iterrows():
        n = settings[dataset]["replicates"]
        part = replicates[replicates["dataset"] == dataset]
        assert row["n_replicates"] == n == len(part)
        assert row["n_testable"] + row["n_not_testable"] == n
        assert row["n_passed"] == (part["passed"] & part["testable"]).sum()
        assert row["rate"] == pytest.approx(row["n_passed"] / row["n_testable"])
        assert len(row["test_auc_mean"].split("/")) == len(row["paper_test_auc"].split("/"))
    seeds = replicates.loc[replicates["dataset"] == "I", "seed"]
    assert seeds.is_unique and seeds.min() == 2018
    for dataset in ["I", "III"]:
        claim = json.loads((results / f"{dataset}/rep0/claims.json").read_text())
        landscape = claim["probe"]["landscape"]
        assert landscape["depends_on"] in {"a + b", "a - b"}
        grid = settings["probe"]["grid_size"]
        assert np.array(landscape["score"]).shape == (grid, grid)
        n = settings[dataset]["replicates"]
        assert claims.loc[dataset, "landscape_a_minus_b"].endswith(f"of {n}")
        assert claim["xor"]["category"] in XOR_CATEGORIES
        xor = claim["xor"]
        assert xor["n_a_up"] + xor["n_b_up"] + xor["n_same_sign"] + xor["n_zero"] == xor["n_runs"]
        part = replicates[replicates["dataset"] == dataset]
        failed = part["testable"] & ~part["passed"]
        assert failed.sum() == sum(
            claims.loc[dataset, f"n_failed_{kind}"]
            for kind in ("signs_flip", "opposite_no_flip", "same_signs")
        )
        assert set(claim["filter_sets"]) == set(DATASETS[dataset].patterns)


def test_many_class_machinery_on_dataset_iv(finished_run):
    """config/test.yaml runs the multiclass rules on dataset IV's 4-class model in chunks of 2:
    the merged chunks equal a one-call FIM run of the same model and seed, and the similarity
    and clustering outputs cover the 4 classes."""
    import keras

    from deepresolve.method.fim import feature_importance_maps
    from deepresolve.method.fim_result import FIMResult

    folder = finished_run / "results/multiclass/synthetic_IV"
    assert len(list((folder / "fim_chunks").glob("*.npz"))) == 2
    # the Snakefile finds the rule that makes multiclass.models.<name>.model (multiclass_config.smk)
    log = (finished_run / "logs/multiclass/synthetic_IV/fim_chunk_0.log").read_text()
    assert "results/synthetic/IV/rep0/model.keras: made by rule train" in log, log
    merged = FIMResult.load(folder / "fim.npz")
    np.testing.assert_array_equal(merged.class_indices, [0, 1, 2, 3])
    model = keras.models.load_model(finished_run / "results/synthetic/IV/rep0/model.keras")
    settings = yaml.safe_load((ROOT / "config/test.yaml").read_text())
    options = {
        k: settings["multiclass"]["fim"][k]
        for k in ("n_runs", "l2", "learning_rate", "patience", "max_steps", "lr_decay_start")
    }
    alone = feature_importance_maps(model, seed=settings["seed"], **options)
    np.testing.assert_allclose(merged.fims, alone.fims, atol=1e-4)
    similarity = pd.read_csv(folder / "similarity.tsv", sep="\t", index_col=0)
    assert similarity.shape == (4, 4)
    np.testing.assert_allclose(np.diag(similarity), 1.0)
    assert len(pd.read_csv(folder / "clusters.tsv", sep="\t")) == 4
    for figure in ["similarity", "clustering", "differences"]:
        assert_png_drawn(folder / f"figures/{figure}.png", min_size=(200, 200))


def test_small_fast_models_learn_and_reproduce_figure_6_ordering(finished_run):
    """On config/test.yaml's small models: datasets I and IV are learnt, and the class similarity
    of dataset IV orders the classes as the paper's Figure 6 (checked in claims.json)."""
    results = finished_run / "results/synthetic"
    for dataset in ["I", "IV"]:
        aucs = json.loads((results / f"{dataset}/rep0/metrics.json").read_text())["test_auc"]
        assert min(aucs.values()) > 0.95, (dataset, aucs)
    claim = json.loads((results / "IV/rep0/claims.json").read_text())
    assert claim["passed"], claim
    assert claim["margin"] > 0.1, claim


def test_rerun_with_same_seed_is_identical(finished_run, tmp_path):
    """A fresh run of dataset I (simulation, training, FIMs, ONIV) repeats every number."""
    again = run_workflow(tmp_path / "again", targets=("results/synthetic/I/rep1/oniv.tsv",))
    assert again.returncode == 0, again.stderr[-5000:]
    for dataset in ["I"]:
        folder = f"results/synthetic/{dataset}/rep1"
        first = json.loads((finished_run / f"{folder}/metrics.json").read_text())
        second = json.loads((tmp_path / f"again/{folder}/metrics.json").read_text())
        assert first["test_auc"] == second["test_auc"]
        a = pd.read_csv(finished_run / f"{folder}/oniv.tsv", sep="\t")
        b = pd.read_csv(tmp_path / f"again/{folder}/oniv.tsv", sep="\t")
        pd.testing.assert_frame_equal(a, b)


def test_bad_config_fails_before_any_job(tmp_path):
    workdir = tmp_path / "bad"
    done = run_workflow(workdir, "--config", "datasets=[V]")
    assert done.returncode != 0
    assert "datasets" in done.stderr and "allowed values" in done.stderr
    assert not (workdir / "results").exists()


CTCF = "wgEncodeAwgTfbsBroadDnd41CtcfUniPk"
ELK1 = "wgEncodeAwgTfbsSydhK562Elk112771IggrabUniPk"
NRSF = "wgEncodeAwgTfbsHaibGm12878NrsfPcr1xUniPk"


@pytest.mark.shared_data("published-422tf-models", "deepresolve-statistics")
def test_table1_on_two_published_models(shared_data, tmp_path):
    """Table 1 pipeline end to end on two published models read from the local mirror, in one
    batch, with the lambda curve (config/test.yaml's two points); then the per-TF rerun of one
    of them gives the same ranking. Each set of experiments has its folder: config A (run_name
    a), then config B (other experiments, run_name null: named by its experiments), then A
    again has nothing to do, and A's table is A's."""
    from deepresolve.config.validate import experiment_set_name

    mirror = shared_data / "published-422tf-models"
    settings = tmp_path / "table1.yaml"
    settings.write_text(
        f"run_name: a\ntable1:\n  experiments: [{CTCF}, {ELK1}]\n  models_mirror: {mirror}\n"
        "  tomtom_engine: memelite\n  known_motifs: primary\n  batch_size: 2\n"
        f"  authors_oniv: {{mirror: {shared_data / 'deepresolve-statistics'}}}\n"
        "record: {name: t1, analyses: [table1_rows, table1_authors_oniv, table1_lambda_curve]}\n"
    )
    workdir = tmp_path / "t1"
    folder = workdir / "results/table1/a"
    curve = "results/table1/a/lambda_curve.tsv"
    done = run_workflow(workdir, str(settings), targets=("table1", curve, "numbers"))
    assert done.returncode == 0, done.stderr[-5000:]
    assert done.stderr.count("rule table1_batch:") == 1
    # the record of the Table 1 analyses reads this set's folder: its rows are table1.tsv's
    record = workdir / "results/record/t1"
    rows = pd.read_csv(record / "table1_rows/rows.tsv", sep="\t", comment="#")
    assert len(rows) == len(pd.read_csv(folder / "table1.tsv", sep="\t"))
    assert "# run_jobs: " in (record / "table1_rows/rows.tsv").read_text()
    assert (
        len(pd.read_csv(record / "table1_lambda_curve/lambda_curve.tsv", sep="\t", comment="#"))
        == 2
    )
    summary = pd.read_csv(record / "table1_authors_oniv/authors_oniv.tsv", sep="\t", comment="#")
    assert summary.loc[0, "n_models"] == 2
    detail = pd.read_csv(folder / "detail.tsv", sep="\t").set_index("experiment")
    # the CTCF model's most important filter is the CTCF motif (JASPAR MA0139)
    assert detail.loc[CTCF, "top_known_target"].startswith("MA0139")
    assert detail.loc[CTCF, "top_known_p"] < 0.05 and detail.loc[CTCF, "top1_p<0.05"]
    assert detail.loc[CTCF, "top_jaspar_name"] == "CTCF" and detail.loc[CTCF, "top1_strict"]
    table = pd.read_csv(folder / "table1.tsv", sep="\t")
    ours = table[table["source"] == "ours"]
    assert set(ours["n_experiments"]) == {2} and set(ours["statistic"]) == {"known", "strict"}
    expected = table[table["source"] == "expected"]
    assert (expected[["top1", "top3", "top5"]].to_numpy() <= 2).all()
    assert "Strict statistic" in (folder / "table1.md").read_text()
    batch = folder / "batches/0"
    assert (batch / f"filters/{CTCF}.meme").stat().st_size > 0
    assert (workdir / f"resources/published_models/{ELK1}/16_G_bestmodel_weights.h5").exists()

    rerun = run_workflow(workdir, str(settings), targets=(f"results/tf/{CTCF}/hits.tsv",))
    assert rerun.returncode == 0, rerun.stderr[-5000:]
    assert rerun.stderr.count("rule tf_deepresolve:") == 1
    for name in ["filters.meme", "hits.tsv", "jaspar_hits.tsv", "top5_logos.png"]:
        assert (workdir / f"results/tf/{CTCF}/{name}").stat().st_size > 0
    alone = pd.read_csv(workdir / f"results/tf/{CTCF}/ranked_filters.tsv", sep="\t")
    batched = pd.read_csv(batch / "ranked_filters.tsv", sep="\t")
    batched = batched[batched["experiment"] == CTCF]
    assert alone["filter"].head(5).tolist() == batched["filter"].head(5).tolist()
    agreement = pd.read_csv(folder / "authors_oniv_agreement.tsv", sep="\t")
    assert set(agreement["experiment"]) == {CTCF, ELK1} and agreement["same_top1"].all()
    assert "DeepResolve | authors' ONIV" in (folder / "table1.md").read_text()
    # lambda 3 at learning rate 0.01 is table1.fim's own setting: its point of the curve ranks
    # the filters as the batch did, so it repeats Table 1's counts and the authors' agreement
    points = pd.read_csv(workdir / curve, sep="\t").set_index("l2")
    assert points.index.tolist() == [0.1, 3.0] and (points["n_experiments"] == 2).all()
    for column in [c for c in points.columns if c.startswith("top")]:
        assert points.loc[3.0, column] == detail[column].sum(), column
    assert points.loc[3.0, "same_top1"] == 2
    assert (folder / "lambda_curve.png").stat().st_size > 10_000

    # config B: other experiments (one shared with A), run_name null: a folder named by its
    # experiments; A's folder is left as it was
    table_a = (folder / "table1.tsv").read_bytes()
    other = tmp_path / "other.yaml"
    other.write_text(
        settings.read_text()
        .replace("run_name: a", "run_name: null")
        .replace(f"[{CTCF}, {ELK1}]", f"[{ELK1}, {NRSF}]")
    )
    done = run_workflow(workdir, str(other), targets=("table1",))
    assert done.returncode == 0, done.stderr[-5000:]
    name = experiment_set_name(
        {
            "table1.experiments": [NRSF, ELK1],
            "table1_methods.sequences": [],
            "chipseq.experiments": [],
        }
    )
    detail_b = pd.read_csv(workdir / "results/table1" / name / "detail.tsv", sep="\t")
    assert sorted(detail_b["experiment"]) == sorted([ELK1, NRSF])
    assert (folder / "table1.tsv").read_bytes() == table_a
    # A again: nothing to do
    plan = run_workflow(workdir, str(settings), targets=("table1", curve, "-n"))
    assert plan.returncode == 0, plan.stderr[-3000:]
    assert "Nothing to be done" in plan.stdout + plan.stderr, (plan.stdout + plan.stderr)[-3000:]

    # one more experiment under the same run_name (a new last batch): the existing batch and
    # per-TF work stay
    more = tmp_path / "more.yaml"
    more.write_text(settings.read_text().replace(f"[{CTCF}, {ELK1}]", f"[{CTCF}, {ELK1}, {NRSF}]"))
    plan = run_workflow(workdir, str(more), targets=("table1", f"results/tf/{CTCF}/hits.tsv", "-n"))
    assert plan.returncode == 0, plan.stderr[-3000:]
    jobs = plan.stdout + plan.stderr
    assert jobs.count("rule table1_batch:") == 1 and "batch=1" in jobs
    for rule in ("known_motifs", "tf_deepresolve", "download_authors_oniv"):
        assert f"rule {rule}:" not in jobs, rule


def test_unknown_table1_experiment_fails_before_any_job(tmp_path):
    settings = tmp_path / "bad.yaml"
    settings.write_text(
        "table1:\n  experiments: [wgEncodeAwgTfbsNowhereUniPk]\n  models_mirror: null\n"
        "  tomtom_engine: memelite\n  known_motifs: primary\n"
    )
    workdir = tmp_path / "bad"
    done = run_workflow(workdir, str(settings), targets=("table1",))
    assert done.returncode != 0
    assert "wgEncodeAwgTfbsNowhereUniPk" in done.stderr and "422 published" in done.stderr
    assert not (workdir / "results").exists()


def test_missing_mirror_folder_fails_before_any_job(tmp_path):
    """A table1.models_mirror that does not exist stops the run (it would otherwise fall back to
    the network for each of the 422 models' files, silently)."""
    settings = tmp_path / "mirror.yaml"
    settings.write_text(
        f"table1:\n  experiments: [{CTCF}]\n  models_mirror: {tmp_path / 'nowhere'}\n"
    )
    workdir = tmp_path / "mirror"
    done = run_workflow(workdir, str(settings), targets=("table1",))
    assert done.returncode != 0
    assert "table1.models_mirror" in done.stderr and "does not exist" in done.stderr
    assert not (workdir / "results").exists() and not (workdir / "resources").exists()


def test_meme_engine_runs_tomtom_in_its_container_rule(tmp_path, workflow_rules):
    """Dry run with tomtom_engine: meme: one `tomtom_meme` job per experiment, the authors'
    flags on MEME's command line, and Table 1 reading MEME's tables (MEME cannot run here);
    as Snakemake loads the rules, tomtom_meme (and no other rule) has the pinned MEME image."""
    settings = tmp_path / "meme.yaml"
    settings.write_text(
        f"run_name: meme\ntable1:\n  experiments: [{CTCF}, {ELK1}]\n  models_mirror: null\n"
        "  tomtom_engine: meme\n  known_motifs: all\n"
        "  meme_tomtom: {dist: ed, thresh: 1.0, min_overlap: 1, incomplete_scores: true,"
        " motif_pseudo: 0.1}\n"
    )
    done = run_workflow(tmp_path / "dry", str(settings), targets=("table1", "-n", "-p"))
    assert done.returncode == 0, done.stderr[-3000:]
    out = done.stdout + done.stderr
    assert out.count("rule tomtom_meme:") == 2
    command = next(line for line in out.splitlines() if "tomtom -text" in line)
    assert "-incomplete-scores" in command and "-thresh 1" in command and "-dist ed" in command
    assert (
        f"results/table1/meme/batches/0/filters/{CTCF}.meme "
        f"results/table1/tomtom_meme/known_motifs/{CTCF}.meme"
    ) in out
    containers = {name: rule["container"] for name, rule in workflow_rules.items()}
    assert {name for name, image in containers.items() if image} == {"tomtom_meme"}
    assert containers["tomtom_meme"] == "docker://memesuite/memesuite:5.5.8"


@pytest.mark.shared_data("published-422tf-models")
def test_download_rules_fetch_from_a_server_and_reject_a_corrupted_model(shared_data, tmp_path):
    """Against a local HTTP server with the raw-GitHub layout: rule download_published_model
    (models outside table1.experiments) brings a good model verified and rejects a model whose
    weights were tampered with, leaving no file behind; with both in table1.experiments one
    job fetches their batch (published_models_batch_0) and fails naming the corrupt model, its
    file and the checksum, with nothing left of the batch."""
    import shutil as sh

    from .test_download import serve

    models = shared_data / "published-422tf-models"
    www = tmp_path / "www"
    for experiment in (CTCF, ELK1):
        sh.copytree(models / experiment, www / experiment)
    weights = www / ELK1 / "16_G_bestmodel_weights.h5"
    weights.write_bytes(weights.read_bytes()[:-100] + b"x" * 100)
    workdir = tmp_path / "dl"
    targets = tuple(
        f"resources/published_models/{e}/{f}"
        for e in (CTCF, ELK1)
        for f in ("16_G_best_archit.json", "16_G_bestmodel_weights.h5")
    )
    alone, batched = tmp_path / "alone.yaml", tmp_path / "batched.yaml"
    with serve(www) as (base, requests):
        for settings, experiments in ((alone, "[]"), (batched, f"[{CTCF}, {ELK1}]")):
            settings.write_text(
                f"run_name: dl\ntable1:\n  experiments: {experiments}\n  models_mirror: null\n"
                f"  models_url: {base}\n"
            )
        done = run_workflow(workdir, str(alone), "--keep-going", targets=targets)
        assert done.returncode != 0
        assert done.stderr.count("localrule download_published_model:\n") == 2
        assert f"/{CTCF}/16_G_bestmodel_weights.h5" in requests
        good = workdir / f"resources/published_models/{CTCF}/16_G_bestmodel_weights.h5"
        assert good.read_bytes() == (models / CTCF / "16_G_bestmodel_weights.h5").read_bytes()
        bad = workdir / f"resources/published_models/{ELK1}"
        assert not (bad / "16_G_bestmodel_weights.h5").exists()
        assert not [p for p in bad.glob("*.part")] and not [p for p in bad.glob(".*.part")]
        log = (workdir / f"logs/table1/download/{ELK1}.log").read_text()
        assert "checksum" in log.lower() and "16_G_bestmodel_weights.h5" in log

        batch = run_workflow(tmp_path / "batch", str(batched), targets=targets)
    assert batch.returncode != 0
    assert batch.stderr.count("localrule published_models_batch_0:\n") == 1
    assert "rule download_published_model:" not in batch.stderr
    log = (tmp_path / "batch/logs/table1/dl/download/batch_0.log").read_text()
    assert "1 of 2 published models could not be fetched" in log
    failure = next(line for line in log.splitlines() if line.strip().startswith(f"{ELK1}:"))
    assert "SHA-256 mismatch" in failure and "16_G_bestmodel_weights.h5" in failure
    assert CTCF not in log.split("could not be fetched")[1]
    assert not [p for p in (tmp_path / "batch/resources").rglob("*") if p.is_file()]


def test_gpu_config_file_requests_a_gpu_for_training_and_fim(tmp_path):
    """config/gpu.yaml (the README's cluster switch) gives the training and FIM jobs `gpu=1`
    and the simulation none (dry run)."""
    done = run_workflow(
        tmp_path / "gpu", "config/gpu.yaml", targets=("-n", "results/synthetic/I/rep0/fim.npz")
    )
    assert done.returncode == 0, done.stderr[-3000:]
    # each job: "rule <name>:" ... "resources: ..." in the dry-run listing
    by_rule = dict(re.findall(r"rule (\w+):.*?resources: ([^\n]*)", done.stdout, flags=re.S))
    assert "gpu=1" in by_rule["train"] and "gpu=1" in by_rule["fim"]
    assert "gpu=" not in by_rule["simulate"]


def test_experiment_from_peaks_and_genome_on_a_local_server(tmp_path):
    """source: peaks with URLs: narrowPeak and genome fetched from 127.0.0.1, summit windows
    cut from the genome, one dinucleotide shuffle per peak; a wrong checksum is refused."""
    import hashlib

    import numpy as np

    from deepresolve.datasets.sequences import decode
    from deepresolve.datasets.shuffle import dinucleotide_counts

    from .test_download import serve

    rng = np.random.default_rng(1)
    chromosome = "".join(rng.choice(list("ACGT"), 5000))
    www = tmp_path / "www"
    www.mkdir()
    (www / "genome.fa").write_text(
        ">chr1\n" + "\n".join(chromosome[i : i + 70] for i in range(0, 5000, 70)) + "\n"
    )
    # enough peaks that the drawn validation and test parts each hold a peak and its shuffle
    summits = list(range(200, 4800, 240))
    n = len(summits)
    (www / "peaks.narrowPeak").write_text(
        "".join(
            f"chr1\t{s - 100}\t{s + 100}\tp{i}\t0\t.\t5\t5\t5\t100\n" for i, s in enumerate(summits)
        )
    )
    good = hashlib.sha256((www / "peaks.narrowPeak").read_bytes()).hexdigest()
    settings = tmp_path / "peaks.yaml"
    workdir = tmp_path / "peaks"
    with serve(www) as (base, requests):
        for name, digest in (("bad", "0" * 64), ("good", good)):
            settings.write_text(
                f"""
chipseq:
  window: 51
  experiments:
    {name}:
      source: peaks
      tf: CTCF
      model: trained
      peaks: {base}/peaks.narrowPeak
      peaks_sha256: "{digest}"
      genome: {base}/genome.fa
"""
            )
            done = run_workflow(
                workdir, str(settings), targets=(f"results/chipseq/{name}/sequences.npz",)
            )
            if name == "bad":
                assert done.returncode != 0
                assert "checksum" in (workdir / "logs/chipseq/fetch/bad.log").read_text().lower()
                assert not (workdir / "resources/chipseq/bad/peaks.narrowPeak").exists()
    assert done.returncode == 0, done.stderr[-5000:]
    assert "/genome.fa" in requests
    with np.load(workdir / "results/chipseq/good/sequences.npz") as data:
        ids, X, labels = data["ids"].tolist(), data["X"], data["labels"]
    sequences = decode(X)
    assert labels.tolist() == [1] * n + [0] * n
    for i, summit in enumerate(summits):
        assert sequences[i] == chromosome[summit - 25 : summit + 26]
        assert ids[i + n] == ids[i] + "_shuf"
        assert dinucleotide_counts(sequences[i + n]) == dinucleotide_counts(sequences[i])


def test_chipseq_experiment_without_tf_fails_before_any_job(tmp_path):
    settings = tmp_path / "bad.yaml"
    settings.write_text(
        "chipseq:\n  experiments:\n    mine: {source: fasta, model: trained, "
        "train: {fasta: x.fa}}\n"
    )
    done = run_workflow(tmp_path / "bad", str(settings))
    assert done.returncode != 0
    assert "mine: name the TF (tf: CTCF)" in done.stderr
    assert not (tmp_path / "bad/results").exists()


def test_report_holds_every_figure_and_table(finished_run):
    """`snakemake --report` on the finished run: one HTML with the figures, tables and their
    captions (what the paper shows there). Without --cores, as the README writes it."""
    done = run_workflow(finished_run, "--report", "report.html", cores=None)
    assert done.returncode == 0, done.stderr[-3000:]
    report = (finished_run / "report.html").read_text(errors="replace")
    assert len(report) > 100_000
    for name in ["similarity.png", "claims.tsv", "metrics.json", "feature_top_classes.tsv"]:
        assert name in report, name


def test_numbers_record_the_finished_run(finished_run, tmp_path):
    """`snakemake numbers` writes the run's claims and networks with provenance; the record
    compares as identical with itself, and the synthetic blocks render from it."""
    import subprocess
    import sys

    from deepresolve.reports.pages import Records, render_page
    from deepresolve.reports.record import read_record

    done = run_workflow(finished_run, targets=("numbers",))
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stderr.count("rule record_analysis:") == 1, done.stderr[-3000:]
    folder = finished_run / "results/record/test/synthetic"
    claims, header = read_record(folder / "claims.tsv")
    expected = pd.read_csv(finished_run / "results/synthetic/claims.tsv", sep="\t")
    assert claims["n_passed"].tolist() == expected["n_passed"].tolist()
    assert claims["test_auc_mean"].tolist() == expected["test_auc_mean"].tolist()
    assert "config/test.yaml (sha256 " in header["config_files"]
    assert "config/config.yaml (sha256 " in header["config_files"]
    n_benchmarks = len(list((finished_run / "benchmarks/results/synthetic").rglob("*.tsv")))
    assert int(header["run_jobs"]) == n_benchmarks > 0
    assert float(header["run_cpu_s"]) > 0 and float(header["run_peak_rss_mb"]) > 100
    assert float(header["run_wall_s"]) >= max(
        pd.read_csv(p, sep="\t")["s"].iloc[-1]
        for p in (finished_run / "benchmarks/results/synthetic").rglob("*.tsv")
    )
    networks, _ = read_record(folder / "networks.tsv")
    assert len(networks) == sum(expected["n_replicates"])

    docs = tmp_path / "docs"
    script = str(ROOT / "scripts/record.py")
    paths = ["--results", str(finished_run / "results/record"), "--docs", str(docs)]
    kept = subprocess.run([sys.executable, script, "keep", "test", *paths], capture_output=True)
    assert kept.returncode == 0
    same = subprocess.run(
        [sys.executable, script, "compare", "test", *paths], capture_output=True, text=True
    )
    assert same.returncode == 0 and "verdicts match" in same.stdout, same.stdout
    page = render_page(
        "<!-- record: synthetic_claims test -->\n<!-- end record -->\n", Records(docs)
    )
    for _, row in expected.iterrows():
        assert f"| {row['dataset']} | **{row['n_passed']} of {row['n_testable']}" in page
