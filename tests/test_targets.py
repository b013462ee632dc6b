"""Named targets (workflow/rules/targets.smk) build their part of the analysis and nothing else.

Dry runs in a copy of the workflow files (never the checkout, whose finished runs would change
what is planned): they read the configs and build the DAG but write no result.
"""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.workflow_helpers import copy_workflow, snakemake

CTCF_HITS = "results/tf/wgEncodeAwgTfbsBroadDnd41CtcfUniPk/hits.tsv"
MULTICLASS_RULES = {
    "deepsea_random_model",
    "fim_chunk",
    "fim_merge",
    "multiclass_oniv",
    "multiclass_tables",
    "multiclass_dnase",
    "multiclass_figure",
    "multiclass",
}


@pytest.fixture
def workdir(request, tmp_path) -> Path:
    """A fresh copy of the workflow, with ``../shared/data`` for ``shared_data`` tests."""
    shared = request.node.get_closest_marker("shared_data") is not None
    return copy_workflow(tmp_path / "repo", shared=shared)


def planned_jobs(workdir: Path, *arguments: str) -> dict[str, int]:
    """Rule -> number of jobs of a dry run in ``workdir`` (Snakemake's job-stats table)."""
    done = snakemake(workdir, *arguments, "-n")
    assert done.returncode == 0, done.stderr[-3000:] + done.stdout[-3000:]
    table = done.stdout.split("Job stats:")[1].split("total")[0]
    return {rule: int(n) for rule, n in re.findall(r"^(\w+)\s+(\d+)\s*$", table, re.M)}


@pytest.mark.shared_data("deepsea")
def test_multiclass_target_plans_only_the_many_class_chain(workdir):
    jobs = planned_jobs(
        workdir, "multiclass", "--cores", "2", "--configfile", "config/deepsea.yaml"
    )
    assert set(jobs) == MULTICLASS_RULES  # no simulate/train/fim of the synthetic default
    assert jobs["fim_chunk"] == 10  # 919 classes in chunks of 100
    assert jobs["multiclass_figure"] == 5
    everything = planned_jobs(workdir, "--cores", "2", "--configfile", "config/deepsea.yaml")
    assert "simulate" in everything and "train" in everything


@pytest.mark.shared_data("zeng-motif-discovery")
def test_chipseq_target_builds_every_row_of_the_table(workdir):
    table_only = planned_jobs(
        workdir, "table1_methods", "--cores", "2", "--configfile", "config/chipseq.yaml"
    )
    jobs = planned_jobs(workdir, "chipseq", "--cores", "2", "--configfile", "config/chipseq.yaml")
    # the methods table trains the CTCF example only; the target also trains EZH2 (in_table1:
    # false), whose test AUC is a row of docs/chipseq.md's table
    assert jobs["train_chipseq"] == table_only["train_chipseq"] + 1
    assert "simulate" not in jobs and "table1_methods" in jobs
    # known motifs per experiment: a config with other experiments never rewrites an input of
    # this config's chipseq_methods jobs (issue 21)
    assert table_only["chipseq_known_motifs"] == table_only["chipseq_methods"] > 1


def test_empty_config_block_names_the_key(workdir):
    done = snakemake(workdir, "multiclass", "--cores", "1", "-n")
    assert done.returncode == 1
    assert "config key multiclass.models is empty" in done.stdout + done.stderr


# Snakemake's own process in a dry run: its module list after parsing and building the DAG
LOADED_BY_PARSE = """
import json
import sys

from snakemake.cli import main

try:
    main(sys.argv[1:])
except SystemExit as end:
    code = end.code
heavy = [name for name in ("tensorflow", "keras", "matplotlib") if name in sys.modules]
print("PARSE", json.dumps({"code": code, "heavy": heavy}))
"""


@pytest.mark.shared_data("published-422tf-models")
def test_parse_of_a_per_tf_rerun_imports_no_tensorflow(workdir):
    # the Snakefile is parsed in Snakemake's own process before any job: a TensorFlow import
    # there (via deepresolve.analyses.multiclass at DAG time) cost every run ~6 CPU-s (issue 22)
    done = subprocess.run(
        [sys.executable, "-c", LOADED_BY_PARSE, CTCF_HITS, "--cores", "1", "-n"]
        + ["--configfile", "config/table1.yaml"],
        cwd=workdir,
        capture_output=True,
        text=True,
    )
    (line,) = [x for x in done.stdout.splitlines() if x.startswith("PARSE ")]
    parse = json.loads(line.removeprefix("PARSE "))
    assert parse["code"] in (0, None), done.stderr[-3000:]
    assert "tf_deepresolve" in done.stdout  # the DAG was built: the rerun's job is planned
    assert parse["heavy"] == [], f"the parse imported {parse['heavy']}"
