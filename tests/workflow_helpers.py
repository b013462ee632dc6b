"""Run the real Snakefile in a scratch copy of the workflow files, so that no test reads or
writes the checkout's own run state (``results/``, ``resources/``, ``logs/``, ``.snakemake/``,
``benchmarks/results/``): tests/test_workflow.py, tests/test_targets.py, tests/test_slurm.py,
tests/test_docs_commands.py.

Every Snakemake call through :func:`snakemake` also records which rules it executed (jobs that
finished, so never a dry run's) in the session's rule registry, the file named by
``$DEEPRESOLVE_EXECUTED_RULES`` (tests/conftest.py makes one per pytest session);
tests/test_rule_coverage.py checks that every rule ran.
"""

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from .conftest import ROOT, RULE_REGISTRY, shared_data_dir

SNAKEMAKE = Path(sys.executable).with_name("snakemake")
WORKFLOW_FILES = ["Snakefile", "workflow", "config", "scripts", "envs", "profiles"]
# Snakemake's line for a job that ended well (9.x: "Finished jobid: 3 (Rule: fim)"); a dry run
# lists its jobs ("rule fim:") but finishes none, and a failed job never gets this line.
FINISHED_JOB = re.compile(r"^Finished jobid: \d+ \(Rule: (\w+)\)\s*$", flags=re.M)


# What runs leave in a checkout (paths relative to it) and tools' caches: never copied.
RUN_STATE = {"results", "resources", "logs", ".snakemake", "benchmarks/results", "report.html"}
NOT_COPIED = {".git", ".venv", *RUN_STATE}
CACHES = shutil.ignore_patterns("__pycache__", "*.egg-info", ".pytest_cache", ".ruff_cache")


def copy_workflow(workdir: Path, *, shared: bool = False) -> Path:
    """Copy the workflow files into ``workdir`` (created); with ``shared``, link the shared
    data beside it as ``../shared/data``, where the configs look for it (the test must carry
    the ``shared_data`` marker)."""
    workdir.mkdir(parents=True, exist_ok=True)
    for name in WORKFLOW_FILES:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, workdir / name, dirs_exist_ok=True, ignore=CACHES)
        else:
            shutil.copy(src, workdir / name)
    if shared:
        link_shared_data(workdir)
    return workdir


def copy_checkout(workdir: Path, *, shared: bool = False) -> Path:
    """Copy every file of the checkout into ``workdir`` except ``.git``, ``.venv``, the run
    state (``RUN_STATE``) and caches: what a fresh clone holds, plus uncommitted edits."""

    def ignore(folder: str, names: list[str]) -> set[str]:
        relative = Path(folder).relative_to(ROOT)
        skipped = {name for name in names if (relative / name).as_posix() in NOT_COPIED}
        return skipped | CACHES(folder, names)

    shutil.copytree(ROOT, workdir, ignore=ignore, symlinks=True)
    if shared:
        link_shared_data(workdir)
    return workdir


def link_shared_data(workdir: Path) -> None:
    """``workdir/../shared/data`` -> the shared data (config paths ``../shared/data/...``)."""
    (workdir.parent / "shared").mkdir(exist_ok=True)
    (workdir.parent / "shared" / "data").symlink_to(shared_data_dir())


def snakemake(
    workdir: Path,
    *arguments: str,
    timeout_s: int | None = None,
    test: str | None = None,
    env: dict[str, str] | None = None,
    on_start: Callable[[subprocess.Popen], None] | None = None,
    python: list[str] | None = None,
) -> subprocess.CompletedProcess:
    """Run this environment's Snakemake in ``workdir`` (stdout and stderr captured).

    ``timeout_s`` kills Snakemake after that many seconds (exit status 137): it ignores
    SIGTERM while it waits for cluster jobs. ``env``: Snakemake's environment (default: this
    process's, as it is now). ``on_start`` is called with the process once it started (in a
    session of its own, so that its process group can be stopped). The rules of the jobs that
    finished go to the rule registry (named by ``env``), under ``test`` (default: the running
    pytest node). ``python``: the command that starts Snakemake, e.g. with interpreter options
    (default: its entry point).
    """
    command = [*(python or [str(SNAKEMAKE)]), *arguments]
    if timeout_s is not None:
        command = ["timeout", "-s", "KILL", str(timeout_s), *command]
    logs_before = snakemake_logs(workdir)
    if on_start is None:
        done = subprocess.run(command, cwd=workdir, capture_output=True, text=True, env=env)
    else:
        with subprocess.Popen(
            command,
            cwd=workdir,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            start_new_session=True,
        ) as process:
            on_start(process)
            stdout, stderr = process.communicate()
        done = subprocess.CompletedProcess(command, process.returncode, stdout, stderr)
    new_logs = snakemake_logs(workdir) - logs_before
    record_executed_rules(
        [done.stderr, done.stdout, *(log.read_text(errors="replace") for log in new_logs)],
        workdir,
        test,
        env,
    )
    return done


