"""Planning a run imports no TensorFlow: Snakemake parses the Snakefile and builds the DAG in every
call (each dry run, each run, each cluster submission), and TensorFlow with Keras costs about
5 CPU-seconds to import, more than the rest of the planning together. Only the jobs that compute
with a model import it."""

import sys

from .workflow_helpers import SNAKEMAKE, copy_workflow, snakemake

# Imported at planning time, any of these makes every Snakemake call seconds slower.
HEAVY = ("tensorflow", "keras", "sklearn", "matplotlib", "memelite", "numba")


def test_planning_the_test_config_imports_no_tensorflow(tmp_path):
    workdir = copy_workflow(tmp_path / "repo")
    # -X importtime lists every module the planning process imported (stderr)
    dry = snakemake(
        workdir,
        "all",
        "multiclass",
        "-n",
        "--configfile",
        "config/test.yaml",
        python=[sys.executable, "-X", "importtime", str(SNAKEMAKE)],
    )
    assert dry.returncode == 0, dry.stderr[-3000:]
    lines = [line for line in dry.stderr.splitlines() if line.startswith("import time:")]
    imported = {line.rsplit("|", 1)[1].strip() for line in lines}
    assert "snakemake.workflow" in imported and "deepresolve.config.validate" in imported
    heavy = sorted(name for name in imported if name.split(".")[0] in HEAVY)
    assert not heavy, f"planning imported {heavy[:10]}"
