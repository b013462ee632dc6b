"""Run the real Snakefile in a scratch copy of the workflow files, so that the repository's own
``results/`` is never touched (tests/test_workflow.py, tests/test_slurm.py)."""

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SNAKEMAKE = Path(sys.executable).with_name("snakemake")
WORKFLOW_FILES = ["Snakefile", "workflow", "config", "scripts", "envs", "profiles"]


def run_workflow(
    workdir: Path,
    *extra: str,
    targets: tuple[str, ...] = (),
    cores: int | None = 2,
    timeout_s: int | None = None,
) -> subprocess.CompletedProcess:
    """Copy the workflow into ``workdir`` and run Snakemake there on config/test.yaml.

    ``extra`` follows ``--configfile config/test.yaml``, so it may start with more config files
    that override it. ``cores=None`` leaves ``--cores`` to a profile. ``timeout_s`` kills
    Snakemake after that many seconds (exit status 137): it ignores SIGTERM while it waits
    for cluster jobs.
    """
    workdir.mkdir(parents=True, exist_ok=True)
    for name in WORKFLOW_FILES:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, workdir / name, dirs_exist_ok=True)
        else:
            shutil.copy(src, workdir / name)
    command = [str(SNAKEMAKE), *targets]
    if cores is not None:
        command += ["--cores", str(cores)]
    command += ["--configfile", "config/test.yaml", *extra]
    if timeout_s is not None:
        command = ["timeout", "-s", "KILL", str(timeout_s), *command]
    return subprocess.run(command, cwd=workdir, capture_output=True, text=True)
