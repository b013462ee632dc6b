"""Shared test helpers: the repository root and the shared real data (skipped when absent).

A test reaches ``../shared/data`` only through the ``shared_data`` fixture or
:func:`shared_data_dir`, and only when it carries the ``shared_data`` marker:

- requesting the fixture adds the marker (``pytest -m shared_data`` selects exactly these);
- ``@pytest.mark.shared_data("deepsea", ...)`` names the folders (relative to the shared data
  folder) that the test needs: it is skipped, saying which is missing, when one is absent;
- :func:`shared_data_dir` called while an unmarked test is set up or runs fails that test, so a
  test that needs the shared data without the marker cannot be added silently.
"""

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
_RUNNING: list[pytest.Item] = []  # the test being set up, run or torn down


def shared_data_dir() -> Path:
    """``$DEEPRESOLVE_SHARED_DATA`` or ``../shared/data`` beside the repository.

    Fails the running test when it has no ``shared_data`` marker (outside a test, e.g. while
    collecting parameters, it only answers).
    """
    if _RUNNING and _RUNNING[-1].get_closest_marker("shared_data") is None:
        pytest.fail(
            f"{_RUNNING[-1].nodeid} reads the shared data without the shared_data marker: "
            "request the shared_data fixture or add @pytest.mark.shared_data(<folders>)",
            pytrace=False,
        )
    return Path(os.environ.get("DEEPRESOLVE_SHARED_DATA", ROOT.parent / "shared" / "data"))


def missing_shared_data(folders: tuple[str, ...] = ()) -> str | None:
    """Why the shared data (or one of ``folders`` in it) is unusable here, or None."""
    root = Path(os.environ.get("DEEPRESOLVE_SHARED_DATA", ROOT.parent / "shared" / "data"))
    for folder in ("", *folders):
        if not (root / folder).is_dir():
            return f"shared data not found at {root / folder} (set DEEPRESOLVE_SHARED_DATA)"
    return None


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The shared data folder (the ``shared_data`` marker, added for this fixture, skips the
    test when the folder or one the marker names is absent)."""
    return shared_data_dir()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that requests the ``shared_data`` fixture."""
    for item in items:
        uses = "shared_data" in getattr(item, "fixturenames", ())
        if uses and item.get_closest_marker("shared_data") is None:
            item.add_marker(pytest.mark.shared_data)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None):
    _RUNNING.append(item)
    try:
        yield
    finally:
        _RUNNING.pop()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Skip a ``shared_data`` test, naming the folder, when the data it needs is absent."""
    folders = tuple(f for m in item.iter_markers("shared_data") for f in m.args)
    if item.get_closest_marker("shared_data") is not None:
        reason = missing_shared_data(folders)
        if reason:
            pytest.skip(reason)


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


@pytest.fixture(scope="session")
def workflow_rules(tmp_path_factory) -> dict[str, dict]:
    """Each rule's script and container, as Snakemake loads the workflow (a copy of it)."""
    from .workflow_helpers import workflow_rules

    return workflow_rules(tmp_path_factory.mktemp("rules") / "repo")
