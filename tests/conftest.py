"""Shared test helpers: the repository root and the shared real data (skipped when absent)."""

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def shared_data_dir() -> Path:
    """``$DEEPRESOLVE_SHARED_DATA`` or ``../shared/data`` beside the repository."""
    return Path(os.environ.get("DEEPRESOLVE_SHARED_DATA", ROOT.parent / "shared" / "data"))


def require_shared_data(subfolder: str = "") -> Path:
    """The shared data folder, or skip the test saying where it was looked for."""
    folder = shared_data_dir()
    if not (folder / subfolder).is_dir():
        pytest.skip(f"shared data not found at {folder / subfolder} (set DEEPRESOLVE_SHARED_DATA)")
    return folder


@pytest.fixture
def shared_data() -> Path:
    return require_shared_data()
