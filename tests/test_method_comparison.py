"""Table 1's four methods side by side (deepresolve.analyses.method_comparison, paper §5.1)."""

from __future__ import annotations

import gzip
import re

import numpy as np
import pandas as pd
import pytest

from deepresolve.analyses.method_comparison import (
    ALL,
    CHIPSEQ,
    CLAIM_COLUMNS,
    DEEPRESOLVE,
    METHODS,
    SHARED,
    check_claims,
    comparison_table,
    experiment_sequences,
)
from deepresolve.analyses.table1 import PAPER_TABLE1, experiment_detail, methods_markdown
from deepresolve.figures.table1 import plot_comparison
from deepresolve.method.attribution import (
    AUTHORS_DEEPMOTIF,
    ENHANCED_DEEPMOTIF,
    GRAD_CAM,
    GRADIENT_X_INPUT,
)

from .png_checks import assert_png_drawn

REST = "wgEncodeAwgTfbsHaibGm12878NrsfPcr1xUniPk"
REST_DEEPBIND = "REST_GM12878_NRSF_HudsonAlpha"


def ranked_rows(experiment: str, known_p: list[float], order: list[int]) -> pd.DataFrame:
    """A ranked-filter table of one experiment: filter i has TOMTOM p ``known_p[i]``; ``order``
    lists the filters best first. Strict hits are the filters with p < 1e-4."""
    known_p = np.asarray(known_p)
    ranks = np.empty(len(order), dtype=int)
    ranks[np.asarray(order)] = np.arange(1, len(order) + 1)
    return pd.DataFrame(
        {
            "experiment": experiment,
            "rank": ranks,
            "filter": np.arange(len(known_p)),
            "known_p": known_p,
            "known_target": "MA0001.1",
            "jaspar_E": np.where(known_p < 1e-4, 1e-3, 1.0),
            "jaspar_name": "TF",
            "tf_is_best_jaspar": known_p < 1e-4,
        }
    ).sort_values("rank")


# filters 0..5 per experiment; filter 0 matches at p 1e-6, filter 1 at 0.01, filter 2 at 0.2
P = [1e-6, 0.01, 0.2, 0.9, 0.9, 0.9]


def details() -> dict[str, pd.DataFrame]:
    """Four methods on planted rankings.

    DeepResolve ranks the match first in e1..e4 (and on e5, e6 that only it and eDM cover);
    Grad-CAM ranks it first in e1, e2 and fourth (p 0.9 filters first) in e3, e4; gradient x
    input ranks filter 1 (p 0.01) first everywhere; eDM's PWMs match in e1 only.
    """
    with_sequences = ["e1", "e2", "e3", "e4"]
    everything = [*with_sequences, "e5", "e6"]
    tables = {
        DEEPRESOLVE: [ranked_rows(e, P, [0, 1, 2, 3, 4, 5]) for e in everything],
        GRAD_CAM: [
            ranked_rows(e, P, [0, 1, 2, 3, 4, 5] if e in ("e1", "e2") else [3, 4, 5, 0, 1, 2])
            for e in with_sequences
        ],
        GRADIENT_X_INPUT: [ranked_rows(e, P, [1, 0, 2, 3, 4, 5]) for e in with_sequences],
        ENHANCED_DEEPMOTIF: [
            ranked_rows(e, P[:5] if e == "e1" else [0.9] * 5, [0, 1, 2, 3, 4]) for e in everything
        ],
    }
    return {m: experiment_detail(pd.concat(t, ignore_index=True)) for m, t in tables.items()}


