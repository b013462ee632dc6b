"""End to end: the workflow on config/test.yaml, twice, gives the same numbers.

Runs the real Snakefile in a scratch copy of the workflow files, so the repository's own
``results/`` is never touched.
"""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
SNAKEMAKE = Path(sys.executable).with_name("snakemake")
WORKFLOW_FILES = ["Snakefile", "workflow", "config", "scripts", "envs"]


def run_workflow(workdir: Path, *extra: str) -> subprocess.CompletedProcess:
    workdir.mkdir(parents=True, exist_ok=True)
    for name in WORKFLOW_FILES:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, workdir / name, dirs_exist_ok=True)
        else:
            shutil.copy(src, workdir / name)
    return subprocess.run(
        [str(SNAKEMAKE), "--cores", "2", "--configfile", "config/test.yaml", *extra],
        cwd=workdir,
        capture_output=True,
        text=True,
    )


@pytest.fixture(scope="module")
def finished_run(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("run")
    done = run_workflow(workdir)
    assert done.returncode == 0, done.stderr[-5000:]
    return workdir


def test_every_target_and_log_exists(finished_run):
    results = finished_run / "results/synthetic"
    config_datasets = ["I", "II", "III", "IV"]
    for dataset in config_datasets:
        folder = results / dataset
        for name in ["dataset.npz", "model.keras", "metrics.json", "fim.npz", "oniv.tsv"]:
            assert (folder / name).stat().st_size > 0, f"{dataset}/{name}"
        assert (finished_run / f"logs/synthetic/{dataset}/fim.log").exists()
        assert list((folder / "figures").glob("*.png"))
    claims = pd.read_csv(results / "claims.tsv", sep="\t")
    assert set(claims["dataset"]) == set(config_datasets)
    assert claims["passed"].isin([True, False]).all()


def test_small_fast_models_learn_and_reproduce_figure_6_ordering(finished_run):
    """On config/test.yaml's small models: datasets I and IV are learnt, and the class similarity
    of dataset IV orders the classes as the paper's Figure 6 (checked in claims.json)."""
    results = finished_run / "results/synthetic"
    for dataset in ["I", "IV"]:
        aucs = json.loads((results / f"{dataset}/metrics.json").read_text())["test_auc"]
        assert min(aucs.values()) > 0.95, (dataset, aucs)
    claim = json.loads((results / "IV/claims.json").read_text())
    assert claim["passed"], claim
    assert claim["margin"] > 0.1, claim


def test_rerun_with_same_seed_is_identical(finished_run, tmp_path):
    again = run_workflow(tmp_path / "again")
    assert again.returncode == 0, again.stderr[-5000:]
    for dataset in ["I", "IV"]:
        first = json.loads((finished_run / f"results/synthetic/{dataset}/metrics.json").read_text())
        second = json.loads(
            (tmp_path / f"again/results/synthetic/{dataset}/metrics.json").read_text()
        )
        assert first["test_auc"] == second["test_auc"]
        a = pd.read_csv(finished_run / f"results/synthetic/{dataset}/oniv.tsv", sep="\t")
        b = pd.read_csv(tmp_path / f"again/results/synthetic/{dataset}/oniv.tsv", sep="\t")
        pd.testing.assert_frame_equal(a, b)


def test_bad_config_fails_before_any_job(tmp_path):
    workdir = tmp_path / "bad"
    done = run_workflow(workdir, "--config", "datasets=[V]")
    assert done.returncode != 0
    assert "datasets" in done.stderr and "allowed values" in done.stderr
    assert not (workdir / "results").exists()
