"""tests/conftest.py's ``shared_data`` marker is exact: a test that reads the shared data
carries it (the fixture adds it), a test that reads it without the marker fails, and a marked
test is skipped, naming the folder, when a folder it names is absent.

Runs pytest on a small test file beside a copy of tests/conftest.py, with a shared data folder
of its own.
"""

import os
import shutil
import subprocess
import sys

from .conftest import ROOT

TESTS = """
import pytest

from conftest import shared_data_dir


def test_unmarked_reads():
    shared_data_dir()


def test_unmarked_ignores():
    assert True


@pytest.mark.shared_data("here")
def test_marked_reads():
    assert (shared_data_dir() / "here").is_dir()


def test_fixture(shared_data):
    assert (shared_data / "here").is_dir()


@pytest.mark.shared_data("here", "gone")
def test_missing_folder():
    raise AssertionError("runs although a folder it needs is absent")
"""


def run_pytest(folder, *arguments):
    env = dict(os.environ, DEEPRESOLVE_SHARED_DATA=str(folder / "data"))
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-rA", *arguments],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
    )


def test_marker_is_added_required_and_skips_with_the_folder(tmp_path):
    shutil.copy(ROOT / "tests" / "conftest.py", tmp_path / "conftest.py")
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")  # declares the markers
    (tmp_path / "test_cases.py").write_text(TESTS)
    (tmp_path / "data" / "here").mkdir(parents=True)

    done = run_pytest(tmp_path, "test_cases.py")
    lines = done.stdout.splitlines()
    outcome = {
        line.split()[1].split("::")[1]: line.split()[0]
        for line in lines
        if line.split()[:1] in (["PASSED"], ["FAILED"], ["SKIPPED"], ["ERROR"]) and "::" in line
    }
    assert outcome == {
        "test_unmarked_reads": "FAILED",
        "test_unmarked_ignores": "PASSED",
        "test_marked_reads": "PASSED",
        "test_fixture": "PASSED",
    }, done.stdout[-3000:]
    assert "test_unmarked_reads reads the shared data without the shared_data marker" in (
        done.stdout
    )
    skipped = next(line for line in lines if line.startswith("SKIPPED"))
    assert f"shared data not found at {tmp_path / 'data' / 'gone'}" in skipped, skipped

    selected = run_pytest(tmp_path, "test_cases.py", "-m", "shared_data", "--collect-only", "-q")
    assert sorted(line for line in selected.stdout.splitlines() if "::" in line) == [
        "test_cases.py::test_fixture",
        "test_cases.py::test_marked_reads",
        "test_cases.py::test_missing_folder",
    ], selected.stdout
