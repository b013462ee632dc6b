"""The Python-version check the Makefile runs before it creates .venv (scripts/check_python.py)."""

import importlib.util
import subprocess
import sys
from pathlib import Path

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


def test_script_passes_with_this_interpreter_and_runs_before_venv_creation():
    result = subprocess.run([sys.executable, str(SCRIPT)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    recipe = (ROOT / "Makefile").read_text()
    assert recipe.index("scripts/check_python.py") < recipe.index("-m venv")
