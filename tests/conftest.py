"""Shared test helpers: the repository root and the shared real data (skipped when absent)."""

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def shared_data_dir() -> Path:
    """``$DEEPRESOLVE_SHARED_DATA`` or ``../shared/data`` beside the repository."""
    return Path(os.environ.get("DEEPRESOLVE_SHARED_DATA", ROOT.parent / "shared" / "data"))


@pytest.fixture
def shared_data() -> Path:
    folder = shared_data_dir()
    if not folder.is_dir():
        pytest.skip(f"shared data not found at {folder} (set DEEPRESOLVE_SHARED_DATA)")
    return folder