def test_comparison_table_counts_every_method_on_its_own_and_on_shared_experiments():
    table = comparison_table(details())
    ours = table[(table["source"] == "ours") & (table["statistic"] == "known")]

    def cell(method, coverage, threshold, k):
        row = ours[
            (ours["method"] == method)
            & (ours["coverage"] == coverage)
            & np.isclose(ours["threshold"], threshold)
        ]
        assert len(row) == 1, (method, coverage, threshold)
        return int(row.iloc[0][f"top{k}"]), int(row.iloc[0]["n_experiments"])

    assert cell(DEEPRESOLVE, ALL, 0.05, 1) == (6, 6)
    assert cell(DEEPRESOLVE, SHARED, 0.05, 1) == (4, 4)
    assert cell(GRAD_CAM, SHARED, 0.05, 1) == (2, 4)
    assert cell(GRAD_CAM, SHARED, 0.05, 3) == (2, 4)
    assert cell(GRAD_CAM, SHARED, 0.05, 5) == (4, 4)
    assert cell(GRADIENT_X_INPUT, SHARED, 0.05, 1) == (4, 4)  # p 0.01 < 0.05 counts
    assert cell(ENHANCED_DEEPMOTIF, ALL, 0.05, 5) == (1, 6)
    assert cell(ENHANCED_DEEPMOTIF, SHARED, 0.5, 3) == (1, 4)
    strict = table[(table["statistic"] == "strict") & (table["source"] == "ours")]
    gxi = strict[(strict["method"] == GRADIENT_X_INPUT) & (strict["coverage"] == SHARED)]
    assert gxi[["top1", "top3"]].iloc[0].tolist() == [0, 4]  # the strict hit is second
    # random order: 1 strict hit among 6 filters, top-1 -> 1/6 per experiment
    random_rows = table[table["method"] == f"random order ({DEEPRESOLVE})"]
    strict_random = random_rows[(random_rows["statistic"] == "strict")]
    assert strict_random.set_index("coverage").loc[ALL, "top1"] == pytest.approx(1.0, abs=0.01)
    paper = table[(table["source"] == "paper") & (table["method"] == ENHANCED_DEEPMOTIF)]
    assert set(paper["top1"]) == {PAPER_TABLE1[ENHANCED_DEEPMOTIF][(1, t)] for t in (0.5, 0.05)}
    markdown = methods_markdown(table, {"note": "planted"})
    assert "## Coverage: the experiments with sequences" in markdown
    assert "note: planted" in markdown


def test_claims_pass_and_fail_with_numbers_on_equal_ground():
    claims = check_claims(details())
    assert list(claims.columns) == list(CLAIM_COLUMNS)
    assert len(claims) == 10  # 6 Grad-CAM, 2 gradient x input, 2 eDM: none dropped
    grad_cam = claims[claims["claim"].str.contains("Grad-CAM")]
    assert grad_cam["n_experiments"].eq(4).all()
    assert grad_cam["passed"].tolist() == [True] * 6  # 4 >= 2, 4 >= 2, 4 >= 4
    gxi = claims[claims["claim"].str.contains("gradient x input")].set_index("threshold")
    assert gxi.loc[0.5, "passed"] and gxi.loc[0.05, "passed"]
    edm = claims[claims["claim"].str.contains("six times")].set_index("ground")
    assert edm.loc[ALL, ["n_experiments", "deepresolve", "other"]].tolist() == [6, 6, 1]
    assert edm.loc[ALL, "passed"]  # 6 >= 6 x 1
    assert not edm.loc[SHARED, "passed"]  # 4 < 6 x 1
    assert edm.loc[ALL, "required"] == ">= 6 x 1 = 6"
    # the paper's own numbers (PAPER_TABLE1): 419 >= 6 x 69 and 368 >= 353 hold
    assert claims["paper_passed"].all()

    without_edm = {m: d for m, d in details().items() if m != ENHANCED_DEEPMOTIF}
    untested = check_claims(without_edm)
    assert len(untested) == 10
    assert untested.loc[untested["claim"].str.contains("six times"), "passed"].eq("").all()


def test_comparison_figure_has_both_panels():
    figure = plot_comparison(comparison_table(details()))
    left, right = figure.axes
    assert "n = 6" in left.get_title() and "n = 4" in right.get_title()
    # left: DeepResolve and eDM, ours + paper bars for 6 cells each; right: four methods
    assert len(left.patches) == 2 * 2 * 6
    assert len(right.patches) == 4 * 2 * 6


def test_experiment_sequences_errors(tmp_path):
    with pytest.raises(ValueError, match="sequence source 'fasta' is not one of"):
        experiment_sequences("fasta", tmp_path / "x")
    bad = tmp_path / "bad_B.seq.gz"
    with gzip.open(bad, "wt") as handle:
        handle.write("FoldID\tEventID\tseq\tBound\nA\tseq_1_peak\tACGN\t1\n")
    with pytest.raises(ValueError, match=r"bad_B.seq.gz, line 2: letter 'N'"):
        experiment_sequences("deepbind", bad)


