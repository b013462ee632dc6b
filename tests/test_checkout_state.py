"""The tests do not depend on the checkout's run state: tests/test_targets.py (the tests that plan
workflow runs) passes in a checkout where runs have finished, and leaves that state as it was.

A copy of the checkout gets the state that ``make run`` and ``snakemake multiclass --configfile
config/deepsea.yaml`` leave: one real job of the default run (simulate dataset I: ``results/``,
``logs/``, ``benchmarks/results/``, ``.snakemake/``), and every other output and log of both
runs' DAGs present (empty files, as Snakemake's ``--summary`` lists them; computing them would
take hours). Then ``pytest tests/test_targets.py`` runs inside the copy, whose tests take the copy
as their checkout. Against the former tests/test_targets.py (dry runs in the checkout itself) this
fails: neither ``simulate`` nor the multiclass chain is planned any more.
"""

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .workflow_helpers import RUN_STATE, copy_checkout, snakemake

# Runs whose state the copy gets: the default run (make run) and the documented multiclass run.
RUNS = [(), ("multiclass", "--configfile", "config/deepsea.yaml")]


def finish_without_computing(workdir: Path, run: tuple[str, ...], stamp: float) -> int:
    """Create every missing output and log of ``run``'s DAG as an empty file dated ``stamp``.

    Returns the number of files created.
    """
    summary = snakemake(workdir, *run, "--cores", "1", "--summary")
    assert summary.returncode == 0, summary.stderr[-3000:]
    created = 0
    for line in summary.stdout.splitlines()[1:]:  # output_file date rule log-file(s) status plan
        output, _, _, logs, *_ = line.split("\t")
        for name in [output, *("" if logs == "-" else logs).split(",")]:
            path = workdir / name.strip()
            if name.strip() and not path.exists():
                path.parent.mkdir(parents=True, exist_ok=True)
                path.touch()
                os.utime(path, (stamp, stamp))
                created += 1
    return created


def state_of(workdir: Path) -> dict[str, tuple[int, int]]:
    """Path -> (size, mtime in ns) of every file of the run state."""
    files = {}
    for name in RUN_STATE:
        top = workdir / name
        for path in [top] if top.is_file() else top.rglob("*"):
            if path.is_file():
                info = path.stat()
                files[str(path.relative_to(workdir))] = (info.st_size, info.st_mtime_ns)
    return files


@pytest.mark.shared_data("deepsea", "zeng-motif-discovery")
def test_planning_tests_pass_after_finished_runs(tmp_path):
    repo = copy_checkout(tmp_path / "repo", shared=True)
    real = snakemake(repo, "results/synthetic/I/label_noise.json", "--cores", "1")
    assert real.returncode == 0, real.stderr[-3000:]
    stamp = time.time() + 1  # after the real job's files: nothing downstream is outdated
    created = [finish_without_computing(repo, run, stamp) for run in RUNS]
    # measured: 274 and 29 files; then a dry run of either says "Nothing to be done"
    assert min(created) > 10, created
    before = state_of(repo)
    assert {"results", "logs", ".snakemake", "benchmarks"} <= {p.split("/")[0] for p in before}

    env = dict(os.environ, PYTHONPATH=str(repo), PYTHONDONTWRITEBYTECODE="1")
    tests = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "tests/test_targets.py"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
    )
    assert tests.returncode == 0, tests.stdout[-4000:] + tests.stderr[-2000:]
    n_tests = len(re.findall(r"^def test_", (repo / "tests/test_targets.py").read_text(), re.M))
    assert f"{n_tests} passed" in tests.stdout, tests.stdout[-2000:]
    assert "skipped" not in tests.stdout, tests.stdout[-2000:]
    assert state_of(repo) == before  # the tests neither wrote nor touched the run state
