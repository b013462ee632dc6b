"""Run the real Snakefile in a scratch copy of the workflow files, so that the repository's own
``results/`` is never touched (tests/test_workflow.py, tests/test_slurm.py).

Every run also records which rules it executed (jobs that finished, so never a dry run's) in
the session's rule registry, the file named by ``$DEEPRESOLVE_EXECUTED_RULES`` (tests/conftest.py
makes one per pytest session); tests/test_rule_coverage.py checks that every rule ran.
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SNAKEMAKE = Path(sys.executable).with_name("snakemake")
WORKFLOW_FILES = ["Snakefile", "workflow", "config", "scripts", "envs", "profiles"]
RULE_REGISTRY = "DEEPRESOLVE_EXECUTED_RULES"
# Snakemake's line for a job that ended well (9.x: "Finished jobid: 3 (Rule: fim)"); a dry run
# lists its jobs ("rule fim:") but finishes none, and a failed job never gets this line.
FINISHED_JOB = re.compile(r"^Finished jobid: \d+ \(Rule: (\w+)\)\s*$", flags=re.M)


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
    for cluster jobs. The rules of the jobs that finished go to the rule registry.
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
    logs_before = snakemake_logs(workdir)
    done = subprocess.run(command, cwd=workdir, capture_output=True, text=True)
    new_logs = snakemake_logs(workdir) - logs_before
    record_executed_rules(
        [done.stderr, done.stdout, *(log.read_text(errors="replace") for log in new_logs)],
        workdir,
    )
    return done


def snakemake_logs(workdir: Path) -> set[Path]:
    """Snakemake's own logs in ``workdir``, one per call: .snakemake/log/<time>.snakemake.log."""
    return set((workdir / ".snakemake" / "log").glob("*.snakemake.log"))


def finished_rules(text: str) -> set[str]:
    """The rules of the jobs that Snakemake's output ``text`` reports finished."""
    return set(FINISHED_JOB.findall(text))


def record_executed_rules(texts: list[str], workdir: Path) -> None:
    """Append ``rule<TAB>test<TAB>workdir`` to the registry for every rule with a finished job
    in ``texts`` (Snakemake's stderr, stdout and the call's log files); nothing outside pytest.
    ``test`` is the pytest node (with "(setup)" when a fixture ran the workflow)."""
    registry = os.environ.get(RULE_REGISTRY)
    if not registry:
        return
    test = os.environ.get("PYTEST_CURRENT_TEST", "?")
    rules = set().union(*(finished_rules(text) for text in texts))
    with open(registry, "a") as out:
        out.writelines(f"{rule}\t{test}\t{workdir}\n" for rule in sorted(rules))


def read_rule_registry(path: Path) -> dict[str, list[str]]:
    """Rule -> the tests that executed it, in order, from a registry file (absent: empty)."""
    executed: dict[str, list[str]] = {}
    if path.is_file():
        for line in path.read_text().splitlines():
            rule, test, _ = line.split("\t")
            if test not in executed.setdefault(rule, []):
                executed[rule].append(test)
    return executed
