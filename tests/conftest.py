"""Shared test helpers: the repository root and the shared real data (skipped when absent).

A test reaches ``../shared/data`` only through the ``shared_data`` fixture or
:func:`shared_data_dir`, and only when it carries the ``shared_data`` marker:

- requesting the fixture adds the marker (``pytest -m shared_data`` selects exactly these);
- ``@pytest.mark.shared_data("deepsea", ...)`` names the folders (relative to the shared data
  folder) that the test needs: it is skipped, saying which is missing, when one is absent;
- :func:`shared_data_dir` called while an unmarked test is set up or runs fails that test, so a
  test that needs the shared data without the marker cannot be added silently.
"""

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
import threading
from dataclasses import dataclass, field
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


def pytest_itemcollected(item: pytest.Item) -> None:
    """Mark every test that requests the ``shared_data`` fixture (before ``-m`` selects)."""
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


# --- rule coverage (tests/test_rule_coverage.py) ------------------------------------------------
# Every workflow run of the session appends the rules it executed to one registry file
# (tests/workflow_helpers.py); the session also notes what could keep a rule from running: tests
# marked `workflow` that skipped or failed, tests deselected, test files not collected.

COVERAGE_TEST = "test_rule_coverage.py"
#: the environment variable naming the session's rule registry file
RULE_REGISTRY = "DEEPRESOLVE_EXECUTED_RULES"


@dataclass
class SuiteRecord:
    """What this pytest session ran, for the rule-coverage test."""

    registry: Path
    collected_files: set[str] = field(default_factory=set)
    # node ids of the deselected tests marked `workflow`, and the outcome ("skipped: <reason>",
    # "failed (call)") of those that did not pass
    deselected: list[str] = field(default_factory=list)
    workflow_outcomes: dict[str, str] = field(default_factory=dict)


SUITE_RECORD = pytest.StashKey[SuiteRecord]()
PREVIOUS_REGISTRY = pytest.StashKey[str | None]()


def pytest_configure(config):
    """A fresh rule registry per session, named by $DEEPRESOLVE_EXECUTED_RULES."""
    folder = Path(tempfile.mkdtemp(prefix="deepresolve-rules-"))
    config.stash[SUITE_RECORD] = SuiteRecord(registry=folder / "executed_rules.tsv")
    config.stash[PREVIOUS_REGISTRY] = os.environ.get(RULE_REGISTRY)
    os.environ[RULE_REGISTRY] = str(folder / "executed_rules.tsv")


def pytest_unconfigure(config):
    if BACKGROUND_RUN in config.stash:
        config.stash[BACKGROUND_RUN].stop()
    if SUITE_RECORD not in config.stash:
        return
    shutil.rmtree(config.stash[SUITE_RECORD].registry.parent, ignore_errors=True)
    previous = config.stash[PREVIOUS_REGISTRY]
    if previous is None:
        os.environ.pop(RULE_REGISTRY, None)
    else:
        os.environ[RULE_REGISTRY] = previous


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """The tests that read the test config's full run (fixture ``finished_run``, started in the
    background at collection) run after the others, so that it runs beside them instead of being
    waited for; the rule-coverage test runs last (it reads what every test ran)."""
    items.sort(
        key=lambda item: (
            item.path.name == COVERAGE_TEST,
            "finished_run" in getattr(item, "fixturenames", ()),
        )
    )
    config.stash[SUITE_RECORD].collected_files |= {item.path.name for item in items}


def pytest_deselected(items):
    """Note the deselected tests marked `workflow` (-k, -m, --deselect, --lf)."""
    if items:
        record = items[0].config.stash[SUITE_RECORD]
        record.deselected += [item.nodeid for item in items if item.get_closest_marker("workflow")]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Note every test marked `workflow` that skipped (with its reason) or failed."""
    report = yield
    record = item.config.stash.get(SUITE_RECORD, None)
    if record is None or item.get_closest_marker("workflow") is None or report.passed:
        return report
    if report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        record.workflow_outcomes.setdefault(item.nodeid, f"skipped: {reason}")
    elif report.failed:
        record.workflow_outcomes.setdefault(item.nodeid, f"failed ({report.when})")
    return report


# --- the test config's full run, started early (fixture finished_run) ---------------------------
# The suite's largest workflow run (config/test.yaml, targets all and multiclass) starts in a
# thread as soon as the tests are chosen, when a chosen test needs it: its Snakemake jobs then
# use the core that the single-process tests before its first user leave idle.

FINISHED_RUN_TEST = "finished_run (started at collection, tests/conftest.py)"


@dataclass
class BackgroundRun:
    """A workflow run in a thread: ``workdir`` and, once it ended, its ``done`` process."""

    workdir: Path
    thread: threading.Thread | None = None
    process: subprocess.Popen | None = None
    done: subprocess.CompletedProcess | None = None
    error: BaseException | None = None

    def start(self, *targets: str) -> None:
        from .workflow_helpers import run_workflow

        # the environment as the session set it up, before any test changes it
        env = dict(os.environ)

        def run() -> None:
            try:
                self.done = run_workflow(
                    self.workdir,
                    targets=targets,
                    test=FINISHED_RUN_TEST,
                    env=env,
                    on_start=lambda process: setattr(self, "process", process),
                )
            except BaseException as error:  # re-raised in the test that waits for it
                self.error = error

        self.thread = threading.Thread(target=run, name="finished_run", daemon=True)
        self.thread.start()

    def wait(self) -> subprocess.CompletedProcess:
        """The finished process (waits for it); re-raises what the thread raised."""
        self.thread.join()
        if self.error is not None:
            raise self.error
        return self.done

    def stop(self) -> None:
        """Stop Snakemake and its jobs (its process group) if it still runs (the session ended
        early: -x, an interrupt, the waiting tests deselected by a failure)."""
        if self.thread is not None and self.thread.is_alive() and self.process is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            self.thread.join(timeout=30)


BACKGROUND_RUN = pytest.StashKey[BackgroundRun]()


def pytest_collection_finish(session):
    """Start the test config's full run when a chosen test uses ``finished_run``."""
    if session.config.option.collectonly:
        return
    if any("finished_run" in getattr(item, "fixturenames", ()) for item in session.items):
        workdir = session.config._tmp_path_factory.mktemp("run")
        session.config.stash[BACKGROUND_RUN] = BackgroundRun(workdir)
        session.config.stash[BACKGROUND_RUN].start("all", "multiclass")


@pytest.fixture(scope="session")
def finished_run(request) -> Path:
    """The folder of the test config's run of the default target and the named target
    ``multiclass`` (a part of it: no more jobs), started at collection."""
    run = request.config.stash[BACKGROUND_RUN]
    done = run.wait()
    assert done.returncode == 0, done.stderr[-5000:]
    return run.workdir
