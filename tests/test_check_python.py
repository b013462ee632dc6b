"""The Python-version check the Makefile runs before it creates .venv (scripts/check_python.py)."""

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "check_python.py"


def load_check():
    spec = importlib.util.spec_from_file_location("check_python", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_pyproject_accepts_3_11_to_3_13_only():
    check = load_check()
    low, high = check.supported_range((ROOT / "pyproject.toml").read_text())
    for version in [(3, 11), (3, 12), (3, 13)]:
        assert check.version_problem(version, low, high) is None
    for version in [(3, 10), (3, 14), (2, 7)]:
        message = check.version_problem(version, low, high)
        assert f"Python {version[0]}.{version[1]}" in message
        assert "3.11 to 3.13" in message


def test_script_passes_with_this_interpreter():
    result = subprocess.run([sys.executable, str(SCRIPT)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


# A Python 3.10 for the Makefile: this interpreter reporting version 3.10; it logs every call.
OLD_PYTHON = """#!/bin/sh
echo "$@" >> "$(dirname "$0")/calls.log"
exec {python} -c '
import runpy, sys
sys.version_info = (3, 10, 14, "final", 0)
sys.argv = sys.argv[1:]
runpy.run_path(sys.argv[0], run_name="__main__")
' "$@"
"""


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_make_stops_an_old_python_before_creating_the_venv(tmp_path):
    """`make venv PYTHON=<a 3.10>` in a copy of the checkout's Makefile, pyproject.toml and
    script: the check names the versions that work, make stops, no .venv, nothing else ran."""
    (tmp_path / "scripts").mkdir()
    for name in ("Makefile", "pyproject.toml", "scripts/check_python.py"):
        shutil.copy(ROOT / name, tmp_path / name)
    fake = tmp_path / "bin" / "python3.10"
    fake.parent.mkdir()
    fake.write_text(OLD_PYTHON.format(python=sys.executable))
    fake.chmod(0o755)
    done = subprocess.run(
        ["make", "venv", f"PYTHON={fake}"], cwd=tmp_path, capture_output=True, text=True
    )
    assert done.returncode != 0
    assert "Python 3.10" in done.stderr and "3.11 to 3.13" in done.stderr, done.stderr
    assert not (tmp_path / ".venv").exists()
    assert (fake.parent / "calls.log").read_text().splitlines() == ["scripts/check_python.py"]
