"""The workflow on a genuine single-node SLURM cluster with one fake GPU.

``.ci/slurm/up.sh`` starts munged, slurmctld and slurmd on this machine (installing the Debian
packages first if needed, as root) and ``.ci/slurm/down.sh`` stops exactly those daemons again.
The workflow runs through ``snakemake --profile profiles/slurm-ci`` with GPUs switched on, so the
training and FIM jobs ask SLURM for the fake GPU, and must give the numbers of a local run with
the same seed. The tests run only in CI (``CI=true``) or on request
(``DEEPRESOLVE_SYSTEM_TESTS=1``), since they install packages and write ``/etc/slurm``: a user's
``make test`` skips them, saying so. Where SLURM cannot be set up (not root, no apt-get, a SLURM
of its own already configured) every test skips, saying why; ``-m "not slurm"`` deselects them.
"""

import json
import re
import shutil
import subprocess
import threading
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
import yaml

from .conftest import require_system_installs
from .workflow_helpers import ROOT, run_workflow

pytestmark = [pytest.mark.slurm, pytest.mark.workflow]

UP = ROOT / ".ci/slurm/up.sh"
DOWN = ROOT / ".ci/slurm/down.sh"
CANNOT_SET_UP = 77  # up.sh's exit status where SLURM cannot be set up here
TIMEOUT_S = 300  # per Snakemake call; Snakemake ignores SIGTERM while it waits for SLURM
PROFILE = ("--profile", "profiles/slurm-ci")
GPU_RULES = {"train", "fim"}

# Dataset I on so few sequences, epochs and steps that a job is mostly the start-up of
# Snakemake and TensorFlow (the model is not meant to learn here), with GPUs switched on.
SMALL = """\
datasets: [I]
synthetic:
  I: {n_sequences: 1000, pattern_probability: 0.3}
training: {max_epochs: 3, patience: 2}
deepresolve: {n_runs: 2, max_steps: 100, lr_decay_start: 50}
gpu: {enabled: true, per_job: 1}
"""
# A step size that every check before the jobs accepts but that makes the ascent run away: the
# FIM job fails at run time (FIMDivergenceError). (A layer the model lacks no longer reaches a
# job: the workflow checks deepresolve.layer against the CNN's layers before any job.)
BAD_FIM = "deepresolve: {learning_rate: 1.0e+30}\n"
DIVERGED = "gradient ascent diverged"
TARGETS = ("results/synthetic/I/rep0/metrics.json", "results/synthetic/I/rep0/fim.npz")


@pytest.fixture(scope="module", autouse=True)
def system_installs_allowed_here():
    """Skip every test of this module before any fixture starts a cluster or a local run."""
    require_system_installs("the SLURM cluster test (.ci/slurm/up.sh also writes /etc/slurm)")


@pytest.fixture(scope="module")
def slurm_cluster(tmp_path_factory):
    state = tmp_path_factory.mktemp("slurm-state")
    try:
        up = subprocess.run([UP, state], capture_output=True, text=True, timeout=600)
        if up.returncode == CANNOT_SET_UP:
            pytest.skip(up.stderr.strip())
        assert up.returncode == 0, f"{UP} failed:\n{up.stdout}\n{up.stderr}"
        yield state
    finally:
        down = subprocess.run([DOWN, state], capture_output=True, text=True, timeout=120)
        assert down.returncode == 0, f"{DOWN} left daemons running:\n{down.stderr}"


@pytest.fixture(scope="module")
def settings(tmp_path_factory) -> SimpleNamespace:
    folder = tmp_path_factory.mktemp("settings")
    (folder / "small.yaml").write_text(SMALL)
    (folder / "bad_fim.yaml").write_text(BAD_FIM)
    return SimpleNamespace(small=str(folder / "small.yaml"), bad_fim=str(folder / "bad_fim.yaml"))


