"""Every rule of the workflow executes for real somewhere in the test suite.

Each workflow run of the session (:func:`tests.workflow_helpers.run_workflow`) records the rules
of its jobs that finished (a dry run finishes none) in the session's registry; this test, moved
after all others (tests/conftest.py), compares them with ``snakemake --list-rules``. A rule that
never ran fails it, unless :data:`ALLOWED` names it with the reason it cannot run in a test.

When the session left out or skipped tests that run the workflow (``pytest -k``, one file, the
``workflow`` tests that need ``../shared/data`` or CI-only installs), a rule that did not run is
not a finding: the test skips and lists the rules left unverified and why.
"""

from pathlib import Path

import pytest

from .conftest import SUITE_RECORD, SuiteRecord
from .workflow_helpers import finished_rules, read_rule_registry, run_workflow

# Rules that no test runs for real, each with the reason. Keep it short: a rule that can run on
# tiny data belongs in a test instead.
ALLOWED: dict[str, str] = {}

# One job of a real `snakemake --cores 1` run (Snakemake 9), and a dry run's listing of the same.
RUN_OUTPUT = """\
[Thu Dec  3 18:48:28 2026]
localrule simulate:
    output: results/synthetic/I/dataset.npz
    jobid: 0
[Thu Dec  3 18:48:30 2026]
Finished jobid: 0 (Rule: simulate)
[Thu Dec  3 18:48:31 2026]
rule train:
    jobid: 1
RuleException: ... in rule train
"""
DRY_RUN_OUTPUT = """\
[Thu Dec  3 18:48:28 2026]
localrule simulate:
    jobid: 0
rule train:
    jobid: 1
Job stats:
job         count
--------  -------
simulate        1
train           1
This was a dry-run (flag -n). The order of jobs does not reflect the order of execution.
"""


def test_only_finished_jobs_count():
    """A job counts once Snakemake says it finished: not when it is listed, started or failed."""
    assert finished_rules(RUN_OUTPUT) == {"simulate"}
    assert finished_rules(DRY_RUN_OUTPUT) == set()


# One Table 1 experiment: the workflow then also has the rule that fetches its batch's models
# (published_models_batch_0; rules of the batches are made per config, one per table1 batch)
ONE_TABLE1_EXPERIMENT = 'table1={"experiments": ["wgEncodeAwgTfbsBroadDnd41CtcfUniPk"]}'


def workflow_rules(workdir: Path) -> set[str]:
    """The rule names of ``snakemake --list-rules`` (one per line, then its docstring) with
    :data:`ONE_TABLE1_EXPERIMENT`."""
    listed = run_workflow(workdir, "--list-rules", "--config", ONE_TABLE1_EXPERIMENT, cores=None)
    assert listed.returncode == 0, listed.stderr[-3000:]
    return {line.split()[0] for line in listed.stdout.splitlines() if line[:1].strip()}


def incomplete_session(record: SuiteRecord) -> list[str]:
    """Why this session may not have run every rule: tests marked `workflow` that skipped, were
    deselected or whose file was not collected (empty when every one of them ran)."""
    reasons = [
        f"{test} {outcome}"
        for test, outcome in sorted(record.workflow_outcomes.items())
        if outcome.startswith("skipped")
    ]
    if record.deselected:
        reasons.append(f"deselected: {', '.join(record.deselected)}")
    left_out = sorted(
        path.name
        for path in Path(__file__).parent.glob("test_*.py")
        if path.name not in record.collected_files and "mark.workflow" in path.read_text()
    )
    if left_out:
        reasons.append(f"files with workflow tests not in this session: {', '.join(left_out)}")
    return reasons


def test_every_rule_executes_in_the_suite(request, tmp_path):
    """Each rule of the workflow ran (a job finished) in this session, or is allow-listed."""
    record = request.config.stash[SUITE_RECORD]
    executed = read_rule_registry(record.registry)
    rules = workflow_rules(tmp_path / "list")
    for rule in sorted(rules):  # shown with pytest -s
        print(rule, "\t", ALLOWED.get(rule) or ", ".join(executed.get(rule, ["-"])))
    unknown = set(ALLOWED) - rules
    assert not unknown, f"ALLOWED names rules the workflow lacks: {unknown}"
    ran_anyway = {rule: executed[rule] for rule in ALLOWED if rule in executed}
    assert not ran_anyway, f"allow-listed rules ran, remove them from ALLOWED: {ran_anyway}"
    assert not set(executed) - rules, f"unknown rules recorded: {set(executed) - rules}"
    missing = sorted(rules - set(executed) - set(ALLOWED))
    if not missing:
        return
    reasons = incomplete_session(record)
    if reasons:
        pytest.skip(
            f"rules not verified in this session: {', '.join(missing)}; the session did not "
            "run every workflow test: " + "; ".join(reasons)
        )
    failed = [f"{test} {outcome}" for test, outcome in sorted(record.workflow_outcomes.items())]
    pytest.fail(
        f"{len(missing)} rules never executed in the test suite: {', '.join(missing)}. Run each "
        "in a test on tiny data (tests/workflow_helpers.run_workflow), or add it to ALLOWED in "
        f"{Path(__file__).name} with the reason it cannot run in a test."
        + (f" Workflow tests that failed: {'; '.join(failed)}" if failed else "")
    )
