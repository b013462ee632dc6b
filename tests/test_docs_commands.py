"""Every Snakemake and script command the docs show runs exactly as written.

The commands come from README.md, docs/*.md and config/README.md (and from the header comments
``#   snakemake ...`` of config/*.yaml and profiles/*/config.yaml): shell code blocks (```bash,
```sh, ```shell, ```console or a block without a language; backslash continuations joined,
``#`` comments and ``$`` prompts dropped) and inline code spans (a span may wrap over lines), each
one that starts with ``snakemake``, ``python scripts/`` or ``scripts/...py`` (after optional
``VAR=value`` assignments). Placeholders such as ``<experiment>`` are filled from
``PLACEHOLDERS``; a placeholder the test does not know fails it, so that a new one is a choice.

How each command is run, in a copy of the repository's files in a temporary folder (without the
checkout's ``results/``, ``resources/``, ``logs/``, ``.snakemake/``: what a fresh clone has;
``../shared`` beside it links to the shared data, as beside the checkout), with this
environment's ``bin`` (``.venv/bin``) first on ``PATH``:

- A ``snakemake`` command that would run jobs gets ``-n`` (a dry run) appended: every workflow
  target here takes from about 20 s (a per-TF rerun) to hours, far beyond this test's budget of
  about a minute for all commands. A dry run still parses the command line, loads and validates
  every config file, reads the class-names and motif tables, and builds the whole DAG, so a wrong
  argument order, a missing file or a config that the schema refuses fails it. A command that
  runs no jobs (``-n``, ``--dag``, ``--summary``, ``--lint``, ``--list-rules``, ...) runs as
  written. Cluster-profile commands are dry runs too: no job is submitted.
- A script runs as written; the scripts documented are quick.
- Skipped, with the reason: commands that need the internet, a finished run (``--report``,
  ``scripts/record.py keep`` / ``compare``), a SLURM cluster's ``conda`` where there is none, or
  data that is absent (``../shared``).

Besides running them, every ``snakemake`` command (run or skipped) is parsed with Snakemake's own
argument parser: each ``--configfile`` must name an existing file (a target written after
``--configfile`` is read as a config file: ``FileNotFoundError: 'table1'``), and there is an
explicit ``--cores`` unless a profile sets the jobs. No command may call ``.venv/bin/...``: the
docs state once that the environment is activated.

``pytest tests/test_docs_commands.py -s`` prints every command with its exit status and seconds.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from .conftest import ROOT, shared_data_dir
from .workflow_helpers import copy_checkout

DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")), ROOT / "config" / "README.md"]
# Config files and profiles show their command in a header comment: "#   snakemake ..."
HEADERS = [*sorted((ROOT / "config").glob("*.yaml")), *sorted((ROOT / "profiles").glob("*/*.yaml"))]
VENV_BIN = Path(sys.executable).parent
SHARED_DATA = shared_data_dir()  # read while collecting; commands that use it are marked
SHELL_FENCES = {"", "bash", "sh", "shell", "console"}
COMMAND = re.compile(
    r"^(?:[A-Z_][A-Z0-9_]*=\S*\s+)*(?:\.venv/bin/)?"
    r"(?:snakemake(?:\s|$)|python3?\s+scripts/[\w./-]+\.py(?:\s|$)|scripts/[\w./-]+\.py(?:\s|$))"
)
PLACEHOLDERS = {
    "<experiment>": "wgEncodeAwgTfbsBroadDnd41CtcfUniPk",
    "<b>": "0",
    "<config>": "config/chipseq.yaml",
}
# Options after which Snakemake runs no job: such commands run as written.
NO_JOBS = {
    "-n",
    "--dry-run",
    "--dryrun",
    "--dag",
    "--rulegraph",
    "--filegraph",
    "--summary",
    "-S",
    "--detailed-summary",
    "-D",
    "--lint",
    "--list-rules",
    "--list",
    "-l",
    "--list-target-rules",
    "--lt",
    "--report",
}
# Scripts whose defaults read ../shared/data (or $DEEPRESOLVE_SHARED_DATA).
SHARED_DATA_SCRIPTS = {"scripts/make_checksums.py"}
TIMEOUT_S = 120  # per command; the slowest dry run here takes a few seconds
RESULTS: list[tuple[str, str, float | None]] = []  # (command, status, seconds) for the summary


@dataclass(frozen=True)
class DocCommand:
    """One command as a reader sees it: the page and line, and the text to paste."""

    source: str
    line: int
    text: str

    @property
    def label(self) -> str:
        return f"{self.source}:{self.line}"


def strip_comment(line: str) -> str:
    """The line without a trailing shell comment (a ``#`` outside quotes after a blank)."""
    quote = None
    for index, char in enumerate(line):
        if quote:
            quote = None if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "#" and (index == 0 or line[index - 1].isspace()):
            return line[:index].rstrip()
    return line.rstrip()


def shell_lines(block: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Commands of a shell code block: continuations joined, comments and prompts dropped."""
    commands: list[tuple[int, str]] = []
    pending, first = "", 0
    for number, raw in block:
        line = strip_comment(raw.strip())
        if not pending:
            first = number
            if line.startswith("$ "):
                line = line[2:]
        if line.endswith("\\"):
            pending += line[:-1].rstrip() + " "
            continue
        text = " ".join((pending + line).split())
        pending = ""
        if text:
            commands.append((first, text))
    return commands


def documented_commands() -> list[DocCommand]:
    """Every snakemake / script command of the docs, in reading order."""
    found: list[DocCommand] = []
    for path in DOCS:
        if not path.exists():
            continue
        source = str(path.relative_to(ROOT))
        lines = path.read_text().splitlines()
        prose: list[tuple[int, str]] = []
        fence, block = None, []
        for number, line in enumerate(lines, start=1):
            marker = re.match(r"^\s*```+\s*(\S*)", line)
            if marker and fence is None:
                fence, block = marker.group(1).lower(), []
                continue
            if marker and fence is not None:
                if fence in SHELL_FENCES:
                    for first, text in shell_lines(block):
                        found.append(DocCommand(source, first, text))
                fence = None
                continue
            if fence is not None:
                block.append((number, line))
            else:
                prose.append((number, line))
        found += inline_commands(source, prose)
    for path in HEADERS:
        source = str(path.relative_to(ROOT))
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            comment = re.match(r"^#\s{2,}(\S.*)$", line)
            if comment:
                found.append(DocCommand(source, number, " ".join(comment.group(1).split())))
    return [command for command in found if COMMAND.match(command.text)]


def inline_commands(source: str, prose: list[tuple[int, str]]) -> list[DocCommand]:
    """Inline code spans of the prose (a span may wrap over lines; whitespace collapsed)."""
    text = "\n".join(line for _, line in prose)
    starts = [0]
    for _, line in prose:
        starts.append(starts[-1] + len(line) + 1)
    spans = []
    for match in re.finditer(r"(?<!`)`([^`]+)`(?!`)", text):
        offset = match.start()
        index = max(i for i, start in enumerate(starts[:-1]) if start <= offset)
        words = match.group(1).split()
        # a bare `snakemake` or `scripts/x.py` in a sentence names the tool, and `snakemake ...`
        # a kind of command: neither is a command to run
        if (len(words) > 1 or words[:1] == ["python"]) and "..." not in match.group(1):
            spans.append(DocCommand(source, prose[index][0], " ".join(words)))
    return spans


def git_mode(path: str) -> str | None:
    """The file mode git records for ``path`` (what a fresh clone gets), or None outside git."""
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        return None
    listed = subprocess.run(
        ["git", "ls-files", "--stage", "--", path], cwd=ROOT, capture_output=True, text=True
    )
    return listed.stdout.split()[0] if listed.returncode == 0 and listed.stdout else None


def fill_placeholders_or_none(text: str) -> str | None:
    """``text`` with its placeholders filled, or None when one is unknown."""
    try:
        return fill_placeholders(text)
    except AssertionError:
        return None


def fill_placeholders(text: str) -> str:
    for placeholder, value in PLACEHOLDERS.items():
        text = text.replace(placeholder, value)
    unknown = re.findall(r"<[a-z_]+>", text)
    assert not unknown, (
        f"placeholder(s) {unknown} in `{text}`: add a value to PLACEHOLDERS in {__file__}"
    )
    return text


def snakemake_words(text: str) -> list[str] | None:
    """The arguments after ``snakemake`` (None for other commands)."""
    words = shlex.split(text.split("|")[0].split(">")[0])
    while words and re.match(r"^[A-Z_][A-Z0-9_]*=", words[0]):
        words = words[1:]
    if not words or Path(words[0]).name != "snakemake":
        return None
    return words[1:]


def skip_reason(text: str) -> str | None:
    """Why a command cannot run here, or None."""
    words = snakemake_words(text) or shlex.split(text)
    if "config/chipseq_all.yaml" in words:
        return (
            "needs the internet: the Zeng files of all 422 experiments "
            "(config written by scripts/make_chipseq_config.py)"
        )
    for segment in text.split("|")[1:]:  # programs a pipeline feeds, e.g. `| dot -Tsvg`
        program = segment.split()[0] if segment.split() else ""
        if program and shutil.which(program) is None:
            return f"needs `{program}`, which is not installed here"
    if "scripts/record.py" in words and {"compare", "keep"}.intersection(words):
        return (
            "needs the record of a finished run (results/record/); tests/test_workflow.py::"
            "test_numbers_record_the_finished_run runs it on the test config's run"
        )
    if "--report" in words:
        return (
            "needs the results of a finished run; tests/test_workflow.py::"
            "test_report_holds_every_figure_and_table runs it on the test config's run"
        )
    if "scripts/record.py" in words and {"keep", "compare"}.intersection(words):
        return (
            "needs the record of a finished `snakemake numbers` run (results/record/<name>); "
            "tests/test_record.py runs keep and compare on a record it writes"
        )
    if "profiles/slurm" in words and shutil.which("conda") is None:
        return "profiles/slurm deploys conda environments, even in a dry run, and conda is absent"
    if reads_shared_data(text) and not SHARED_DATA.is_dir():
        return f"needs the shared data (../shared/data, here {SHARED_DATA})"
    return None


def reads_shared_data(text: str) -> bool:
    """Whether a command reads ``../shared`` (itself, through a config file or a script)."""
    words = snakemake_words(text) or shlex.split(text)
    configs = any("../shared" in config for config in config_texts(words))
    return configs or "../shared" in text or bool(SHARED_DATA_SCRIPTS.intersection(words))


def with_marks(command: DocCommand):
    """``command`` as a test parameter, marked ``shared_data`` when it reads the shared data."""
    text = fill_placeholders_or_none(command.text) or command.text
    marks = [pytest.mark.shared_data] if reads_shared_data(text) else []
    return pytest.param(command, marks=marks, id=command.label)


def config_texts(words: list[str]) -> list[str]:
    """Contents of the config files a command names (to see whether they use ../shared)."""
    texts = []
    for word in words:
        path = ROOT / word
        if word.endswith((".yaml", ".yml")) and path.is_file():
            texts.append(path.read_text())
    return texts


def to_run(text: str) -> str:
    """The command line to run: as written, with ``-n`` appended where it would run jobs."""
    words = snakemake_words(text)
    if words is None or NO_JOBS.intersection(words):
        return text
    return f"{text} -n"


COMMANDS = documented_commands()
# each distinct command runs once (a config header often repeats its page's command)
FIRST: dict[str, DocCommand] = {}
for _command in COMMANDS:
    FIRST.setdefault(_command.text, _command)
RUNS = list(FIRST.values())


@pytest.fixture(scope="module")
def repo_copy(tmp_path_factory) -> Path:
    """The checkout's files without its run state (results/, resources/, logs/, .snakemake/,
    .venv/), with ../shared beside."""
    base = tmp_path_factory.mktemp("docs-commands")
    copy = copy_checkout(base / "repo")
    if SHARED_DATA.is_dir():
        (base / "shared").mkdir()
        (base / "shared" / "data").symlink_to(SHARED_DATA)
    return copy


@pytest.fixture(scope="module", autouse=True)
def summary():
    """Print every command with its exit status and time (``-s`` shows it)."""
    yield
    print("\n\ndocumented commands (status, seconds, command as run):")
    for command, status, seconds in RESULTS:
        took = "" if seconds is None else f"{seconds:6.1f} s"
        print(f"  {status:<8} {took:>8}  {command}")


def test_docs_show_commands():
    """The extractor finds the commands of the pages (guards against a silent regex break)."""
    texts = [command.text for command in COMMANDS]
    assert any(t.startswith("snakemake table1 ") for t in texts), texts
    assert any(t.startswith("snakemake multiclass ") for t in texts), texts
    assert any("scripts/make_checksums.py" in t for t in texts), texts
    assert len(COMMANDS) >= 15, texts


@pytest.mark.parametrize("command", COMMANDS, ids=[c.label for c in COMMANDS])
def test_command_follows_the_conventions(command):
    """Activated environment, and for Snakemake: existing config files, explicit --cores."""
    assert not command.text.startswith(".venv/bin/") and " .venv/bin/" not in command.text, (
        f"{command.label}: write `{command.text.replace('.venv/bin/', '')}` (the docs activate "
        "the environment once: source .venv/bin/activate)"
    )
    words = snakemake_words(fill_placeholders(command.text))
    if words is None:
        script = next(w for w in shlex.split(command.text) if w.startswith("scripts/"))
        assert os.access(ROOT / script, os.X_OK), f"{script} is documented but not executable"
        assert (ROOT / script).read_text().startswith("#!"), f"{script} has no shebang"
        assert git_mode(script) in {None, "100755"}, (
            f"git records {script} as {git_mode(script)}: `git update-index --chmod=+x {script}`"
        )
        return
    from snakemake.cli import get_argument_parser

    parsed = get_argument_parser().parse_args(words)
    for config in parsed.configfile or []:
        made_by_script = str(config).endswith("chipseq_all.yaml")
        assert made_by_script or (ROOT / config).is_file(), (
            f"{command.label}: --configfile reads {config!s} as a config file; put targets "
            "before --configfile (it takes several files)"
        )
    assert parsed.cores is not None or parsed.profile or NO_JOBS.intersection(words), (
        f"{command.label}: `{command.text}` needs an explicit --cores (or a profile)"
    )


def run_line(line: str, workdir: Path) -> tuple[subprocess.CompletedProcess, float]:
    """Run one command line with bash in ``workdir``, ``.venv/bin`` first on PATH."""
    env = dict(os.environ, PATH=f"{VENV_BIN}{os.pathsep}{os.environ['PATH']}")
    env["VIRTUAL_ENV"] = str(VENV_BIN.parent)
    start = time.perf_counter()
    done = subprocess.run(
        ["bash", "-c", line],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
    )
    return done, time.perf_counter() - start


@pytest.fixture(scope="module")
def outcomes(repo_copy) -> dict:
    """Command line -> (finished process, seconds) of every runnable command, two at a time.

    Dry runs only warn about (never take) Snakemake's lock of the folder, so they can share it;
    two workers halve the wall time on a 2-core CI machine. Lines that run the same script run
    one after the other, in sorted order, so that a script's writing form
    (``make_checksums.py``) never races its checking form (``make_checksums.py --check``).
    """
    lines = set()
    for command in RUNS:
        filled = fill_placeholders_or_none(command.text)
        if filled is not None and skip_reason(filled) is None:
            lines.add(to_run(filled))
    groups: dict[str, list[str]] = {}
    for line in sorted(lines):
        groups.setdefault(script_of(line) or line, []).append(line)

    def run_group(group: list[str]) -> dict:
        return {line: run_line(line, repo_copy) for line in group}

    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = [pool.submit(run_group, group) for group in groups.values()]
    return {line: done for future in futures for line, done in future.result().items()}


def script_of(line: str) -> str | None:
    """The ``scripts/...`` file a command line runs, or None for a Snakemake command."""
    return next((word for word in shlex.split(line) if word.startswith("scripts/")), None)


@pytest.mark.parametrize("command", [with_marks(c) for c in RUNS])
def test_command_runs_as_written(command, outcomes):
    text = fill_placeholders(command.text)
    reason = skip_reason(text)
    if reason:
        RESULTS.append((text, "skipped", None))
        pytest.skip(f"`{text}`: {reason}")
    line = to_run(text)
    done, seconds = outcomes[line]
    RESULTS.append((line, f"rc {done.returncode}", seconds))
    assert done.returncode == 0, (
        f"{command.label}: `{line}` exited with {done.returncode}\n"
        f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    )