def submitted_jobs(done: subprocess.CompletedProcess) -> list[dict]:
    """Every job Snakemake submitted with sbatch: its rule, SLURM log and ``scontrol`` record
    (slurmctld keeps finished jobs for MinJobAge, 300 s)."""
    jobs = []
    found = re.findall(
        r"submitted with SLURM jobid (\d+) \(log: ([^\s)]+)\)", done.stdout + done.stderr
    )
    for jobid, log in found:
        shown = subprocess.run(
            ["scontrol", "show", "job", "--oneliner", jobid],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        record = dict(field.split("=", 1) for field in shown.split() if "=" in field)
        rule = re.search(r"/slurm_logs/rule_(\w+)/", log).group(1)
        jobs.append({"rule": rule, "log": Path(log), **record})
    return jobs


@pytest.fixture(scope="module")
def local_run_started(settings, tmp_path_factory) -> SimpleNamespace:
    """The local run of the same config, started in a thread before the SLURM runs: its jobs
    use the CPU while the SLURM runs wait on the scheduler (and it waits for nothing of
    theirs)."""
    workdir = tmp_path_factory.mktemp("local")
    started = SimpleNamespace(workdir=workdir, done=None)

    def run():
        started.done = run_workflow(workdir, settings.small, targets=TARGETS, timeout_s=TIMEOUT_S)

    started.thread = threading.Thread(target=run, name="slurm-test-local-run")
    started.thread.start()
    yield started
    started.thread.join()


@pytest.fixture(scope="module")
def slurm_runs(slurm_cluster, settings, local_run_started, tmp_path_factory) -> SimpleNamespace:
    """A first run whose FIM job fails (its ascent diverges), then a rerun with the good config."""
    workdir = tmp_path_factory.mktemp("slurm")
    common = {"targets": TARGETS, "cores": None, "timeout_s": TIMEOUT_S}
    failed = run_workflow(workdir, settings.small, settings.bad_fim, *PROFILE, **common)
    failed_jobs = submitted_jobs(failed)
    failed_fim_log = (workdir / "logs/synthetic/I/rep0/fim.log").read_text()
    resumed = run_workflow(workdir, settings.small, *PROFILE, **common)
    return SimpleNamespace(
        workdir=workdir,
        failed=failed,
        failed_jobs=failed_jobs,
        failed_fim_log=failed_fim_log,
        resumed=resumed,
        resumed_jobs=submitted_jobs(resumed),
    )


@pytest.fixture(scope="module")
def local_run(local_run_started) -> Path:
    local_run_started.thread.join()
    done = local_run_started.done
    assert done is not None, "the local run's thread ended without a result"
    assert done.returncode == 0, done.stderr[-5000:]
    return local_run_started.workdir


def test_jobs_run_as_sbatch_jobs_and_gpu_rules_get_the_fake_gpu(slurm_runs):
    assert slurm_runs.resumed.returncode == 0, slurm_runs.resumed.stderr[-5000:]
    jobs = slurm_runs.failed_jobs + slurm_runs.resumed_jobs
    assert [job["rule"] for job in jobs] == ["simulate", "train", "fim", "fim", "fim"]
    for job in jobs:
        assert job["NodeList"] == "localhost", job
        assert job["Comment"].startswith(f"rule_{job['rule']}_"), job
        assert job["log"].is_file(), job
        if job["rule"] in GPU_RULES:
            assert job["TresPerJob"] == "gres:gpu:1", job
            assert job["NumCPUs"] == "2", job  # the rule's threads, as in the local run
        else:
            assert "gpu" not in job.get("TresPerJob", ""), job
    states = [(job["rule"], job["JobState"]) for job in jobs]
    assert states == [
        ("simulate", "COMPLETED"),
        ("train", "COMPLETED"),
        ("fim", "FAILED"),
        ("fim", "FAILED"),
        ("fim", "COMPLETED"),
    ]
    # SLURM bound the fake GPU to the jobs; CPU TensorFlow says it cannot use it
    logs = slurm_runs.workdir / "logs/synthetic/I/rep0"
    for rule in GPU_RULES:
        log = (logs / f"{rule}.log").read_text()
        assert "no GPU visible to TensorFlow (CUDA_VISIBLE_DEVICES=0)" in log, log


def test_outputs_equal_a_local_run_with_the_same_seed(slurm_runs, local_run):
    assert slurm_runs.resumed.returncode == 0, slurm_runs.resumed.stderr[-5000:]
    ours = slurm_runs.workdir / "results/synthetic/I/rep0"
    theirs = local_run / "results/synthetic/I/rep0"
    for name in ["../dataset.npz", "fim.npz"]:  # one dataset per dataset, FIMs per network
        a, b = np.load(ours / name), np.load(theirs / name)
        assert a.files == b.files
        for key in a.files:
            np.testing.assert_array_equal(a[key], b[key], err_msg=f"{name}: {key}")
    for name in ["metrics.json"]:
        assert json.loads((ours / name).read_text()) == json.loads((theirs / name).read_text())
    assert (ours / "history.tsv").read_text() == (theirs / "history.tsv").read_text()


def test_failed_job_names_its_logs_and_is_retried(slurm_runs):
    failed = slurm_runs.failed
    assert failed.returncode == 1, failed.stderr[-5000:]  # not 137: killed by the timeout
    out = failed.stdout + failed.stderr
    fim_jobs = [job for job in slurm_runs.failed_jobs if job["rule"] == "fim"]
    assert len(fim_jobs) == 2, "retries: 1 of the profile resubmits the failed job once"
    assert "Trying to restart job" in out
    assert "Error in rule fim:" in out
    for job in fim_jobs:
        # the rule's log and the SLURM job's log, both kept
        assert f"log: logs/synthetic/I/rep0/fim.log, {job['log']} (check log file(s)" in out, out
        assert DIVERGED in job["log"].read_text()
    assert DIVERGED in slurm_runs.failed_fim_log


def test_rerun_resumes_from_what_finished(slurm_runs):
    resumed = slurm_runs.resumed
    assert resumed.returncode == 0, resumed.stderr[-5000:]
    assert [job["rule"] for job in slurm_runs.resumed_jobs] == ["fim"]
    out = resumed.stdout + resumed.stderr
    assert "rule simulate:" not in out and "rule train:" not in out


def write_profile(workdir: Path, **default_resources) -> tuple[str, str]:
    """profiles/slurm-ci with more default resources, as profiles/changed in ``workdir``."""
    profile = yaml.safe_load((ROOT / "profiles/slurm-ci/config.yaml").read_text())
    profile["default-resources"].update(default_resources)
    (workdir / "profiles/changed").mkdir(parents=True)
    (workdir / "profiles/changed/config.yaml").write_text(yaml.safe_dump(profile))
    return ("--profile", "profiles/changed")


@pytest.mark.parametrize(
    ("case", "reason"),
    [
        ("more_gpus_than_the_node_has", "Requested node configuration is not available"),
        ("missing_partition", "Invalid partition name specified"),
    ],
)
def test_impossible_request_fails_at_submission_with_slurms_reason(
    slurm_runs, settings, tmp_path, case, reason
):
    """The FIM job again, in a copy of the finished run: it cannot be submitted; Snakemake says
    why (sbatch's message), retries, and names the job's log."""
    workdir = tmp_path / case
    shutil.copytree(slurm_runs.workdir, workdir, symlinks=True)
    if case == "more_gpus_than_the_node_has":
        (tmp_path / "gpus.yaml").write_text("gpu: {enabled: true, per_job: 2}\n")
        extra = (str(tmp_path / "gpus.yaml"), *PROFILE)
    else:
        extra = write_profile(workdir, slurm_partition="no_such_partition")
    done = run_workflow(
        workdir,
        settings.small,
        *extra,
        "--forcerun",
        "fim",
        targets=("results/synthetic/I/rep0/fim.npz",),
        cores=None,
        timeout_s=TIMEOUT_S,
    )
    out = done.stdout + done.stderr
    assert done.returncode == 1, out[-5000:]
    assert "submitted with SLURM jobid" not in out
    assert out.count(f"Batch job submission failed: {reason}") == 2, out[-5000:]
    assert "Trying to restart job" in out
    assert "log: logs/synthetic/I/rep0/fim.log (check log file(s) for error details)" in out