@pytest.mark.shared_data("deepbind-encode", "published-422tf-models")
def test_published_rest_model_separates_its_deepbind_test_set(shared_data):
    from deepresolve.models.keras1 import load_keras1_model
    from deepresolve.models.training import model_auc

    data = shared_data
    X, labels = experiment_sequences(
        "deepbind", data / "deepbind-encode" / f"{REST_DEEPBIND}_B.seq.gz"
    )
    assert X.shape == (1000, 101, 4) and labels.sum() == 500
    model = load_keras1_model(data / "published-422tf-models" / REST, name=REST)
    # mapping.tsv of the shared data: 0.9645
    assert model_auc(model, X, labels) == pytest.approx(0.9645, abs=0.002)
    # bound sequences only: no AUC (NaN, written as null with a reason), not an error
    assert np.isnan(model_auc(model, X[labels == 1], labels[labels == 1]))


CTCF = "wgEncodeAwgTfbsBroadDnd41CtcfUniPk"
MAX = "wgEncodeAwgTfbsSydhH1hescMaxUcdUniPk"


@pytest.mark.shared_data(
    "published-422tf-models",
    "deepresolve-statistics",
    "zeng-motif-discovery",
    "deepbind-encode",
    "chipseq-example",
)
@pytest.mark.workflow
def test_four_methods_workflow_on_published_models_and_chipseq_experiments(shared_data, tmp_path):
    """Rule table1_methods end to end, one table: DeepResolve and eDM on three published models,
    Grad-CAM and gradient x input on the two with sequences (a Zeng file, a DeepBind file); all
    four on two ChIP-seq experiments (a CNN trained here on the CTCF example, its training
    files given by URL and checksum and taken from the mirror; a published model on its own
    Zeng test file). Then a config with other experiments writes its own table and reruns no
    job of the first; the first again has nothing to do (issue 21)."""
    import hashlib
    import json

    from deepresolve.config.validate import experiment_set_name

    from .workflow_helpers import run_workflow

    example = shared_data / "chipseq-example"
    # the training files by URL (an address nothing answers here), found in the mirror folder
    url = "http://127.0.0.1:9/Keras-genomics/example"
    sha = hashlib.sha256((example / "test.fa").read_bytes()).hexdigest()
    settings = f"""
table1:
  experiments: EXPERIMENTS
  models_mirror: {shared_data / "published-422tf-models"}
  authors_oniv: {{mirror: {shared_data / "deepresolve-statistics"}}}
  fim: {{n_runs: 4}}
  lambda_curve: [{{l2: 3.0, learning_rate: 0.01}}, {{l2: 0.5, learning_rate: 0.1, seed: 7}}]
table1_methods:
  deepmotif: {{n_runs: 6, max_steps: 300}}
  authors_deepmotif: {{n_random: 5, max_steps: 300}}
  n_sequences: 300
  deepbind_positives: B
  sequences:
    {CTCF}: {{source: zeng, part: test}}
    {REST}: {{source: deepbind, name: {REST_DEEPBIND}}}
"""
    chipseq = f"""
chipseq:
  zeng_mirror: {shared_data / "zeng-motif-discovery"}
  deepbind_mirror: {shared_data / "deepbind-encode"}
  experiments:
    {CTCF}: {{source: zeng, parts: [test], model: published}}
"""
    trained = f"""
    ctcf_example:
      source: fasta
      tf: CTCF
      model: trained
      mirror: {example}
      train: {{fasta: {url}/test.fa, fasta_sha256: {sha}, targets: {url}/test.target}}
      validation: {{fasta: {example / "valid.fa"}, targets: {example / "valid.target"}}}
"""
    first = tmp_path / "first.yaml"
    first.write_text(
        settings.replace("EXPERIMENTS", f"[{CTCF}, {REST}, {MAX}]") + chipseq + trained
    )
    workdir = tmp_path / "run"
    done = run_workflow(workdir, str(first), targets=("chipseq", "table1_methods"))
    assert done.returncode == 0, done.stderr[-5000:]
    # run_name null: the folder is named by the set of experiments
    name = experiment_set_name(
        {
            "table1.experiments": [CTCF, REST, MAX],
            "table1_methods.sequences": [CTCF, REST],
            "chipseq.experiments": [CTCF, "ctcf_example"],
        }
    )
    folder = workdir / "results/table1" / name
    results = folder / "methods"
    table = pd.read_csv(results / "table.tsv", sep="\t")
    ours = table[(table["source"] == "ours") & (table["statistic"] == "known")]
    n = ours.groupby(["method", "coverage"])["n_experiments"].first().to_dict()
    assert n[(DEEPRESOLVE, ALL)] == n[(ENHANCED_DEEPMOTIF, ALL)] == 3
    assert n[(DEEPRESOLVE, SHARED)] == n[(GRAD_CAM, SHARED)] == n[(GRADIENT_X_INPUT, ALL)] == 2
    assert n[(AUTHORS_DEEPMOTIF, ALL)] == 3
    assert {m: n[(m, CHIPSEQ)] for m in METHODS} == dict.fromkeys(METHODS, 2)
    sequences = pd.read_csv(results / "sequence_experiments.tsv", sep="\t")
    sequences = sequences.set_index("experiment")
    assert sequences.loc[REST, "auc"] == pytest.approx(0.9645, abs=0.002)  # mapping.tsv
    assert sequences["n_positives_used"].tolist() == [300, 300]
    assert sequences.loc[REST, "n_positives_available"] == 500  # the B file's peaks
    # the CTCF model: Grad-CAM's top filter matches CTCF (tests/test_attribution.py)
    assert sequences.loc[CTCF, f"top1_known_p {GRAD_CAM}"] < 0.05
    claims = pd.read_csv(results / "claims.tsv", sep="\t")
    assert len(claims) == 10 and set(claims["passed"].astype(str)) <= {"True", "False"}
    assert_png_drawn(results / "figure.png", min_size=(900, 300))
    markdown = (results / "table.md").read_text()
    assert "## Coverage: the experiments with sequences" in markdown
    assert "## Coverage: the ChIP-seq experiments" in markdown
    assert "ctcf_example (trained model, test AUC" in markdown
    # the trained CNN: test AUC >= 0.9, its top DeepResolve filter is JASPAR's CTCF
    fetched = workdir / "resources/chipseq/ctcf_example/train.fasta"
    assert fetched.read_bytes() == (example / "test.fa").read_bytes()
    metrics = json.loads((workdir / "results/chipseq/ctcf_example/metrics.json").read_text())
    assert metrics["test_auc"]["bound"] >= 0.9, metrics
    ranked = pd.read_csv(workdir / "results/chipseq/ctcf_example/methods_ranked.tsv", sep="\t")
    top = ranked[(ranked["method"] == DEEPRESOLVE) & (ranked["rank"] == 1)].iloc[0]
    assert top["jaspar_name"] == "CTCF" and top["tf_is_best_jaspar"], top
    # eDM's settings are table1_methods.deepmotif for published and ChIP-seq models alike
    assert (workdir / "results/chipseq/ctcf_example/deepmotif.meme").read_text().count(
        "MOTIF edm_"
    ) == 5
    pwms = folder / f"deepmotif/0/pwms/{MAX}.meme"
    assert pwms.read_text().count("MOTIF edm_") == 5
    # the authors' DM.py beside ours, the matching choices, the lambda curve with its seeds
    theirs = folder / f"authors_deepmotif/0/pwms/{MAX}.meme"
    assert theirs.read_text().count("MOTIF edm_") == 5
    runs = pd.read_csv(folder / "authors_deepmotif/0/runs.tsv", sep="\t")
    assert len(runs) == 3 and (runs["n_runs"] == 6).all()
    matching = pd.read_csv(folder / "matching.tsv", sep="\t")
    assert matching[["choice", "ranking"]].values.tolist() == [
        ["ours", "ours"],
        ["ours", "authors' ONIV"],
        ["authors_memelite", "ours"],
        ["authors_memelite", "authors' ONIV"],
    ]
    assert (matching["n_experiments"] == 3).all() and (matching["tfs_covered"] == 3).all()
    detail = pd.read_csv(folder / "detail.tsv", sep="\t")
    ours_row = matching.iloc[0]
    for k in (1, 3, 5):  # the "ours" choice recounts the Table 1 row
        for t in (0.5, 0.05):
            assert ours_row[f"top{k}_p<{t:g}"] == detail[f"top{k}_p<{t:g}"].sum()
    curve = pd.read_csv(folder / "lambda_curve.tsv", sep="\t")
    assert curve[["l2", "seed"]].values.tolist() == [[0.5, 7], [3.0, -1]]
    assert curve["closest"].sum() == 1
    protocol = pd.read_csv(results / "protocol_rows.tsv", sep="\t")
    rows = protocol[protocol["method"] == DEEPRESOLVE]["row"].tolist()
    assert rows[0] == "paper" and rows[-1] == "ours (default)" and len(rows) == 5
    edm = protocol[protocol["method"] == ENHANCED_DEEPMOTIF]["row"].tolist()
    assert edm == ["paper", "authors' protocol: their DM.py, our matching", "ours (default)"]

    # another config: no published models, one ChIP-seq experiment (done above), its own
    # run_name: its folder, and no job of the first reruns
    before = (results / "table.tsv").read_bytes()
    second = tmp_path / "second.yaml"
    second.write_text("run_name: second\n" + settings.replace("EXPERIMENTS", "[]") + chipseq)
    done = run_workflow(workdir, str(second), targets=("table1_methods",))
    assert done.returncode == 0, done.stderr[-5000:]
    assert re.findall(r"^(?:local)?rule (\w+):", done.stdout + done.stderr, flags=re.M) == [
        "table1_methods"
    ]
    other = pd.read_csv(workdir / "results/table1/second/methods/table.tsv", sep="\t")
    mine = (other["coverage"] == CHIPSEQ) & (other["source"] == "ours")
    assert set(other.loc[mine, "n_experiments"]) == {1}
    assert (results / "table.tsv").read_bytes() == before
    # the first config again: nothing to do
    plan = run_workflow(workdir, str(first), targets=("table1_methods", "-n"))
    assert plan.returncode == 0 and "Nothing to be done" in plan.stdout + plan.stderr, plan.stdout[
        -3000:
    ]


