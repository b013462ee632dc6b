"""The scripts under scripts/: those of the workflow's ``script:`` rules exist, and ruff's
``builtins = ["snakemake"]`` (pyproject.toml) hides nothing but the object Snakemake injects
into them, so that any other undefined name (a missing import) is ruff's F821 in ``make test``.

Importing the scripts here would add nothing: a rule's script runs at import, and ruff already
parses every one of them and names each undefined name (tests/test_files.py runs several with a
stand-in ``snakemake`` object).
"""

import json
import subprocess
import sys
from pathlib import Path

from .conftest import ROOT

RUFF = Path(sys.executable).with_name("ruff")
CHECKED = ["deepresolve", "scripts", "tests", "benchmarks"]  # as the Makefile's lint target


def rule_scripts(workflow_rules: dict[str, dict]) -> dict[str, str]:
    """Script path relative to the workflow copy's root -> the first rule that runs it."""
    scripts = {}
    for name, rule in workflow_rules.items():
        if rule["script"]:
            path = Path(rule["script"])
            scripts.setdefault(str(path.relative_to(path.parents[1])), name)
    return scripts


def test_every_rule_script_exists_under_scripts(workflow_rules):
    scripts = rule_scripts(workflow_rules)
    assert len(scripts) >= 30, scripts  # measured: 41 scripts of 42 script rules
    for script, rule in scripts.items():
        assert script.startswith("scripts/"), (rule, script)
        assert (ROOT / script).is_file(), f"rule {rule} runs {script}, which does not exist"


def test_only_rule_scripts_rely_on_the_snakemake_builtin(workflow_rules):
    """Without the builtin, F821 finds ``snakemake`` in the rules' scripts and nothing else."""
    done = subprocess.run(
        [RUFF, "check", "--config", "builtins = []", "--select", "F821"]
        + ["--output-format", "json", "--no-cache", *CHECKED],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    findings = json.loads(done.stdout)
    assert findings, "no F821 at all without the builtin: is ruff reading pyproject.toml?"
    scripts = rule_scripts(workflow_rules)
    for finding in findings:
        where = f"{Path(finding['filename']).relative_to(ROOT)}:{finding['location']['row']}"
        assert finding["message"] == "Undefined name `snakemake`", f"{where}: {finding['message']}"
        assert str(Path(finding["filename"]).relative_to(ROOT)) in scripts, (
            f"{where} uses `snakemake`, but no rule runs it with `script:`"
        )
