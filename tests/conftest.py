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


def system_installs_allowed() -> bool:
    """Whether a test may install Debian packages or write outside the checkout.

    Only in CI (``CI=true``, set by the CI runner) or when a user asks for it with
    ``DEEPRESOLVE_SYSTEM_TESTS=1``: a user's ``make test`` never runs apt-get or writes ``/etc``.
    """
    return os.environ.get("CI", "").lower() == "true" or os.environ.get(
        "DEEPRESOLVE_SYSTEM_TESTS", ""
    ) in {"1", "true", "yes"}


def require_system_installs(what: str) -> None:
    """Skip a test that would install system packages unless :func:`system_installs_allowed`."""
    if not system_installs_allowed():
        pytest.skip(
            f"{what} installs Debian packages; runs in CI (CI=true) or with "
            "DEEPRESOLVE_SYSTEM_TESTS=1"
        )