def test_four_methods_without_experiments_names_the_keys(tmp_path):
    from .workflow_helpers import run_workflow

    plan = run_workflow(tmp_path / "run", targets=("table1_methods", "-n"))
    assert plan.returncode != 0
    output = plan.stdout + plan.stderr
    assert (
        "config keys table1.experiments and chipseq.experiments (in_table1) are both empty"
        in output
    ), output[-3000:]
    bad = tmp_path / "bad.yaml"
    bad.write_text("table1_methods:\n  deepmotif:\n    n_runs: 3\n")
    plan = run_workflow(tmp_path / "run", str(bad), targets=("table1_methods", "-n"))
    assert plan.returncode != 0
    assert "deepmotif.n_best (5) is more than n_runs (3)" in plan.stdout + plan.stderr


@pytest.mark.shared_data("zeng-motif-discovery", "published-422tf-models")
def test_compare_methods_on_the_published_ctcf_model(shared_data):
    """All four methods on the Dnd41 CTCF model with its own test sequences: every method's
    first filter (eDM: first PWM) matches CTCF, and the model's test AUC is the published one."""
    from deepresolve.analyses.chipseq import tf_motif_rows
    from deepresolve.analyses.method_comparison import compare_methods
    from deepresolve.analyses.tf_models import build_motif_collection
    from deepresolve.datasets.chipseq_parts import TEST, assign_parts
    from deepresolve.datasets.zeng import read_zeng
    from deepresolve.models.keras1 import load_keras1_model
    from deepresolve.models.training import model_auc
    from deepresolve.motifs.jaspar import fetch_motifs

    data = shared_data
    experiment = "wgEncodeAwgTfbsBroadDnd41CtcfUniPk"
    model = load_keras1_model(data / "published-422tf-models" / experiment)
    zeng = read_zeng(data / "zeng-motif-discovery" / experiment / "test.data")
    seqs = assign_parts({"test": zeng}, validation_fraction=0.1, test_fraction=0.2, seed=0)
    test = seqs.part == TEST
    assert model_auc(model, seqs.X[test], seqs.labels[test]) > 0.85
    motifs = fetch_motifs()
    collection = build_motif_collection(
        tf_motif_rows({experiment: "CTCF"}, motifs, "JASPAR2026"), [experiment], "primary", motifs
    )
    ranked, edm = compare_methods(
        experiment,
        model,
        seqs,
        collection,
        fim_options={"n_runs": 5},
        n_sequences=300,
        deepmotif_options={"n_runs": 20},
        seed=0,
    )
    assert edm.shape == (5, 25, 4)
    counts = ranked.groupby("method").size().to_dict()
    assert counts == {
        "DeepResolve": 16,
        "Grad-CAM": 16,
        "gradient x input": 16,
        "enhanced DeepMotif": 5,
    }
    first = ranked[ranked["rank"] == 1].set_index("method")
    assert (first["known_p"] < 0.05).all(), first[["filter", "known_p"]]
    assert first.loc["DeepResolve", "tf_is_best_jaspar"]