RULES_SCRIPT = """
import json
from pathlib import Path

from snakemake.api import SnakemakeApi
from snakemake.settings.types import OutputSettings, ResourceSettings

with SnakemakeApi(OutputSettings()) as api:
    workflow = api.workflow(
        resource_settings=ResourceSettings(cores=1), snakefile=Path("Snakefile")
    )._workflow
    rules = {
        rule.name: {
            "script": str((Path(rule.basedir) / rule.script).resolve()) if rule.script else None,
            "container": rule.container_img,
        }
        for rule in workflow.rules
    }
print("RULES", json.dumps(rules))
"""


def workflow_rules(workdir: Path) -> dict[str, dict]:
    """Rule name -> ``script`` (absolute path in ``workdir``, or None) and ``container`` (image,
    or None), as Snakemake's API loads the workflow copied into ``workdir`` (config/config.yaml).
    """
    copy_workflow(workdir)
    done = subprocess.run(
        [sys.executable, "-c", RULES_SCRIPT], cwd=workdir, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-3000:]
    line = next(line for line in done.stdout.splitlines() if line.startswith("RULES "))
    return json.loads(line.removeprefix("RULES "))


def run_workflow(
    workdir: Path,
    *extra: str,
    targets: tuple[str, ...] = (),
    cores: int | None = 2,
    timeout_s: int | None = None,
    test: str | None = None,
    env: dict[str, str] | None = None,
    on_start: Callable[[subprocess.Popen], None] | None = None,
) -> subprocess.CompletedProcess:
    """Copy the workflow into ``workdir`` and run Snakemake there on config/test.yaml.

    ``extra`` follows ``--configfile config/test.yaml``, so it may start with more config files
    that override it. ``cores=None`` leaves ``--cores`` to a profile. ``timeout_s``, ``test``,
    ``env`` and ``on_start``: see :func:`snakemake`.
    """
    copy_workflow(workdir)
    arguments = list(targets)
    if cores is not None:
        arguments += ["--cores", str(cores)]
    arguments += ["--configfile", "config/test.yaml", *extra]
    return snakemake(
        workdir, *arguments, timeout_s=timeout_s, test=test, env=env, on_start=on_start
    )


def snakemake_logs(workdir: Path) -> set[Path]:
    """Snakemake's own logs in ``workdir``, one per call: .snakemake/log/<time>.snakemake.log."""
    return set((workdir / ".snakemake" / "log").glob("*.snakemake.log"))


def finished_rules(text: str) -> set[str]:
    """The rules of the jobs that Snakemake's output ``text`` reports finished."""
    return set(FINISHED_JOB.findall(text))


def record_executed_rules(
    texts: list[str], workdir: Path, test: str | None = None, env: dict[str, str] | None = None
) -> None:
    """Append ``rule<TAB>test<TAB>workdir`` to the registry (``$DEEPRESOLVE_EXECUTED_RULES`` of
    ``env``, default this process's environment) for every rule with a finished job in
    ``texts`` (Snakemake's stderr, stdout and the call's log files); nothing outside pytest.
    ``test`` defaults to the running pytest node (with "(setup)" when a fixture ran the
    workflow)."""
    registry = (os.environ if env is None else env).get(RULE_REGISTRY)
    if not registry:
        return
    test = test or os.environ.get("PYTEST_CURRENT_TEST", "?")
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
